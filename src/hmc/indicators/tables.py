"""The tables an indicator expression reads, as unbound Ibis tables.

The evidence tables' Ibis schemas come from the ORM tables (:mod:`hmc.evidence.models`),
so the two cannot drift. Two more tables are the computation's own and every engine
provides them: ``hmc_geography`` (which governorates each series counts, one row a
governorate, and its area: the governorates' names joined, empty for nationwide) and
``hmc_period`` (every week, month and quarter of the evidence's span).
"""

from __future__ import annotations

from typing import Any

import ibis
import sqlalchemy as sa
from ibis.expr.types import Table

import hmc.framework.models  # noqa: F401  (the commission table: event_account's key type)
from hmc.evidence.models import Event, EventAccount, ImportBatch, Observation, Source
from hmc.storage.base import Base

_TYPES: dict[type, str] = {
    sa.Integer: "int64",
    sa.String: "string",
    sa.Text: "string",
    sa.Float: "float64",
    sa.Date: "date",
    sa.DateTime: "timestamp",
}


def _dtype(model: type[Base], column: sa.ColumnElement[Any]) -> str:
    for kind, name in _TYPES.items():
        if isinstance(column.type, kind):
            return name
    raise TypeError(f"{model.__tablename__}: no Ibis type for {column.type!r}")


def ibis_table(model: type[Base]) -> Table:
    """An unbound Ibis table with the name and columns of an ORM table.

    >>> str(ibis_table(Source).schema()["key"]), ibis_table(Source).get_name()
    ('string', 'source')
    """
    columns = sa.inspect(model).columns
    return ibis.table({c.key: _dtype(model, c) for c in columns}, name=model.__tablename__)


EVENT = ibis_table(Event)
SOURCE = ibis_table(Source)
IMPORT_BATCH = ibis_table(ImportBatch)
EVENT_ACCOUNT = ibis_table(EventAccount)
OBSERVATION = ibis_table(Observation)
GEOGRAPHY = ibis.table(
    {"series": "string", "area": "string", "governorate": "string"}, name="hmc_geography"
)
PERIOD = ibis.table(
    {"period": "string", "period_start": "date", "period_end": "date"}, name="hmc_period"
)
EVIDENCE_TABLES = (EVENT, SOURCE, IMPORT_BATCH, EVENT_ACCOUNT, OBSERVATION)
