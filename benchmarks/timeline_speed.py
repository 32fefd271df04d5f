"""Timeline speed: every gate of every phase and area over 10,000 paths × 156 weeks.

Builds the demo database in a temporary folder (the shipped commissions, the bundled
evidence, the exercise round), then for ``hmc-iraq-2024``:

- fit: forecasting every indicator (model selection by backtest included) with 10,000 paths;
- seconds: when each phase begins in each area, all gates evaluated on (paths × weeks)
  (the best of three runs);
- loop_ratio: the same work as a plain Python loop over paths, one path at a time, timed
  on a subset and scaled to all paths, divided by ``seconds``.

Run: ``make bench``. Its last line is
``timeline: paths=N weeks=N seconds=X loop_ratio=X fit_s=X``; it asserts nothing.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

PATHS = 10_000
LOOPED = 100  # paths timed one at a time
REPEATS = 3  # the vectorised run is timed this many times; the best counts
COMMISSION = "hmc-iraq-2024"


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HMC_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.db'}"
        from typer.testing import CliRunner

        from hmc.cli import app
        from hmc.forecast.service import forecast
        from hmc.storage import open_database, session_scope
        from hmc.timeline.projection import starts

        result = CliRunner().invoke(app, ["demo", "--no-serve"])
        assert result.exit_code == 0, result.output
        with session_scope(open_database(write=False)) as session:
            start = time.perf_counter()
            made = forecast(session, commission_id=COMMISSION, paths=PATHS)
            fit = time.perf_counter() - start
        # each run on a copy without the gates' conditions computed by the one before
        seconds = min(_timed(lambda: starts(replace(made))) for _ in range(REPEATS))
        start = time.perf_counter()
        for path in range(LOOPED):
            one = {
                key: replace(track, paths=track.paths[path : path + 1])
                for key, track in made.tracks.items()
            }
            starts(replace(made, paths=1, tracks=one))
        looped = (time.perf_counter() - start) * PATHS / LOOPED
    gates = sum(len(p.gates) for p in made.framework.phases)
    print(f"{COMMISSION}: {gates} gates, {len(made.tracks)} tracks")
    print(f"fit (10,000 paths, model selection included): {fit:.2f} s (target ≤ 10 s)")
    print(f"vectorised: {seconds:.3f} s (target ≤ 1 s); Python loop over paths: {looped:.1f} s")
    print(
        f"timeline: paths={PATHS} weeks={made.horizon} seconds={seconds:.3f}"
        f" loop_ratio={looped / seconds:.1f} fit_s={fit:.2f}"
    )


if __name__ == "__main__":
    main()
