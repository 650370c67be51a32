"""Large CSV files read a batch of records at a time, so memory does not grow with the file.

A household-registry stock extract for a whole province is 38 million rows and 6.35 GB of
GB18030: read whole, its bytes, its UTF-8 text and its parsed columns do not fit in 24 GB
together. :class:`CsvBatches` gives the same rows, record numbers, unreadable records, encoding
and notes as :func:`~jingzhun.ingest.readers.read_csv` on the whole file, as a sequence of
:class:`~jingzhun.ingest.readers.RawTable` batches:

1. a first pass over the bytes takes the SHA-256, checks UTF-8 and samples the non-ASCII lines
   for the encoding vote, exactly as :func:`~jingzhun.ingest.readers.decode_bytes` does on the
   whole file;
2. a second pass decodes piece by piece (pieces end at a line feed: in UTF-8 and GB18030 the
   byte 0x0A is never part of a character, so no character or line is cut) and feeds the UTF-8
   text to pyarrow's streaming CSV reader, which keeps quoted line breaks inside their record.

Record numbers: pyarrow numbers every record it reads, the unreadable ones included, and
reports the unreadable ones as it meets them. The readable rows of a batch get the numbers
that are left, counted from the start of the file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from jingzhun.contracts.model import Contract
from jingzhun.errors import IngestError
from jingzhun.ingest.readers import (
    _VOTE_SAMPLE,
    BadRecord,
    RawTable,
    _is_utf8,
    _vote,
    csv_options,
    decode_lines,
    decoding_notes,
    encoding_name,
    header_names,
    read_raw,
    sha256_bytes,
    undecodable,
    unparseable,
)

# CSV files larger than this are validated in batches (smaller ones are read whole).
BATCH_BYTES = 256 << 20
_PIECE_BYTES = 32 << 20  # bytes decoded at a time


def line_pieces(path: Path, size: int = _PIECE_BYTES) -> Iterator[bytes]:
    """The file's bytes in pieces of about ``size`` that end at a line feed (the last piece
    ends where the file does)."""
    with open(path, "rb") as fh:
        carry = b""
        while True:
            block = fh.read(size)
            if not block:
                if carry:
                    yield carry
                return
            buf = carry + block if carry else block
            cut = buf.rfind(b"\n") + 1
            if cut == 0:
                carry = buf
                continue
            carry = buf[cut:]
            yield buf[:cut]


@dataclass
class Survey:
    """What the first pass learns about a file."""

    sha256: str
    size: int
    bom: bool
    utf8: bool  # the whole file (after a BOM) is valid UTF-8
    primary: str  # the encoding lines are decoded in first when it is not

    @property
    def encoding(self) -> str:
        if self.utf8:
            return "utf-8-sig" if self.bom else "utf-8"
        return encoding_name(self.primary, self.bom)


def survey(path: Path, piece_bytes: int = _PIECE_BYTES) -> Survey:
    """SHA-256, size, BOM, UTF-8 validity and the encoding vote of a file, in one pass."""
    digest = hashlib.sha256()
    size = 0
    bom = False
    utf8 = True
    sample: list[bytes] = []
    for i, piece in enumerate(line_pieces(path, piece_bytes)):
        digest.update(piece)
        size += len(piece)
        body = piece
        if i == 0:
            bom = piece.startswith(codecs.BOM_UTF8)
            body = piece[len(codecs.BOM_UTF8):] if bom else piece
        if utf8 and not _is_utf8(body):
            utf8 = False
        if len(sample) < _VOTE_SAMPLE and not body.isascii():
            for line in body.splitlines(keepends=True):
                if not line.isascii():
                    sample.append(line)
                    if len(sample) >= _VOTE_SAMPLE:
                        break
    primary = "utf-8" if bom or utf8 else _vote(sample)
    return Survey(digest.hexdigest(), size, bom, utf8, primary)


class Utf8Stream(io.RawIOBase):
    """The file as UTF-8, decoded a piece at a time as :func:`decode_bytes` decodes the whole
    (BOM dropped; a piece that does not decode in the primary encoding goes line by line)."""

    def __init__(self, path: Path, found: Survey, piece_bytes: int = _PIECE_BYTES) -> None:
        super().__init__()
        self._found = found
        self._pieces = line_pieces(path, piece_bytes)
        self._buf = memoryview(b"")
        self._first = True
        self.bad_lines = 0  # lines marked as undecodable
        self.other_lines = 0  # lines read in the other encoding
        self.nonblank_decoded = False  # a piece with text decoded whole in the primary
        self.nonblank_lines = 0  # non-blank lines of the pieces decoded line by line

    def readable(self) -> bool:
        return True

    def head(self) -> bytes:
        """The start of the text (without consuming it)."""
        while not self._buf and self._fill():
            pass
        return bytes(self._buf[: 1 << 16])

    def _fill(self) -> bool:
        piece = next(self._pieces, None)
        if piece is None:
            return False
        if self._first:
            self._first = False
            if self._found.bom:
                piece = piece[len(codecs.BOM_UTF8):]
        self._buf = memoryview(self._convert(piece))
        return True

    def _convert(self, piece: bytes) -> bytes:
        found = self._found
        if found.utf8:
            return piece
        try:
            text = piece.decode(found.primary).encode("utf-8")
            self.nonblank_decoded = self.nonblank_decoded or bool(piece.strip())
            return text
        except UnicodeDecodeError:
            pass
        self.nonblank_lines += sum(1 for line in piece.splitlines() if line.strip())
        utf8, bad, other = decode_lines(piece.splitlines(keepends=True), found.primary)
        self.bad_lines += bad
        self.other_lines += other
        return utf8

    def readinto(self, out: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``out`` whole unless the text ends first: pyarrow takes a short read for the
        end of the file (a record was lost when pieces were shorter than its blocks)."""
        done = 0
        while done < len(out):
            if not self._buf and not self._fill():
                break
            n = min(len(out) - done, len(self._buf))
            out[done:done + n] = self._buf[:n]
            self._buf = self._buf[n:]
            done += n
        return done


