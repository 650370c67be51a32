"""Synthetic ~15-column CSV for the ingestion benchmark (vectorised; no per-row Python)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from jingzhun.normalise.dates import civil_from_days
from jingzhun.normalise.idcard import CHECK_CHARS, WEIGHTS

HEADER = ["JLBH", "GMSFHM", "XM", "XB", "CSRQ", "XZQH", "DZ", "HZGX", "JE", "RKS", "DJRQ",
          "SFCJ", "BYYM", "MJ", "BZ"]


def _ids(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    area = rng.choice(np.array([520102, 520103, 522301, 522601]), n)
    days = rng.integers(-20000, 19000, n)
    y, m, d = civil_from_days(days)
    seq = rng.integers(0, 1000, n)
    first17 = np.char.add(
        np.char.add(area.astype(str), np.char.add(np.char.zfill(y.astype(str), 4),
                                                  np.char.add(np.char.zfill(m.astype(str), 2),
                                                              np.char.zfill(d.astype(str), 2)))),
        np.char.zfill(seq.astype(str), 3))
    digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(n, 17) - 48
    check = np.array(list(CHECK_CHARS))[(digits.astype(np.int64) @ WEIGHTS) % 11]
    return np.char.add(first17, check), days, seq


def write_perf_csv(path: Path, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    ids, days, seq = _ids(rng, n)
    y, m, d = civil_from_days(days)
    birth = np.char.add(np.char.add(y.astype(str), "-"), np.char.add(
        np.char.add(np.char.zfill(m.astype(str), 2), "-"), np.char.zfill(d.astype(str), 2)))
    names = np.array(["张三", "李四", "王 五", "买买提.艾力", "阿依古丽•吐尔逊", "刘洋"])[
        rng.integers(0, 6, n)]
    money = rng.integers(0, 10_000_000, n)
    money_txt = np.char.add(np.char.add((money // 100).astype(str), "."),
                            np.char.zfill((money % 100).astype(str), 2))
    cols = {
        "JLBH": np.char.add("R", np.arange(n).astype(str)),
        "GMSFHM": ids,
        "XM": names,
        "XB": np.where(seq % 2 == 1, "1", "2"),
        "CSRQ": birth,
        "XZQH": rng.choice(np.array(["520102", "520103001", "522301100200"]), n),
        "DZ": np.array(["贵阳市南明区某路1号", "遵义市红花岗区, 某村"])[rng.integers(0, 2, n)],
        "HZGX": rng.choice(np.array(["01", "02", "03", "99"]), n),
        "JE": money_txt,
        "RKS": rng.integers(1, 9, n).astype(str),
        "DJRQ": rng.choice(np.array(["2023年5月1日", "2023/05/01", "20230501"]), n),
        "SFCJ": rng.choice(np.array(["是", "否"]), n),
        "BYYM": rng.choice(np.array(["202401", "2024-01"]), n),
        "MJ": rng.choice(np.array(["1.5", "0", "12.25"]), n),
        "BZ": rng.choice(np.array(["", "无", "备注"]), n),
    }
    table = pa.table({k: pa.array(v.tolist() if v.dtype.kind == "U" else v)
                      for k, v in cols.items()})
    pcsv.write_csv(table, path)


if __name__ == "__main__":  # pragma: no cover
    import sys
    import time

    import yaml

    from jingzhun.contracts.loader import contract_from_dict
    from jingzhun.ingest import ingest_file

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/perf_202401.csv")
    if not out.exists():
        t0 = time.perf_counter()
        write_perf_csv(out, n)
        size = out.stat().st_size / 1e6
        print(f"wrote {n} rows in {time.perf_counter() - t0:.1f}s ({size:.0f} MB)")
    here = Path(__file__).parent / "contracts" / "perf.yaml"
    contract = contract_from_dict(yaml.safe_load(here.read_text(encoding="utf-8")), str(here))
    t0, c0 = time.perf_counter(), time.process_time()
    res = ingest_file(out, "perf/" + out.name, contract, "2024-01")
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"ingested {res.summary['rows_in']} rows in {dt:.2f}s wall, {cpu:.2f}s CPU: accepted "
          f"{res.summary['accepted']}, quarantined {res.summary['quarantined']}, "
          f"reasons {res.summary['reasons']}, warnings {res.summary['warnings']}")
