"""News extraction against a hand-coded gold set: precision, recall, dates, governorates, speed.

The gold set is ``benchmarks/news/``: the reports in ``reports/`` (written for this
benchmark, in English and Arabic) and, per report, a TOML file in ``gold/`` with its
publication day, language, outlet and the items an analyst codes from it (the coding rules
are in ``benchmarks/news/README.md``). Reports whose gold says ``held_out = true`` were
written after the extractor's rules were last tuned; they are also scored on their own.

Matching. Each gold item names its sentence by a unique piece of its text (``text``); its
span is where that text is in the report's text. An extracted item matches a gold item of
the same ``type`` and ``category`` whose span overlaps the extracted item's ``span``; each
gold item is matched at most once, extracted items taken in the order of the report (each
the first gold item it can match).

* precision = matched / extracted; recall = matched / gold;
* date_accuracy: among matched items whose gold has a date, those whose extracted date is
  the same day (gold ``date``), or the same interval (gold ``date_from`` and ``date_to``);
* governorate_accuracy: among matched items whose gold has a governorate, those whose
  extracted governorate is the same;
* docs_per_s: reports / the wall time of extracting them all (reading excluded), the
  median of 3 passes.

Run: ``make bench`` (or ``python benchmarks/news_extraction.py [--held-out]``). It prints
``news: docs=N items=N precision=X recall=X date_accuracy=X governorate_accuracy=X
docs_per_s=X`` over every report, then the same line as ``news-heldout:`` over the held-out
reports (with ``--held-out``, only that line). ``items`` is the number of gold items. When
``../shared/seeds`` is beside the checkout, the items found in those reports are printed
too (they have no gold and are not scored). It asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import time
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hmc.errors import EvidenceError
from hmc.news import Report, extract, read_report

HERE = Path(__file__).resolve().parent / "news"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_PUBLISHED = date(2024, 1, 25)  # for a seed without a dateline: the day its text speaks of
PASSES = 3


@dataclass(frozen=True)
class Gold:
    """One report and the items coded from it, each with the span of its text."""

    report: Report
    items: list[dict[str, Any]]
    held_out: bool


def load(folder: Path = HERE, names: list[str] | None = None) -> list[Gold]:
    """The gold set in ``folder`` (only the reports ``names``, if given), in name order."""
    golds = []
    for path in sorted((folder / "gold").glob("*.toml")):
        if names is not None and path.stem not in names:
            continue
        coded = tomllib.loads(path.read_text("utf-8"))
        report = read_report(
            folder / "reports" / coded["file"], published=coded["published"],
            language=coded["language"], outlet=coded.get("outlet"),
        )  # fmt: skip
        items = [dict(item, span=_locate(report, item["text"])) for item in coded.get("item", [])]
        golds.append(Gold(report, items, bool(coded.get("held_out", False))))
    return golds


def _locate(report: Report, text: str) -> tuple[int, int]:
    start = report.text.find(text)
    if start < 0 or report.text.find(text, start + 1) >= 0:
        where = "not in" if start < 0 else "more than once in"
        raise SystemExit(f'{report.file}: gold text "{text}" is {where} the report')
    return start, start + len(text)


def _overlaps(a: tuple[int, int] | list[int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _same_date(found: dict[str, Any], gold: dict[str, Any]) -> bool:
    if "date" in gold:
        return found["date"] == gold["date"].isoformat()
    pair = (found["date_from"], found["date_to"])
    return pair == (gold["date_from"].isoformat(), gold["date_to"].isoformat())


def pairs(gold: Gold, found: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    """Each extracted item with the gold item it matches (None if none); see the module."""
    free = list(gold.items)
    paired = []
    for item in found:
        match = next(
            (g for g in free if (g["type"], g["category"]) == (item["type"], item["category"])
             and _overlaps(item["span"], g["span"])),
            None,
        )  # fmt: skip
        if match is not None:
            free.remove(match)
        paired.append((item, match))
    return paired


def score(gold: Gold, found: list[dict[str, Any]]) -> dict[str, int]:
    """Counts for one report: extracted, gold, matched, and the dates and governorates right."""
    counts = dict.fromkeys(("matched", "dated", "dates", "placed", "places"), 0)
    counts["extracted"], counts["gold"] = len(found), len(gold.items)
    for item, match in pairs(gold, found):
        if match is None:
            continue
        counts["matched"] += 1
        if "date" in match or "date_from" in match:
            counts["dated"] += 1
            counts["dates"] += _same_date(item, match)
        if match.get("governorate"):
            counts["placed"] += 1
            counts["places"] += item["governorate"] == match["governorate"]
    return counts


def misses(gold: Gold, found: list[dict[str, Any]]) -> list[str]:
    """What one report's extraction got wrong: gold items missed, extracted items in excess,
    dates and governorates wrong."""
    paired = pairs(gold, found)
    matched = [id(m) for _, m in paired if m is not None]
    wrong = []
    for item, match in paired:
        if match is None:
            wrong.append(("extra", item))
            continue
        if ("date" in match or "date_from" in match) and not _same_date(item, match):
            wrong.append(("wrong date", item))
        if match.get("governorate") and item["governorate"] != match["governorate"]:
            wrong.append(("wrong governorate", item))
    text = gold.report.text
    return [
        *(f"missed {g['type']}/{g['category']}: {g['text']}" for g in gold.items
          if id(g) not in matched),
        *(f"{what} {i['type']}/{i['category']} date={i['date'] or (i['date_from'], i['date_to'])}"
          f" gov={i['governorate']}: {text[i['span'][0] : i['span'][1]][:80]!r}"
          for what, i in wrong),
    ]  # fmt: skip


def _timed(reports: list[Report]) -> tuple[list[list[dict[str, Any]]], float]:
    """The items of each report, and reports per second (the median of the passes)."""
    seconds = []
    found: list[list[dict[str, Any]]] = []
    for _ in range(PASSES):
        start = time.perf_counter()
        found = [[item.to_dict() for item in extract(report)] for report in reports]
        seconds.append(time.perf_counter() - start)
    return found, len(reports) / max(statistics.median(seconds), 1e-9)


def line(label: str, golds: list[Gold]) -> str:
    """The benchmark's line for ``golds``."""
    found, speed = _timed([g.report for g in golds])
    totals: dict[str, int] = {}
    for gold, items in zip(golds, found, strict=True):
        for key, value in score(gold, items).items():
            totals[key] = totals.get(key, 0) + value

    def ratio(part: str, whole: str) -> str:
        return f"{totals[part] / totals[whole]:.2f}" if totals[whole] else "nan"

    return (
        f"{label}: docs={len(golds)} items={totals['gold']} "
        f"precision={ratio('matched', 'extracted')} recall={ratio('matched', 'gold')} "
        f"date_accuracy={ratio('dates', 'dated')} "
        f"governorate_accuracy={ratio('places', 'placed')} docs_per_s={speed:.1f}"
    )


