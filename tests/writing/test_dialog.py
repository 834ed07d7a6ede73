"""The writing course through the real engine and store: the edges the transcripts do not walk
(old buttons, parts of one letter, help at a prompt, a scheduled prompt no longer wanted, a
safety reply pausing a scheduled course, what the effects carry)."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Core
from bot.conversations import Conversations
from bot.engine.types import Incoming
from bot.frontends.plain import to_plain
from bot.store import Store
from bot.writing.course import LISTENING, Position
from bot.writing.repository import WritingSchedule
from bot.writing.sending import ScheduledPrompts
from tests.support.clocks import FixedClock

CHAT = 77
LETTER = "I held you and the room was so quiet"


def text_of(messages) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(to_plain(m.text) for m in messages)


def labels(messages) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.label for m in messages for b in m.buttons]


def position(store: Store) -> Position | None:
    return Position.from_dict(store.load_state(CHAT).writing)


def begin(conversations: Conversations, clock: FixedClock) -> None:
    conversations.handle_text(CHAT, "/write")
    clock.advance(seconds=20)
    conversations.handle_button(CHAT, "wr:go")
    clock.advance(seconds=20)


def test_a_button_from_an_older_prompt_does_not_act_on_the_current_one(
        conversations: Conversations, store: Store, clock: FixedClock) -> None:
    begin(conversations, clock)
    conversations.handle_button(CHAT, "wr:sk/0")  # prompt 1 skipped: prompt 2 is open
    assert position(store) == Position(1, "open", clock.now())
    clock.advance(seconds=20)
    again = conversations.handle_button(CHAT, "wr:sk/0")  # the same Skip, pressed again later
    shown_at = clock.now() - timedelta(seconds=20)
    assert "Prompt 2 of 9" in text_of(again) and position(store) == Position(1, "open", shown_at)
    assert [b.data for m in again for b in m.buttons][0] == "wr:sk/1"  # the prompt at hand, shown again


def test_parts_of_one_letter_get_one_thanks_and_a_later_part_a_short_word(
        conversations: Conversations, store: Store, clock: FixedClock) -> None:
    begin(conversations, clock)
    first = conversations.handle_text(CHAT, LETTER)
    assert "Thank you" in text_of(first) and "Next prompt now" in labels(first)
    clock.advance(seconds=2)
    assert conversations.handle_text(CHAT, "and the second half of it") == []  # Telegram split it
    clock.advance(minutes=3)
    later = conversations.handle_text(CHAT, "one more thing")
    assert "Thank you" not in text_of(later) and "Next prompt now" in labels(later)


def test_help_at_a_prompt_is_help_and_words_long_after_it_are_ordinary(
        conversations: Conversations, store: Store, clock: FixedClock) -> None:
    begin(conversations, clock)
    helped = conversations.take_turn(CHAT, Incoming(clock.now(), text="help"))
    assert "help_shown" in helped.events and "writing_piece" not in helped.events
    clock.advance(seconds=(LISTENING.total_seconds() + 60))
    later = conversations.take_turn(CHAT, Incoming(clock.now(), text="how long can the cells stay"))
    assert "writing_piece" not in later.events and any(e.startswith("topic:") for e in later.events)
    assert position(store) is not None  # the course waits for /write


def test_a_check_in_pauses_a_scheduled_course_and_its_prompt_is_never_sent(
        conversations: Conversations, store: Store, clock: FixedClock) -> None:
    begin(conversations, clock)
    conversations.handle_text(CHAT, LETTER)
    conversations.handle_button(CHAT, "wr:nl/0")
    assert position(store) == Position(1, "scheduled") and WritingSchedule(store).get(CHAT) is not None
    clock.advance(hours=2)
    checkin = conversations.take_turn(CHAT, Incoming(clock.now(), text="I just want it all to stop"))
    assert "checkin_sent" in checkin.events
    assert position(store) == Position(1, "paused") and WritingSchedule(store).get(CHAT) is None
    prompts = ScheduledPrompts(WritingSchedule(store), lambda c, i: conversations.take_turn(c, i).messages)
    assert prompts.claim(clock.advance(days=2), 10) == []


def test_a_scheduled_prompt_no_longer_wanted_sends_nothing(
        conversations: Conversations, store: Store, clock: FixedClock) -> None:
    begin(conversations, clock)
    conversations.handle_text(CHAT, LETTER)
    conversations.handle_button(CHAT, "wr:nl/0")
    store.query("UPDATE chats SET state = json_set(state, '$.writing.status', 'paused')")  # e.g. an old row
    prompts = ScheduledPrompts(WritingSchedule(store), lambda c, i: conversations.take_turn(c, i).messages)
    assert prompts.claim(clock.advance(days=2), 10) == []


def test_effects_carry_a_prompt_number_and_a_time_never_the_words(core: Core, clock: FixedClock) -> None:
    state = core.engine.handle(core.engine.handle(
        core.engine.handle(Store(":memory:").load_state(CHAT), Incoming(clock.now(), text="/write")).state,
        Incoming(clock.now(), button="wr:go")).state, Incoming(clock.now(), text=LETTER))
    [effect] = state.effects
    assert effect.kind == "writing_ack" and set(effect.data) == {"now", "step", "variant", "first"}
    assert all(LETTER not in v and str(len(LETTER)) != v for v in effect.data.values())
    assert set(state.state.writing) == {"step", "status", "at"}


def test_begin_on_an_old_message_never_loses_the_place(
        conversations: Conversations, store: Store, clock: FixedClock) -> None:
    begin(conversations, clock)
    conversations.handle_text(CHAT, LETTER)
    conversations.handle_button(CHAT, "wr:nx/0")
    clock.advance(hours=13)  # prompt 2 no longer listening
    again = conversations.handle_button(CHAT, "wr:go")
    assert "Welcome back" in text_of(again) and "prompt 2 of 9" in text_of(again)
    assert position(store) is not None and position(store).step == 1  # type: ignore[union-attr]
    restarted = conversations.handle_button(CHAT, "wr:ov")  # "Start again" does start again
    assert "Prompt 1 of 9" in text_of(restarted) and position(store) == Position(0, "open", clock.now())
    shown_again = conversations.handle_text(CHAT, "/write")  # at an open prompt: that prompt again
    assert "Prompt 1 of 9" in text_of(shown_again) and "Welcome back" not in text_of(shown_again)


def test_a_position_beyond_a_shorter_course_is_no_position(
        conversations: Conversations, store: Store, clock: FixedClock) -> None:
    store.query("INSERT INTO chats (chat_id, state, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (CHAT, '{"writing": {"step": "42", "status": "paused"}}', "x", "x"))
    reply = conversations.handle_text(CHAT, "/write")
    assert "isn't therapy" in text_of(reply)  # offered afresh, not a crash
