"""Secrets of the channels: stored encrypted (Fernet, with a key derived from the cookie key), or read from the
environment, and never shown back in full.

The key is derived from ``hxgy.config.cookie_key`` (HXGY_COOKIE_KEY or the generated secrets file), which every app
process and the ``notify`` command share. A secret saved under another cookie key cannot be read: the channel then
says so in Chinese (设置 → 消息提醒) and the secret must be entered again.

An environment variable, when set, wins over the stored value (a server that keeps secrets out of the database):
HXGY_SMTP_PASSWORD, HXGY_DINGTALK_SECRET, HXGY_WECOM_WEBHOOK, HXGY_DINGTALK_WEBHOOK.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken

from hxgy import config

# the secret of each channel that the environment may give instead of the database
ENVIRONMENT = {
    ("email", "secret"): "HXGY_SMTP_PASSWORD",
    ("dingtalk", "secret"): "HXGY_DINGTALK_SECRET",
    ("wecom", "webhook"): "HXGY_WECOM_WEBHOOK",
    ("dingtalk", "webhook"): "HXGY_DINGTALK_WEBHOOK",
}
_CONTEXT = b"hxgy notify secrets v1\n"


class SecretUnreadable(ValueError):
    """A stored secret that the current key cannot decrypt (the cookie key changed)."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(_CONTEXT + config.cookie_key().encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    """The value encrypted for the database ("" stays "")."""
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii") if value else ""


def decrypt(stored: str) -> str:
    """The clear value of an encrypted one ("" stays "")."""
    if not stored:
        return ""
    try:
        return _fernet().decrypt(stored.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable("已保存的密钥无法解密（服务器的 Cookie 密钥可能已更换），请重新填写") from exc


def from_environment(kind: str, field: str) -> str:
    """The secret the environment gives for this channel and field, or ""."""
    name = ENVIRONMENT.get((kind, field))
    return os.environ.get(name, "").strip() if name else ""


def environment_name(kind: str, field: str) -> str | None:
    """The environment variable that may hold this secret."""
    return ENVIRONMENT.get((kind, field))


def mask(value: str) -> str:
    """What the page shows of a secret: its last four characters (****abcd); "" when there is none."""
    if not value:
        return ""
    return "****" + value[-4:] if len(value) > 8 else "****"
