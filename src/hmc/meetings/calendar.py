"""A commission's meetings and action due dates as an iCalendar file (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from hmc.meetings.records import ActionInfo, MeetingInfo

FORMATS = {"in_person": "in person", "video": "video", "hybrid": "hybrid"}


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def ics(
    commission_id: str,
    name: str,
    meetings: list[MeetingInfo],
    actions: list[ActionInfo],
    site: str = "",
) -> bytes:
    """The calendar: each meeting at its time in its time zone, each open action on its due day.

    ``site`` (e.g. ``https://hmc.example``) makes each entry's URL absolute. The same
    meetings and actions give the same bytes.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//hmc//working meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{name}: working meetings")
    for m in meetings:
        event = Event()
        start = datetime.combine(m.day, m.start, tzinfo=ZoneInfo(m.timezone))
        event.add("uid", f"meeting-{m.id}@{commission_id}.hmc")
        event.add("dtstamp", _utc(m.scheduled_at))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=m.duration))
        event.add("summary", m.title)
        event.add("location", m.place)
        event.add("description", f"Working meeting ({FORMATS[m.format]}).")
        if site:
            event.add("url", f"{site}/meetings/{m.id}")
        calendar.add_component(event)
    for a in actions:
        if a.state != "open":
            continue
        event = Event()
        event.add("uid", f"action-{a.id}@{commission_id}.hmc")
        event.add("dtstamp", _utc(a.updated_at))
        event.add("dtstart", a.due)
        event.add("dtend", a.due + timedelta(days=1))
        event.add("summary", f"Action due ({a.owner_party}, {a.owner}): {a.text[:120]}")
        event.add("description", a.text)
        event.add("transp", "TRANSPARENT")
        if site:
            event.add("url", f"{site}/meetings/{a.meeting_id}#action-{a.id}")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
