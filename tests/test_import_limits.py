"""What an import refuses before it starts: files that would not fit in memory."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from hmc.accounts import Actor
from hmc.errors import EvidenceError
from hmc.evidence.importers import FORMATS, csvfile
from hmc.evidence.models import ImportBatch, Source
from hmc.evidence.schemas import ImportReport
from hmc.evidence.service import import_file
from hmc.storage.engine import session_scope

TESTER = Actor.system("tests")
SIGACT_HEADER = "datetime,epoch_seconds,event_type,target,city\n"
SIGACT_ROW = "2004-01-01 00:20,1072916400,IED,Coalition Forces,Baghdad\n"
MIB = 1 << 20


def run(engine: Engine, path: Path, format: str) -> ImportReport:
    with session_scope(engine) as session:
        return import_file(session, path=path, format=format, actor=TESTER)


def sigacts_file(path: Path, size: int) -> Path:
    """A SIGACT file of about ``size`` bytes: distinct rows, all valid."""
    rows = size // len(SIGACT_ROW)
    text = "".join(SIGACT_ROW.replace("1072916400", f"{n:010d}") for n in range(rows))
    path.write_text(SIGACT_HEADER + text)
    return path


def test_sigacts_memory_factor_is_the_measured_one() -> None:
    """Measured on the bundled file (see sigacts.py): 26.4 bytes per byte of CSV."""
    assert FORMATS["sigacts"].memory_factor == 27
    assert all(fmt.memory_factor > 1 for fmt in FORMATS.values())


def test_a_file_that_would_not_fit_in_memory_is_refused(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvfile, "available_memory", lambda: 64 * MIB)
    big = sigacts_file(tmp_path / "big.csv", 3 * MIB)
    size = big.stat().st_size
    with pytest.raises(EvidenceError) as caught:
        run(engine, big, "sigacts")
    assert caught.value.message == (
        f"big.csv: holds {size:,} bytes, which would take about {size * 27 / MIB:.1f} MiB of "
        "memory to import (27 bytes per byte of CSV in this format), and 64.0 MiB is "
        "available (split it into smaller files, or free memory)"
    )
    assert caught.value.details == {"file": "big.csv"}
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Source)).scalar_one() == 0
    # What fits is imported: 2 MiB of CSV needs 54 MiB.
    fits = sigacts_file(tmp_path / "fits.csv", 2 * MIB)
    assert run(engine, fits, "sigacts").events_added == 2 * MIB // len(SIGACT_ROW)


def test_the_factor_is_the_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same bytes fit as one format and not as another (ESOC takes 105 a byte)."""
    monkeypatch.setattr(csvfile, "available_memory", lambda: 100 * MIB)
    path = tmp_path / "f.csv"
    path.write_bytes(b"x" * (2 * MIB))
    assert len(csvfile.read_bytes(path, FORMATS["sigacts"].memory_factor)) == 2 * MIB
    with pytest.raises(EvidenceError, match=r"about 210\.0 MiB of memory .* 100\.0 MiB is"):
        csvfile.read_bytes(path, FORMATS["esoc-weekly"].memory_factor)


def test_a_plain_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvfile, "available_memory", lambda: 16 * MIB)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (32 * MIB))
    tracemalloc.start()
    try:
        with pytest.raises(EvidenceError, match=r"^big\.csv: holds 33,554,432 bytes, which"):
            csvfile.read_bytes(big, 27)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MIB  # never read


def test_a_compressed_file_is_refused_as_it_decompresses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvfile, "available_memory", lambda: 16 * MIB)
    packed = tmp_path / "big.csv.gz"
    packed.write_bytes(gzip.compress(SIGACT_HEADER.encode() + b"0" * (64 * MIB)))  # 64 KiB
    tracemalloc.start()
    try:
        with pytest.raises(EvidenceError) as caught:
            csvfile.read_bytes(packed, 27)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.message == (
        "big.csv.gz: decompresses to at least 1,048,576 bytes, which would take at least "
        "27.0 MiB of memory to import (27 bytes per byte of CSV in this format), and 16.0 MiB "
        "is available (split it into smaller files, or free memory)"
    )
    assert peak < 8 * MIB  # stopped at the first mebibyte, never inflated whole (64 MiB)


def test_available_memory_is_what_linux_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       2048 kB\nMemFree:     10 kB\nMemAvailable:     123 kB\n")
    own = tmp_path / "cgroup"
    own.write_text("0::/hmc.scope\n")
    monkeypatch.setattr(csvfile, "MEMINFO", meminfo)
    monkeypatch.setattr(csvfile, "OWN_CGROUP", own)
    monkeypatch.setattr(csvfile, "CGROUPS", tmp_path)
    assert csvfile.available_memory() == 123 * 1024
    limit = tmp_path / "hmc.scope" / "memory.max"
    limit.parent.mkdir()
    limit.write_text("100000\n")  # a container's limit, below what the host has
    assert csvfile.available_memory() == 100_000
    limit.write_text("max\n")  # no limit
    assert csvfile.available_memory() == 123 * 1024
    meminfo.unlink()  # not Linux: the fixed limit
    assert csvfile.available_memory() == csvfile.FALLBACK_MEMORY == 4 << 30


def test_available_memory_here_is_some() -> None:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        assert csvfile.available_memory() == csvfile.FALLBACK_MEMORY
        return
    total = next(
        int(line.split()[1]) * 1024
        for line in meminfo.read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    assert 0 < csvfile.available_memory() <= total
