"""the index of events linked as duplicates holds only them

Most events are no one's duplicate: an index of every event's ``duplicate_of`` (NULL for
nearly all) cost an import a write a row for nothing.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKED = sa.text("duplicate_of IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_event_duplicate", table_name="event")
    op.create_index(
        "ix_event_duplicate",
        "event",
        ["duplicate_of"],
        sqlite_where=LINKED,
        postgresql_where=LINKED,
    )


def downgrade() -> None:
    op.drop_index("ix_event_duplicate", table_name="event")
    op.create_index("ix_event_duplicate", "event", ["duplicate_of"])
