"""How fast hmc answers before it does any work, against a bare Python in the same run.

Each figure is the median wall time of several runs of a fresh process:
- python: ``python -c pass`` (the floor: the interpreter itself);
- help: ``hmc --help``;
- version: ``hmc --version``;
- status: ``hmc status`` on a demo database whose values are current (built first, untimed).

Targets on a 2-core machine: version <= 0.3 s, status <= 1 s. Run: ``make bench``. Prints one
line; it asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
HMC = [sys.executable, "-c", "from hmc.cli import main; main()"]


def median_seconds(command: list[str], env: dict[str, str]) -> float:
    """The median wall time of ``command`` over RUNS fresh processes (after one warm-up)."""
    times = []
    for n in range(RUNS + 1):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        if n:  # the first run warms the file cache
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "HMC_DATABASE_URL": f"sqlite:///{Path(folder) / 'hmc.db'}"}
        subprocess.run([*HMC, "demo", "--no-serve"], env=env, check=True, capture_output=True)
        figures = {
            "python_s": median_seconds([sys.executable, "-c", "pass"], env),
            "help_s": median_seconds([*HMC, "--help"], env),
            "version_s": median_seconds([*HMC, "--version"], env),
            "status_s": median_seconds([*HMC, "status"], env),
        }
    print("startup: " + " ".join(f"{name}={value:.3f}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
