"""A throwaway PostgreSQL server for the tests: its own cluster in a temporary directory.

The cluster listens on a unix socket in that directory and on 127.0.0.1 at a free port, with
trust authentication and ``fsync`` off; it is stopped and deleted when the test run ends
(also when tests fail). Each test that asks for ``postgres_url`` gets a fresh, empty database;
one that asks for ``migrated_postgres_url`` a copy of a database migrated once per run, and
``hmc_on_postgres_demo`` a copy of the demo database built once per run (``CREATE DATABASE
... TEMPLATE``). Under xdist each worker starts a server of its own.

The server binaries come from Debian's ``postgresql`` package (``make test`` installs it); if
they are missing the tests fail, never skip. initdb refuses to run as root, so as root the
server runs as the ``postgres`` user the package creates (or, without one, a system user
``hmc-test`` created here).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from hmc.cli import app
from hmc.settings import get_settings
from hmc.storage import get_engine, migrate

INSTALL_HINT = "install the server with 'make test' (or: apt-get install -y postgresql)"
DEBIAN_VERSIONS = Path("/usr/lib/postgresql")  # one folder per major version: 15/bin/initdb
SERVICE_USERS = ("postgres", "hmc-test")


def find_bindir() -> Path:
    """The directory of ``initdb`` and ``pg_ctl``: the newest under /usr/lib/postgresql, or PATH."""
    found = []
    for initdb in DEBIAN_VERSIONS.glob("*/bin/initdb"):
        if re.fullmatch(r"\d+", initdb.parent.parent.name):
            found.append((int(initdb.parent.parent.name), initdb.parent))
    if found:
        return max(found)[1]
    on_path = shutil.which("initdb")
    if on_path is not None and shutil.which("pg_ctl") is not None:
        return Path(on_path).resolve().parent
    pytest.fail(f"PostgreSQL server binaries (initdb, pg_ctl) not found: {INSTALL_HINT}")


def service_user() -> str | None:
    """The unprivileged user to run the server as when we are root, else None (run as us)."""
    if os.geteuid() != 0:
        return None
    for name in SERVICE_USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "hmc-test"],
        check=True,
        capture_output=True,
    )
    return "hmc-test"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A running server: where it lives, who runs it, and how to reach it."""

    bindir: Path
    directory: Path
    user: str | None
    role: str
    port: int
    _databases: itertools.count[int]

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.role}@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a server program as the cluster's user; fail with its output if it fails."""
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(
            command, cwd=self.directory, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            pytest.fail(
                f"{' '.join(command)} exited with {done.returncode}:\n"
                f"{done.stdout}{done.stderr}{log}"
            )
        return done

    def create_database(self, template: str = "template1") -> str:
        """A new database, a copy of ``template`` (by default an empty one); its URL."""
        name = f"test_{next(self._databases)}"
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        finally:
            engine.dispose()
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()


def start_cluster() -> Cluster:
    """initdb into a new temporary directory and start the server there."""
    bindir = find_bindir()
    user = service_user()
    # Not under pytest's tmp_path: as root that is private to root, and unix socket paths
    # must stay short (about 100 bytes).
    directory = Path(tempfile.mkdtemp(prefix="hmc-pg-"))
    if user is not None:
        shutil.chown(directory, user=user)
    role = user or pwd.getpwuid(os.geteuid()).pw_name
    cluster = Cluster(bindir, directory, user, role, free_port(), itertools.count(1))
    try:
        cluster.run(
            "initdb",
            "--pgdata",
            str(cluster.data),
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--username",
            role,
        )
        options = " ".join(
            f"-c {setting}"
            for setting in (
                "listen_addresses=127.0.0.1",
                f"port={cluster.port}",
                f"unix_socket_directories={directory}",
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
            )
        )
        cluster.run(
            "pg_ctl", "start", "--pgdata", str(cluster.data), "--log", str(cluster.log),
            "--wait", "--options", options,
        )  # fmt: skip
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    """Stop the server (if it runs) and delete its directory."""
    try:
        if (cluster.data / "postmaster.pid").exists():
            cluster.run("pg_ctl", "stop", "--pgdata", str(cluster.data), "--mode=fast", "--wait")
    finally:
        shutil.rmtree(cluster.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One PostgreSQL server for the whole test run."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """The URL of a fresh, empty database on the test server (dropped afterwards)."""
    url = postgres_cluster.create_database()
    yield url
    postgres_cluster.drop_database(url)


@pytest.fixture(scope="session")
def postgres_template(postgres_cluster: Cluster) -> str:
    """The name of a database migrated once per run (per worker), which no test connects to:
    the template of ``migrated_postgres_url``."""
    url = postgres_cluster.create_database()
    engine = get_engine.__wrapped__(url)  # not hmc's cached engine
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def migrated_postgres_url(postgres_cluster: Cluster, postgres_template: str) -> Iterator[str]:
    """The URL of a fresh, migrated database on the test server (dropped afterwards)."""
    url = postgres_cluster.create_database(template=postgres_template)
    yield url
    postgres_cluster.drop_database(url)


@pytest.fixture(scope="session")
def postgres_demo_template(postgres_cluster: Cluster) -> str:
    """The name of a database 'hmc demo --no-serve' built once per run (per worker), which no
    test connects to: the template of ``hmc_on_postgres_demo``."""
    url = postgres_cluster.create_database()
    with pointed_at(url):
        built = CliRunner().invoke(app, ["demo", "--no-serve"])
        assert built.exit_code == 0, built.output
        assert Path("hmc-report.pdf").is_file()  # not on a file, it writes its report here
    return url.rsplit("/", 1)[1]


@pytest.fixture
def hmc_on_postgres_demo(postgres_cluster: Cluster, postgres_demo_template: str) -> Iterator[str]:
    """HMC_DATABASE_URL set to a fresh copy of the demo database on PostgreSQL (see
    ``pointed_at``); dropped afterwards."""
    url = postgres_cluster.create_database(template=postgres_demo_template)
    with pointed_at(url):
        yield url
    postgres_cluster.drop_database(url)


@pytest.fixture
def hmc_on_postgres(postgres_url: str) -> Iterator[str]:
    """HMC_DATABASE_URL set to a fresh, empty PostgreSQL database (see ``pointed_at``)."""
    with pointed_at(postgres_url):
        yield postgres_url


@pytest.fixture
def hmc_on_migrated_postgres(migrated_postgres_url: str) -> Iterator[str]:
    """HMC_DATABASE_URL set to a fresh, migrated PostgreSQL database (see ``pointed_at``)."""
    with pointed_at(migrated_postgres_url):
        yield migrated_postgres_url


@contextlib.contextmanager
def pointed_at(url: str) -> Iterator[None]:
    """HMC_DATABASE_URL set to ``url``, in a temporary working directory (where ``hmc demo``
    writes its report when the database is no file); the process restored afterwards."""
    before = os.environ.get("HMC_DATABASE_URL")
    os.environ["HMC_DATABASE_URL"] = url
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
            yield
    finally:
        get_engine().dispose()
        get_engine.cache_clear()
        if before is None:
            del os.environ["HMC_DATABASE_URL"]
        else:
            os.environ["HMC_DATABASE_URL"] = before
        get_settings.cache_clear()
