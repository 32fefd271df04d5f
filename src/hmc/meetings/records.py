"""A meeting as one viewer may see it: plain records for the pages, the API and the CLI.

Another party's draft minutes are never read into a record: they are absent, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any


@dataclass(frozen=True)
class MeetingInfo:
    id: int
    commission_id: str
    title: str
    title_lang: str
    day: date
    start: time
    duration: int  # minutes
    timezone: str
    place: str
    format: str
    exercise: bool
    scheduled_by: str
    scheduled_at: datetime


@dataclass(frozen=True)
class AttendeeInfo:
    party: str
    member_id: int
    username: str
    name: str


@dataclass(frozen=True)
class MinutesInfo:
    party: str
    text: str
    lang: str
    version: int
    updated_by: str
    updated_at: datetime
    shared_at: datetime | None


@dataclass(frozen=True)
class AgendaItemInfo:
    id: int
    position: int
    kind: str
    ref: str
    subject: str
    subject_lang: str
    detail: dict[str, Any]
    url: str
    dropped: bool
    added_by: str
    minutes: dict[str, MinutesInfo]  # by party: only those the viewer may see
    titles: dict[str, str] = field(default_factory=dict)  # a found item's, by language

    def title(self, lang: str) -> tuple[str, str]:
        """The item's title in ``lang`` and the language it is in: a found item's names its
        phase, indicator and area as configured; a subject someone wrote stays as written."""
        if lang in self.titles:
            return self.titles[lang], lang
        return self.subject, self.subject_lang


@dataclass(frozen=True)
class ApprovalInfo:
    party: str
    member: str
    version: int
    approved_at: datetime


@dataclass(frozen=True)
class DecisionInfo:
    id: int
    meeting_id: int
    item_id: int | None
    text: str
    lang: str
    phase: str | None
    area: str | None
    binds_on: date | None
    change: dict[str, Any]
    state: str  # proposed | stands
    amends_id: int | None
    version: int
    proposed_by: str
    proposed_at: datetime
    stood_at: datetime | None
    framework_version: int | None
    approvals: tuple[ApprovalInfo, ...]


@dataclass(frozen=True)
class ActionInfo:
    id: int
    meeting_id: int
    item_id: int | None
    text: str
    lang: str
    owner_party: str
    owner: str  # the owner's username
    due: date
    state: str
    evidence: tuple[dict[str, Any], ...]
    version: int
    updated_by: str
    updated_at: datetime

    def overdue(self, on: date) -> bool:
        """Whether the action is still open after its due date."""
        return self.state == "open" and self.due < on


@dataclass(frozen=True)
class MeetingView:
    meeting: MeetingInfo
    parties: tuple[str, ...]
    viewer_party: str | None  # the party whose draft minutes the viewer sees (None: none)
    since: date | None  # the agenda covers what changed after this day (None: the start)
    attendees: tuple[AttendeeInfo, ...]
    agenda: tuple[AgendaItemInfo, ...]  # in order, dropped items last
    decisions: tuple[DecisionInfo, ...]
    actions: tuple[ActionInfo, ...]
