"""notify: each school's channels (企业微信, 钉钉, SMTP; secrets encrypted), its schedule, and the message log
(a unique key per due message: claimed before sending, so it is sent once)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "notify_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("webhook_enc", sa.Text(), nullable=False),
        sa.Column("secret_enc", sa.Text(), nullable=False),
        sa.Column("smtp_host", sa.String(length=200), nullable=False),
        sa.Column("smtp_port", sa.Integer(), nullable=False),
        sa.Column("smtp_security", sa.String(length=10), nullable=False),
        sa.Column("smtp_user", sa.String(length=200), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('wecom', 'dingtalk', 'email')", name=op.f("ck_notify_channel_kind_known")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_notify_channel_school_id_school"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_channel")),
        sa.UniqueConstraint("school_id", "kind", name=op.f("uq_notify_channel_school_id_kind")),
    )
    with op.batch_alter_table("notify_channel", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_channel_school_id"), ["school_id"], unique=False)

    op.create_table(
        "notify_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("channel IN ('wecom', 'dingtalk', 'email')", name=op.f("ck_notify_message_channel_known")),
        sa.CheckConstraint("status IN ('sending', 'sent', 'failed')", name=op.f("ck_notify_message_status_known")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_notify_message_school_id_school"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_message")),
        sa.UniqueConstraint("key", name=op.f("uq_notify_message_key")),
    )
    with op.batch_alter_table("notify_message", schema=None) as batch_op:
        batch_op.create_index("ix_notify_message_school_at", ["school_id", "created_at"], unique=False)

    op.create_table(
        "notify_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("summary_days", sa.String(length=20), nullable=False),
        sa.Column("summary_hour", sa.Integer(), nullable=False),
        sa.Column("summary_to_robots", sa.Boolean(), nullable=False),
        sa.Column("request_hours", sa.Integer(), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=True),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("digest_to_robots", sa.Boolean(), nullable=False),
        sa.Column("term_report", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_notify_schedule_school_id_school"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_schedule")),
        sa.UniqueConstraint("school_id", name=op.f("uq_notify_schedule_school_id")),
    )
    with op.batch_alter_table("notify_schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_schedule_school_id"), ["school_id"], unique=False)


def downgrade() -> None:
    """Undo this migration."""
    with op.batch_alter_table("notify_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notify_schedule_school_id"))

    op.drop_table("notify_schedule")
    with op.batch_alter_table("notify_message", schema=None) as batch_op:
        batch_op.drop_index("ix_notify_message_school_at")

    op.drop_table("notify_message")
    with op.batch_alter_table("notify_channel", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notify_channel_school_id"))

    op.drop_table("notify_channel")
