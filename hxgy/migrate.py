"""Run Alembic migrations from code (the command line and tests use this)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from hxgy import config


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for ``url`` (default: the configured database)."""
    cfg = Config(str(config.PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(config.PROJECT_ROOT / "db"))
    cfg.set_main_option("sqlalchemy.url", (url or config.database_url()).replace("%", "%%"))
    return cfg


def upgrade_to_head(url: str | None = None) -> None:
    """Bring the database schema up to the newest migration."""
    command.upgrade(alembic_config(url), "head")


def check_models_match(url: str | None = None) -> None:
    """Raise if the models and the migrations disagree (``alembic check``)."""
    command.check(alembic_config(url))
