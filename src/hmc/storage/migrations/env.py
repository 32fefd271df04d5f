"""Alembic environment: runs against the engine hmc hands it (see hmc.storage.engine).

A migration lands whole or not at all. On SQLite, foreign keys are not enforced while a
migration rebuilds tables (batch mode copies a table, drops it and renames the copy); they
are checked once it is done.
"""

from alembic import context

import hmc.accounts.models
import hmc.assessment.models
import hmc.audit.models
import hmc.evidence.models
import hmc.framework.models
import hmc.indicators.models
import hmc.meetings.models
import hmc.news.models
import hmc.timeline.models  # noqa: F401  (every table must be imported here)
from hmc.storage.base import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            if sqlite:  # the driver does not begin before DDL: so that all of it or none lands
                connection.exec_driver_sql("BEGIN")
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                compare_type=True,
                render_as_batch=True,
            )
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
