"""Volunteer 人次 and participating families count confirmed records only: recount the stored stats

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 19:00:00

class_term_stats.volunteer_records and volunteer_families were written when they counted every
record; this recounts them from confirmed records, as hxgy.metrics.volunteers.volunteers_by_class
now does (hours were already confirmed-only). No schema change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTED = """
    FROM volunteer_record v
    JOIN term t ON t.id = class_term_stats.term_id
    {join}
    WHERE v.school_id = class_term_stats.school_id
      AND v.class_id = class_term_stats.class_id
      AND v.deleted_at IS NULL
      AND v.service_date >= t.start_date
      AND v.service_date <= t.end_date
      {confirmed}
"""


def _recount(confirmed: str) -> None:
    records = "SELECT count(*)" + _COUNTED.format(join="", confirmed=confirmed)
    families = "SELECT count(DISTINCT g.family_id)" + _COUNTED.format(
        join="JOIN guardian g ON g.id = v.guardian_id", confirmed=confirmed
    )
    op.execute(f"UPDATE class_term_stats SET volunteer_records = ({records}), volunteer_families = ({families})")


def upgrade() -> None:
    """Recount 人次 and families from confirmed records."""
    _recount("AND v.confirmed_at IS NOT NULL")


def downgrade() -> None:
    """Back to counting every live record."""
    _recount("")
