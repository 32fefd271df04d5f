"""The types of audit records, each registered once: its name as stored, what part of the
workspace it is about, its label (the message ``object_NAME`` of the catalogue), and, for a
row that services write, which of its fields a record keeps and under what keys.

Every view of the trail (the page's filter, the API, the command line, the report) reads
the types from here, and every service turns a row into a record's JSON with
:func:`fields_of`. A type registered twice is refused when hmc starts.

>>> TYPES["minutes"].about, TYPES["minutes"].label
('meetings', 'object_minutes')
>>> TYPES.add(AuditType("round", "rounds"))
Traceback (most recent call last):
hmc.audit.types.DuplicateType: the audit type "round" is registered already
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any


class DuplicateType(ValueError):
    """A second registration of an audit type's name (or of its row)."""


@dataclass(frozen=True)
class AuditType:
    """One type of audit record."""

    name: str  # the records' object_type
    about: str  # the part of the workspace: rounds, meetings, evidence, framework, ...
    row: str = ""  # the class of the rows its records are about ("": not written by a row)
    fields: Mapping[str, str] = field(default_factory=dict)  # key in the record → attribute

    @property
    def label(self) -> str:
        """The key of the type's label in the message catalogue."""
        return f"object_{self.name}"

    def of(self, row: object) -> dict[str, Any]:
        """``row``'s fields as a record keeps them (a date as YYYY-MM-DD, a time as HH:MM).

        >>> from types import SimpleNamespace as Row
        >>> AuditType("x", "y", fields={"day": "on", "start": "at"}).of(
        ...     Row(on=date(2024, 2, 25), at=time(9, 30, 15)))
        {'day': '2024-02-25', 'start': '09:30'}
        """
        return {key: _json(getattr(row, attribute)) for key, attribute in self.fields.items()}


def _json(value: object) -> object:
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


class Registry:
    """The audit types by name, in the order registered; a name is registered once."""

    def __init__(self) -> None:
        self._types: dict[str, AuditType] = {}
        self._rows: dict[str, AuditType] = {}

    def add(self, *types: AuditType) -> None:
        """Register ``types``; DuplicateType if a name (or a row) is registered already."""
        for kind in types:
            if kind.name in self._types:
                raise DuplicateType(f'the audit type "{kind.name}" is registered already')
            if kind.row and kind.row in self._rows:
                raise DuplicateType(f"the rows {kind.row} have an audit type already")
            self._types[kind.name] = kind
            if kind.row:
                self._rows[kind.row] = kind

    def __getitem__(self, name: str) -> AuditType:
        return self._types[name]

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[AuditType]:
        return iter(self._types.values())

    def of_row(self, row: object) -> AuditType:
        """The type of the records about ``row`` (KeyError: its class has none)."""
        return self._rows[type(row).__name__]


def fields_of(row: object) -> dict[str, Any]:
    """``row``'s fields as its audit records keep them."""
    return TYPES.of_row(row).of(row)


TYPES = Registry()
TYPES.add(
    AuditType(
        "round",
        "rounds",
        "Round",
        {
            "name": "name",
            "as_of": "as_of",
            "state": "state",
            "framework_version": "framework_version",
            "flag_gap": "flag_gap",
            "exercise": "exercise",
            "amends": "amends_id",
        },
    ),
    AuditType("item", "rounds", "RoundItem"),
    AuditType(
        "rating",
        "rounds",
        "Rating",
        {
            "item": "item_id",
            "party": "party_key",
            "level": "level",
            "confidence": "confidence",
            "rationale": "rationale",
            "evidence": "evidence",
            "version": "version",
        },
    ),
    AuditType("submission", "rounds", "Submission"),
    AuditType(
        "joint_rating",
        "rounds",
        "JointRating",
        {
            "item": "item_id",
            "level": "level",
            "disputed": "disputed",
            "note": "note",
            "version": "version",
        },
    ),
    AuditType("signature", "rounds", "Signature"),
    AuditType(
        "meeting",
        "meetings",
        "Meeting",
        {
            "title": "title",
            "title_lang": "title_lang",
            "day": "day",
            "start": "start",
            "duration": "duration",
            "timezone": "timezone",
            "place": "place",
            "format": "format",
            "exercise": "exercise",
        },
    ),
    AuditType(
        "agenda_item",
        "meetings",
        "AgendaItem",
        {
            "kind": "kind",
            "ref": "ref",
            "subject": "subject",
            "subject_lang": "subject_lang",
            "detail": "detail",
            "url": "url",
            "position": "position",
            "dropped": "dropped",
        },
    ),
    AuditType(
        "minutes",
        "meetings",
        "Minutes",
        {
            "item": "item_id",
            "party": "party_key",
            "text": "text",
            "lang": "lang",
            "version": "version",
            "shared": "shared",
        },
    ),
    AuditType(
        "decision",
        "meetings",
        "Decision",
        {
            "meeting": "meeting_id",
            "item": "item_id",
            "text": "text",
            "lang": "lang",
            "phase": "phase_key",
            "area": "area_key",
            "binds_on": "binds_on",
            "change": "change",
            "state": "state",
            "amends": "amends_id",
            "version": "version",
            "framework_version": "framework_version",
        },
    ),
    AuditType(
        "action",
        "meetings",
        "Action",
        {
            "item": "item_id",
            "text": "text",
            "lang": "lang",
            "owner_party": "owner_party",
            "owner": "owner_id",
            "due": "due",
            "state": "state",
            "evidence": "evidence",
            "version": "version",
        },
    ),
    AuditType("forecast_run", "timeline"),
    AuditType("framework_version", "framework"),
    AuditType("import_batch", "evidence"),
    AuditType("event_account", "evidence"),
    AuditType("event_link", "evidence"),
    AuditType("news_item", "evidence"),
    AuditType("source", "evidence"),
    AuditType("member", "accounts"),
    AuditType("token", "accounts"),
    AuditType("session", "accounts"),
)