def seeds(folder: Path = SEEDS) -> None:
    """Print the items found in each report of ``folder`` (not scored)."""
    for path in sorted(folder.glob("*.txt")):
        try:
            report = read_report(path)
        except EvidenceError:  # no dateline: the day the seeds speak of
            report = read_report(path, published=SEED_PUBLISHED)
        print(f"seed {path.name} (published {report.published.isoformat()}):")
        for item in extract(report):
            shown = item.to_dict()
            interval = f"{shown['date_from']}..{shown['date_to']}" if shown["date_from"] else None
            when = shown["date"] or interval
            words = report.text[item.span[0] : item.span[1]][:90].replace("\n", " ")
            print(f"  {item.type}/{item.category} date={when} gov={item.governorate} "
                  f"party={item.party} count={item.count} | {words}")  # fmt: skip


def main(argv: list[str]) -> None:
    golds = load()
    held_out = [g for g in golds if g.held_out]
    if "--held-out" not in argv:
        print(line("news", golds))
    if held_out:
        print(line("news-heldout", held_out))
    if "--misses" in argv:
        for gold in golds:
            found = [item.to_dict() for item in extract(gold.report)]
            for miss in misses(gold, found):
                print(f"{Path(gold.report.file).name}: {miss}")
    if "--held-out" not in argv and SEEDS.is_dir():
        seeds()


if __name__ == "__main__":
    main(sys.argv[1:])
