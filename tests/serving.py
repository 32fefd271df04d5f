"""The real app served by uvicorn on a free local port, in a background thread, for the tests.

Configured as ``hmc serve`` configures it (no ``server`` header, the app's lifespan on), but
leaving logging to the test run, so that a test sees every record the server logs. Also: how
a client of a real server signs in (used by the load benchmark too).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from hmc.app import create_app

HMC = Path(sys.executable).with_name("hmc")


@contextmanager
def serving() -> Iterator[str]:
    """A running server for a new app; its base URL, e.g. http://127.0.0.1:41234."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(), log_level="warning", log_config=None, ws="none", server_header=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def served(url: str, *, workers: int = 1) -> Iterator[str]:
    """``hmc serve --workers N`` in a process of its own on a free port for the database
    ``url``; its base URL once it answers (stopped afterwards)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(HMC), "serve", "--port", str(port), "--workers", str(workers)],
        env={**os.environ, "HMC_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/static/favicon.svg").raise_for_status()
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    raise RuntimeError(
                        f"hmc serve did not start: {server.communicate()[1]}"
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.communicate(timeout=30)


async def sign_in_async(client: httpx.AsyncClient, username: str, password: str) -> list[int]:
    """Sign ``client`` in through the sign-in form, as a browser does; the answers' statuses.

    The form's token must come back with the form's cookie; the session cookie the answer
    sets is kept by the client for its next requests.
    """
    form = await client.get("/sign-in")
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    if token is None:
        return [form.status_code]
    done = await client.post(
        "/sign-in",
        data={"username": username, "password": password, "token": token.group(1)},
        follow_redirects=False,
    )
    return [form.status_code, done.status_code]
