"""Alembic environment: runs against the engine hmc hands it (see hmc.storage.engine)."""

from alembic import context

import hmc.evidence.models
import hmc.framework.models
import hmc.indicators.models  # noqa: F401  (every table must be imported here)
from hmc.storage.base import Base

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_as_batch=True,
    )
    context.run_migrations()
