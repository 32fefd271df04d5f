"""versioned framework

Every commission gets framework version 1 from the text it was loaded from; framework rows
gain their versions and refer to each other by the configuration's ids; computed values
move to series (recomputed by 'hmc init' or 'hmc indicators').

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 17:33:33.731397
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = sa.text("replaced_in IS NULL")
VERSIONED = ("factor", "scale", "area", "indicator", "phase", "gate")


def _key(table: str, column: str, length: int = 64) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(column, sa.String(length=length), nullable=True)


def _fill(table: str, column: str, expression: str) -> None:
    op.execute(f"UPDATE {table} SET {column} = ({expression})")


def upgrade() -> None:
    op.create_table(
        "framework_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commission_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("config_text", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commission_id"],
            ["commission.id"],
            name=op.f("fk_framework_version_commission_id_commission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_version")),
        sa.UniqueConstraint(
            "commission_id", "number", name=op.f("uq_framework_version_commission_id_number")
        ),
    )
    op.execute(
        "INSERT INTO framework_version"
        " (commission_id, number, sha256, config_text, loaded_at, loaded_by, changes)"
        " SELECT id, 1, config_sha256, config_text, loaded_at, 'system:upgrade', '[]'"
        " FROM commission"
    )
    with op.batch_alter_table("commission") as batch:
        for column in ("loaded_at", "config_sha256", "config_text"):
            batch.drop_column(column)

    # gates and indicators refer to the other rows by their ids in the configuration
    with op.batch_alter_table("gate") as batch:
        batch.add_column(_key("gate", "key", 129))
        batch.add_column(_key("gate", "phase_key"))
        batch.add_column(_key("gate", "area_key"))
        batch.add_column(_key("gate", "commission_id"))
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))
    _fill("gate", "phase_key", "SELECT key FROM phase WHERE phase.id = gate.phase_id")
    _fill("gate", "area_key", "SELECT key FROM area WHERE area.id = gate.area_id")
    _fill("gate", "commission_id", "SELECT commission_id FROM phase WHERE phase.id = gate.phase_id")
    _fill("gate", "position", "SELECT position FROM area WHERE area.id = gate.area_id")
    op.execute("UPDATE gate SET key = phase_key || '/' || area_key")
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(_key("indicator", "factor_key"))
        batch.add_column(_key("indicator", "scale_key"))
    _fill("indicator", "factor_key", "SELECT key FROM factor WHERE factor.id = indicator.factor_id")
    _fill("indicator", "scale_key", "SELECT key FROM scale WHERE scale.id = indicator.scale_id")
    with op.batch_alter_table("scale") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("gate") as batch:
        batch.drop_constraint("uq_gate_phase_id_area_id", type_="unique")
        batch.drop_constraint("fk_gate_phase_id_phase", type_="foreignkey")
        batch.drop_constraint("fk_gate_area_id_area", type_="foreignkey")
        batch.drop_column("phase_id")
        batch.drop_column("area_id")
        for column, length in (("key", 129), ("phase_key", 64), ("area_key", 64)):
            batch.alter_column(column, existing_type=sa.String(length), nullable=False)
        batch.alter_column("commission_id", existing_type=sa.String(64), nullable=False)
        batch.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_gate_commission_id_commission", "commission", ["commission_id"], ["id"]
        )
    with op.batch_alter_table("indicator") as batch:
        batch.drop_constraint("fk_indicator_scale_id_scale", type_="foreignkey")
        batch.drop_constraint("fk_indicator_factor_id_factor", type_="foreignkey")
        batch.drop_column("scale_id")
        batch.drop_column("factor_id")
        batch.alter_column("factor_key", existing_type=sa.String(64), nullable=False)

    # every framework row is valid from version 1 on; at most one current row per id
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("added_in", sa.Integer(), nullable=False, server_default="1")
            )
            batch.add_column(sa.Column("replaced_in", sa.Integer(), nullable=True))
            if table != "gate":
                batch.drop_constraint(f"uq_{table}_commission_id_key", type_="unique")
                batch.drop_constraint(f"fk_{table}_commission_id_commission", type_="foreignkey")
                batch.create_foreign_key(
                    f"fk_{table}_commission_id_commission", "commission", ["commission_id"], ["id"]
                )
            batch.create_unique_constraint(
                f"uq_{table}_commission_id_key_added_in", ["commission_id", "key", "added_in"]
            )
            batch.create_index(
                f"ix_{table}_current",
                ["commission_id", "key"],
                unique=True,
                sqlite_where=CURRENT,
                postgresql_where=CURRENT,
            )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("added_in", existing_type=sa.Integer(), server_default=None)
    with op.batch_alter_table("scale") as batch:
        batch.alter_column("position", existing_type=sa.Integer(), server_default=None)

    # nothing is deleted by cascade any more: a reload never deletes
    for table, column, parent in (
        ("area_governorate", "area_id", "area"),
        ("scale_level", "scale_id", "scale"),
        ("member", "party_id", "party"),
        ("party", "commission_id", "commission"),
    ):
        with op.batch_alter_table(table) as batch:
            name = f"fk_{table}_{column}_{parent}"
            batch.drop_constraint(name, type_="foreignkey")
            batch.create_foreign_key(name, parent, [column], ["id"])

    # computed values move to series, found by what they compute: recomputed, not converted
    op.drop_table("indicator_value")
    op.create_table(
        "indicator_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("governorates", sa.JSON(), nullable=True),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("computed_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_series")),
        sa.UniqueConstraint("digest", name=op.f("uq_indicator_series_digest")),
    )
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("known_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["indicator_series.id"],
            name=op.f("fk_indicator_value_series_id_indicator_series"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
        sa.UniqueConstraint(
            "series_id",
            "period",
            "period_start",
            name=op.f("uq_indicator_value_series_id_period_period_start"),
        ),
    )


def downgrade() -> None:
    """Back to one framework per commission: the current version; earlier ones are dropped."""
    for table in ("scale_level", "area_governorate"):
        parent = "scale" if table == "scale_level" else "area"
        op.execute(
            f"DELETE FROM {table} WHERE {parent}_id IN"
            f" (SELECT id FROM {parent} WHERE replaced_in IS NOT NULL)"
        )
    for table in VERSIONED:
        op.execute(f"DELETE FROM {table} WHERE replaced_in IS NOT NULL")
    with op.batch_alter_table("commission") as batch:
        batch.add_column(sa.Column("config_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("config_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("loaded_at", sa.DateTime(), nullable=True))
    latest = (
        "SELECT {column} FROM framework_version v WHERE v.commission_id = commission.id"
        " ORDER BY v.number DESC LIMIT 1"
    )
    for column, source in (("config_sha256", "sha256"), ("config_text", "config_text")):
        _fill("commission", column, latest.format(column=source))
    _fill("commission", "loaded_at", latest.format(column="loaded_at"))
    with op.batch_alter_table("commission") as batch:
        batch.alter_column("config_sha256", existing_type=sa.String(64), nullable=False)
        batch.alter_column("config_text", existing_type=sa.Text(), nullable=False)
        batch.alter_column("loaded_at", existing_type=sa.DateTime(), nullable=False)
    op.drop_table("framework_version")

    same = "{t}.commission_id = {o}.commission_id AND {t}.key = {o}.{k}"
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(sa.Column("factor_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("scale_id", sa.Integer(), nullable=True))
    for column, table in (("factor_id", "factor"), ("scale_id", "scale")):
        match = same.format(t=table, o="indicator", k=f"{table}_key")
        _fill("indicator", column, f"SELECT id FROM {table} WHERE {match}")
    with op.batch_alter_table("gate") as batch:
        batch.add_column(sa.Column("phase_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
    for column, table in (("phase_id", "phase"), ("area_id", "area")):
        match = same.format(t=table, o="gate", k=f"{table}_key")
        _fill("gate", column, f"SELECT id FROM {table} WHERE {match}")

    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_current")
            batch.drop_constraint(f"uq_{table}_commission_id_key_added_in", type_="unique")
            batch.drop_column("added_in")
            batch.drop_column("replaced_in")
            if table != "gate":
                batch.create_unique_constraint(
                    f"uq_{table}_commission_id_key", ["commission_id", "key"]
                )
    with op.batch_alter_table("scale") as batch:
        batch.drop_column("position")
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("factor_key")
        batch.drop_column("scale_key")
        batch.alter_column("factor_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_indicator_factor_id_factor", "factor", ["factor_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_foreign_key(
            "fk_indicator_scale_id_scale", "scale", ["scale_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("gate") as batch:
        batch.drop_constraint("fk_gate_commission_id_commission", type_="foreignkey")
        for column in ("key", "phase_key", "area_key", "commission_id", "position"):
            batch.drop_column(column)
        batch.alter_column("phase_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("area_id", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_gate_phase_id_area_id", ["phase_id", "area_id"])
        batch.create_foreign_key(
            "fk_gate_phase_id_phase", "phase", ["phase_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_foreign_key(
            "fk_gate_area_id_area", "area", ["area_id"], ["id"], ondelete="CASCADE"
        )
    for table, column, parent in (
        ("factor", "commission_id", "commission"),
        ("scale", "commission_id", "commission"),
        ("area", "commission_id", "commission"),
        ("indicator", "commission_id", "commission"),
        ("phase", "commission_id", "commission"),
        ("party", "commission_id", "commission"),
        ("area_governorate", "area_id", "area"),
        ("scale_level", "scale_id", "scale"),
        ("member", "party_id", "party"),
    ):
        with op.batch_alter_table(table) as batch:
            name = f"fk_{table}_{column}_{parent}"
            batch.drop_constraint(name, type_="foreignkey")
            batch.create_foreign_key(name, parent, [column], ["id"], ondelete="CASCADE")

    op.drop_table("indicator_value")
    op.drop_table("indicator_series")
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("known_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name="fk_indicator_value_area_id_area", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name="fk_indicator_value_indicator_id_indicator",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_indicator_value"),
        sa.UniqueConstraint(
            "indicator_id",
            "area_id",
            "period",
            "period_start",
            name="uq_indicator_value_indicator_id_area_id_period_period_start",
        ),
    )
