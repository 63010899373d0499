"""Settings: every one documented, safe defaults, unsafe secrets refused."""

import re
from pathlib import Path

import pytest

from hxgy import config

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [name for name in config.SETTINGS if f"`{name}`" not in text]
    assert not missing, f"add these to docs/configuration.md: {missing}"


def test_every_setting_read_in_code_is_listed() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in (config.PROJECT_ROOT / "hxgy").rglob("*.py"))
    used = set(re.findall(r'"(HXGY_[A-Z_]+)"', code))
    assert used <= set(config.SETTINGS), used - set(config.SETTINGS)


def test_database_defaults_to_sqlite_in_the_data_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("HXGY_DATABASE_URL", raising=False)
    monkeypatch.setenv("HXGY_DATA_DIR", str(tmp_path))
    assert config.database_url() == f"sqlite:///{tmp_path / 'hxgy.db'}"
    monkeypatch.setenv("HXGY_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert config.database_url() == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("key", ["short", "some_key", "x" * 31])
def test_weak_cookie_keys_are_refused(monkeypatch, key) -> None:
    monkeypatch.setenv("HXGY_COOKIE_KEY", key)
    with pytest.raises(config.ConfigError):
        config.cookie_key()


def test_cookie_key_is_generated_once_into_the_secrets_file(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("HXGY_COOKIE_KEY", raising=False)
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    monkeypatch.setattr(config, "secrets_file", lambda: secrets)
    with pytest.raises(config.ConfigError):
        config.cookie_key(create=False)
    first = config.cookie_key()
    assert len(first) >= 32
    assert config.cookie_key() == first
    assert secrets.stat().st_mode & 0o777 == 0o600


def test_today_can_be_pinned(monkeypatch) -> None:
    monkeypatch.setenv("HXGY_TODAY", "2026-03-01")
    assert config.today().isoformat() == "2026-03-01"


def test_streamlit_config_keeps_errors_hidden_and_xsrf_on() -> None:
    import tomllib

    settings = tomllib.loads((config.PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["showErrorDetails"] == "none"
    assert settings["server"]["enableXsrfProtection"] is True
    assert settings["client"]["disableDataExport"] is True  # only the role-checked buttons export
    assert settings["server"]["address"]


def test_secrets_are_never_committed() -> None:
    ignored = (config.PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".streamlit/secrets.toml" in ignored
