"""What the API takes and returns for working meetings: bodies with limits, and views."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hmc.assessment.evidence_links import MOST
from hmc.assessment.schemas import INT32, Evidence, Keys, Version
from hmc.framework.schemas import ID_LENGTH, Day
from hmc.meetings.models import SHORT, TEXT
from hmc.meetings.records import MeetingView
from hmc.schemas import KEPT, Read

Text = Annotated[str, Field(min_length=1, max_length=TEXT), KEPT]
Short = Annotated[str, Field(min_length=1, max_length=SHORT), KEPT]
Lang = Literal["en", "ar"] | None
Key = Annotated[str, Field(min_length=1, max_length=ID_LENGTH), KEPT]
Id = Annotated[int, Field(ge=1, le=INT32)]
Format = Literal["in_person", "video", "hybrid"]


class _Body(BaseModel):
    # strict: true is not read as 1, nor "3" as 3; an unknown field is refused, not ignored
    model_config = ConfigDict(extra="forbid", strict=True)


class MeetingSchedule(_Body):
    """A new meeting: its title, day, time (in its time zone), place and format."""

    title: Short
    day: Day
    start: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM")]
    duration: Annotated[int, Field(ge=15, le=24 * 60, description="Minutes.")] = 120
    timezone: Annotated[str, Field(min_length=1, max_length=64), KEPT] = "UTC"
    place: Short
    format: Format
    lang: Lang = Field(None, description="The title's language (default: from its script).")

    @property
    def start_time(self) -> time:
        """``start`` as a time of day."""
        return time.fromisoformat(self.start)


class AttendeesWrite(_Body):
    """The usernames of the attendees of the co-chair's own party (replacing its list)."""

    usernames: Keys


class AgendaAdd(_Body):
    """An item a co-chair adds to the agenda, with the page that shows its evidence."""

    subject: Annotated[str, Field(min_length=1, max_length=1_000), KEPT]
    url: Annotated[str, Field(max_length=500), KEPT] = ""
    lang: Lang = None


class AgendaArrange(_Body):
    """Move an item to ``position`` (0: first), or drop it (or take it back)."""

    position: Annotated[int, Field(ge=0, le=10_000)] | None = None
    dropped: bool | None = None


class MinutesWrite(_Body):
    """The party's draft minutes of an agenda item."""

    text: Text
    lang: Lang = None
    version: Version


class GateChange(_Body):
    """A change to the gate of the decision's phase and area ("": remove the field)."""

    when: Annotated[str, Field(max_length=2_000), KEPT] | None = None
    not_before: Annotated[str, Field(max_length=10), KEPT] | None = None
    no_later_than: Annotated[str, Field(max_length=10), KEPT] | None = None


class DecisionWrite(_Body):
    """A decision: its text and what it binds (a phase, an area, both: a gate; a date)."""

    text: Text
    lang: Lang = None
    phase: Key | None = None
    area: Key | None = None
    binds_on: Day | None = None
    change: GateChange | None = None
    item: Id | None = Field(None, description="The agenda item it decides.")
    amends: Id | None = Field(None, description="The standing decision it amends.")

    def changed(self) -> dict[str, str | None]:
        """The gate's fields the decision changes."""
        return self.change.model_dump(exclude_unset=True) if self.change else {}


class DecisionRevise(_Body):
    """A revised proposal, based on the version read."""

    text: Text
    lang: Lang = None
    phase: Key | None = None
    area: Key | None = None
    binds_on: Day | None = None
    change: GateChange | None = None
    version: Annotated[int, Field(ge=1, le=INT32)]


class Approve(_Body):
    """The version of the decision the co-chair read and approves."""

    version: Annotated[int, Field(ge=1, le=INT32)]


class ActionAdd(_Body):
    """An action: what, whose (a member's username), by when, with its evidence."""

    text: Text
    owner: Key
    due: Day
    item: Id | None = None
    evidence: Annotated[list[Evidence], Field(max_length=MOST)] = []
    lang: Lang = None


class ActionState(_Body):
    """An action's new state."""

    state: Literal["open", "done", "dropped"]


class Created(BaseModel):
    """The id of what was made."""

    id: int


class Added(BaseModel):
    """How many items were added."""

    added: int


class Saved(BaseModel):
    """The version a save made (send it with the next change)."""

    version: int


class StateRead(BaseModel):
    """A decision's state after an approval."""

    state: Literal["proposed", "stands"]


class MeetingRead(Read):
    """A meeting's header."""

    id: int
    commission: str = Field(validation_alias="commission_id")
    title: str
    title_lang: str
    day: date
    start: time
    duration: int
    timezone: str
    place: str
    format: str
    exercise: bool
    scheduled_by: str
    scheduled_at: datetime


class AttendeeRead(Read):
    party: str
    username: str
    name: str


class MinutesRead(Read):
    party: str
    text: str
    lang: str
    version: int
    updated_by: str
    updated_at: datetime
    shared_at: datetime | None


class AgendaItemRead(Read):
    id: int
    position: int
    kind: str
    ref: str
    subject: str
    subject_lang: str
    detail: dict[str, object]
    url: str = Field(description="The page that shows the item's evidence.")
    dropped: bool
    minutes: dict[str, MinutesRead] = Field(description="By party: only those the viewer sees.")


class ApprovalRead(Read):
    party: str
    member: str
    version: int
    approved_at: datetime


class DecisionRead(Read):
    id: int
    meeting: int = Field(validation_alias="meeting_id")
    item: int | None = Field(validation_alias="item_id")
    text: str
    lang: str
    phase: str | None
    area: str | None
    binds_on: date | None
    change: dict[str, str]
    state: str
    amends: int | None = Field(validation_alias="amends_id")
    version: int
    proposed_by: str
    proposed_at: datetime
    stood_at: datetime | None
    framework_version: int | None = Field(description="The version its change took effect in.")
    approvals: list[ApprovalRead]


class ActionRead(Read):
    id: int
    meeting: int = Field(validation_alias="meeting_id")
    item: int | None = Field(validation_alias="item_id")
    text: str
    lang: str
    owner_party: str
    owner: str
    due: date
    state: str
    evidence: list[dict[str, str]]
    version: int


class MeetingViewRead(BaseModel):
    """A meeting as the viewer may see it."""

    meeting: MeetingRead
    parties: list[str]
    viewer_party: str | None
    since: date | None = Field(description="The agenda covers what changed after this day.")
    attendees: list[AttendeeRead]
    agenda: list[AgendaItemRead]
    decisions: list[DecisionRead]
    actions: list[ActionRead]

    @classmethod
    def of(cls, v: MeetingView) -> MeetingViewRead:
        """The API view of a meeting."""
        return cls(
            meeting=MeetingRead.of(v.meeting),
            parties=list(v.parties),
            viewer_party=v.viewer_party,
            since=v.since,
            attendees=[AttendeeRead.of(a) for a in v.attendees],
            agenda=[AgendaItemRead.of(i) for i in v.agenda],
            decisions=[DecisionRead.of(d) for d in v.decisions],
            actions=[ActionRead.of(a) for a in v.actions],
        )
