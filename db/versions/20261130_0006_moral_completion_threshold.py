"""德育 completion threshold: below it the 优良率 shows 评价未完成 instead of a status

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moral_completion_min", sa.Integer(), nullable=False, server_default="90"))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("moral_completion_min")
