"""privacy: how many years after leaving a student's personal data is kept (留存年限), and when it was erased

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration (every school keeps data 3 years after a student leaves until a dean changes it)."""
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_years", sa.Integer(), nullable=False, server_default="3"))
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("retention_years")
