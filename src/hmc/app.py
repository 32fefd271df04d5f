"""The application: the JSON API under /api, the pages at /, and one error path for each."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import hmc
from hmc.api import errors as api_errors
from hmc.api import routes as api
from hmc.deps import Database
from hmc.errors import DatabaseError, HmcError
from hmc.settings import get_settings
from hmc.web import errors as web_errors
from hmc.web import routes as web

log = logging.getLogger("hmc")

# Scripts, styles and everything else only from this server: no inline script, no eval.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = [
    (b"content-security-policy", POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def is_api(path: str) -> bool:
    """Whether ``path`` belongs to the JSON API (answered in its shape) rather than the pages."""
    return path in ("/api", "/openapi.json") or path.startswith("/api/")


async def translate(request: Request, exc: Exception) -> Response:
    """The answer to ``exc``: the API's JSON shape under /api, an HTML page elsewhere."""
    if is_api(request.url.path):
        return api_errors.response(exc)
    return await web_errors.response(request, exc)


class Unexpected:
    """Answers an unexpected exception as a 500 in the interface's shape, and logs it once.

    Starlette's own last-resort handler re-raises after answering, so the server would log
    the same failure a second time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started:
                raise  # too late to answer: the server logs it (once) and drops the connection
            log.error("unexpected error on %s %s", scope["method"], scope["path"], exc_info=exc)
            response = await translate(Request(scope), exc)
            await response(scope, receive, send)


class SecurityHeaders:
    """Adds the security headers to every response: pages, API, static files and errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, sending)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """As many worker threads as the pool has connections; the database checked, not changed."""
    to_thread.current_default_thread_limiter().total_tokens = get_settings().threads
    try:
        await to_thread.run_sync(app.state.database.check)
    except DatabaseError as exc:
        log.warning("%s (until then every request is answered 503)", exc.message)
    yield


def create_app() -> FastAPI:
    """A new application (the database comes from HMC_DATABASE_URL and is only read)."""
    app = FastAPI(
        title="hmc",
        version=hmc.__version__,
        description="Workspace of a bilateral military commission.",
        docs_url=None,  # served by hmc.api.docs, from local files
        openapi_url=None,  # served by hmc.api.docs, to signed-in members
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    app.state.database = Database()
    for kind in (HmcError, RequestValidationError, HTTPException):
        app.add_exception_handler(kind, translate)
    app.add_middleware(Unexpected)
    app.add_middleware(SecurityHeaders)  # added last, so outermost: on every answer
    api.install(app)
    web.install(app)
    return app
