"""class_term_stats serve the pages: the day counted to, and the 德育 average

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 00:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration (rows without counted_to are not served until the next refresh)."""
    with op.batch_alter_table("class_term_stats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moral_average", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("counted_to", sa.Date(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("class_term_stats", schema=None) as batch_op:
        batch_op.drop_column("counted_to")
        batch_op.drop_column("moral_average")
