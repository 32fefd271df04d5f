"""The Arabic texts of a framework version, read from the configuration it was loaded from.

Each name, description, label, rubric and rationale of the configuration may have its
Arabic in a key of the same name ending in ``_ar`` (see docs/configuration.md). The text a
version was loaded from is kept with it, so its Arabic is read back from that text.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from functools import lru_cache
from typing import Any, TypeVar

from hmc.framework.records import Framework

Texts = dict[tuple[str, str], dict[str, Any]]  # (kind, id) -> {"name_ar": ...}
T = TypeVar("T")


def _arabic(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k.endswith("_ar")}


@lru_cache(maxsize=64)
def arabic_texts(text: str) -> Texts:
    """Every ``*_ar`` key of a validated configuration, by the kind and id of its item.

    >>> arabic_texts('[[area]]\\nid = "north"\\nname = "North"\\nname_ar = "الشمال"')
    {('area', 'north'): {'name_ar': 'الشمال'}}
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:  # a version from before texts were kept: no Arabic
        return {}
    head = raw.get("commission", {})
    found: Texts = {("commission", ""): _arabic(head)}
    found |= {("party", p["id"]): _arabic(p) for p in head.get("parties", [])}
    for kind in ("factor", "scale", "area", "indicator", "phase", "scenario"):
        found |= {(kind, item["id"]): _arabic(item) for item in raw.get(kind, [])}
    for scale in raw.get("scale", []):
        found |= {("level", f"{scale['id']}/{lv['value']}"): _arabic(lv) for lv in scale["levels"]}
    found |= {("milestone", str(n)): _arabic(m) for n, m in enumerate(raw.get("milestone", []))}
    return {where: texts for where, texts in found.items() if texts}


def with_arabic(framework: Framework, text: str) -> Framework:
    """``framework`` with the Arabic texts of the configuration ``text`` beside its own."""
    texts = arabic_texts(text)

    def ar(kind: str, key: str, item: T) -> T:
        return replace(item, **texts.get((kind, key), {}))  # type: ignore[type-var]

    info = framework.commission
    parties = tuple(ar("party", p.key, p) for p in info.parties)
    factors = {f.key: ar("factor", f.key, f) for f in framework.factors}
    scales = {
        s.key: replace(
            ar("scale", s.key, s),
            levels=tuple(ar("level", f"{s.key}/{lv.value}", lv) for lv in s.levels),
        )
        for s in framework.scales
    }
    areas = {a.key: ar("area", a.key, a) for a in framework.areas}
    indicators = tuple(
        replace(
            ar("indicator", i.key, i),
            factor=factors[i.factor.key],
            scale=scales[i.scale.key] if i.scale else None,
        )
        for i in framework.indicators
    )
    phases = tuple(
        replace(
            ar("phase", p.key, p),
            gates=tuple(replace(g, area=areas[g.area.key]) for g in p.gates),
        )
        for p in framework.phases
    )
    return replace(
        framework,
        commission=replace(ar("commission", "", info), parties=parties),
        factors=tuple(factors.values()),
        scales=tuple(scales.values()),
        indicators=indicators,
        areas=tuple(areas.values()),
        phases=phases,
        milestones=tuple(ar("milestone", str(n), m) for n, m in enumerate(framework.milestones)),
        scenarios=tuple(ar("scenario", s.key, s) for s in framework.scenarios),
    )
