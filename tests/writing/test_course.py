"""The course position: each move, the listening window, typed "skip" / "pause" / "stop", and
what is kept (three short values, never anything written)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot import PROJECT_ROOT
from bot.engine.types import Button, Incoming
from bot.understanding.fit import Person
from bot.understanding.keep import Kept
from bot.writing import course as steps
from bot.writing.content import load_writing
from bot.writing.course import LISTENING, Position, typed_choice
from bot.writing.dialog import person_of
from bot.writing.views import Views

NOW = datetime(2026, 3, 4, 21, 10, tzinfo=UTC)
TOTAL = 9


def test_a_whole_course_by_next_now() -> None:
    position = steps.begin(NOW)
    seen = []
    while position is not None:
        seen.append(position.step)
        assert position.status == "open"
        position = steps.next_now(steps.wrote(position, NOW), TOTAL, NOW)
    assert seen == list(range(TOTAL))


def test_writing_keeps_the_prompt_and_the_next_one_follows() -> None:
    written = steps.wrote(Position(3, "open", NOW), NOW + timedelta(minutes=5))
    assert (written.step, written.status, written.upcoming) == (3, "written", 4)
    assert steps.wrote(written, NOW).step == 3  # a second part of the same letter


def test_skip_leaves_the_prompt_at_hand_and_the_last_skip_ends_the_course() -> None:
    assert steps.skip(Position(2, "open", NOW), TOTAL, NOW) == Position(3, "open", NOW)
    assert steps.skip(Position(2, "paused"), TOTAL, NOW) == Position(3, "open", NOW)
    assert steps.skip(Position(TOTAL - 1, "open", NOW), TOTAL, NOW) is None


def test_pause_keeps_the_prompt_that_comes_next() -> None:
    assert steps.pause(Position(4, "open", NOW)) == Position(4, "paused")  # not written: shown again
    assert steps.pause(Position(4, "written", NOW)) == Position(5, "paused")  # written: the next one
    assert steps.pause(Position(6, "scheduled")) == Position(6, "paused")
    resumed = steps.next_now(Position(5, "paused"), TOTAL, NOW)
    assert resumed == Position(5, "open", NOW)


def test_schedule_and_the_end() -> None:
    assert steps.schedule(Position(1, "written", NOW), TOTAL) == Position(2, "scheduled")
    assert steps.schedule(Position(TOTAL - 1, "written", NOW), TOTAL) is None
    assert steps.finished(Position(TOTAL - 1, "written", NOW), TOTAL)
    assert not steps.finished(Position(TOTAL - 1, "open", NOW), TOTAL)


def test_listening_only_while_a_prompt_is_open_and_not_for_ever() -> None:
    open_ = Position(0, "open", NOW)
    assert open_.listening(NOW) and open_.listening(NOW + LISTENING - timedelta(seconds=1))
    assert not open_.listening(NOW + LISTENING)  # days later, a question is a question
    assert not open_.listening(NOW - timedelta(seconds=1))
    assert Position(0, "written", NOW).listening(NOW + timedelta(hours=1))
    assert not Position(0, "paused").listening(NOW)
    assert not Position(0, "scheduled").listening(NOW)


def test_kept_as_three_short_values_and_read_back_only_if_well_formed() -> None:
    position = Position(3, "written", NOW)
    kept = position.to_dict()
    assert kept == {"step": "3", "status": "written", "at": "2026-03-04T21:10:00+00:00"}
    assert Position.from_dict(kept) == position
    assert Position.from_dict(Position(2, "paused").to_dict()) == Position(2, "paused")
    for bad in ({}, None, {"step": "x", "status": "open", "at": kept["at"]}, {"step": "1", "status": "sleeping"},
                {"step": "1", "status": "open"}, {"step": "1", "status": "open", "at": "yesterday"}):
        assert Position.from_dict(bad) is None, bad


def test_daily_time_is_the_first_at_least_a_few_hours_ahead_in_their_zone() -> None:
    london_evening = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)  # 07:00 in London
    assert steps.due_at_daily(london_evening, time(20, 0), "Europe/London") == datetime(
        2026, 3, 4, 20, 0, tzinfo=UTC)  # 13 hours ahead: today
    assert steps.due_at_daily(london_evening, time(8, 0), "Europe/London") == datetime(
        2026, 3, 5, 8, 0, tzinfo=UTC)  # one hour ahead is too soon: tomorrow
    summer = datetime(2026, 7, 1, 21, 0, tzinfo=UTC)
    assert steps.due_at_daily(summer, time(8, 0), "Europe/London") == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)
    assert steps.due_later(NOW + timedelta(seconds=42)) == NOW + timedelta(days=1)


@pytest.mark.parametrize(("text", "choice"), [
    ("skip", "skip"), ("Skip this one", "skip"), ("next!", "skip"), ("  PAUSE  ", "pause"),
    ("not now", "pause"), ("I can't do this", "pause"), ("Stop.", "stop"), ("stop please", "stop"),
    ("I don't want to do this anymore", "stop"), ("no more", "stop"),
])
def test_a_whole_short_message_can_skip_pause_or_stop(text: str, choice: str) -> None:
    assert typed_choice(text) == choice


@pytest.mark.parametrize("text", [
    "I can't stop thinking about you", "I wish I could skip the days that hurt", "stop it hurting",
    "please pause the world for a moment so I can breathe", "next year I will plant a tree for you",
    "stop " * 20, "",
])
def test_a_letter_that_uses_those_words_is_a_letter(text: str) -> None:
    assert typed_choice(text) is None


def test_parts_of_one_long_letter_are_told_from_a_later_message() -> None:
    written = Position(2, "written", NOW)
    assert steps.same_letter(written, NOW + timedelta(seconds=2))
    assert not steps.same_letter(written, NOW + steps.PARTS)
    assert not steps.same_letter(Position(2, "open", NOW), NOW)


# ------------------------------------------------------------------------------------------------ who writes


def test_a_prompt_fits_the_role_first_then_the_name_and_always_has_words_for_anyone() -> None:
    course, _ = load_writing(PROJECT_ROOT)
    first = next(p for p in course.prompts if p.id == "beginning")
    assert first.text_for() == first.variants["text"]
    assert first.text_for(None, "Ivy") == first.variants["text_name"].replace("{name}", "Ivy")
    assert first.text_for("partner") == first.variants["partner"]
    assert first.text_for("partner", "Ivy") == first.variants["partner_name"].replace("{name}", "Ivy")
    assert first.text_for("relative", "Ivy") == first.variants["text_name"].replace("{name}", "Ivy")
    carry = next(p for p in course.prompts if p.id == "carry")  # no partner wording: the named one
    assert carry.text_for("partner", "Ivy") == carry.variants["text_name"].replace("{name}", "Ivy")
    hardest = next(p for p in course.prompts if p.id == "hardest")  # words for anyone only
    assert hardest.text_for("partner", "Ivy") == hardest.variants["text"]


def test_a_kept_profile_reaches_the_prompt_with_the_name_escaped() -> None:
    assert person_of(Incoming(NOW, text="x")) == Person()  # nothing kept: words for anyone
    person = person_of(Incoming(NOW, text="x", kept=Kept(role="partner", kind="stillbirth", name="<Ivy>")))
    assert person == Person(role="partner", name="<Ivy>")
    course, _ = load_writing(PROJECT_ROOT)
    [message] = Views(course, Button("Menu", "m")).prompt(Position(0, "open", NOW), person)
    assert "Let's begin with &lt;Ivy&gt;" in message.text and "about the pregnancy" in message.text
