"""The API's one error shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from hmc.deps import SHOWN, shown
from hmc.errors import HmcError, NotSignedIn

# Codes of the HTTP errors the framework raises itself (unknown path, wrong method, ...).
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
INTERNAL = "an unexpected error occurred; it has been logged"


def _shape(
    status: int,
    code: str,
    message: str,
    details: Mapping[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=headers)


def _hmc_error(exc: HmcError) -> JSONResponse:
    """The error as raised, with any long input it repeats cut to a sane length."""
    message = exc.message
    details: dict[str, object] = {}
    for key, value in exc.details.items():
        if isinstance(value, str) and len(value) > SHOWN:
            message = message.replace(value, shown(value))
            value = shown(value)
        details[key] = value
    # a client without valid credentials is told how to send them
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotSignedIn) else None
    return _shape(exc.status, exc.code, message, details, headers)


def _invalid(exc: RequestValidationError) -> JSONResponse:
    problems = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
    ]
    first = problems[0] if problems else {"field": "", "message": "invalid request"}
    message = f"{first['field']}: {first['message']}"
    return _shape(422, "invalid_request", message, {"problems": problems})


def response(exc: Exception) -> JSONResponse:
    """What the API answers for ``exc``: the one shape, never a trace or an internal detail."""
    if isinstance(exc, HmcError):
        return _hmc_error(exc)
    if isinstance(exc, RequestValidationError):
        return _invalid(exc)
    if isinstance(exc, HTTPException):
        code = HTTP_CODES.get(exc.status_code, "http_error")
        # keep the framework's headers: a 405 says in "Allow" which methods the path takes
        return _shape(exc.status_code, code, str(exc.detail), headers=exc.headers)
    return _shape(500, "internal", INTERNAL)
