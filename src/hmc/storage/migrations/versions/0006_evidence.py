"""evidence: the one event schema, links between reports, parties' accounts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 21:46:04.589762
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("commission_id", sa.String(length=64), nullable=False),
        sa.Column("party", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("deaths", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["commission_id"],
            ["commission.id"],
            name=op.f("fk_event_account_commission_id_commission"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_account_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_account")),
        sa.UniqueConstraint(
            "event_id",
            "commission_id",
            "party",
            name=op.f("uq_event_account_event_id_commission_id_party"),
        ),
    )
    op.create_table(
        "event_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_link_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["original_id"],
            ["event.id"],
            name=op.f("fk_event_link_original_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_link")),
        sa.UniqueConstraint(
            "event_id", "original_id", name=op.f("uq_event_link_event_id_original_id")
        ),
    )
    with op.batch_alter_table("event_link", schema=None) as batch_op:
        batch_op.create_index("ix_event_link_original", ["original_id"], unique=False)

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("date_precision", sa.String(length=16), nullable=False, server_default="day")
        )
        batch_op.add_column(sa.Column("deaths_low", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("deaths_high", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("actor1", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("actor2", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("country", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("url", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("duplicate_of", sa.Integer(), nullable=True))
        batch_op.create_index("ix_event_duplicate", ["duplicate_of"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_event_duplicate_of_event"),
            "event",
            ["duplicate_of"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rows_rejected", sa.Integer(), nullable=False, server_default="0")
        )

    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("family", sa.String(length=64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("family")

    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("rows_rejected")

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_event_duplicate_of_event"), type_="foreignkey")
        batch_op.drop_index("ix_event_duplicate")
        batch_op.drop_column("duplicate_of")
        batch_op.drop_column("url")
        batch_op.drop_column("country")
        batch_op.drop_column("actor2")
        batch_op.drop_column("actor1")
        batch_op.drop_column("deaths_high")
        batch_op.drop_column("deaths_low")
        batch_op.drop_column("date_precision")

    with op.batch_alter_table("event_link", schema=None) as batch_op:
        batch_op.drop_index("ix_event_link_original")

    op.drop_table("event_link")
    op.drop_table("event_account")
