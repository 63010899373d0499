"""holiday records: which term a record dated between two terms counts for

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holiday_records", sa.String(length=10), nullable=False, server_default="next"))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("holiday_records")
