"""Assessment rounds on the command line: Rich tables, and the JSON of ``hmc round status``.

A view holds only what its viewer may see (another party's drafts are absent from it, not
hidden here); what this module prints is that view, escaped where it comes from data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from hmc.cli.base import t, when

if TYPE_CHECKING:  # the services load with the command that uses them
    from hmc.assessment.records import (
        Agreement,
        Divergence,
        ItemView,
        JointInfo,
        RatingInfo,
        RoundInfo,
        RoundView,
        SignatureInfo,
    )


def _parties(keys: Sequence[str]) -> str:
    return ", ".join(keys) if keys else t("cli_none")


def _name(info: RoundInfo) -> str:
    name = escape(info.name)
    if info.amends_id is not None:
        name += f" [dim]({t('cli_amends', id=info.amends_id)})[/]"
    return name


def rounds(console: Console, infos: Sequence[RoundInfo], commission_id: str) -> None:
    """The commission's rounds, newest first, in a table that fits 80 columns."""
    if not infos:
        console.print(t("cli_no_rounds", commission=escape(commission_id)), highlight=False)
        return
    table = Table(
        Column(t("cli_id"), no_wrap=True, justify="right"),
        Column(t("cli_name"), overflow="fold", ratio=1),
        *(Column(t(f"cli_{k}"), no_wrap=True) for k in ("as_of", "state", "exercise")),
        *(Column(t(f"cli_{k}"), no_wrap=True) for k in ("submitted", "signed")),
        title=t("cli_rounds_of", commission=escape(commission_id)),
    )
    for info in infos:
        table.add_row(
            str(info.id),
            _name(info),
            info.as_of.isoformat(),
            t(f"cli_state_{info.state}"),
            f"[yellow]{t('cli_yes')}[/]" if info.exercise else "",
            ", ".join(info.submitted),
            ", ".join(info.signed_by),
        )
    console.print(table)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _kappa(kappa: float | None) -> str:
    return t("cli_undefined") if kappa is None else f"{kappa:.2f}"


def _level(rating: RatingInfo | None, private: bool) -> str:
    if rating is not None:
        return str(rating.level)
    return f"[dim]{t('cli_private')}[/]" if private else "[dim]—[/]"


def _joint(joint: JointInfo | None) -> str:
    if joint is None:
        return "[dim]—[/]"
    return f"[yellow]{t('disputed')}[/]" if joint.disputed else str(joint.level)


def _gap(item: ItemView, flag_gap: int) -> str:
    if item.gap is None:
        return ""
    return f"[yellow]{t('cli_flagged', n=item.gap)}[/]" if item.gap >= flag_gap else str(item.gap)


def _item_cell(item: ItemView) -> str:
    where = f"\n  [dim]{escape(item.area.name)}[/]" if item.area is not None else ""
    return f"{item.indicator.key}{where}"


def _visibility(view: RoundView) -> str:
    if view.round.state != "drafting":
        return t("cli_see_submitted")
    if view.viewer_party is None:
        return t("cli_see_nothing")
    return t("cli_see_drafts_of", party=view.viewer_party)


def round_status(console: Console, view: RoundView, divergence: Divergence | None) -> None:
    """Where a round stands: its state, the visible ratings, the joint ratings, signatures."""
    info = view.round
    mark = f" [yellow]({t('cli_an_exercise')})[/]" if info.exercise else ""
    console.print(f"[bold]{t('cli_round', id=info.id)}:[/] {_name(info)}{mark}", highlight=False)
    state = t(f"cli_state_{info.state}")
    if info.signed_on:
        state = t("cli_state_on", state=state, date=when(info.signed_on))
    where = t(
        "cli_round_of",
        commission=escape(info.commission_id),
        as_of=when(info.as_of),
        version=info.framework_version,
    )
    console.print(f"{where}: [bold]{state}[/]", highlight=False)
    console.print(
        t(
            "cli_submitted_signed",
            submitted=_parties(info.submitted),
            signed=_parties(info.signed_by),
        ),
        highlight=False,
    )
    console.print(t("cli_you_see", what=_visibility(view)), highlight=False)
    if divergence is not None:
        agreed = divergence.overall
        console.print(
            t(
                "cli_agreement",
                items=agreed.items,
                exact=_percent(agreed.exact),
                kappa=_kappa(agreed.kappa),
                flagged=len(divergence.flagged),
                gap=info.flag_gap,
            ),
            highlight=False,
        )
    table = Table(
        Column(t("cli_item"), overflow="fold", ratio=1),
        *(Column(party, no_wrap=True, justify="right") for party in view.parties),
        Column(t("cli_gap"), no_wrap=True),
        Column(t("cli_joint"), no_wrap=True),
        title=t("cli_items", n=len(view.items)),
    )
    private = info.state == "drafting"
    for item in view.items:
        table.add_row(
            _item_cell(item),
            *(
                _level(item.ratings.get(p), private and p != view.viewer_party)
                for p in view.parties
            ),
            _gap(item, info.flag_gap),
            _joint(item.joint),
        )
    console.print(table)
    signatures(console, view.signatures)


