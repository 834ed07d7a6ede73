"""SQLite access for daily reflections: one row per subscriber in ``daily_subscriptions``.

Every method is one short transaction. The dispatcher's ``claim_due`` is the heart of
at-most-once: in ONE transaction it chooses each due person's reflection, records the local date as
claimed and moves ``next_send_utc`` to the next local day, and only after COMMIT are the messages
sent. A crash before COMMIT leaves nothing recorded (the send happens after restart); a crash after
COMMIT loses that reflection (it is never sent twice).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.daily import order
from bot.daily.schedule import (
    RETRY_DELAY,
    from_db,
    hhmm,
    late_send_allowed,
    local_date,
    local_to_utc,
    next_send,
    parse_hhmm,
    to_db,
)
from bot.daily.timeparse import MonthDay
from bot.store import Store

INDEFINITELY = "indefinitely"
DATE_KINDS = ("due", "loss")
_DATE_COLUMN = {"due": "due_date", "loss": "loss_date"}


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    local_time: time
    zone: str
    next_send: datetime | None
    paused_until: datetime | None
    paused_indefinitely: bool
    claimed_date: date | None
    last_reflection: str | None
    retry_count: int
    seed: str
    cycle: int
    sent: tuple[str, ...]
    due_date: MonthDay | None
    loss_date: MonthDay | None

    def paused_at(self, now: datetime) -> bool:
        return self.paused_indefinitely or (self.paused_until is not None and self.paused_until > now)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Subscription:
        paused = row["paused_until"]
        return cls(
            chat_id=row["chat_id"],
            local_time=parse_hhmm(row["local_time"]) or time(8, 0),
            zone=row["timezone"],
            next_send=from_db(row["next_send_utc"]) if row["next_send_utc"] else None,
            paused_until=from_db(paused) if paused and paused != INDEFINITELY else None,
            paused_indefinitely=paused == INDEFINITELY,
            claimed_date=date.fromisoformat(row["claimed_date"]) if row["claimed_date"] else None,
            last_reflection=row["last_reflection"],
            retry_count=row["retry_count"],
            seed=row["seed"],
            cycle=row["cycle"],
            sent=order.decode_sent(row["sent_ids"]),
            due_date=MonthDay.from_code(row["due_date"]) if row["due_date"] else None,
            loss_date=MonthDay.from_code(row["loss_date"]) if row["loss_date"] else None,
        )


@dataclass(frozen=True)
class Job:
    """One reflection to send: claimed (recorded) already, not yet sent."""

    chat_id: int
    reflection_id: str
    slot: date
    """The person's local date this reflection belongs to."""
    due_date: MonthDay | None = None
    loss_date: MonthDay | None = None
    retry: bool = False


@dataclass
class Claimed:
    """What one ``claim_due`` transaction decided."""

    jobs: list[Job]
    skipped: int = 0
    """Missed by more than the grace period (downtime): not sent, moved to the next local day."""
    examined: int = 0


class DailyRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ----------------------------------------------------------------- reading
    def get(self, chat_id: int) -> Subscription | None:
        rows = self.store.query("SELECT * FROM daily_subscriptions WHERE chat_id = ?", (chat_id,))
        return Subscription.from_row(rows[0]) if rows else None

    def next_due(self) -> datetime | None:
        """The earliest next send of anyone (uses the index)."""
        rows = self.store.query("SELECT MIN(next_send_utc) FROM daily_subscriptions")
        return from_db(rows[0][0]) if rows and rows[0][0] else None

    def count(self) -> int:
        return int(self.store.query("SELECT COUNT(*) FROM daily_subscriptions")[0][0])

    # ----------------------------------------------------------------- settings
    def subscribe(self, chat_id: int, at: time, zone_name: str, now: datetime) -> Subscription:
        """Start, or change time and zone of, a subscription. Order and dates are kept on change."""
        stamp = to_db(now)
        with self.store.transaction() as db:
            row = db.execute("SELECT * FROM daily_subscriptions WHERE chat_id = ?", (chat_id,)).fetchone()
            if row is None:
                first = next_send(at, zone_name, now)
                db.execute(
                    """INSERT INTO daily_subscriptions (chat_id, local_time, timezone, next_send_utc,
                           seed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    (chat_id, hhmm(at), zone_name, to_db(first), order.new_seed(), stamp, stamp),
                )
            else:
                self._reschedule(db, Subscription.from_row(row), at, zone_name, now)
        found = self.get(chat_id)
        assert found is not None
        return found

    def _reschedule(self, db: sqlite3.Connection, sub: Subscription, at: time, zone_name: str,
                    now: datetime) -> None:
        """New time or zone: the next send follows it, never on a local date already claimed."""
        taken = self._taken_in(sub, zone_name)
        if sub.paused_indefinitely:
            upcoming = None
        else:
            start = max(now, sub.paused_until) if sub.paused_until else now
            upcoming = to_db(next_send(at, zone_name, start, taken))
        db.execute(
            """UPDATE daily_subscriptions SET local_time = ?, timezone = ?, next_send_utc = ?,
                   retry_count = 0, updated_at = ? WHERE chat_id = ?""",
            (hhmm(at), zone_name, upcoming, to_db(now), sub.chat_id),
        )

    @staticmethod
    def _taken_in(sub: Subscription, zone_name: str) -> date | None:
        """The claimed date, seen from a (possibly new) zone: a zone change never allows a 2nd today."""
        if sub.claimed_date is None:
            return None
        if zone_name == sub.zone:
            return sub.claimed_date
        claimed_at = local_to_utc(sub.claimed_date, sub.local_time, sub.zone)
        return max(sub.claimed_date, local_date(claimed_at, zone_name))

    def set_time(self, chat_id: int, at: time, now: datetime) -> Subscription | None:
        sub = self.get(chat_id)
        return self.subscribe(chat_id, at, sub.zone, now) if sub else None

    def set_zone(self, chat_id: int, zone_name: str, now: datetime) -> Subscription | None:
        sub = self.get(chat_id)
        return self.subscribe(chat_id, sub.local_time, zone_name, now) if sub else None

    def pause(self, chat_id: int, now: datetime, days: int | None) -> Subscription | None:
        """Skip the next ``days`` reflections (a 3-day pause: three days without one), or pause until
        resumed (None). ``paused_until`` holds the first send after the pause."""
        with self.store.transaction() as db:
            row = db.execute("SELECT * FROM daily_subscriptions WHERE chat_id = ?", (chat_id,)).fetchone()
            if row is None:
                return None
            sub = Subscription.from_row(row)
            if days is None:
                paused, upcoming = INDEFINITELY, None
            else:
                regular = next_send(sub.local_time, sub.zone, now, sub.claimed_date)
                skipped_to = local_date(regular, sub.zone) + timedelta(days=days - 1)
                paused = upcoming = to_db(next_send(sub.local_time, sub.zone, now, skipped_to))
            db.execute(
                """UPDATE daily_subscriptions SET paused_until = ?, next_send_utc = ?, retry_count = 0,
                       updated_at = ? WHERE chat_id = ?""",
                (paused, upcoming, to_db(now), chat_id),
            )
        return self.get(chat_id)

    def resume(self, chat_id: int, now: datetime) -> Subscription | None:
        with self.store.transaction() as db:
            row = db.execute("SELECT * FROM daily_subscriptions WHERE chat_id = ?", (chat_id,)).fetchone()
            if row is None:
                return None
            sub = Subscription.from_row(row)
            upcoming = next_send(sub.local_time, sub.zone, now, sub.claimed_date)
            db.execute(
                """UPDATE daily_subscriptions SET paused_until = NULL, next_send_utc = ?, updated_at = ?
                   WHERE chat_id = ?""",
                (to_db(upcoming), to_db(now), chat_id),
            )
        return self.get(chat_id)

    def unsubscribe(self, chat_id: int) -> bool:
        """Stop: the row goes, with the order and any dates. True when there was one."""
        with self.store.transaction() as db:
            return db.execute("DELETE FROM daily_subscriptions WHERE chat_id = ?", (chat_id,)).rowcount > 0

    def set_date(self, chat_id: int, kind: str, value: MonthDay | None, now: datetime) -> bool:
        """Keep (with consent) or remove one remembrance date; False when not subscribed."""
        column = _DATE_COLUMN[kind]
        with self.store.transaction() as db:
            return db.execute(
                f"UPDATE daily_subscriptions SET {column} = ?, updated_at = ? WHERE chat_id = ?",
                (value.code() if value else None, to_db(now), chat_id),
            ).rowcount > 0

    def clear_dates(self, chat_id: int, now: datetime) -> bool:
        with self.store.transaction() as db:
            return db.execute(
                """UPDATE daily_subscriptions SET due_date = NULL, loss_date = NULL, updated_at = ?
                   WHERE chat_id = ?""",
                (to_db(now), chat_id),
            ).rowcount > 0

    # ----------------------------------------------------------------- claiming (at most once)
    def claim_today(self, chat_id: int, now: datetime, available: Sequence[str]) -> Job | None:
        """Today's reflection on request ("now"): claimed like a scheduled one, so today's scheduled
        send (if still ahead) moves to tomorrow. None when today's was already claimed."""
        with self.store.transaction() as db:
            row = db.execute("SELECT * FROM daily_subscriptions WHERE chat_id = ?", (chat_id,)).fetchone()
            if row is None:
                return None
            sub = Subscription.from_row(row)
            today = local_date(now, sub.zone)
            if sub.claimed_date is not None and sub.claimed_date >= today:
                if sub.retry_count > 0 and sub.last_reflection is not None and sub.last_reflection in available:
                    # Today's scheduled one failed and waits for a retry: hand it over now instead.
                    self._advance(db, sub, now, today)
                    return self._job(sub, sub.last_reflection, today, retry=True)
                return None
            pick = order.pick_next(sub.seed, sub.cycle, sub.sent, available, sub.last_reflection)
            if pick is None:
                return None
            self._record(db, sub, pick, today, now)
            return self._job(sub, pick.reflection_id, today)

    def claim_due(self, now: datetime, available: Sequence[str], limit: int) -> Claimed:
        """Claim up to ``limit`` due sends in one transaction; the caller sends them after COMMIT."""
        claimed = Claimed([])
        with self.store.transaction() as db:
            rows = db.execute(
                """SELECT * FROM daily_subscriptions WHERE next_send_utc IS NOT NULL AND next_send_utc <= ?
                   ORDER BY next_send_utc LIMIT ?""",
                (to_db(now), limit),
            ).fetchall()
            for row in rows:
                claimed.examined += 1
                sub = Subscription.from_row(row)
                job = self._claim_one(db, sub, now, available)
                if job is None:
                    claimed.skipped += 1
                else:
                    claimed.jobs.append(job)
        return claimed

    def _claim_one(self, db: sqlite3.Connection, sub: Subscription, now: datetime,
                   available: Sequence[str]) -> Job | None:
        assert sub.next_send is not None
        if sub.retry_count > 0 and sub.claimed_date is not None:
            # A retry of a claimed send that failed: the same reflection, if still within grace.
            slot = sub.claimed_date
            self._advance(db, sub, now, slot)
            original = local_to_utc(slot, sub.local_time, sub.zone)
            if late_send_allowed(original, now) and sub.last_reflection in available:
                return self._job(sub, sub.last_reflection or "", slot, retry=True)
            return None
        slot = local_date(sub.next_send, sub.zone)
        if sub.claimed_date is not None and slot <= sub.claimed_date:
            self._advance(db, sub, now, sub.claimed_date)  # that day already had its reflection
            return None
        if not late_send_allowed(sub.next_send, now):
            self._advance(db, sub, now, slot)  # missed during downtime: skip, no flood on restart
            return None
        pick = order.pick_next(sub.seed, sub.cycle, sub.sent, available, sub.last_reflection)
        if pick is None:
            self._advance(db, sub, now, slot)
            return None
        self._record(db, sub, pick, slot, now)
        return self._job(sub, pick.reflection_id, slot)

    def _record(self, db: sqlite3.Connection, sub: Subscription, pick: order.Pick, slot: date,
                now: datetime) -> None:
        """The claim: chosen reflection, order state, claimed date and the next send, in one UPDATE."""
        upcoming = self._upcoming(sub, now, slot)
        over = sub.paused_until is not None and sub.paused_until <= now
        db.execute(
            """UPDATE daily_subscriptions SET claimed_date = ?, last_reflection = ?, cycle = ?,
                   sent_ids = ?, next_send_utc = ?, retry_count = 0, updated_at = ?,
                   paused_until = CASE WHEN ? THEN NULL ELSE paused_until END WHERE chat_id = ?""",
            (slot.isoformat(), pick.reflection_id, pick.cycle, order.encode_sent(pick.sent),
             upcoming, to_db(now), over, sub.chat_id),
        )

    def _advance(self, db: sqlite3.Connection, sub: Subscription, now: datetime, taken: date) -> None:
        db.execute(
            "UPDATE daily_subscriptions SET next_send_utc = ?, retry_count = 0, updated_at = ? WHERE chat_id = ?",
            (self._upcoming(sub, now, taken), to_db(now), sub.chat_id),
        )

    @staticmethod
    def _upcoming(sub: Subscription, now: datetime, taken: date) -> str | None:
        if sub.paused_indefinitely:
            return None
        start = max(now, sub.paused_until) if sub.paused_until else now
        return to_db(next_send(sub.local_time, sub.zone, start, taken))

    @staticmethod
    def _job(sub: Subscription, reflection_id: str, slot: date, retry: bool = False) -> Job:
        return Job(sub.chat_id, reflection_id, slot, sub.due_date, sub.loss_date, retry)

    # ----------------------------------------------------------------- after sending
    def settle(self, now: datetime, blocked: Sequence[int], failed: Sequence[Job]) -> None:
        """Apply a batch's outcomes in one transaction: blocked chats are unsubscribed; failed sends
        (network, server errors) are tried again in ``RETRY_DELAY``, within the grace period."""
        if not blocked and not failed:
            return
        retry_at = to_db(now + RETRY_DELAY)
        with self.store.transaction() as db:
            db.executemany("DELETE FROM daily_subscriptions WHERE chat_id = ?", [(c,) for c in blocked])
            db.executemany(
                """UPDATE daily_subscriptions SET next_send_utc = ?, retry_count = retry_count + 1,
                       updated_at = ? WHERE chat_id = ? AND claimed_date = ? AND next_send_utc IS NOT NULL""",
                [(retry_at, to_db(now), job.chat_id, job.slot.isoformat()) for job in failed],
            )
