"""Typed settings of data sharing (``W/sharing.yaml``, env ``JINGZHUN_SHARING_<FIELD>``).

The pseudonym key is a secret: it never has a default and is never written into a release.
Set it with the environment variable ``JINGZHUN_SHARING_PSEUDONYM_KEY`` (at least 32
characters) or point ``pseudonym_key_file`` at a file readable only by the service.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from jingzhun.settings import layered_values
from jingzhun.sharing.errors import SharingConfigError

ENV_PREFIX = "JINGZHUN_SHARING_"
SETTINGS_FILE = "sharing.yaml"
MIN_KEY_CHARS = 32


class SharingSettings(BaseModel):
    """Thresholds, budgets and secrets of one workspace's releases."""

    model_config = ConfigDict(extra="forbid")

    pseudonym_key: SecretStr | None = Field(
        None, description="master key of the HMAC pseudonyms (env only; never in a file in git)")
    pseudonym_key_file: str | None = Field(None, description="file holding the master key")
    small_cell_threshold: int = Field(10, ge=1, description="publish no count in 1..threshold-1")
    protection_ratio: float = Field(
        0.5, gt=0, le=1, description="a suppressed cell's interval must reach value ± ratio·value")
    k: int = Field(5, ge=2, description="k-anonymity of research microdata")
    l_diversity: int | None = Field(None, ge=2, description="ℓ-diversity on the sensitive item")
    epsilon_budget: float = Field(
        2.0, gt=0, description="total ε a dataset may spend over all its DP releases")
    alpha: float = Field(0.05, gt=0, lt=1, description="accuracy intervals hold with 1 - alpha")
    ledger_url: str | None = Field(
        None, description="SQLAlchemy URL of the release ledger (default: SQLite in outputs/sharing)")

    @classmethod
    def load(cls, workspace: Path | None = None, **overrides: object) -> SharingSettings:
        def no_key_in_file(loaded: dict, path: Path) -> None:
            if "pseudonym_key" in loaded:
                raise SharingConfigError(
                    "the pseudonym key must not be written in sharing.yaml", where=str(path),
                    fix=f"remove it; set {ENV_PREFIX}PSEUDONYM_KEY or pseudonym_key_file")

        path = Path(workspace) / SETTINGS_FILE if workspace is not None else None
        values = layered_values(path, ENV_PREFIX, cls.model_fields, overrides, SharingConfigError,
                                what="sharing.yaml", example="k: 5",
                                check_file=no_key_in_file)
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise SharingConfigError("invalid sharing settings",
                                     where=str(workspace or "environment"), fix=str(exc)) from exc

    def master_key(self) -> bytes:
        """The pseudonym master key; refuses to run without one or with a short one."""
        key: str | None = None
        if self.pseudonym_key is not None:
            key = self.pseudonym_key.get_secret_value()
        elif self.pseudonym_key_file:
            path = Path(self.pseudonym_key_file)
            try:
                key = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise SharingConfigError("cannot read the pseudonym key file", where=str(path),
                                         fix="check the path and its permissions") from exc
        if not key:
            raise SharingConfigError(
                "no pseudonym key is set, so identifiers cannot be pseudonymised",
                where=f"environment {ENV_PREFIX}PSEUDONYM_KEY / sharing.yaml pseudonym_key_file",
                fix=f"export {ENV_PREFIX}PSEUDONYM_KEY=$(python -c 'import secrets; "
                    "print(secrets.token_hex(32))') and keep it out of version control")
        if len(key) < MIN_KEY_CHARS:
            raise SharingConfigError(
                f"the pseudonym key has {len(key)} characters; at least {MIN_KEY_CHARS} are needed",
                where=f"{ENV_PREFIX}PSEUDONYM_KEY", fix="generate one with secrets.token_hex(32)")
        return key.encode("utf-8")


__all__ = ["SharingSettings"]
