"""Daily reflections as an engine Feature: /daily, /stop, the ``dl`` buttons, the pending questions
(a time, a time zone, a date) and a few phrases ("can you send me something every morning?").

The Feature only reads what the person asked for and keeps the conversation state (which question
is pending); it returns Effects, and ``DailyActions`` does the stored part with the chat id.
A typed answer that is not a time / zone / date returns None, so the engine goes on to its normal
matching and nothing ordinary is swallowed. Safety runs before all of this, in the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from typing import Any

from bot.daily.actions import PRESET_TIMES
from bot.daily.buttons import VERB, Act, data
from bot.daily.repository import DATE_KINDS
from bot.daily.schedule import parse_hhmm
from bot.daily.timefind import find_time
from bot.daily.timeparse import MonthDay, parse_date, parse_time
from bot.daily.zones import ZoneFinder, is_zone, place_name
from bot.engine.dates import Dates
from bot.engine.turn import Turn
from bot.engine.types import Button, Effect, OutMessage, Reply
from bot.text import Normaliser

PENDING_TIME = "daily_time"
PENDING_ZONE = "daily_zone"
PENDING_DATE = "daily_date"
PAUSES = {"3": "3", "7": "7", "0": ""}
_ANSWER_WORDS = 5
"""An answer to "what time?" or "where?" is short; a longer message is about something else."""
_MOVED_ON = re.compile(r"\?$|^(?:no|nope|not now|no thanks?|no thank you|never ?mind|cancel|stop|later|maybe later|"
                       r"forget it|leave it|skip|menu|help|thanks?|thank you|ok|okay|"
                       r"(?:i[’']?d |i would )?(?:rather|prefer) not|i don[’']?t (?:want|know))\b")
"""Answers that are not an attempt at the question: they are not asked again."""

_NOUN = r"(?:reflections?|messages?|msgs?|reminders?|thoughts?|quotes?|notes?|prompts?|texts?|check ins?)"
_DAILY = r"(?:daily|morning|evening|nightly|every ?day)"
_EVERY = r"(?:every|each) (?:single )?(?:day|morning|evening|night)"
_PLEASE = r"(?: (?:please|thanks|thank you))?"
_ASK = (r"(?:(?:can|could|would|will) you (?:please )?|please )?")
_WANT = r"(?:i would like|i want|i need|can i (?:have|get)|could i (?:have|get))"
SUBSCRIBE = re.compile(
    rf"^(?:{_ASK}send me (?:a |an |one |some )?(?:little )?(?:something|anything|{_NOUN}|(?:gentle |short |kind )?"
    rf"(?:word|thought|reflection|message)) {_EVERY}{_PLEASE}"
    rf"|{_WANT} (?:a |an |one |some )?(?:little )?(?:gentle |short )?{_NOUN} {_EVERY}{_PLEASE}"
    rf"|(?:{_WANT}|please|sign me up for|subscribe me to|turn on|start|set up|give me) "
    rf"(?:the |some |a |my )?{_DAILY} {_NOUN}{_PLEASE}"
    rf"|(?:please )?{_DAILY} {_NOUN}{_PLEASE}"
    rf"|(?:(?:can|could) you )?(?:please )?(?:message|text|write to) me {_EVERY}{_PLEASE})$"
)
_STOP_VERB = (r"(?:stop|cancel|end|turn off|switch off|unsubscribe (?:me )?from|no more|i do not want|"
              r"i do not need|i want to stop|stop sending me|do not send me|please do not send me)")
_STOP_WHAT = (rf"(?:(?:{_DAILY} )?reflections?|{_DAILY} (?:messages?|msgs?|reminders?|thoughts?|quotes?|notes?))")
STOP = re.compile(
    rf"^(?:(?:please )?(?:(?:can|could) you (?:please )?)?{_STOP_VERB} "
    rf"(?:the |my |these |those |your |any more |anymore )?{_STOP_WHAT}(?: (?:any ?more|now))?{_PLEASE}"
    rf"|(?:please )?unsubscribe(?: me)?{_PLEASE})$"
)


class DailyFeature:
    commands: tuple[str, ...] = ("daily", "stop")
    verbs = frozenset({VERB})
    pending = frozenset({PENDING_TIME, PENDING_ZONE, PENDING_DATE})

    def __init__(self, finder: ZoneFinder, normaliser: Normaliser) -> None:
        self.finder = finder
        self.normaliser = normaliser
        self._buttons: dict[str, Callable[[Turn, str], Reply | None]] = {
            Act.NEW: lambda turn, _: self._open(turn),
            Act.NOT_NOW: lambda turn, _: turn.menu_reply(),
            Act.SETTINGS: lambda turn, _: self._effect(turn, "daily_settings"),
            Act.TIME: lambda turn, rest: self._press_time(turn, rest, change=False),
            Act.NEW_TIME: lambda turn, rest: self._press_time(turn, rest, change=True),
            Act.ZONE: self._press_zone,
            Act.ZONE_ONLY: self._press_zone_only,
            Act.NOW: lambda turn, _: self._effect(turn, "daily_now", events=["daily_now"]),
            Act.CHANGE_TIME: self._press_change_time,
            Act.CHANGE_ZONE: self._press_change_zone,
            Act.PAUSE_ASK: self._press_pause_ask,
            Act.PAUSE: self._press_pause,
            Act.RESUME: lambda turn, _: self._effect(turn, "daily_resume", events=["daily_resume"]),
            Act.STOP: lambda turn, _: self._effect(turn, "daily_stop", events=["daily_stop"]),
            Act.DATES: lambda turn, _: self._effect(turn, "daily_dates"),
            Act.DATE_ASK: self._press_date_ask,
            Act.DATE_KEEP: self._press_date_keep,
            Act.DATE_DISCARD: self._press_date_discard,
            Act.DATES_CLEAR: lambda turn, _: self._effect(turn, "daily_dates_clear", events=["daily_dates_removed"]),
        }

    # ----------------------------------------------------------------- the engine's calls
    def on_command(self, turn: Turn, command: str, args: str) -> Reply:
        wanted = args.strip().lower()
        if command == "stop" or wanted in ("stop", "off"):
            return self._effect(turn, "daily_stop", events=["daily_stop"])
        if wanted == "now":
            return self._effect(turn, "daily_now", events=["daily_now"])
        typed = parse_time(args) if wanted else None
        if typed is not None:
            return self._time_chosen(turn, typed, change=False)
        return self._open(turn)

    def on_button(self, turn: Turn, verb: str, arg: str) -> Reply:
        act, _, rest = arg.partition("/")
        turn.forget_pending()
        handler = self._buttons.get(act)
        reply = handler(turn, rest) if handler else None
        return reply if reply is not None else turn.unknown_button_reply()

    # ----------------------------------------------------------------- buttons (None: not valid)
    def _press_time(self, turn: Turn, rest: str, change: bool) -> Reply | None:
        at = parse_hhmm(rest.split("/")[0]) if rest else None
        return self._time_chosen(turn, at, change=change) if at else None

    def _press_zone(self, turn: Turn, rest: str) -> Reply | None:
        parts = rest.split("/") if rest else []
        if len(parts) < 2 or not parse_hhmm(parts[0]) or not is_zone("/".join(parts[1:])):
            return None
        return self._effect(turn, "daily_zone", zone="/".join(parts[1:]), time=parts[0], events=["daily_subscribe"])

    def _press_zone_only(self, turn: Turn, rest: str) -> Reply | None:
        return self._effect(turn, "daily_zone", zone=rest, time="") if is_zone(rest) else None

    def _press_change_time(self, turn: Turn, rest: str) -> Reply:
        turn.state.pending, turn.state.pending_data = PENDING_TIME, {"mode": "change"}
        buttons = (*self._time_buttons(turn, Act.NEW_TIME), self._button(turn, "daily_label_back", Act.SETTINGS))
        return turn.reply(OutMessage(turn.text("daily_ask_time"), buttons))

    def _press_change_zone(self, turn: Turn, rest: str) -> Reply:
        turn.state.pending, turn.state.pending_data = PENDING_ZONE, {}
        return self._effect(turn, "daily_ask_zone", country=turn.state.country or "")

    def _press_pause_ask(self, turn: Turn, rest: str) -> Reply:
        buttons = (self._button(turn, "daily_label_pause_3", Act.PAUSE, "3"),
                   self._button(turn, "daily_label_pause_week", Act.PAUSE, "7"),
                   self._button(turn, "daily_label_pause_on", Act.PAUSE, "0"),
                   self._button(turn, "daily_label_back", Act.SETTINGS))
        return turn.reply(OutMessage(turn.text("daily_pause_ask"), buttons))

    def _press_pause(self, turn: Turn, rest: str) -> Reply | None:
        days = rest.split("/")[0] if rest else ""
        return self._effect(turn, "daily_pause", days=PAUSES[days], events=["daily_pause"]) if days in PAUSES else None

    def _press_date_ask(self, turn: Turn, rest: str) -> Reply | None:
        kind = rest.split("/")[0] if rest else ""
        if kind not in DATE_KINDS:
            return None
        turn.state.pending, turn.state.pending_data = PENDING_DATE, {"kind": kind}
        back = self._button(turn, "daily_label_back", Act.DATES)
        return turn.reply(OutMessage(turn.text(f"daily_date_ask_{kind}"), (back,)))

    def _press_date_keep(self, turn: Turn, rest: str) -> Reply | None:
        parts = rest.split("/") if rest else []
        if len(parts) != 2 or parts[0] not in DATE_KINDS or not MonthDay.from_code(parts[1]):
            return None
        return self._effect(turn, "daily_date_keep", kind=parts[0], date=parts[1], events=["daily_date_kept"])

    def _press_date_discard(self, turn: Turn, rest: str) -> Reply:
        back = self._button(turn, "daily_label_settings", Act.SETTINGS)
        return turn.reply(OutMessage(turn.text("daily_date_not_saved"), (back, turn.words.menu_button())))

    def on_pending(self, turn: Turn, text: str) -> Reply | None:
        pending = turn.state.pending
        if pending == PENDING_TIME:
            return self._time_answer(turn, text)
        if pending == PENDING_ZONE:
            found = self.finder.find(text)
            if found is None:
                return self._ask_again(turn, text, "daily_zone_again")
            time_code = turn.state.pending_data.get("time", "")
            if found.zone:
                turn.forget_pending()
                return self._effect(turn, "daily_zone", zone=found.zone, time=time_code, events=["daily_subscribe"])
            return self._effect(turn, "daily_zone_choices", zones=" ".join(found.choices), time=time_code)
        if pending == PENDING_DATE:
            typed_date = parse_date(text)
            if typed_date is None:
                return self._ask_again(turn, text, "daily_date_again")
            kind = turn.state.pending_data.get("kind", "due")
            turn.forget_pending()
            return self._confirm_date(turn, kind, typed_date)
        return None

    def _time_answer(self, turn: Turn, text: str) -> Reply | None:
        """A time (a whole answer, or one inside a sentence), or a place said first: kept as the
        time zone and the time asked for again. Anything else: asked again once, with examples."""
        data = turn.state.pending_data
        change = data.get("mode") == "change"
        typed = find_time(text)
        if typed is not None:
            if change or not (data.get("zone") or data.get("zones")):
                return self._time_chosen(turn, typed, change)
            code = f"{typed.hour:02d}{typed.minute:02d}"
            turn.forget_pending()
            if data.get("zone"):
                return self._effect(turn, "daily_zone", zone=data["zone"], time=code, events=["daily_subscribe"])
            return self._effect(turn, "daily_zone_choices", zones=data["zones"], time=code)
        found = None if change or turn.safety.level is not None else self.finder.find(text)
        if found is not None:
            turn.state.pending_data = {**data, **({"zone": found.zone} if found.zone else
                                                  {"zones": " ".join(found.choices)})}
            place = place_name(found.zone) if found.zone else text.strip()
            text_out = turn.text("daily_time_place_noted", place=place)
            buttons = (*self._time_buttons(turn, Act.TIME), self._button(turn, "daily_label_not_now", Act.NOT_NOW))
            return turn.reply(OutMessage(text_out, buttons))
        return self._ask_again(turn, text, "daily_time_again")

    def _ask_again(self, turn: Turn, text: str, key: str) -> Reply | None:
        """A short answer not understood is asked again once, with examples. A second one, and a
        message that is something else (longer than an answer, a question, a "no thanks", anything
        the safety check noticed: "i feel so sad today, i can't stop crying") go on to ordinary
        matching (None), so nothing a person says is met with "I couldn't find a time"."""
        data = turn.state.pending_data
        said = text.strip().lower()
        if (data.get("asked_again") or turn.safety.level is not None or len(said.split()) > _ANSWER_WORDS
                or _MOVED_ON.search(said)):
            return None
        turn.state.pending_data = {**data, "asked_again": "1"}
        if key == "daily_time_again":
            mode = Act.NEW_TIME if data.get("mode") == "change" else Act.TIME
            buttons: tuple[Button, ...] = (*self._time_buttons(turn, mode),
                                           self._button(turn, "daily_label_not_now", Act.NOT_NOW))
        else:
            buttons = (self._button(turn, "daily_label_not_now", Act.NOT_NOW),)
        return turn.reply(OutMessage(turn.text(key), buttons))

    def intercept(self, turn: Turn, text: str) -> Reply | None:
        """Asking in words. Only whole, plain requests: a sentence that merely mentions mornings
        or stopping goes to the matcher, and anything safety would look at twice is left to it."""
        if len(text) > 160:
            return None
        words = self.normaliser.normalise(text)
        if not words or not (STOP.match(words) or SUBSCRIBE.match(words)):
            return None
        if turn.safety.level is not None:
            return None
        if STOP.match(words):
            return self._effect(turn, "daily_stop", events=["daily_stop"])
        return self._open(turn)

    def on_risk(self, turn: Turn) -> list[Effect]:
        return []  # the reflections go on as chosen; the safety reply is the whole reply

    # ----------------------------------------------------------------- helpers
    def _open(self, turn: Turn) -> Reply:
        turn.state.pending, turn.state.pending_data = PENDING_TIME, {}
        return self._effect(turn, "daily_open", events=["daily_open"])

    def _time_chosen(self, turn: Turn, at: time, change: bool) -> Reply:
        code = f"{at.hour:02d}{at.minute:02d}"
        if change:
            turn.state.pending, turn.state.pending_data = None, {}
        else:
            # Not yet subscribed (as far as the engine knows): the time zone is asked next.
            turn.state.pending, turn.state.pending_data = PENDING_ZONE, {"time": code}
        return self._effect(turn, "daily_time", time=code, country=turn.state.country or "")

    def _confirm_date(self, turn: Turn, kind: str, value: MonthDay) -> Reply:
        said = Dates(turn.words).day_month(value.month, value.day)
        text = turn.text("daily_date_confirm", date=said, kind=turn.words.text(f"daily_kind_{kind}"))
        buttons = (self._button(turn, "daily_label_keep_date", Act.DATE_KEEP, kind, value.code()),
                   self._button(turn, "daily_label_dont_keep", Act.DATE_DISCARD))
        return turn.reply(OutMessage(text, buttons))

    def _effect(self, turn: Turn, kind: str, /, events: list[str] | None = None, **values: Any) -> Reply:
        payload = {"now": turn.incoming.now.isoformat(), **values}
        return turn.reply(effects=[Effect(kind, payload)], events=events)

    @staticmethod
    def _button(turn: Turn, key: str, *parts: str) -> Button:
        return Button(turn.words.text(key), data(*parts))

    def _time_buttons(self, turn: Turn, mode: str) -> list[Button]:
        return [self._button(turn, label, mode, code) for label, code in PRESET_TIMES]
