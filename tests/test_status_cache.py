"""A commission's status is computed once per version of what it is made of.

A repeat costs a lookup (no indicator is read again); an import, a new framework version,
a rating submitted and a round signed each make the next answer computed afresh, and the
answer shows the change: never a stale answer shown as current.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from hmc.actor import Actor
from hmc.assessment import service
from hmc.assessment.views import round_view
from hmc.evidence.service import bundled_files, import_file
from hmc.framework.service import load_commission, shipped_commissions
from hmc.storage import session_scope
from hmc.timeline import status as module
from hmc.timeline.status import CommissionStatus, status
from test_assessment import IRAQ, TESTER, _released, db, people  # SQLite, then PostgreSQL

__all__ = ["db", "people"]  # the fixtures of test_assessment, used here too

SHIPPED = next(p for p in shipped_commissions() if p.stem == IRAQ)
DAY = date.today()  # a signature is dated today


class Counted:
    """How many times the status read an indicator's values."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = module.series

        def counting(*args: object, **kwargs: object) -> object:
            self.calls += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(module, "series", counting)

    def read(self, engine: Engine) -> tuple[CommissionStatus, int]:
        """The status on DAY, and how many indicator values it read to answer."""
        before = self.calls
        with session_scope(engine) as session:
            found = status(session, commission_id=IRAQ, as_of=DAY)
        return found, self.calls - before


def test_a_repeat_is_a_lookup_and_each_write_computes_afresh(
    db: Engine, people: dict[str, Actor], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    engine, counted = db, Counted(monkeypatch)
    first, reads = counted.read(engine)
    assert reads > 0 and first.stale_since is not None  # never computed: stale
    again, reads = counted.read(engine)
    assert reads == 0 and again is first

    with session_scope(engine) as session:  # an import
        path, format = next((p, f) for p, f in bundled_files() if f == "musings-incidents")
        import_file(session, path=path, format=format, actor=TESTER)
    imported, reads = counted.read(engine)
    assert reads > 0 and imported.newest_evidence is not None and first.newest_evidence is None

    round_id = _released(engine, people)  # ratings submitted
    submitted, reads = counted.read(engine)
    assert reads > 0 and submitted.assessment is None  # not signed: not in the status yet

    with session_scope(engine) as session:  # the round signed
        for item in round_view(session, viewer=people["us_chair"], round_id=round_id).items:
            service.reconcile(session, actor=people["us_chair"], item_id=item.id, level=4)
        service.sign(session, actor=people["us_chair"], round_id=round_id)
        service.sign(session, actor=people["iq_chair"], round_id=round_id)
    signed, reads = counted.read(engine)
    assert reads > 0 and signed.assessment is not None
    rated = {s.indicator.key: s.latest_value for s in signed.indicators if s.area is None}
    assert rated["isf_counter_terrorism"] == 4.0

    edited = tmp_path / SHIPPED.name  # a new framework version: a threshold changed
    edited.write_text(SHIPPED.read_text().replace("threshold = 5\n", "threshold = 6\n", 1))
    with session_scope(engine) as session:
        load_commission(session, path=edited, actor=TESTER)
    changed, reads = counted.read(engine)
    assert reads > 0 and changed.commission.version == signed.commission.version + 1
    assert counted.read(engine)[1] == 0