class CsvBatches:
    """A CSV file as batches of :class:`RawTable` (see the module doc). ``notes`` is complete,
    and the whole-file encoding check done, once the batches have been read."""

    def __init__(self, path: Path, *, delimiter: str = ",", block_size: int = 64 << 20,
                 piece_bytes: int = _PIECE_BYTES) -> None:
        self.path = Path(path)
        self.delimiter = delimiter
        self.block_size = block_size
        self.piece_bytes = piece_bytes
        self.found = survey(self.path, piece_bytes)
        self.encoding = self.found.encoding
        self.header: list[str] = []
        self.notes: list[str] = []

    @property
    def sha256(self) -> str:
        return self.found.sha256

    def __iter__(self) -> Iterator[RawTable]:
        import pyarrow.csv as pcsv

        stream = Utf8Stream(self.path, self.found, self.piece_bytes)
        head = stream.head()
        names = header_names(head, self.delimiter)
        self.header = names
        if not names:
            self._finish(stream)
            return
        # pyarrow skips the header within its first block
        first_line = len(head.lstrip(b"\r\n").split(b"\n", 1)[0])
        block_size = max(self.block_size, 2 * first_line + 64)
        bad: list[BadRecord] = []
        try:
            reader = pcsv.open_csv(stream, **csv_options(names, self.delimiter, bad,
                                                         block_size=block_size))
        except (pa.ArrowInvalid, pa.ArrowException) as exc:
            self._finish(stream)
            raise unparseable(self.path, exc) from None
        good = 0  # readable rows so far
        sent = 0  # unreadable records handed out so far
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowInvalid, pa.ArrowException) as exc:
                self._finish(stream)  # a binary file says so rather than "cannot be parsed"
                if "straddl" in str(exc):
                    raise IngestError(
                        f"a record is longer than {block_size} bytes (a quote left open?)",
                        where=str(self.path),
                        fix="look for an unclosed quote near the end of the accepted rows, "
                            "or re-export the file") from None
                raise unparseable(self.path, exc) from None
            m = batch.num_rows
            records = record_numbers(good, m, [b.record for b in bad])
            upto = int(records[-1]) if m else 0
            take = sent
            while take < len(bad) and bad[take].record < upto:
                take += 1
            yield RawTable(pa.Table.from_batches([batch]), records, bad[sent:take],
                           self.encoding, header=names)
            good += m
            sent = take
        self._finish(stream)
        if sent < len(bad):
            empty = pa.table({n: pa.array([], pa.string()) for n in names})
            yield RawTable(empty, np.zeros(0, np.int64), bad[sent:], self.encoding,
                           header=names)

    def _finish(self, stream: Utf8Stream) -> None:
        """Decode what is left, then the whole-file checks: no line decodes (raises), lines
        in the other encoding (noted)."""
        while stream._fill():
            stream._buf = memoryview(b"")
        if (stream.bad_lines and not stream.nonblank_decoded
                and stream.bad_lines >= stream.nonblank_lines):
            raise undecodable(self.path)
        self.notes = decoding_notes(stream.other_lines, self.encoding)


def record_numbers(before: int, m: int, bad_records: list[int]) -> np.ndarray:
    """Record numbers (1-based) of readable rows ``before`` … ``before + m - 1`` (0-based
    among the readable rows), given the record numbers of the unreadable records known so far
    (ascending; later ones may be included and do not matter).

    >>> record_numbers(0, 4, [2, 3]).tolist()
    [1, 4, 5, 6]
    >>> record_numbers(2, 2, [2, 3, 9]).tolist()
    [5, 6]
    """
    g = np.arange(before, before + m, dtype=np.int64)
    if not bad_records:
        return g + 1
    b = np.asarray(bad_records, dtype=np.int64)
    readable_before = b - np.arange(len(b), dtype=np.int64) - 1  # readable rows before each
    return g + 1 + np.searchsorted(readable_before, g, side="right")


class RawBatches:
    """A file's records as text, in one :class:`RawTable` or, for a CSV file larger than
    ``batch_bytes``, in batches of about 128 MiB of text (:class:`CsvBatches`)."""

    def __init__(self, path: Path, contract: Contract, *, batch_bytes: int = BATCH_BYTES) -> None:
        fs = contract.files
        self.path = Path(path)
        self.reader: CsvBatches | None = None
        self._whole: RawTable | None = None
        try:
            if fs.format == "csv" and self.path.stat().st_size > batch_bytes:
                block = max(min(batch_bytes, 128 << 20), 16)
                self.reader = CsvBatches(self.path, delimiter=fs.delimiter, block_size=block,
                                         piece_bytes=max(block // 4, 16))
                self.sha256 = self.reader.sha256
                self.size = self.reader.found.size
            else:
                data = self.path.read_bytes()
                self.sha256, self.size = sha256_bytes(data), len(data)
                self._whole = read_raw(self.path, data, fs.format, delimiter=fs.delimiter,
                                       sheet=fs.sheet)
        except OSError as exc:
            raise IngestError(f"cannot read file: {exc.strerror or exc}", where=str(path),
                              fix="check that the file exists and is readable") from None

    @property
    def encoding(self) -> str | None:
        return self.reader.encoding if self.reader is not None else None

    def __iter__(self) -> Iterator[RawTable]:
        if self.reader is not None:
            yield from self.reader
        elif self._whole is not None:
            whole, self._whole = self._whole, None  # read once
            yield whole
