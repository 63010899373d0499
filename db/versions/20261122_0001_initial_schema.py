"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 22:01:25.443328
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table('app_meta',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_meta'))
    )
    op.create_table('school',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('response_limit_hours', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school')),
    sa.UniqueConstraint('code', name=op.f('uq_school_code'))
    )
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_district'), ['district'], unique=False)

    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_category_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category')),
    sa.UniqueConstraint('school_id', 'kind', 'code', name=op.f('uq_category_school_id_kind_code')),
    sa.UniqueConstraint('school_id', 'kind', 'name', name=op.f('uq_category_school_id_kind_name'))
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_school_id'), ['school_id'], unique=False)

    op.create_table('family',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_family_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family')),
    sa.UniqueConstraint('school_id', 'code', name=op.f('uq_family_school_id_code'))
    )
    with op.batch_alter_table('family', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_school_id'), ['school_id'], unique=False)

    op.create_table('moral_dimension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_moral_dimension_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moral_dimension')),
    sa.UniqueConstraint('school_id', 'code', name=op.f('uq_moral_dimension_school_id_code')),
    sa.UniqueConstraint('school_id', 'name', name=op.f('uq_moral_dimension_school_id_name'))
    )
    with op.batch_alter_table('moral_dimension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moral_dimension_school_id'), ['school_id'], unique=False)

    op.create_table('moral_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('min_score', sa.Float(), nullable=False),
    sa.Column('is_good', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_moral_level_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moral_level')),
    sa.UniqueConstraint('school_id', 'name', name=op.f('uq_moral_level_school_id_name'))
    )
    with op.batch_alter_table('moral_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moral_level_school_id'), ['school_id'], unique=False)

    op.create_table('moral_rater',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('weight >= 0', name=op.f('ck_moral_rater_weight_non_negative')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_moral_rater_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moral_rater')),
    sa.UniqueConstraint('school_id', 'code', name=op.f('uq_moral_rater_school_id_code')),
    sa.UniqueConstraint('school_id', 'name', name=op.f('uq_moral_rater_school_id_name'))
    )
    with op.batch_alter_table('moral_rater', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moral_rater_school_id'), ['school_id'], unique=False)

    op.create_table('school_year',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_school_year_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_year')),
    sa.UniqueConstraint('school_id', 'start_year', name=op.f('uq_school_year_school_id_start_year'))
    )
    with op.batch_alter_table('school_year', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_year_school_id'), ['school_id'], unique=False)

    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('staff_no', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('gender', sa.String(length=2), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_staff_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('school_id', 'staff_no', name=op.f('uq_staff_school_id_staff_no'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_school_id'), ['school_id'], unique=False)

    op.create_table('guardian',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('relation', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('work_unit', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_guardian_family_id_family'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_guardian_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardian')),
    sa.UniqueConstraint('family_id', 'name', name=op.f('uq_guardian_family_id_name'))
    )
    with op.batch_alter_table('guardian', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guardian_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guardian_school_id'), ['school_id'], unique=False)

    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=True),
    sa.Column('contact_person', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('agreement_date', sa.Date(), nullable=True),
    sa.Column('services', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_partner_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['category.id'], name=op.f('fk_partner_type_id_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner')),
    sa.UniqueConstraint('school_id', 'name', name=op.f('uq_partner_school_id_name'))
    )
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_school_id'), ['school_id'], unique=False)

    op.create_table('school_class',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('school_year_id', sa.Integer(), nullable=False),
    sa.Column('grade_level', sa.Integer(), nullable=False),
    sa.Column('class_no', sa.Integer(), nullable=False),
    sa.Column('cohort', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('grade_level BETWEEN 1 AND 9', name=op.f('ck_school_class_grade_level_range')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_school_class_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_year_id'], ['school_year.id'], name=op.f('fk_school_class_school_year_id_school_year'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_class')),
    sa.UniqueConstraint('school_year_id', 'grade_level', 'class_no', name=op.f('uq_school_class_school_year_id_grade_level_class_no'))
    )
    with op.batch_alter_table('school_class', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_class_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_class_school_year_id'), ['school_year_id'], unique=False)

    op.create_table('student',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('student_no', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('gender', sa.String(length=2), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('entry_year', sa.Integer(), nullable=False),
    sa.Column('left_behind', sa.Boolean(), nullable=False),
    sa.Column('single_parent', sa.Boolean(), nullable=False),
    sa.Column('hardship', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_student_family_id_family'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_student_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_student')),
    sa.UniqueConstraint('school_id', 'student_no', name=op.f('uq_student_school_id_student_no'))
    )
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_student_school_id'), ['school_id'], unique=False)

    op.create_table('term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('school_year_id', sa.Integer(), nullable=False),
    sa.Column('term_no', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.CheckConstraint('start_date <= end_date', name=op.f('ck_term_dates_ordered')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_term_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_year_id'], ['school_year.id'], name=op.f('fk_term_school_year_id_school_year'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term')),
    sa.UniqueConstraint('school_year_id', 'term_no', name=op.f('uq_term_school_year_id_term_no'))
    )
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_term_school_id'), ['school_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'district', 'principal', 'dean', 'head_teacher', 'teacher', 'meeting')", name=op.f('ck_user_account_role_known')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_user_account_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_user_account_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_school_id'), ['school_id'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('activity_date', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('students_count', sa.Integer(), nullable=True),
    sa.Column('parents_count', sa.Integer(), nullable=True),
    sa.Column('families_count', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("scope IN ('school', 'grade', 'class')", name=op.f('ck_activity_scope_known')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_activity_created_by_user_account')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_activity_partner_id_partner')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_activity_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['category.id'], name=op.f('fk_activity_type_id_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity')),
    sa.UniqueConstraint('school_id', 'title', 'activity_date', name=op.f('uq_activity_school_id_title_activity_date')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_activity_submission_key'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_activity_school_date', ['school_id', 'activity_date'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_audit_log_school_id_school'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_log_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_school_at', ['school_id', 'at'], unique=False)

    op.create_table('class_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('head_teacher', 'subject_teacher')", name=op.f('ck_class_assignment_role_known')),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_class_assignment_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_class_assignment_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_assignment')),
    sa.UniqueConstraint('class_id', 'staff_id', 'role', 'subject', name=op.f('uq_class_assignment_class_id_staff_id_role_subject'))
    )
    with op.batch_alter_table('class_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_assignment_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_class_assignment_staff_id'), ['staff_id'], unique=False)

    op.create_table('communication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('contact_date', sa.Date(), nullable=False),
    sa.Column('duration_min', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("direction IN ('to_home', 'to_school')", name=op.f('ck_communication_direction_known')),
    sa.CheckConstraint('duration_min IS NULL OR duration_min >= 0', name=op.f('ck_communication_duration_non_negative')),
    sa.ForeignKeyConstraint(['channel_id'], ['category.id'], name=op.f('fk_communication_channel_id_category')),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_communication_class_id_school_class')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_communication_created_by_user_account')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_communication_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_communication_staff_id_staff')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_communication_student_id_student')),
    sa.ForeignKeyConstraint(['topic_id'], ['category.id'], name=op.f('fk_communication_topic_id_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communication')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_communication_submission_key'))
    )
    with op.batch_alter_table('communication', schema=None) as batch_op:
        batch_op.create_index('ix_communication_class_date', ['class_id', 'contact_date'], unique=False)
        batch_op.create_index('ix_communication_school_date', ['school_id', 'contact_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_student_id'), ['student_id'], unique=False)

    op.create_table('enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.CheckConstraint('end_date IS NULL OR start_date <= end_date', name=op.f('ck_enrolment_dates_ordered')),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_enrolment_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_enrolment_student_id_student'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
    sa.UniqueConstraint('student_id', 'class_id', name=op.f('uq_enrolment_student_id_class_id'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_student_id'), ['student_id'], unique=False)

    op.create_table('moral_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('dimension_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_moral_score_score_range')),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_moral_score_class_id_school_class')),
    sa.ForeignKeyConstraint(['dimension_id'], ['moral_dimension.id'], name=op.f('fk_moral_score_dimension_id_moral_dimension')),
    sa.ForeignKeyConstraint(['entered_by'], ['user_account.id'], name=op.f('fk_moral_score_entered_by_user_account')),
    sa.ForeignKeyConstraint(['rater_id'], ['moral_rater.id'], name=op.f('fk_moral_score_rater_id_moral_rater')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_moral_score_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_moral_score_student_id_student')),
    sa.ForeignKeyConstraint(['term_id'], ['term.id'], name=op.f('fk_moral_score_term_id_term')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moral_score')),
    sa.UniqueConstraint('student_id', 'term_id', 'dimension_id', 'rater_id', name=op.f('uq_moral_score_student_id_term_id_dimension_id_rater_id'))
    )
    with op.batch_alter_table('moral_score', schema=None) as batch_op:
        batch_op.create_index('ix_moral_score_term_class', ['term_id', 'class_id'], unique=False)

    op.create_table('parent_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('guardian_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('replied_at IS NULL OR replied_at >= received_at', name=op.f('ck_parent_request_reply_after_receipt')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_parent_request_category_id_category')),
    sa.ForeignKeyConstraint(['channel_id'], ['category.id'], name=op.f('fk_parent_request_channel_id_category')),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_parent_request_class_id_school_class')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_parent_request_created_by_user_account')),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardian.id'], name=op.f('fk_parent_request_guardian_id_guardian')),
    sa.ForeignKeyConstraint(['handled_by'], ['staff.id'], name=op.f('fk_parent_request_handled_by_staff')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_parent_request_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_parent_request_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_request')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_parent_request_submission_key'))
    )
    with op.batch_alter_table('parent_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_request_class_id'), ['class_id'], unique=False)
        batch_op.create_index('ix_parent_request_school_received', ['school_id', 'received_at'], unique=False)

    op.create_table('satisfaction_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('satisfied', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('satisfied >= 0 AND satisfied <= respondents', name=op.f('ck_satisfaction_result_satisfied_range')),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_satisfaction_result_class_id_school_class')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_satisfaction_result_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['term.id'], name=op.f('fk_satisfaction_result_term_id_term')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_result')),
    sa.UniqueConstraint('term_id', 'class_id', name=op.f('uq_satisfaction_result_term_id_class_id'))
    )
    with op.batch_alter_table('satisfaction_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satisfaction_result_school_id'), ['school_id'], unique=False)
        batch_op.create_index('uq_satisfaction_result_school_term', ['term_id'], unique=True, sqlite_where=sa.text('class_id IS NULL'), postgresql_where=sa.text('class_id IS NULL'))

    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_target_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['term.id'], name=op.f('fk_target_term_id_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target')),
    sa.UniqueConstraint('term_id', 'measure', name=op.f('uq_target_term_id_measure'))
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_school_id'), ['school_id'], unique=False)

    op.create_table('volunteer_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('guardian_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('confirmed_by', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('hours > 0 AND hours <= 12', name=op.f('ck_volunteer_record_hours_range')),
    sa.ForeignKeyConstraint(['activity_id'], ['category.id'], name=op.f('fk_volunteer_record_activity_id_category')),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_volunteer_record_class_id_school_class')),
    sa.ForeignKeyConstraint(['confirmed_by'], ['user_account.id'], name=op.f('fk_volunteer_record_confirmed_by_user_account')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_volunteer_record_created_by_user_account')),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardian.id'], name=op.f('fk_volunteer_record_guardian_id_guardian')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_volunteer_record_school_id_school'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_record')),
    sa.UniqueConstraint('guardian_id', 'class_id', 'activity_id', 'service_date', name=op.f('uq_volunteer_record_guardian_id_class_id_activity_id_service_date')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_volunteer_record_submission_key'))
    )
    with op.batch_alter_table('volunteer_record', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_record_class_date', ['class_id', 'service_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_record_guardian_id'), ['guardian_id'], unique=False)
        batch_op.create_index('ix_volunteer_record_school_date', ['school_id', 'service_date'], unique=False)

    op.create_table('activity_class',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('parents_attended', sa.Integer(), nullable=True),
    sa.Column('students_attended', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_class_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_activity_class_class_id_school_class')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_class')),
    sa.UniqueConstraint('activity_id', 'class_id', name=op.f('uq_activity_class_activity_id_class_id'))
    )
    with op.batch_alter_table('activity_class', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_class_class_id'), ['class_id'], unique=False)



def downgrade() -> None:
    """Undo this migration."""
    with op.batch_alter_table('activity_class', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_class_class_id'))

    op.drop_table('activity_class')
    with op.batch_alter_table('volunteer_record', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_record_school_date')
        batch_op.drop_index(batch_op.f('ix_volunteer_record_guardian_id'))
        batch_op.drop_index('ix_volunteer_record_class_date')

    op.drop_table('volunteer_record')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_school_id'))

    op.drop_table('target')
    with op.batch_alter_table('satisfaction_result', schema=None) as batch_op:
        batch_op.drop_index('uq_satisfaction_result_school_term', sqlite_where=sa.text('class_id IS NULL'), postgresql_where=sa.text('class_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_satisfaction_result_school_id'))

    op.drop_table('satisfaction_result')
    with op.batch_alter_table('parent_request', schema=None) as batch_op:
        batch_op.drop_index('ix_parent_request_school_received')
        batch_op.drop_index(batch_op.f('ix_parent_request_class_id'))

    op.drop_table('parent_request')
    with op.batch_alter_table('moral_score', schema=None) as batch_op:
        batch_op.drop_index('ix_moral_score_term_class')

    op.drop_table('moral_score')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_student_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_class_id'))

    op.drop_table('enrolment')
    with op.batch_alter_table('communication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communication_student_id'))
        batch_op.drop_index(batch_op.f('ix_communication_staff_id'))
        batch_op.drop_index('ix_communication_school_date')
        batch_op.drop_index('ix_communication_class_date')

    op.drop_table('communication')
    with op.batch_alter_table('class_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_assignment_staff_id'))
        batch_op.drop_index(batch_op.f('ix_class_assignment_class_id'))

    op.drop_table('class_assignment')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_school_at')

    op.drop_table('audit_log')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_school_date')
        batch_op.drop_index(batch_op.f('ix_activity_partner_id'))

    op.drop_table('activity')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_school_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_term_school_id'))

    op.drop_table('term')
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_school_id'))
        batch_op.drop_index(batch_op.f('ix_student_family_id'))

    op.drop_table('student')
    with op.batch_alter_table('school_class', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_class_school_year_id'))
        batch_op.drop_index(batch_op.f('ix_school_class_school_id'))

    op.drop_table('school_class')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_school_id'))

    op.drop_table('partner')
    with op.batch_alter_table('guardian', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardian_school_id'))
        batch_op.drop_index(batch_op.f('ix_guardian_family_id'))

    op.drop_table('guardian')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_school_id'))

    op.drop_table('staff')
    with op.batch_alter_table('school_year', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_year_school_id'))

    op.drop_table('school_year')
    with op.batch_alter_table('moral_rater', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moral_rater_school_id'))

    op.drop_table('moral_rater')
    with op.batch_alter_table('moral_level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moral_level_school_id'))

    op.drop_table('moral_level')
    with op.batch_alter_table('moral_dimension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moral_dimension_school_id'))

    op.drop_table('moral_dimension')
    with op.batch_alter_table('family', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_school_id'))

    op.drop_table('family')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_school_id'))

    op.drop_table('category')
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_district'))

    op.drop_table('school')
    op.drop_table('app_meta')
