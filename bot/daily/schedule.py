"""When the next reflection is due: pure functions of a local time, a time zone and a moment.

Why and how: docs/daily.md, under "bot/daily/schedule.py"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.daily.zones import zone

UTC = UTC
GRACE = timedelta(hours=2)
"""A reflection missed (downtime) by less than this is sent late; older ones are skipped."""
RETRY_DELAY = timedelta(minutes=5)
"""After a failed send (not blocked, not flood control), try again this much later."""


def local_to_utc(day: date, at: time, zone_name: str) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in the zone (gap: next valid minute; fold: first)."""
    tz = zone(zone_name)
    wall = datetime.combine(day, at.replace(second=0, microsecond=0))
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall:
        return instant
    # ``wall`` falls in a gap (clocks jumped forward over it): walk to the first minute that exists.
    probe = wall
    for _ in range(48 * 60):
        probe += timedelta(minutes=1)
        candidate = probe.replace(tzinfo=tz, fold=0).astimezone(UTC)
        if candidate.astimezone(tz).replace(tzinfo=None) == probe:
            return candidate
    raise ValueError(f"no valid local time after {wall} in {zone_name}")  # pragma: no cover


def local_date(moment: datetime, zone_name: str) -> date:
    """The person's calendar date at ``moment``."""
    return moment.astimezone(zone(zone_name)).date()


def next_send(at: time, zone_name: str, after: datetime, taken: date | None = None) -> datetime:
    """The first send at or after ``after`` on a local date later than ``taken`` (the last one claimed).

    ``taken`` is what makes "never two reflections in one local day" hold when someone changes their
    time or zone after today's reflection, or asks for today's early.
    """
    day = local_date(after, zone_name) - timedelta(days=1)
    for _ in range(5):
        day += timedelta(days=1)
        if taken is not None and day <= taken:
            continue
        candidate = local_to_utc(day, at, zone_name)
        if candidate >= after:
            return candidate
    # Only reachable when ``taken`` lies in the future (a zone change eastwards): the day after it.
    return local_to_utc(max(day, taken or day) + timedelta(days=1), at, zone_name)


def late_send_allowed(scheduled: datetime, now: datetime) -> bool:
    """After downtime: send a reflection missed by less than ``GRACE``, skip an older one."""
    return now - scheduled < GRACE


def to_db(moment: datetime) -> str:
    """UTC instants are stored as 'YYYY-MM-DDTHH:MM:SS' text, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def from_db(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def parse_hhmm(code: str) -> time | None:
    """'0830' or '08:30' -> 08:30."""
    digits = code.replace(":", "")
    if len(digits) != 4 or not digits.isdigit():
        return None
    hour, minute = int(digits[:2]), int(digits[2:])
    return time(hour, minute) if hour < 24 and minute < 60 else None


def hhmm(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"
