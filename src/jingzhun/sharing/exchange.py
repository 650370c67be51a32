"""The exchange: releases to departments and third parties, and a DCI-style registry search.

Pure library functions a web router or the CLI call with a workspace folder, a recipient (who
is asking, authenticated by the caller) and a stated purpose. A release:

1. is counted against the recipient's rate limit (every request is logged, refused or not);
2. needs a valid agreement for (recipient, purpose) naming the catalogued resource, unless the
   resource is unconditionally shared; ``not_shared`` resources are never released;
3. releases only the fields the agreement approves (asking for others is refused, naming
   them); direct identifiers never, sensitive items only where the agreement approves them;
4. replaces every identifier by its HMAC pseudonym for this recipient and purpose;
5. is logged with its fields and row count.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jingzhun.sharing.catalogue import Catalogue, Resource, load_catalogue
from jingzhun.sharing.errors import AccessDenied, SharingConfigError, SharingError
from jingzhun.sharing.ledger import Ledger
from jingzhun.sharing.pseudonym import derive_key, pseudonymise
from jingzhun.sharing.settings import SharingSettings

AGREEMENTS_FILE = "sharing_agreements.yaml"


class RateLimit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    requests: int = Field(60, ge=1)
    window_seconds: int = Field(60, ge=1)


class Agreement(BaseModel):
    """One sharing agreement (共享协议)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    recipient: str
    recipient_zh: str = ""
    purpose: str
    purpose_zh: str = ""
    basis: str
    valid_from: dt.date
    valid_to: dt.date
    rate_limit: RateLimit = Field(default_factory=RateLimit)
    sensitive_approved: bool = False
    search: bool = False
    consent_required: bool = True
    resources: dict[str, list[str]]


def load_agreements(root: Path | None = None, catalogue: Catalogue | None = None) -> list[Agreement]:
    """The workspace's agreements (``W/sharing_agreements.yaml``) or the shipped examples,
    checked against the catalogue: known resources and items, no direct identifiers, no
    not-shared resource, no sensitive item without ``sensitive_approved``."""
    cat = catalogue or load_catalogue()
    path = Path(root) / AGREEMENTS_FILE if root else None
    if path is not None and path.exists():
        text, where = path.read_text(encoding="utf-8"), str(path)
    else:
        text = resources.files("jingzhun.sharing").joinpath("agreements.yaml").read_text("utf-8")
        where = "jingzhun/sharing/agreements.yaml"
    raw = yaml.safe_load(text) or {}
    try:
        agreements = [Agreement.model_validate(a) for a in raw.get("agreements", [])]
    except ValidationError as exc:
        raise SharingConfigError("a sharing agreement is malformed", where=where,
                                 fix=str(exc)) from exc
    for a in agreements:
        for code, fields in a.resources.items():
            r = cat.get(code)
            if r is None:
                raise SharingConfigError(f"agreement {a.id} names unknown resource {code}",
                                         where=where, fix="use a code from 'jingzhun catalogue'")
            if r.sharing == "not_shared":
                raise SharingConfigError(
                    f"agreement {a.id} shares {code}, which is not shared (不予共享)", where=where,
                    fix="remove it, or change the catalogue's class with its legal basis")
            for f in fields:
                item = r.item(f)
                if item is None:
                    raise SharingConfigError(f"agreement {a.id}: {code} has no item {f!r}",
                                             where=where, fix="use the catalogue's item names")
                if item.direct:
                    raise SharingConfigError(
                        f"agreement {a.id} asks for direct identifier {f!r} of {code}", where=where,
                        fix="remove it; identifiers are released as pseudonyms only")
                if item.sensitive and not a.sensitive_approved:
                    raise SharingConfigError(
                        f"agreement {a.id} asks for sensitive item {f!r} of {code} without "
                        "sensitive_approved", where=where,
                        fix="set sensitive_approved: true after an impact assessment (PIPL Art. 55)")
    return agreements


