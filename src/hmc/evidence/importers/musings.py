"""Security-incident tallies for Iraq from Joel Wing's blog "Musings on Iraq", 2003-2024.

File: ``musings_on_iraq_security_incident_counts_2003_2024.csv`` (long format: ``period_start``,
``period_end``, ``granularity``, ``metric``, ``value``, ``scope``, ``notes``, ``source_url``),
compiled by hand from the blog's posts, which tally media reports. Observations are
nationwide (governorate None), basis ``period``. Metrics map to series: ``incidents`` →
``security_incidents``, ``avg_incidents_per_day`` → ``incidents_per_day``, ``killed`` and
``wounded`` keep their names, and ``incidents_total/IS`` gives both ``security_incidents``
and ``isis_incidents``.

Values are published as a number, a range ("150-200": its midpoint is stored) or a
"total/IS" pair ("18/9": 18 incidents of which 9 by the Islamic State); "18/3/1" has a third
figure the source does not explain, so only the first two are used. Whenever the value was
not a plain number, the note keeps it as published, with the row's notes, scope and address.
Every figure is written with the digits 0-9 and is at most 999,999,999,999,999
(``csvfile.MAX_NUMBER``).
"""

from __future__ import annotations

import re

from hmc.evidence.importers.base import Format, ObservationRow, RowReader, Rows, SourceInfo
from hmc.evidence.importers.csvfile import Record, Table

SOURCE = SourceInfo(
    key="musings-on-iraq",
    name='Joel Wing, "Musings on Iraq" security-incident tallies',
    url="https://musingsoniraq.blogspot.com",
    licence="facts compiled from public pages, each row cites its source",
    reliability="C",
)
METRICS = {
    "incidents": ("security_incidents", "isis_incidents"),
    "incidents_total/IS": ("security_incidents", "isis_incidents"),
    "avg_incidents_per_day": ("incidents_per_day",),
    "killed": ("killed",),
    "wounded": ("wounded",),
}
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_PLAIN = re.compile(_NUMBER)
_RANGE = re.compile(rf"({_NUMBER})\s*[-–]\s*({_NUMBER})")
_SLASHED = re.compile(rf"{_NUMBER}(?:\s*/\s*{_NUMBER})+")


def values(record: Record, series: tuple[str, ...]) -> list[float]:
    """The figures of the ``value`` cell, one per series at most (a "total/IS" pair gives two)."""
    text = record.digits("value")
    if _PLAIN.fullmatch(text):
        return [record.parse_figure("value", text)]
    if match := _RANGE.fullmatch(text):
        low, high = (record.parse_figure("value", end) for end in match.groups())
        if low > high:
            record.fail("value", f'"{text}" is a range whose low end is above its high end')
        return [low / 2 + high / 2]  # the midpoint
    if _SLASHED.fullmatch(text) and len(series) > 1:
        parts = text.split("/")[: len(series)]
        return [record.parse_figure("value", part.strip()) for part in parts]
    expected = "a number, a range like 150-200"
    if len(series) > 1:
        expected += ' or a "total/IS" pair like 18/9'
    record.fail("value", f'"{record.shown("value")}" is not {expected}')


def start(table: Table, out: Rows) -> RowReader:
    """Observations of each metric's series over each row's period."""
    has_scope = table.has("scope")
    table.require("period_start", "period_end", "metric", "value", "notes", "source_url")

    def read(record: Record) -> None:
        start, end = record.parse_date("period_start"), record.parse_date("period_end")
        if end < start:
            record.fail("period_end", f"{end} is before period_start {start}")
        metric = record.text("metric")
        if metric not in METRICS:
            record.fail("metric", f'"{metric}" is not one of: {", ".join(METRICS)}')
        series = METRICS[metric]
        figures = values(record, series)
        raw = record.text("value")
        parts = [] if _PLAIN.fullmatch(raw) else [f'published as "{raw}"']
        parts += [record.text("notes")]
        parts += [f"scope: {record.text('scope')}"] if has_scope else []
        parts += [record.text("source_url")]
        for name, figure in zip(series, figures, strict=False):
            observation: ObservationRow = {
                "series": name,
                "governorate": None,
                "period_start": start,
                "period_end": end,
                "basis": "period",
                "value": figure,
                "note": "; ".join(part for part in parts if part),
            }
            out.observe(record, observation, field="value")

    return read


FORMAT = Format(
    name="musings-incidents",
    description='Security-incident tallies from "Musings on Iraq" (Joel Wing), 2003-2024',
    source=SOURCE,
    header=("period_start", "period_end", "metric", "value", "notes", "source_url"),
    start=start,
)
