"""HMAC pseudonyms: stable per recipient and purpose, unrelated across them; the key is required."""

from __future__ import annotations

import pytest

from jingzhun.sharing.errors import SharingConfigError
from jingzhun.sharing.pseudonym import derive_key, pseudonym, pseudonymise
from jingzhun.sharing.settings import SharingSettings

MASTER = b"m" * 32
ID = "520102199001011234"


def test_known_value_is_fixed():
    # regression anchor: HMAC-SHA256 of the ID under the derived key, first 24 hex characters
    import hashlib
    import hmac

    k = hmac.new(MASTER, b"jingzhun-pseudonym\x1fcivil_affairs\x1fdibao_check", hashlib.sha256).digest()
    want = hmac.new(k, ID.encode(), hashlib.sha256).hexdigest()[:24]
    assert pseudonym(derive_key(MASTER, "civil_affairs", "dibao_check"), ID) == want


@pytest.mark.parametrize("a, b, same", [
    (("civil_affairs", "dibao_check"), ("civil_affairs", "dibao_check"), True),
    (("civil_affairs", "dibao_check"), ("health", "dibao_check"), False),
    (("civil_affairs", "dibao_check"), ("civil_affairs", "audit"), False),
])
def test_pseudonym_per_recipient_and_purpose(a, b, same):
    pa = pseudonym(derive_key(MASTER, *a), ID)
    pb = pseudonym(derive_key(MASTER, *b), ID)
    assert (pa == pb) is same
    assert len(pa) == 24 and ID not in pa


def test_missing_values_stay_missing():
    k = derive_key(MASTER, "r", "p")
    out = pseudonymise([ID, None, float("nan")], k)
    assert out[0] == pseudonym(k, ID) and out[1] is None and out[2] is None


@pytest.mark.parametrize("env, message", [
    (None, "no pseudonym key is set"),
    ("short", "at least 32"),
])
def test_key_is_required_and_long(monkeypatch, tmp_path, env, message):
    monkeypatch.delenv("JINGZHUN_SHARING_PSEUDONYM_KEY", raising=False)
    if env:
        monkeypatch.setenv("JINGZHUN_SHARING_PSEUDONYM_KEY", env)
    with pytest.raises(SharingConfigError, match=message):
        SharingSettings.load(tmp_path).master_key()


def test_key_never_read_from_settings_file(tmp_path, monkeypatch):
    monkeypatch.delenv("JINGZHUN_SHARING_PSEUDONYM_KEY", raising=False)
    (tmp_path / "sharing.yaml").write_text("pseudonym_key: " + "x" * 40 + "\n", encoding="utf-8")
    with pytest.raises(SharingConfigError, match="must not be written"):
        SharingSettings.load(tmp_path)
