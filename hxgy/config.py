"""Settings read from the environment, with safe defaults for a laptop.

Every setting is documented in docs/configuration.md; a test checks that.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# name -> one-line description; docs/configuration.md must mention each name.
SETTINGS: dict[str, str] = {
    "HXGY_DATABASE_URL": "SQLAlchemy URL of the database; default SQLite under HXGY_DATA_DIR",
    "HXGY_DATA_DIR": "folder for the SQLite file and backups; default ./data",
    "HXGY_COOKIE_KEY": "secret (>= 32 bytes) that signs login cookies; else .streamlit/secrets.toml",
    "HXGY_ADMIN_PASSWORD": "password for the first admin outside demo mode; else one is generated",
    "HXGY_TODAY": "pretend today is this ISO date (demos, screenshots and tests)",
    "HXGY_COOKIE_EXPIRY_DAYS": "days a login cookie stays valid; default 1",
    "HXGY_SMTP_PASSWORD": "the SMTP password of the notify emails, instead of the one saved on 设置 (docs/notify.md)",
    "HXGY_DINGTALK_SECRET": "the 钉钉 robot's 加签 secret, instead of the one saved on 设置",
    "HXGY_WECOM_WEBHOOK": "the 企业微信 robot's webhook address, instead of the one saved on 设置",
    "HXGY_DINGTALK_WEBHOOK": "the 钉钉 robot's webhook address, instead of the one saved on 设置",
}

MIN_COOKIE_KEY_BYTES = 32


class ConfigError(RuntimeError):
    """A setting is missing or unsafe."""


@dataclass(frozen=True)
class Settings:
    """The settings of one process."""

    database_url: str
    data_dir: Path
    cookie_expiry_days: float


def data_dir() -> Path:
    """The folder that holds the SQLite database and backups."""
    return Path(os.environ.get("HXGY_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def database_url() -> str:
    """The database to use: HXGY_DATABASE_URL, else a SQLite file in the data folder."""
    url = os.environ.get("HXGY_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / 'hxgy.db'}"


def get_settings() -> Settings:
    """Read the settings of this process from the environment."""
    return Settings(
        database_url=database_url(),
        data_dir=data_dir(),
        cookie_expiry_days=float(os.environ.get("HXGY_COOKIE_EXPIRY_DAYS", "1")),
    )


def today() -> date:
    """Today's date, or HXGY_TODAY when a demo or test pins it."""
    pinned = os.environ.get("HXGY_TODAY", "").strip()
    return date.fromisoformat(pinned) if pinned else date.today()


def now() -> datetime:
    """The current time (local, naive); with HXGY_TODAY pinned, noon of that day."""
    pinned = os.environ.get("HXGY_TODAY", "").strip()
    return datetime.combine(date.fromisoformat(pinned), time(12)) if pinned else datetime.now()


def secrets_file() -> Path:
    """Where the generated secrets live (never committed)."""
    return PROJECT_ROOT / ".streamlit" / "secrets.toml"


def _check_cookie_key(key: str, source: str) -> str:
    if len(key.encode()) < MIN_COOKIE_KEY_BYTES or key.lower() in {"some_key", "changeme", "secret"}:
        raise ConfigError(f"{source}: the cookie key must be at least {MIN_COOKIE_KEY_BYTES} random bytes")
    return key


def this_hour() -> datetime:
    """Now, to the hour: what every figure is computed at (reply deadlines are judged against it)."""
    return now().replace(minute=0, second=0, microsecond=0)


def cookie_key(create: bool = True) -> str:
    """The key that signs login cookies: from the environment, else the secrets file.

    When neither has one and ``create`` is true, a new random key is written to
    the secrets file (mode 0600) so every process on this machine shares it.
    """
    env_key = os.environ.get("HXGY_COOKIE_KEY", "").strip()
    if env_key:
        return _check_cookie_key(env_key, "HXGY_COOKIE_KEY")
    path = secrets_file()
    if path.exists():
        stored = tomllib.loads(path.read_text(encoding="utf-8")).get("cookie_key", "")
        if stored:
            return _check_cookie_key(stored, str(path))
    if not create:
        raise ConfigError("no cookie key: set HXGY_COOKIE_KEY or run `python -m hxgy init`")
    key = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    with open(path, "a", encoding="utf-8") as fh:
        if existing and not existing.endswith("\n"):
            fh.write("\n")
        fh.write(f'cookie_key = "{key}"\n')
    path.chmod(0o600)
    return key
