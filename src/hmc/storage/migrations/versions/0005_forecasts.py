"""forecasts

Stored timelines: each forecast run's summary with the framework, data and assessment
versions it was made from, so that a stale one is never shown as current.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forecast_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commission_id", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("framework_version", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("assessment_version", sa.Integer(), nullable=False),
        sa.Column("paths", sa.Integer(), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("computed_by", sa.String(length=200), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commission_id"],
            ["commission.id"],
            name=op.f("fk_forecast_run_commission_id_commission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_run")),
    )
    op.create_index(
        "ix_forecast_run_commission", "forecast_run", ["commission_id", "as_of"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_forecast_run_commission", table_name="forecast_run")
    op.drop_table("forecast_run")
