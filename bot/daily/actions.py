"""What the daily-reflection effects do: read and change the subscription, and say so.

The engine has no chat id and no storage, so the Feature (``dialog.py``) only decides what the
person asked for and returns an ``Effect``; ``Conversations`` calls the handler registered here
with the chat id. Everything that depends on stored settings (are they subscribed? when is the
next one?) is rendered here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.daily import order
from bot.daily.buttons import Act, data
from bot.daily.compose import reflection_message, reflections_by_id, special_keys
from bot.daily.repository import DATE_KINDS, DailyRepository, Job, Subscription
from bot.daily.schedule import hhmm, local_date, parse_hhmm
from bot.daily.timeparse import MonthDay
from bot.daily.zones import Places, is_zone, local_now, place_name, zone
from bot.engine.dates import Dates
from bot.engine.types import Button, Effect, OutMessage
from bot.engine.words import Words

PRESET_TIMES = (("daily_label_morning", "0800"), ("daily_label_lunchtime", "1230"), ("daily_label_evening", "2000"))
MAX_ZONE_BUTTONS = 8

EffectHandler = Callable[[int, Effect], list[OutMessage]]


def now_of(effect: Effect) -> datetime:
    """The moment of the turn (the engine's Incoming.now), carried in every effect."""
    return datetime.fromisoformat(effect.data["now"])


class DailyActions:
    def __init__(self, words: Words, repository: DailyRepository, places: Places | None = None) -> None:
        self.words = words
        self.calendar = Dates(words)
        self.repository = repository
        self.places = places or Places()
        self.content = words.content
        self._reflections = reflections_by_id(words.content)
        self._ids = [r.id for r in words.content.reflections]

    def handlers(self) -> dict[str, EffectHandler]:
        return {
            "daily_open": self.open,
            "daily_settings": self.settings,
            "daily_time": self.time_chosen,
            "daily_zone": self.zone_chosen,
            "daily_zone_choices": self.zone_choices,
            "daily_ask_zone": self.ask_zone,
            "daily_now": self.now,
            "daily_pause": self.pause,
            "daily_resume": self.resume,
            "daily_stop": self.stop,
            "daily_dates": self.dates,
            "daily_date_keep": self.date_keep,
            "daily_dates_clear": self.dates_clear,
        }

    # ----------------------------------------------------------------- small pieces
    def text(self, key: str, **values: str) -> str:
        return self.words.text(key, **values)

    def button(self, key: str, *parts: str) -> Button:
        return Button(self.text(key), data(*parts))

    def menu(self) -> Button:
        return self.words.menu_button()

    def when(self, moment: datetime, zone_name: str, now: datetime) -> str:
        """'today at 08:00', 'tomorrow at 08:00', 'on Friday 14 March at 08:00' in the person's zone."""
        local = moment.astimezone(zone(zone_name))
        clock = local.strftime("%H:%M")
        today = local_date(now, zone_name)
        if local.date() == today:
            return self.words.text("daily_when_today", time=clock)
        if local.date() == today + timedelta(days=1):
            return self.words.text("daily_when_tomorrow", time=clock)
        day = self.calendar.weekday(local.date())
        return self.words.text("daily_when_later", day=day, time=clock)

    def time_buttons(self, mode: str) -> list[Button]:
        return [self.button(label, mode, code) for label, code in PRESET_TIMES]

    def zone_buttons(self, zones: list[str], now: datetime, time_code: str | None) -> list[Button]:
        buttons = []
        for zone_name in list(dict.fromkeys(zones))[:MAX_ZONE_BUTTONS]:
            label = self.words.text("daily_label_zone", place=place_name(zone_name), clock=local_now(zone_name, now))
            target = (Act.ZONE, time_code, zone_name) if time_code else (Act.ZONE_ONLY, zone_name)
            buttons.append(Button(label, data(*target)))
        return buttons

    def country_zones(self, country_code: str | None) -> list[str]:
        """Zones to suggest for a country: all of a several-zone country's, else its one."""
        country = self.content.countries.get(country_code or "")
        if country is None:
            return []
        for name in (country.name, *country.aliases):
            several = self.places.several.get(re.sub(r"\s+", " ", name.casefold()).strip())
            if several:
                return list(several)
        return [country.timezone] if is_zone(country.timezone) else []

    def not_subscribed(self) -> list[OutMessage]:
        """The start of the flow, for someone without a subscription."""
        buttons = (*self.time_buttons(Act.TIME), self.button("daily_label_not_now", Act.NOT_NOW))
        return [OutMessage(self.text("daily_intro"), buttons)]

    # ----------------------------------------------------------------- screens
    def open(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        sub = self.repository.get(chat_id)
        return self.settings_screen(sub, now_of(effect)) if sub else self.not_subscribed()

    def settings(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        return self.open(chat_id, effect)

    def settings_screen(self, sub: Subscription, now: datetime) -> list[OutMessage]:
        values = {"time": hhmm(sub.local_time), "zone": place_name(sub.zone)}
        if sub.paused_indefinitely:
            text = self.text("daily_settings_paused", **values)
        elif sub.next_send is not None and sub.paused_at(now):
            text = self.text("daily_settings_paused_until", when=self.when(sub.next_send, sub.zone, now), **values)
        else:
            upcoming = sub.next_send or now
            text = self.text("daily_settings", when=self.when(upcoming, sub.zone, now), **values)
        buttons = [self.button("daily_label_resume", Act.RESUME)] if sub.paused_at(now) else []
        buttons += [self.button("daily_label_change_time", Act.CHANGE_TIME),
                    self.button("daily_label_change_zone", Act.CHANGE_ZONE)]
        if not sub.paused_at(now):
            buttons.append(self.button("daily_label_pause", Act.PAUSE_ASK))
        buttons += [self.button("daily_label_dates", Act.DATES), self.button("daily_label_stop", Act.STOP), self.menu()]
        return [OutMessage(text.strip(), tuple(buttons))]

    def confirm(self, key: str, sub: Subscription, now: datetime, *extra: Button) -> list[OutMessage]:
        upcoming = sub.next_send or now
        text = self.text(key, time=hhmm(sub.local_time), zone=place_name(sub.zone),
                         when=self.when(upcoming, sub.zone, now))
        return [OutMessage(text.strip(), (*extra, self.button("daily_label_settings", Act.SETTINGS), self.menu()))]

    # ----------------------------------------------------------------- time and zone
    def time_chosen(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        at = parse_hhmm(effect.data.get("time", ""))
        now = now_of(effect)
        if at is None:
            return self.not_subscribed()
        sub = self.repository.set_time(chat_id, at, now)
        if sub is not None:
            return self.confirm("daily_updated", sub, now)
        return self.zone_question("daily_ask_zone", self.country_zones(effect.data.get("country")), now,
                                  effect.data["time"])

    def zone_question(self, key: str, zones: list[str], now: datetime, time_code: str | None) -> list[OutMessage]:
        at = parse_hhmm(time_code or "")
        text = self.text(key, time=hhmm(at) if at else "")
        buttons = (*self.zone_buttons(zones, now, time_code), self.button("daily_label_not_now", Act.NOT_NOW))
        return [OutMessage(text.strip(), buttons)]

    def ask_zone(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        sub = self.repository.get(chat_id)
        zones = ([sub.zone] if sub else []) + self.country_zones(effect.data.get("country"))
        return self.zone_question("daily_ask_zone_change", zones, now_of(effect), None)

    def zone_choices(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        zones = [z for z in effect.data.get("zones", "").split() if is_zone(z)]
        return self.zone_question("daily_ask_zone_several", zones, now_of(effect), effect.data.get("time") or None)

    def zone_chosen(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        zone_name, now = effect.data.get("zone", ""), now_of(effect)
        at = parse_hhmm(effect.data.get("time") or "")
        if not is_zone(zone_name):
            return self.not_subscribed()
        existing = self.repository.get(chat_id)
        if existing is not None:
            sub = self.repository.subscribe(chat_id, at or existing.local_time, zone_name, now)
            return self.confirm("daily_updated", sub, now)
        if at is None:
            return self.not_subscribed()
        sub = self.repository.subscribe(chat_id, at, zone_name, now)
        return self.confirm("daily_subscribed", sub, now, self.button("daily_label_today", Act.NOW))

    # ----------------------------------------------------------------- reflections on request
    def now(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        now = now_of(effect)
        sub = self.repository.get(chat_id)
        if sub is None:
            return self.preview(chat_id, now)
        job = self.repository.claim_today(chat_id, now, self._ids)
        if job is not None:
            after = self.repository.get(chat_id) or sub
            messages = self.job_messages(job)
            if after.next_send is not None:
                messages.append(OutMessage(self.text("daily_now_next", when=self.when(after.next_send, sub.zone, now))))
            return messages
        again = self._reflections.get(sub.last_reflection or "")
        if again is None:
            return self.settings_screen(sub, now)
        today = local_date(now, sub.zone)
        return [OutMessage(self.text("daily_now_again")),
                reflection_message(self.content, again, special_keys(today, sub.due_date, sub.loss_date))]

    def job_messages(self, job: Job) -> list[OutMessage]:
        reflection = self._reflections.get(job.reflection_id)
        if reflection is None:
            return []
        return [reflection_message(self.content, reflection, special_keys(job.slot, job.due_date, job.loss_date))]

    def preview(self, chat_id: int, now: datetime) -> list[OutMessage]:
        """A reflection for someone not subscribed: nothing stored, a different one each day."""
        if not self._ids:
            return self.not_subscribed()
        first = order.ordered(str(chat_id), now.date().toordinal(), self._ids)[0]
        reflection = self._reflections[first]
        setup = self.button("daily_label_setup", Act.NEW)
        return [reflection_message(self.content, reflection, (), with_settings=False),
                OutMessage(self.text("daily_now_unsubscribed"), (setup, self.menu()))]

    # ----------------------------------------------------------------- pause, resume, stop
    def pause(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        now = now_of(effect)
        days = effect.data.get("days")
        sub = self.repository.pause(chat_id, now, int(days) if days else None)
        if sub is None:
            return self.not_subscribed()
        if sub.paused_indefinitely or sub.next_send is None:
            return [OutMessage(self.text("daily_paused_on"), (self.menu(),))]
        return [OutMessage(self.text("daily_paused_days", when=self.when(sub.next_send, sub.zone, now)),
                           (self.menu(),))]

    def resume(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        now = now_of(effect)
        sub = self.repository.resume(chat_id, now)
        if sub is None:
            return self.not_subscribed()
        return self.confirm("daily_resumed", sub, now)

    def stop(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        key = "daily_stopped" if self.repository.unsubscribe(chat_id) else "daily_stop_none"
        return [OutMessage(self.text(key).strip(), (self.menu(),))]

    # ----------------------------------------------------------------- remembrance dates
    def dates(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        sub = self.repository.get(chat_id)
        if sub is None:
            return self.not_subscribed()
        lines = [self.text("daily_dates_intro").strip()]
        shared = []
        for kind, value in (("due", sub.due_date), ("loss", sub.loss_date)):
            if value:
                shared.append(f"{self.text(f'daily_kind_{kind}')}: {self.calendar.day_month(value.month, value.day)}")
        if shared:
            lines.append(self.text("daily_dates_current", dates="; ".join(shared)))
        buttons = [self.button("daily_label_add_due", Act.DATE_ASK, "due"),
                   self.button("daily_label_add_loss", Act.DATE_ASK, "loss")]
        if shared:
            buttons.append(self.button("daily_label_remove_dates", Act.DATES_CLEAR))
        buttons.append(self.button("daily_label_back", Act.SETTINGS))
        return [OutMessage("\n\n".join(lines), tuple(buttons))]

    def date_keep(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        kind = effect.data.get("kind", "")
        value = MonthDay.from_code(effect.data.get("date", ""))
        if kind not in DATE_KINDS or value is None:
            return self.not_subscribed()
        if not self.repository.set_date(chat_id, kind, value, now_of(effect)):
            return self.not_subscribed()
        return [OutMessage(self.text("daily_date_saved"), self.settings_and_menu())]

    def dates_clear(self, chat_id: int, effect: Effect) -> list[OutMessage]:
        self.repository.clear_dates(chat_id, now_of(effect))
        return [OutMessage(self.text("daily_dates_removed"), self.settings_and_menu())]

    def settings_and_menu(self) -> tuple[Button, ...]:
        return (self.button("daily_label_settings", Act.SETTINGS), self.menu())