def find_agreement(agreements: Sequence[Agreement], recipient: str, purpose: str,
                   today: dt.date) -> Agreement | None:
    for a in agreements:
        if a.recipient == recipient and a.purpose == purpose and a.valid_from <= today <= a.valid_to:
            return a
    return None


def approved_fields(r: Resource, agreement: Agreement | None) -> list[str]:
    """Fields of ``r`` a recipient may receive: the agreement's list, or for unconditional
    resources every item that is neither personal nor sensitive."""
    if r.sharing == "not_shared":
        return []
    if agreement is not None and r.code in agreement.resources:
        return [f for f in agreement.resources[r.code]
                if (it := r.item(f)) is not None and not it.direct
                and (agreement.sensitive_approved or not it.sensitive)]
    if r.sharing == "unconditional":
        return [i.name for i in r.items if not (i.personal or i.sensitive or i.direct)]
    return []


def resource_file(root: Path, r: Resource, period: str | None, pack: str | None = None) -> Path:
    """The Parquet file of a table resource for a period (latest when None) and policy pack."""
    if r.department is not None or "{name}" in r.path or not r.path.endswith(".parquet"):
        raise SharingError(f"resource {r.code} is not served by the exchange as one table",
                           where=r.path, fix="ask for a table resource such as JZ-IND-HOUSEHOLDS")
    if "{pack}" in r.path:
        if not pack or not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", pack):
            raise SharingError(f"resource {r.code} needs a policy pack", where=r.path,
                               fix="pass pack, e.g. cn-2021")
        r = r.model_copy(update={"path": r.path.replace("{pack}", pack)})
    if "{period}" in r.path:
        if period is None:
            files = sorted(root.glob(r.path.replace("{period}", "*")))
            if not files:
                raise SharingError(f"no file of {r.code} in the workspace", where=str(root / r.path),
                                   fix="run the stage that produces it")
            return files[-1]
        return root / r.path.replace("{period}", period)
    return root / r.path


class Release(BaseModel):
    release_id: str
    resource: str
    recipient: str
    purpose: str
    fields: list[str]
    pseudonymised: list[str]
    rows: int
    records: list[dict[str, Any]]


