"""The news extraction benchmark runs on reports of its gold set and prints its line."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "news_extraction.py"
LINE = re.compile(
    r"news: docs=2 items=\d+ precision=\d\.\d\d recall=\d\.\d\d date_accuracy=\d\.\d\d "
    r"governorate_accuracy=\d\.\d\d docs_per_s=\d+\.\d"
)


def test_the_benchmark_scores_two_gold_reports_in_its_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = importlib.util.spec_from_file_location("news_extraction", SCRIPT)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "news_extraction", bench)  # its dataclasses look it up
    spec.loader.exec_module(bench)
    golds = bench.load(names=["en02", "ar01"])
    assert [Path(g.report.file).name for g in golds] == ["ar01.txt", "en02.txt"]
    assert LINE.fullmatch(bench.line("news", golds))
    found = [[item.to_dict() for item in bench.extract(g.report)] for g in golds]
    assert bench.misses(golds[0], []) == [
        f"missed {g['type']}/{g['category']}: {g['text']}" for g in golds[0].items
    ]
    assert all(bench.score(g, f)["gold"] == len(g.items) for g, f in zip(golds, found, strict=True))
