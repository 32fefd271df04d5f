"""The API's documentation at /docs: Swagger UI served from hmc itself, without a CDN."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.exceptions import HTTPException

STATIC = Path(__file__).parent / "static"
# Swagger UI's files as the swagger-ui-bundle-v2 package ships them (one folder per version).
SWAGGER = next(Path(str(files("swagger_ui_bundle") / "vendor")).glob("swagger-ui-*"))
# What the page under /docs loads, by name: the file and its media type. Nothing else is served.
ASSETS = {
    "docs.js": (STATIC / "docs.js", "text/javascript; charset=utf-8"),
    "swagger-ui-bundle.js": (SWAGGER / "swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    "swagger-ui.css": (SWAGGER / "swagger-ui.css", "text/css; charset=utf-8"),
    "favicon-32x32.png": (SWAGGER / "favicon-32x32.png", "image/png"),
}

router = APIRouter(include_in_schema=False)  # signed in: the page and the schema
public = APIRouter(include_in_schema=False)  # Swagger UI's own files


@router.get("/openapi.json")
def schema(request: Request) -> JSONResponse:
    """The OpenAPI description of the API (for a signed-in member or a token's holder)."""
    app: FastAPI = request.app
    return JSONResponse(app.openapi())


@router.api_route("/docs", methods=["GET", "HEAD"])
def page() -> FileResponse:
    """The Swagger UI page; its script is a file too, so the page runs under a strict CSP."""
    return FileResponse(STATIC / "docs.html", media_type="text/html; charset=utf-8")


@public.api_route("/docs/{name}", methods=["GET", "HEAD"])
def asset(name: str) -> FileResponse:
    """Swagger UI's script, style and icon, and what starts it on /openapi.json."""
    if name not in ASSETS:
        raise HTTPException(404)
    path, media_type = ASSETS[name]
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=86400"})
