"""The daily-reflection conversation through ``Conversations``: engine, Feature, effects and a real
SQLite store in tmp_path, with a FixedClock. Then the dispatcher delivers what was set up."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest

from bot.conversations import Conversations
from bot.daily.repository import DailyRepository
from bot.engine.types import MAX_BUTTON_DATA, OutMessage
from bot.frontends.console import ConsoleChat
from bot.store import Store
from tests.daily.kit import make_dispatcher, real_core, run, utc
from tests.daily.test_dispatch import walk
from tests.support.clocks import FixedClock

ANNA = 42


class Chat:
    """One person talking to Feather; remembers the last buttons shown."""

    def __init__(self, conversations: Conversations, chat_id: int = ANNA) -> None:
        self.conversations = conversations
        self.chat_id = chat_id
        self.last: list[OutMessage] = []

    def say(self, text: str) -> list[OutMessage]:
        self.last = self.conversations.handle_text(self.chat_id, text)
        return self.last

    def press(self, label_or_data: str) -> list[OutMessage]:
        buttons = [b for m in self.last for b in m.buttons]
        chosen = next((b for b in buttons if label_or_data in (b.label, b.data)), None)
        assert chosen is not None, f"no button {label_or_data!r} in {[b.label for b in buttons]}"
        self.last = self.conversations.handle_button(self.chat_id, chosen.data)
        return self.last

    def text(self) -> str:
        return "\n".join(m.text for m in self.last)

    def labels(self) -> list[str]:
        return [b.label for m in self.last for b in m.buttons]

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.conversations.store.load_state(self.chat_id)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(utc(2026, 1, 5, 7, 0))  # a Monday, 07:00 in London


@pytest.fixture
def anna(conversations: Conversations) -> Chat:
    return Chat(conversations)


def message(key: str) -> str:
    return real_core().content.messages[key][0]


def repo(store: Store) -> DailyRepository:
    return DailyRepository(store)


# ----------------------------------------------------------------------------------- subscribing


def test_subscribe_with_buttons_and_receive_at_the_chosen_local_time(anna: Chat, store: Store) -> None:
    anna.say("/country")
    anna.press("c:GB")
    anna.say("/daily")
    assert message("daily_intro").strip() in anna.text()
    assert anna.labels()[:3] == ["Morning, 08:00", "Lunchtime, 12:30", "Evening, 20:00"]
    anna.press("Morning, 08:00")
    assert anna.labels()[0] == "London (now 07:00)"  # suggested from the country
    anna.press("London (now 07:00)")
    assert "each day at 08:00, London time. The first one comes today at 08:00" in anna.text()
    assert "Today's reflection now" in anna.labels()
    sub = repo(store).get(ANNA)
    assert sub is not None and (sub.local_time, sub.zone) == (time(8, 0), "Europe/London")
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 7, 0), utc(2026, 1, 6, 9, 0), timedelta(minutes=5)))
    assert sends == [(ANNA, utc(2026, 1, 5, 8, 0)), (ANNA, utc(2026, 1, 6, 8, 0))]


def test_subscribe_by_asking_in_words_and_typing_time_and_city(anna: Chat, store: Store) -> None:
    anna.say("can you send me something every morning?")
    assert message("daily_intro").strip() in anna.text()
    anna.say("half past seven")
    assert "Which time zone should I use for 07:30?" in anna.text()
    anna.say("new york")
    assert "07:30, New York time" in anna.text()
    sub = repo(store).get(ANNA)
    assert sub is not None and sub.zone == "America/New_York" and sub.next_send == utc(2026, 1, 5, 12, 30)
    assert anna.state.pending is None


@pytest.mark.parametrize("ask", ["daily reminders please", "/daily", "I'd like daily reflections"])
def test_ways_to_ask(anna: Chat, ask: str) -> None:
    anna.say(ask)
    assert message("daily_intro").strip() in anna.text()


def test_the_topic_flow_button_opens_the_same_setup(anna: Chat) -> None:
    anna.say("how do the daily reflections work")  # the matcher's daily_reflection topic, not ours
    assert message("daily_intro").strip() not in anna.text()
    anna.press("Set up daily reflections")
    assert message("daily_intro").strip() in anna.text()


def test_someone_in_a_country_with_several_zones_gets_them_all(anna: Chat) -> None:
    anna.say("/country")
    anna.press("c:US")
    anna.say("/daily")
    anna.say("9pm")
    labels = anna.labels()
    assert labels[0].startswith("New York") and any(lbl.startswith("Los Angeles") for lbl in labels)


def test_typing_a_country_with_several_zones_asks_which_one(anna: Chat, store: Store) -> None:
    anna.say("/daily")
    anna.say("8pm")
    anna.say("Australia")
    assert "more than one time zone" in anna.text()
    assert anna.state.pending == "daily_zone"
    anna.say("Perth")
    sub = repo(store).get(ANNA)
    assert sub is not None and (sub.zone, sub.local_time) == ("Australia/Perth", time(20, 0))


def test_without_a_country_the_zone_is_typed(anna: Chat, store: Store) -> None:
    anna.say("/daily")
    anna.press("Evening, 20:00")
    assert anna.labels() == ["Not now"]
    anna.say("sydeny")
    assert repo(store).get(ANNA).zone == "Australia/Sydney"  # type: ignore[union-attr]


# ----------------------------------------------------------------------------------- not stealing


def test_text_that_is_not_a_time_goes_to_ordinary_matching(anna: Chat, store: Store) -> None:
    anna.say("/daily")
    anna.say("i feel so sad today, i can't stop crying")
    assert "What time" not in anna.text() and "time zone" not in anna.text()
    assert anna.state.pending is None and repo(store).get(ANNA) is None


def test_text_that_is_not_a_place_goes_to_ordinary_matching(anna: Chat, store: Store) -> None:
    anna.say("/daily")
    anna.say("8:30")
    anna.say("thank you, that means a lot")
    assert "time zone" not in anna.text()
    assert anna.state.pending is None and repo(store).get(ANNA) is None


def test_safety_comes_before_the_pending_question(anna: Chat) -> None:
    anna.say("/daily")
    anna.say("i want to die")
    assert message("crisis_intro").strip()[:30] in anna.text()
    # the daily question is dropped; after the numbers, the crisis reply asks for a country (issue 11)
    assert anna.state.pending == "country"


@pytest.mark.parametrize("text", [
    "I can't stop crying every morning",
    "my mum sends me messages every day",
    "how do i stop the daily reflections",
    "stop",
    "every morning is the hardest",
])
def test_ordinary_messages_are_not_intercepted(anna: Chat, store: Store, text: str) -> None:
    anna.say(text)
    assert message("daily_intro").strip() not in anna.text()
    assert message("daily_stop_none").strip()[:30] not in anna.text()


# ----------------------------------------------------------------------------------- settings


@pytest.fixture
def subscribed(anna: Chat) -> Chat:
    anna.say("/daily")
    anna.say("8:00")
    anna.say("london")
    return anna


def test_daily_when_subscribed_shows_the_settings(subscribed: Chat) -> None:
    subscribed.say("/daily")
    assert "Each day at 08:00, London time. The next one comes today at 08:00." in subscribed.text()
    assert subscribed.labels() == ["Change the time", "Change the time zone", "Pause them", "Dates to remember",
                                   "Stop them", "☰ Menu"]


def test_change_the_time_keeps_the_zone(subscribed: Chat, store: Store) -> None:
    subscribed.say("/daily")
    subscribed.press("Change the time")
    subscribed.say("quarter to nine")
    assert "From now on at 08:45, London time" in subscribed.text()
    assert subscribed.state.pending is None
    sub = repo(store).get(ANNA)
    assert sub is not None and (sub.local_time, sub.zone) == (time(8, 45), "Europe/London")


def test_change_the_zone_keeps_the_time(subscribed: Chat, store: Store) -> None:
    subscribed.say("/daily")
    subscribed.press("Change the time zone")
    assert subscribed.labels()[0].startswith("London")  # the current one is offered first
    subscribed.say("Kolkata")
    sub = repo(store).get(ANNA)
    assert sub is not None and (sub.local_time, sub.zone) == (time(8, 0), "Asia/Kolkata")


def test_pause_resume_and_pause_until_i_say(subscribed: Chat, store: Store, clock: FixedClock) -> None:
    subscribed.say("/daily")
    subscribed.press("Pause them")
    assert subscribed.labels() == ["For 3 days", "For a week", "Until I say", "Back"]
    subscribed.press("For a week")
    assert "The next one comes on Monday 12 January at 08:00" in subscribed.text()
    subscribed.say("/daily")
    assert "Paused for now" in subscribed.text() and subscribed.labels()[0] == "Resume"
    subscribed.press("Resume")
    assert "Welcome back. The next one comes today at 08:00." in subscribed.text()
    subscribed.say("/daily")
    subscribed.press("Pause them")
    subscribed.press("Until I say")
    assert repo(store).get(ANNA).next_send is None  # type: ignore[union-attr]
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    assert run(walk(dispatcher, sender, utc(2026, 1, 5, 7, 0), utc(2026, 1, 9, 9, 0), timedelta(minutes=30))) == []


@pytest.mark.parametrize("how", ["/stop", "stop the daily messages", "/daily stop", "unsubscribe"])
def test_stop(subscribed: Chat, store: Store, how: str) -> None:
    subscribed.say(how)
    assert "I've stopped the daily reflections" in subscribed.text()
    assert repo(store).get(ANNA) is None
    subscribed.say(how)
    assert "nothing to stop" in subscribed.text()


def test_the_stop_button(subscribed: Chat, store: Store) -> None:
    subscribed.say("/daily")
    subscribed.press("Stop them")
    assert repo(store).get(ANNA) is None


# ----------------------------------------------------------------------------------- today's, and /daily now


def test_todays_reflection_right_away_then_tomorrow_as_usual(anna: Chat, store: Store) -> None:
    anna.say("/daily")
    anna.press("Morning, 08:00")
    anna.say("London")
    anna.press("Today's reflection now")
    assert len(anna.last) == 2 and "The next one comes tomorrow at 08:00." in anna.last[1].text
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    sends = run(walk(dispatcher, sender, utc(2026, 1, 5, 7, 0), utc(2026, 1, 6, 9, 0), timedelta(minutes=5)))
    assert sends == [(ANNA, utc(2026, 1, 6, 8, 0))]


def test_daily_now_twice_in_a_day_shows_the_same_one_again(subscribed: Chat) -> None:
    first = subscribed.say("/daily now")[0].text
    again = subscribed.say("/daily now")
    assert again[0].text == message("daily_now_again") and again[1].text == first


def test_daily_now_in_the_terminal_chat_shows_the_next_reflection(conversations: Conversations, store: Store) -> None:
    out = io.StringIO()
    console = ConsoleChat(conversations, out=out, chat_id=7)
    for line in ("/daily", "8am", "london", "/daily now"):
        console.send(line)
    shown = out.getvalue().split("You've")[0]
    sub = repo(store).get(7)
    assert sub is not None and sub.last_reflection is not None
    reflection = next(r for r in real_core().content.reflections if r.id == sub.last_reflection)
    assert reflection.text[:40] in shown.replace("\n         ", " ")
    assert "The next one comes tomorrow at 08:00." in out.getvalue()


def test_daily_now_without_a_subscription_shows_one_and_stores_nothing(anna: Chat, store: Store) -> None:
    anna.say("/daily now")
    assert len(anna.last) == 2 and "Set up daily reflections" in anna.labels()
    assert store.my_data(ANNA).get("daily_subscriptions") is None


# ----------------------------------------------------------------------------------- remembrance dates


def test_a_date_is_kept_only_after_consent_and_acknowledged_only_on_its_day(subscribed: Chat, store: Store) -> None:
    subscribed.say("/daily")
    subscribed.press("Dates to remember")
    assert "completely optional" in subscribed.text()
    subscribed.press("Add a due date")
    subscribed.say("7 January")
    assert "Shall I keep 7 January as your due date?" in subscribed.text()
    assert repo(store).get(ANNA).due_date is None  # type: ignore[union-attr]  # nothing kept before yes
    subscribed.press("Yes, keep it")
    assert repo(store).get(ANNA).due_date.code() == "0107"  # type: ignore[union-attr]
    special = real_core().content.special_reflections["due_date"]
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    run(walk(dispatcher, sender, utc(2026, 1, 5, 7, 0), utc(2026, 1, 9, 9, 0), timedelta(minutes=30)))
    mentions = [special[:40] in s.text.replace("&#x27;", "'") for s in sender.sent]
    assert mentions == [False, False, True, False, False]  # 5, 6, 7 (the date), 8, 9 January


def test_the_wave_of_light_note_only_for_those_who_shared_a_date(conversations: Conversations, store: Store,
                                                                 clock: FixedClock) -> None:
    clock.set(utc(2026, 10, 14, 12, 0))
    with_date, without = Chat(conversations, 1), Chat(conversations, 2)
    for person in (with_date, without):
        person.say("/daily")
        person.say("8am")
        person.say("london")
    with_date.say("/daily")
    with_date.press("Dates to remember")
    with_date.press("Add the date of the loss")
    with_date.say("2025-03-12")
    with_date.press("Yes, keep it")
    wave = real_core().content.special_reflections["wave_of_light"][:40]
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    run(walk(dispatcher, sender, utc(2026, 10, 15, 6, 0), utc(2026, 10, 15, 8, 0), timedelta(minutes=5)))
    texts = {s.chat_id: s.text for s in sender.sent}
    assert wave in texts[1] and wave not in texts[2]


def test_declining_keeps_nothing_and_dates_can_be_removed(subscribed: Chat, store: Store) -> None:
    subscribed.say("/daily")
    subscribed.press("Dates to remember")
    subscribed.press("Add the date of the loss")
    subscribed.say("12/03")
    subscribed.press("No, don't keep it")
    assert repo(store).get(ANNA).loss_date is None  # type: ignore[union-attr]
    subscribed.say("/daily")
    subscribed.press("Dates to remember")
    subscribed.press("Add the date of the loss")
    subscribed.say("12/03")
    subscribed.press("Yes, keep it")
    subscribed.say("/daily")
    subscribed.press("Dates to remember")
    assert "date of your loss: 12 March" in subscribed.text()
    subscribed.press("Remove my dates")
    sub = repo(store).get(ANNA)
    assert sub is not None and sub.loss_date is None and sub.due_date is None


def test_text_that_is_not_a_date_goes_to_ordinary_matching(subscribed: Chat) -> None:
    subscribed.say("/daily")
    subscribed.press("Dates to remember")
    subscribed.press("Add a due date")
    subscribed.say("i'd rather not say")
    assert "Shall I keep" not in subscribed.text() and subscribed.state.pending is None


# ----------------------------------------------------------------------------------- privacy


def test_forget_deletes_the_subscription_and_dates(subscribed: Chat, store: Store) -> None:
    subscribed.say("/mydata")
    assert "Daily reflections" in subscribed.text()  # /mydata's plain heading for the subscription
    subscribed.say("/forget")
    subscribed.press("fg:y")
    assert store.my_data(ANNA) == {}


def test_every_button_fits_telegram_and_decodes_back_to_the_feature(subscribed: Chat) -> None:
    seen = set()
    for step in ("/daily", "Pause them", "Back", "Dates to remember", "Add a due date"):
        if step.startswith("/"):
            subscribed.say(step)
        else:
            subscribed.press(step)
        seen.update(b.data for m in subscribed.last for b in m.buttons)
    assert all(len(data.encode()) <= MAX_BUTTON_DATA for data in seen)


def test_a_forged_daily_button_is_answered_gently(anna: Chat) -> None:
    replies = anna.conversations.handle_button(ANNA, "dl:z/9999/Nowhere/Land")
    assert [m.text for m in replies] in [[variant] for variant in real_core().content.messages["unknown_button"]]


def test_no_content_problems_in_the_daily_texts() -> None:
    problems = [str(p) for p in real_core().problems if "daily_" in p.message or "cities" in p.where.file]
    assert problems == []


def test_a_changed_time_after_todays_send_waits_for_tomorrow_in_the_conversation(subscribed: Chat, store: Store,
                                                                                 clock: FixedClock) -> None:
    dispatcher, sender, _ = make_dispatcher(store, offload=False)
    run(dispatcher.dispatch_due(utc(2026, 1, 5, 8, 0)))
    clock.set(utc(2026, 1, 5, 9, 0))
    subscribed.say("/daily")
    subscribed.press("Change the time")
    subscribed.press("Evening, 20:00")
    assert "The next one comes tomorrow at 20:00." in subscribed.text()
    assert repo(store).get(ANNA).claimed_date == date(2026, 1, 5)  # type: ignore[union-attr]
