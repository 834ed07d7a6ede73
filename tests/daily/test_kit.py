"""The daily tests' own helpers behave as the tests assume."""

from __future__ import annotations

from bot.daily.dispatcher import SendResult
from bot.engine.types import OutMessage
from tests.daily.kit import FakeTime, RecordingSender, run


def test_fake_time_moves_only_when_slept_on() -> None:
    clock = FakeTime(0.0)
    run(clock.sleep(2.5))
    run(clock.sleep(-1))
    assert clock.monotonic() == 2.5


def test_recording_sender_follows_its_script() -> None:
    sender = RecordingSender(script={7: [SendResult.blocked()]})
    first = run(sender(7, [OutMessage("a")]))
    second = run(sender(7, [OutMessage("b")]))
    assert (first.kind, second.kind) == ("blocked", "ok")
    assert [s.text for s in sender.sent] == ["b"]
