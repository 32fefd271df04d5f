"""Indicator values computed from the real bundled evidence, checked against the files."""

from __future__ import annotations

import csv
import math
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
from sqlalchemy import Engine

from hmc.framework.service import framework
from hmc.indicators.service import Series, series
from hmc.storage import session_scope


def _series(
    engine: Engine, commission: str, key: str, area: str | None, period: str, as_of: date
) -> Series:
    with session_scope(engine) as session:
        found = framework(session, commission_id=commission)
        indicator = found.indicator(key)
        chosen = found.area(area) if area else None
        return series(session, indicator=indicator, area=chosen, period=period, as_of=as_of)


def _esoc(governorate: str) -> dict[str, int]:
    path = Path(str(files("hmc") / "data"))  # the bundled file the demo imports
    with (path / "esoc_iraq_sigact_governorate_weekly_2004_2009.csv").open() as f:
        return {
            r["week_start"]: int(r["SIGACT"])
            for r in csv.DictReader(f)
            if r["governorate"] == governorate
        }


def test_weekly_sigacts_per_governorate_match_esoc(demo_engine: Engine) -> None:
    got = _series(demo_engine, "pic-iraq-2006", "sigacts", "ninewa", "week", date(2009, 3, 1))
    values = dict(zip(got.period_starts, got.values, strict=True))
    esoc = _esoc("Ninewa")
    # 2007's Stata weeks start on Mondays; 2006's on Sundays, filed under the next Monday
    assert values[date(2007, 5, 14)] == esoc["2007-05-14"]
    assert values[date(2006, 7, 10)] == esoc["2006-07-09"]
    assert len(got.values) == len(esoc)


def test_monthly_counts_sum_the_weeks_starting_in_the_month(demo_engine: Engine) -> None:
    got = _series(demo_engine, "pic-iraq-2006", "sigacts", "baghdad", "month", date(2009, 3, 1))
    values = dict(zip(got.period_starts, got.values, strict=True))
    expected = sum(v for k, v in _esoc("Baghdad").items() if k.startswith("2007-03"))
    assert values[date(2007, 3, 1)] == expected


def test_national_is_the_sum_of_governorates(demo_engine: Engine) -> None:
    as_of = date(2009, 3, 1)
    national = _series(demo_engine, "pic-iraq-2006", "sigacts", None, "week", as_of)
    week = national.period_starts.index(date(2007, 1, 1))
    parts = [
        _series(demo_engine, "pic-iraq-2006", "sigacts", g, "week", as_of)
        for g in ("baghdad", "anbar", "ninewa")
    ]
    assert national.values[week] > sum(
        p.values[p.period_starts.index(date(2007, 1, 1))] for p in parts
    )


def test_running_total_spread_between_reports(demo_engine: Engine) -> None:
    got = _series(
        demo_engine, "hmc-iraq-2024", "attacks_on_us_forces", None, "week", date(2024, 6, 1)
    )
    values = dict(zip(got.period_starts, got.values, strict=True))
    # 73 attacks reported on 2023-11-23, 78 on 2023-12-07: 5 in 14 days, 2.5 a week
    assert values[date(2023, 11, 27)] == pytest.approx(2.5)
    # 78 on 2023-12-07, 140 on 2024-01-18: 62 in 42 days
    assert values[date(2023, 12, 18)] == pytest.approx(62 / 42 * 7)


def test_as_of_keeps_only_what_was_known(demo_engine: Engine) -> None:
    """A week of a running total is known once a report after its last day is out."""

    def weeks(as_of: date) -> list[date]:
        key = "attacks_on_us_forces"
        return _series(demo_engine, "hmc-iraq-2024", key, None, "week", as_of).period_starts

    # reports on 2023-11-17 and 2023-11-23: the week of 13-19 November needs the second
    assert weeks(date(2023, 11, 22))[-1] == date(2023, 11, 6)
    assert weeks(date(2023, 11, 23))[-1] == date(2023, 11, 13)


def test_event_counts_are_zero_within_coverage_and_absent_outside(demo_engine: Engine) -> None:
    got = _series(
        demo_engine, "pic-iraq-2006", "attacks_on_coalition", "muthanna", "week", date(2009, 1, 1)
    )
    assert got.period_starts[0] == date(2004, 1, 5)  # first complete week of the SIGACTs
    assert got.period_starts[-1] == date(2007, 7, 9)  # the records end on 2007-07-16
    assert 0.0 in got.values and all(v >= 0 for v in got.values)


def test_rated_indicator_has_no_values_not_zeros(demo_engine: Engine) -> None:
    got = _series(
        demo_engine,
        "hmc-iraq-2024",
        "isf_counter_terrorism",
        "federal-iraq",
        "week",
        date(2025, 1, 1),
    )
    assert got.values == [] and got.latest is None


def test_partial_week_is_scaled_to_a_weekly_rate(demo_engine: Engine) -> None:
    got = _series(demo_engine, "hmc-iraq-2024", "isis_incidents", None, "week", date(2024, 6, 1))
    values = dict(zip(got.period_starts, got.values, strict=True))
    # "4/1" for 2022-03-29..31 (3 days): 1 IS incident in 3 days is 7/3 a week
    assert math.isclose(values[date(2022, 3, 28)], 7 / 3)