class Exchange:
    """Releases and searches on one workspace, logged in its ledger."""

    def __init__(self, root: Path | str, *, settings: SharingSettings | None = None,
                 ledger: Ledger | None = None, catalogue: Catalogue | None = None,
                 today: dt.date | None = None) -> None:
        self.root = Path(root)
        self.settings = settings or SharingSettings.load(self.root)
        self.catalogue = catalogue or load_catalogue()
        self.agreements = load_agreements(self.root, self.catalogue)
        self.ledger = ledger or Ledger.for_workspace(self.root, self.settings.ledger_url)
        self.today = today

    def _today(self) -> dt.date:
        return self.today or self.ledger.clock().date()

    def _refuse(self, exc: SharingError, *, recipient: str, purpose: str, resource: str,
                kind: str) -> SharingError:
        self.ledger.log(recipient=recipient, purpose=purpose, resource=resource, kind=kind,
                        outcome="refused", reason=str(exc))
        return exc

    def authorise(self, recipient: str, purpose: str, code: str, kind: str = "exchange",
                  ) -> tuple[Resource, Agreement | None, list[str]]:
        """Rate limit, agreement and class checks; the resource and the approved fields."""
        agreement = find_agreement(self.agreements, recipient, purpose, self._today())
        limit = agreement.rate_limit if agreement else RateLimit()
        try:
            self.ledger.check_rate(recipient, limit.requests, limit.window_seconds)
        except SharingError as exc:
            raise self._refuse(exc, recipient=recipient, purpose=purpose, resource=code,
                               kind=kind) from None
        r = self.catalogue.get(code)
        if r is None:
            raise self._refuse(SharingError(f"unknown resource {code}", where="catalogue",
                                            fix="see 'jingzhun catalogue' for codes"),
                               recipient=recipient, purpose=purpose, resource=code, kind=kind)
        fields = approved_fields(r, agreement)
        if not fields:
            why = ("不予共享 not shared" if r.sharing == "not_shared" else
                   f"no agreement of {recipient!r} for purpose {purpose!r} covers it")
            raise self._refuse(AccessDenied(
                f"resource {code} cannot be released to {recipient!r}: {why} / 无权获取",
                where=f"agreements ({AGREEMENTS_FILE})",
                fix="state the purpose of a valid agreement, or ask the data owner for one"),
                recipient=recipient, purpose=purpose, resource=code, kind=kind)
        return r, agreement, fields

    def release(self, recipient: str, purpose: str, code: str, *,
                fields: Sequence[str] | None = None, period: str | None = None,
                filters: dict[str, Any] | None = None, pack: str | None = None) -> Release:
        """Release the minimum fields of a table resource to ``recipient`` for ``purpose``."""
        r, agreement, approved = self.authorise(recipient, purpose, code)
        wanted = list(fields) if fields else approved
        extra = [f for f in wanted if f not in approved]
        if extra:
            raise self._refuse(AccessDenied(
                f"fields {extra} of {code} are outside what is approved for {purpose!r} / 超出批准字段",
                where=f"agreement {agreement.id if agreement else '(unconditional class)'}",
                fix=f"ask only for {approved}"), recipient=recipient, purpose=purpose,
                resource=code, kind="exchange")
        path = resource_file(self.root, r, period, pack)
        if not path.exists():
            raise SharingError(f"{code} has no file for period {period}", where=str(path),
                               fix="choose a period the workspace holds")
        df = pd.read_parquet(path)
        for col, value in (filters or {}).items():
            if col not in approved:
                raise self._refuse(AccessDenied(
                    f"filter on {col!r} is outside the approved fields", where=code,
                    fix=f"filter on one of {approved}"), recipient=recipient, purpose=purpose,
                    resource=code, kind="exchange")
            df = df[df[col].isin(value if isinstance(value, list) else [value])]
        out, pseudo = self.minimise(df, r, wanted, recipient, purpose)
        rid = self.ledger.log(recipient=recipient, purpose=purpose, resource=code, kind="exchange",
                              outcome="released", fields=wanted, rows=len(out),
                              details={"file": str(path.relative_to(self.root)),
                                       "agreement": agreement.id if agreement else None})
        return Release(release_id=rid, resource=code, recipient=recipient, purpose=purpose,
                       fields=wanted, pseudonymised=pseudo, rows=len(out), records=records_of(out))

    def minimise(self, df: pd.DataFrame, r: Resource, wanted: Sequence[str], recipient: str,
                  purpose: str) -> tuple[pd.DataFrame, list[str]]:
        """Only ``wanted`` columns; identifiers replaced by this recipient's pseudonyms."""
        out = pd.DataFrame(index=df.index)
        pseudo = []
        key: bytes | None = None
        for f in wanted:
            item = r.item(f)
            if item is None or item.direct:        # defence in depth; agreements are checked
                raise AccessDenied(f"item {f!r} of {r.code} is never released", where=r.code,
                                   fix="remove it from the request")
            if item.identifier:
                key = key or derive_key(self.settings.master_key(), recipient, purpose)
                out[f] = pseudonymise(df[f].tolist(), key)
                pseudo.append(f)
            else:
                out[f] = df[f]
        return out.reset_index(drop=True), pseudo


def records_of(df: pd.DataFrame) -> list[dict[str, Any]]:
    clean = df.astype(object).where(df.notna(), None)
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in clean.to_dict(orient="records")]


__all__ = ["Agreement", "Exchange", "Release", "approved_fields", "find_agreement",
           "load_agreements", "records_of", "resource_file"]
