"""A flood from one chat is slowed down, answered once with ``slow_down``, and nobody else notices.

The guard (``bot/frontends/telegram/flood.py``) sits in the Telegram front end, before the engine:
the engine stays pure, and the terminal chat has one person anyway. Unit tests move a fake clock;
the end-to-end test runs the real bot with the same guard on a fake clock, so the counts are
exact whatever the machine's speed.
"""

from __future__ import annotations

import time
from pathlib import Path

from bot.frontends.telegram.flood import CAPACITY, PER_SECOND, FloodGuard
from tests.frontends.telegram.test_bot import ANNA, BEN, make_settings, says, shown
from tests.support.running_bot import RunningBot
from tests.support.waiting import eventually
from tests.trust.conftest import FaultyBotApi


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def flood(guard: FloodGuard, clock: FakeTime, chat: int, per_second: float, seconds: float) -> list[str]:
    verdicts = []
    for _ in range(int(per_second * seconds)):
        verdicts.append(guard.check(chat))
        clock.now += 1 / per_second
    return verdicts


def test_fifty_a_second_is_answered_at_the_refill_rate_and_warned_once() -> None:
    clock = FakeTime()
    guard = FloodGuard(monotonic=clock)
    verdicts = flood(guard, clock, ANNA, per_second=50, seconds=10)
    assert verdicts[:CAPACITY] == ["ok"] * CAPACITY  # a burst like a long pasted text is read whole
    assert verdicts[CAPACITY] == "warn"
    assert verdicts.count("warn") == 1  # told once, however long it goes on
    # Then one message per refill, the rest set aside: capacity + 10 s of refill, within one.
    assert abs(verdicts.count("ok") - (CAPACITY + 10 * PER_SECOND)) <= 1
    assert guard.throttled(ANNA)


def test_a_person_typing_fast_is_never_slowed() -> None:
    clock = FakeTime()
    guard = FloodGuard(monotonic=clock)
    assert set(flood(guard, clock, ANNA, per_second=PER_SECOND, seconds=600)) == {"ok"}  # ten minutes
    assert guard.check(ANNA) == "ok"
    burst = [guard.check(ANNA) for _ in range(CAPACITY - 1)]  # then a long text, split in parts
    assert set(burst) == {"ok"}


def test_one_chat_flooding_does_not_touch_another() -> None:
    clock = FakeTime()
    guard = FloodGuard(monotonic=clock)
    flood(guard, clock, ANNA, per_second=1000, seconds=1)
    assert guard.throttled(ANNA) and not guard.throttled(BEN)
    assert [guard.check(BEN) for _ in range(CAPACITY)] == ["ok"] * CAPACITY


def test_calm_again_ends_the_episode_and_a_new_flood_is_told_again() -> None:
    clock = FakeTime()
    guard = FloodGuard(monotonic=clock)
    verdicts = [guard.check(ANNA) for _ in range(CAPACITY + 5)]
    assert verdicts.count("warn") == 1
    clock.now += CAPACITY / PER_SECOND - 0.01  # not quite full yet: still the same episode
    [guard.check(ANNA) for _ in range(CAPACITY + 5)]
    assert guard.throttled(ANNA)
    clock.now += CAPACITY / PER_SECOND + 0.01
    again = [guard.check(ANNA) for _ in range(CAPACITY + 5)]
    assert again[:CAPACITY] == ["ok"] * CAPACITY and again.count("warn") == 1


def test_safety_gets_one_pass_per_episode_and_bounded_checks() -> None:
    clock = FakeTime()
    guard = FloodGuard(monotonic=clock, checks_per_episode=3)
    [guard.check(ANNA) for _ in range(CAPACITY + 1)]
    assert [guard.may_check(ANNA) for _ in range(5)] == [True, True, True, False, False]
    guard.safety_pass(ANNA)
    assert not guard.may_check(ANNA)
    assert not guard.may_check(BEN)  # never seen: nothing to check, it is let through anyway


def test_a_crisis_that_was_to_carry_the_warning_goes_through_and_the_next_one_warns() -> None:
    clock = FakeTime()
    guard = FloodGuard(monotonic=clock)
    [guard.check(ANNA) for _ in range(CAPACITY)]
    assert guard.check(ANNA) == "warn"  # the handler finds it urgent: lets it through, and
    guard.safety_pass(ANNA)
    guard.warn_later(ANNA)
    assert guard.check(ANNA) == "warn"  # the next one set aside carries the warning
    assert guard.check(ANNA) == "drop"


def test_memory_stays_bounded_and_calm_chats_are_forgotten() -> None:
    clock = FakeTime()
    guard = FloodGuard(monotonic=clock, max_chats=100)
    for chat in range(1000):
        guard.check(chat)
        clock.now += 1.0  # each bucket refills one token per second: full again soon after
    assert len(guard) <= 100 + 1


# ----------------------------------------------------------------------------- end to end


