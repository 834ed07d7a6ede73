"""Pending daily questions answered in people's own words (issue 14, item 7): a place given at
the time question, a time inside a sentence, an answer not understood asked again once."""

from __future__ import annotations

from datetime import time

from bot.daily.repository import DailyRepository
from bot.store import Store
from tests.daily.test_dialog import Chat, anna, clock  # noqa: F401  (fixtures)


def test_a_country_with_several_zones_then_a_time_asks_which_zone(anna: Chat, store: Store) -> None:  # noqa: F811
    anna.say("/daily")
    anna.say("we're in the usa")
    assert "what time of day would suit you" in anna.text().lower()
    anna.say("9pm works, after dinner")
    assert "more than one time zone" in anna.text()
    assert any("New York" in label for label in anna.labels())
    anna.press(next(label for label in anna.labels() if "Chicago" in label))
    sub = DailyRepository(store).get(anna.chat_id)
    assert sub is not None and (sub.local_time, sub.zone) == (time(21, 0), "America/Chicago")


def test_a_time_then_a_place_it_cannot_find_is_asked_again_once(anna: Chat, store: Store) -> None:  # noqa: F811
    anna.say("/daily")
    anna.say("8pm")
    assert "Which time zone" in anna.text()
    anna.say("by the sea")
    assert "couldn't find that place" in anna.text()
    assert anna.state.pending == "daily_zone"
    anna.say("somewhere warm")
    assert "couldn't find that place" not in anna.text()
    assert anna.state.pending is None
    assert DailyRepository(store).get(anna.chat_id) is None


def test_no_thanks_and_questions_are_not_asked_again(anna: Chat) -> None:  # noqa: F811
    for answer in ("no thanks", "what is microchimerism?"):
        anna.say("/daily")
        anna.say(answer)
        assert "couldn't find a time" not in anna.text(), answer
        assert anna.state.pending is None


def test_a_date_not_understood_is_asked_again_with_an_example(anna: Chat) -> None:  # noqa: F811
    anna.say("/daily")
    anna.say("8:00")
    anna.say("london")
    anna.say("/daily")
    anna.press("Dates to remember")
    anna.press("Add a due date")
    anna.say("sometime in spring")
    assert "couldn't read a date" in anna.text() and "12 March" in anna.text()
    anna.say("12 March")
    assert "Shall I keep 12 March" in anna.text()
