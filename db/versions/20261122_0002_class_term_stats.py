"""class term stats

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:37:28.696741
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table('class_term_stats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('students', sa.Integer(), nullable=False),
    sa.Column('contacts', sa.Integer(), nullable=False),
    sa.Column('individual_contacts', sa.Integer(), nullable=False),
    sa.Column('contacted_students', sa.Integer(), nullable=False),
    sa.Column('visited_students', sa.Integer(), nullable=False),
    sa.Column('volunteer_records', sa.Integer(), nullable=False),
    sa.Column('volunteer_hours', sa.Float(), nullable=False),
    sa.Column('volunteer_families', sa.Integer(), nullable=False),
    sa.Column('moral_evaluated', sa.Integer(), nullable=False),
    sa.Column('moral_good', sa.Integer(), nullable=False),
    sa.Column('moral_scored', sa.Integer(), nullable=False),
    sa.Column('satisfaction_respondents', sa.Integer(), nullable=False),
    sa.Column('satisfaction_satisfied', sa.Integer(), nullable=False),
    sa.Column('class_activities', sa.Integer(), nullable=False),
    sa.Column('parents_attended', sa.Integer(), nullable=False),
    sa.Column('attendance_base', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_class_term_stats_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_class_term_stats_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['term.id'], name=op.f('fk_class_term_stats_term_id_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_term_stats')),
    sa.UniqueConstraint('term_id', 'class_id', name=op.f('uq_class_term_stats_term_id_class_id'))
    )
    with op.batch_alter_table('class_term_stats', schema=None) as batch_op:
        batch_op.create_index('ix_class_term_stats_school_term', ['school_id', 'term_id'], unique=False)



def downgrade() -> None:
    """Undo this migration."""
    with op.batch_alter_table('class_term_stats', schema=None) as batch_op:
        batch_op.drop_index('ix_class_term_stats_school_term')

    op.drop_table('class_term_stats')
