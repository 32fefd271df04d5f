"""The application: JSON API under /api, the web workspace at /."""

from __future__ import annotations

from fastapi import FastAPI

import hmc
from hmc.api import errors, routes


def create_app() -> FastAPI:
    """A new application (the database comes from HMC_DATABASE_URL)."""
    from hmc.web import routes as web

    app = FastAPI(
        title="hmc",
        version=hmc.__version__,
        description="Workspace of a bilateral military commission.",
    )
    errors.install(app)
    app.include_router(routes.router)
    web.install(app)
    return app
