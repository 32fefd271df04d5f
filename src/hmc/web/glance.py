"""The top of a commission's dashboard: every phase × area, its state and why, and when."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hmc.deps import Viewer
from hmc.permissions import Permission, may
from hmc.timeline.glance import Glance, PhaseArea, arrange
from hmc.timeline.service import StoredRun
from hmc.timeline.status import CommissionStatus
from hmc.web import i18n
from hmc.web.map import AreaMap, area_map


@dataclass(frozen=True)
class Row:
    """One phase × area as the page shows it, in the page's language."""

    row: PhaseArea
    phase: str
    area: str
    why: str
    binding: str  # the binding constraint's name ("" when none is known)


@dataclass(frozen=True)
class GlanceView:
    glance: Glance
    rows: list[Row]
    may_compute: bool
    map: AreaMap

    @property
    def run(self) -> StoredRun | None:
        return self.glance.run


def view(found: CommissionStatus, run: StoredRun | None, viewer: Viewer, lang: str | None
         ) -> GlanceView:  # fmt: skip
    """The state of the transition for the page, worded in ``lang``."""
    chosen = i18n.language(lang)
    glance = arrange(found, run)
    current = glance.framework
    rows = []
    for r in glance.rows:
        binding = r.when.binding if r.when else None
        rows.append(Row(
            r,
            i18n.configured(r.phase, "name", chosen),
            i18n.configured(r.area, "name", chosen),
            r.why(current, lang=chosen),
            i18n.configured(current.indicator(binding), "name", chosen) if binding else "",
        ))  # fmt: skip
    commission = current.commission.id
    rows = _grouped(rows, chosen)
    allowed = may(viewer.actor, Permission.COMPUTE_TIMELINE, commission)
    return GlanceView(glance, rows, allowed, area_map(glance, as_of=found.as_of, lang=chosen))


def _grouped(rows: list[Row], lang: str) -> list[Row]:
    """The first phase (under way in every area, without a gate) as one row for all areas."""
    first = [r for r in rows if r.row.phase.after is None]
    if len(first) < 2:
        return rows
    every = i18n.counted(lang, "glance_every_area", len(first))
    return [replace(first[0], area=every), *(r for r in rows if r.row.phase.after is not None)]