def signatures(console: Console, signed: Sequence[SignatureInfo]) -> None:
    """Each signature with the audit head it recorded (the chain as it stood when signed)."""
    if not signed:
        console.print(t("cli_no_signatures"))
        return
    console.print(t("cli_signatures"))
    for s in signed:
        at = f"{s.signed_at:%Y-%m-%d %H:%M}"
        console.print(
            "  " + t("cli_signed_by", party=s.party, member=escape(s.member), at=at),
            highlight=False,
        )
        held = t("cli_audit_head", head=s.audit_head)
        console.print(f"    {held}", highlight=False, soft_wrap=True)


# --- JSON: the same view, for scripts ----------------------------------------------------


def _label(item: ItemView, level: int | None) -> str | None:
    return next((x.label for x in item.levels if x.value == level), None)


def _rating_data(item: ItemView, rating: RatingInfo) -> dict[str, Any]:
    return {
        "level": rating.level,
        "label": _label(item, rating.level),
        "confidence": rating.confidence,
        "rationale": rating.rationale,
        "evidence": list(rating.evidence),
        "version": rating.version,
        "updated_by": rating.updated_by,
        "updated_at": rating.updated_at.isoformat(),
    }


def _joint_data(item: ItemView, joint: JointInfo | None) -> dict[str, Any] | None:
    if joint is None:
        return None
    return {
        "level": joint.level,
        "label": _label(item, joint.level),
        "disputed": joint.disputed,
        "note": joint.note,
        "version": joint.version,
        "decided_by": joint.decided_by,
        "decided_at": joint.decided_at.isoformat(),
    }


def _agreement_data(agreed: Agreement) -> dict[str, Any]:
    return {"items": agreed.items, "exact": agreed.exact, "kappa": agreed.kappa}


def round_data(info: RoundInfo) -> dict[str, Any]:
    """A round's header as JSON values."""
    return {
        "id": info.id,
        "commission_id": info.commission_id,
        "name": info.name,
        "as_of": info.as_of.isoformat(),
        "state": info.state,
        "exercise": info.exercise,
        "framework_version": info.framework_version,
        "flag_gap": info.flag_gap,
        "amends": info.amends_id,
        "opened_by": info.opened_by,
        "opened_at": info.opened_at.isoformat(),
        "released_at": info.released_at.isoformat() if info.released_at else None,
        "signed_on": info.signed_on.isoformat() if info.signed_on else None,
        "submitted": list(info.submitted),
        "signed_by": list(info.signed_by),
    }


def status_data(view: RoundView, divergence: Divergence | None) -> dict[str, Any]:
    """What ``round_status`` prints, as JSON values (only what the viewer may see)."""
    return {
        "round": round_data(view.round),
        "parties": list(view.parties),
        "viewer_party": view.viewer_party,
        "agreement": None
        if divergence is None
        else {
            "overall": _agreement_data(divergence.overall),
            "by_factor": {k: _agreement_data(a) for k, a in divergence.by_factor.items()},
        },
        "items": [
            {
                "id": item.id,
                "indicator": item.indicator.key,
                "area": item.area.key if item.area is not None else None,
                "ratings": {p: _rating_data(item, r) for p, r in item.ratings.items()},
                "gap": item.gap,
                "flagged": item.gap is not None and item.gap >= view.round.flag_gap,
                "joint": _joint_data(item, item.joint),
            }
            for item in view.items
        ],
        "signatures": [
            {
                "party": s.party,
                "member": s.member,
                "signed_at": s.signed_at.isoformat(),
                "audit_head": s.audit_head,
            }
            for s in view.signatures
        ],
    }