def test_a_flood_over_telegram_is_told_once_a_crisis_still_answered_and_others_not_slowed(
        api: FaultyBotApi, tmp_path: Path, core) -> None:
    clock = FakeTime()  # frozen during the flood: exact counts on any machine
    guard = FloodGuard(monotonic=clock)
    with RunningBot(api, make_settings(api, tmp_path), core, flood=guard) as bot:
        order = bot.application.update_processor
        started = time.monotonic()
        says(api, BEN, "/about")
        alone = time.monotonic() - started  # Ben's reply time with nothing else going on

        api.mark()
        for index in range(50):  # fifty messages at once: at least 50 a second
            api.send_text(ANNA, "i want to kill myself" if index == 25 else f"/about {index}")
        started = time.monotonic()
        api.send_text(BEN, "/privacy")
        [ben] = api.wait_for_messages(BEN, 1)
        during = time.monotonic() - started
        assert ben.plain_text.startswith("What I keep, and why")
        anna = api.wait_for_messages(ANNA, CAPACITY + 1 + 3)
        texts = [m.plain_text for m in anna]
        assert texts[:CAPACITY] == [shown(core, "about")] * CAPACITY  # the first ones, read and answered
        assert texts[CAPACITY] == shown(core, "slow_down")  # then told once, politely
        assert texts[CAPACITY + 1] == shown(core, "crisis_intro")  # a crisis in the flood still answered
        assert eventually(lambda: order.waiting(ANNA) == 0)  # all of Anna's flood dealt with
        assert texts == [m.plain_text for m in api.sent_messages(ANNA)]
        assert texts.count(shown(core, "slow_down")) == 1

        api.mark()
        for index in range(10):  # still flooding: set aside, not a word more, Ben answered as ever
            api.send_text(ANNA, f"/about again {index}")
        [ben_again] = says(api, BEN, "/about")
        assert ben_again.plain_text == shown(core, "about")
        assert eventually(lambda: order.waiting(ANNA) == 0)
        assert api.sent_messages(ANNA, since_mark=True) == []

        clock.now += CAPACITY / PER_SECOND + 1  # calm for a while: read as usual again
        [back] = says(api, ANNA, "/about")
        assert back.plain_text == shown(core, "about")
    assert during < alone + 2.0, (alone, during)
    print(f"\nBen's reply: {alone * 1000:.0f} ms alone, {during * 1000:.0f} ms during Anna's flood of 50")


def test_a_flood_of_presses_costs_telegram_no_calls_and_a_group_gets_no_more_than_allowed(
        api: FaultyBotApi, tmp_path: Path, core) -> None:
    clock = FakeTime()
    with RunningBot(api, make_settings(api, tmp_path), core, flood=FloodGuard(monotonic=clock)) as bot:
        order = bot.application.update_processor
        [welcome] = says(api, ANNA, "/start")  # one token used
        api.mark()
        for _ in range(30):
            api.press_button(ANNA, welcome.message_id, "m", strict=False)
        api.wait_for_messages(ANNA, CAPACITY)
        assert eventually(lambda: order.waiting(ANNA) == 0)
        texts = [m.plain_text for m in api.sent_messages(ANNA, since_mark=True)]
        assert len(texts) == CAPACITY and texts[-1] == shown(core, "slow_down")  # 19 menus, then told
        assert len(api.calls("answerCallbackQuery", since_mark=True)) == CAPACITY - 1  # set aside: no call

        group = -BEN
        api.mark()
        for _ in range(CAPACITY + 10):
            api.send_command(BEN, "start", chat_type="group", mention_bot=True)
        api.wait_for_messages(group, CAPACITY)
        assert eventually(lambda: order.waiting(group) == 0)
        assert len(api.sent_messages(group, since_mark=True)) == CAPACITY  # and no slow_down in a group


def test_when_the_first_message_set_aside_is_a_crisis_it_is_answered_and_the_next_is_told(
        api: FaultyBotApi, tmp_path: Path, core) -> None:
    clock = FakeTime()
    with RunningBot(api, make_settings(api, tmp_path), core, flood=FloodGuard(monotonic=clock)) as bot:
        order = bot.application.update_processor
        api.mark()
        for index in range(CAPACITY):
            api.send_text(ANNA, f"/about {index}")
        api.send_text(ANNA, "i want to kill myself")  # the first one past the limit
        api.send_text(ANNA, "/about")
        api.send_text(ANNA, "/privacy")
        api.wait_for_messages(ANNA, CAPACITY + 3 + 1)
        assert eventually(lambda: order.waiting(ANNA) == 0)
        texts = [m.plain_text for m in api.sent_messages(ANNA, since_mark=True)]
        assert texts[CAPACITY] == shown(core, "crisis_intro")
        assert texts[CAPACITY + 3:] == [shown(core, "slow_down")]  # told once, after the crisis reply
