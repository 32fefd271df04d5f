"""The static files, each also under a name that carries a digest of its content.

``/static/hmc.3f2a9c1d0b7e.css`` never changes, so it is cached for a year
(``immutable``); the pages link those names, and a new release links new ones. The plain
name (``/static/hmc.css``) still answers, revalidated on each use (an ``ETag``). Text files
are gzip-compressed once, when first asked for, and sent compressed to every client that
accepts it.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

STATIC = Path(__file__).parent / "static"
EMBED = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # kept, but asked again each time (a 304 while unchanged)


@dataclass(frozen=True)
class Asset:
    """One static file: its plain name, its bytes once made, and what it is."""

    name: str
    digest: str  # of what makes the bytes: the same digest, the same bytes
    make: Callable[[], bytes]

    @property
    def hashed(self) -> str:
        """The name with the digest: ``hmc.css`` is ``hmc.<12 hex digits>.css``."""
        stem, dot, suffix = self.name.rpartition(".")
        return f"{stem}.{self.digest[:12]}{dot}{suffix}"

    @property
    def media_type(self) -> str:
        return TYPES.get(Path(self.name).suffix, "application/octet-stream")

    @cached_property
    def body(self) -> bytes:
        return self.make()

    @cached_property
    def gzipped(self) -> bytes:
        return gzip.compress(self.body, compresslevel=9, mtime=0)


def _vega_bundle() -> bytes:
    """Vega, Vega-Lite and vega-embed as one JavaScript module (about 0.9 MB, 2 s to make)."""
    import vl_convert

    return str(vl_convert.javascript_bundle(EMBED)).encode()


def _vega() -> Asset:
    """The bundle's digest is that of what makes it (vl-convert's version and the line that
    exposes it), so that its name is known without spending 2 s making it."""
    from importlib.metadata import version

    made_of = f"vl-convert-python {version('vl-convert-python')}\n{EMBED}".encode()
    return Asset("vega.js", hashlib.sha256(made_of).hexdigest(), _vega_bundle)


def _file(path: Path) -> Asset:
    body = path.read_bytes()
    return Asset(path.name, hashlib.sha256(body).hexdigest(), lambda: body)


class Assets:
    """Every static file, by plain and by hashed name; each made once per process."""

    def __init__(self) -> None:
        found = [_file(path) for path in sorted(STATIC.iterdir()) if path.is_file()]
        self._plain = {asset.name: asset for asset in [*found, _vega()]}
        self._hashed = {asset.hashed: asset for asset in self._plain.values()}
        self._lock = threading.Lock()  # the bundle is made once, not by every waiting thread

    def url(self, name: str) -> str:
        """The URL that names ``name``'s content, e.g. ``/static/hmc.3f2a9c1d0b7e.css``."""
        return f"/static/{self._plain[name].hashed}"

    def find(self, name: str) -> tuple[Asset, bool] | None:
        """The file called ``name`` and whether the name was the hashed one (None: no file)."""
        if name in self._hashed:
            asset, hashed = self._hashed[name], True
        elif name in self._plain:
            asset, hashed = self._plain[name], False
        else:
            return None
        with self._lock:
            asset.gzipped  # noqa: B018  made here, under the lock, once
        return asset, hashed


assets = Assets()
