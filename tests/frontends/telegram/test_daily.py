"""Daily reflections over Telegram, against the local fake Bot API: the sender's mapping of
Telegram's answers, and end to end through the real runner (buttons, test clock, the background
dispatcher) until the reflection arrives."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Core, build_app
from bot.daily.repository import DailyRepository
from bot.engine.types import Button, OutMessage
from bot.frontends.telegram import runner
from bot.frontends.telegram.sending import Sender
from bot.store import Store
from tests.daily.kit import real_core, utc
from tests.support.clocks import FixedClock
from tests.support.fake_bot_api import FakeBotApi
from tests.support.running_bot import RunningBot, make_settings, presses, says
from tests.support.waiting import eventually

ANNA, BEN = 2001, 2002


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server
    assert server.internal_errors == []


def send(api: FakeBotApi, chat_id: int, messages: list[OutMessage]):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with api.make_bot() as bot:
            return await Sender(bot)(chat_id, messages)

    return asyncio.run(go())


def test_a_reflection_arrives_as_html_with_its_button(api: FakeBotApi) -> None:
    api.add_private_chat(ANNA)
    result = send(api, ANNA, [OutMessage("<i>Gently</i> now", (Button("Daily settings", "dl:set"),))])
    assert result.kind == "ok"
    message = api.last_message(ANNA)
    assert message is not None and message.plain_text == "Gently now" and message.callback_data == ["dl:set"]


def test_blocked_is_reported_as_blocked(api: FakeBotApi) -> None:
    api.add_private_chat(ANNA)
    api.block_chat(ANNA)
    assert send(api, ANNA, [OutMessage("hello")]).kind == "blocked"


def test_flood_control_is_reported_with_its_wait(api: FakeBotApi) -> None:
    api.add_private_chat(ANNA)
    api.retry_after_next("sendMessage", seconds=7)
    result = send(api, ANNA, [OutMessage("hello")])
    assert (result.kind, result.seconds) == ("retry_after", 7.0)


@pytest.mark.parametrize("status", [500, 502])
def test_server_trouble_is_an_error_to_retry_later(api: FakeBotApi, status: int) -> None:
    api.add_private_chat(ANNA)
    api.fail_next("sendMessage", status=status)
    assert send(api, ANNA, [OutMessage("hello")]).kind == "error"


def test_a_chat_that_no_longer_exists_is_treated_as_blocked(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    assert send(api, 999_999, [OutMessage("hello")]).kind == "blocked"


# ----------------------------------------------------------------------------------- end to end


def daily_bot(api: FakeBotApi, tmp_path: Path, core: Core, clock: FixedClock) -> RunningBot:
    """The bot as ``run_telegram`` builds it, with a test clock and a quick-polling daily task."""
    return RunningBot(api, make_settings(api, tmp_path), core, clock=clock,
                      background=[functools.partial(runner.run_daily, poll=0.02)])


def test_subscribe_with_buttons_for_a_minute_from_now_and_receive_it(api: FakeBotApi, tmp_path: Path) -> None:
    clock = FixedClock(utc(2026, 1, 5, 7, 59))  # 07:59 in London
    core = real_core()
    with daily_bot(api, tmp_path, core, clock):
        says(api, ANNA, "/country")
        presses(api, ANNA, "United Kingdom", expect=2)
        says(api, ANNA, "/daily")
        presses(api, ANNA, "Morning, 08:00")
        [confirmed] = presses(api, ANNA, "London (now 07:59)")
        assert "The first one comes today at 08:00." in (confirmed.plain_text or "")
        api.mark()
        clock.set(utc(2026, 1, 5, 8, 0))  # a minute later, on the test clock
        [reflection] = api.wait_for_messages(ANNA, 1)
        sub = DailyRepository(Store(tmp_path / "feather.sqlite3")).get(ANNA)
        assert sub is not None and sub.last_reflection is not None
        expected = next(r for r in core.content.reflections if r.id == sub.last_reflection)
        assert (reflection.plain_text or "").startswith(expected.text[:40])
        assert reflection.callback_data == ["dl:set"]
        # The settings button on the reflection works like /daily.
        [settings] = presses(api, ANNA, "Daily settings", message_id=reflection.message_id)
        assert "The next one comes tomorrow at 08:00." in (settings.plain_text or "")


def test_a_user_who_blocked_feather_is_unsubscribed_by_the_running_bot(api: FakeBotApi, tmp_path: Path) -> None:
    clock = FixedClock(utc(2026, 1, 5, 7, 59))
    with daily_bot(api, tmp_path, real_core(), clock):
        says(api, BEN, "/daily")
        presses(api, BEN, "Morning, 08:00")
        says(api, BEN, "london")
        path = tmp_path / "feather.sqlite3"
        assert DailyRepository(Store(path)).get(BEN) is not None
        api.block_chat(BEN)
        api.mark()
        clock.set(utc(2026, 1, 5, 8, 0))
        api.wait_for_calls("sendMessage")
        repo = DailyRepository(Store(path))
        assert eventually(lambda: repo.get(BEN) is None)  # written right after Telegram's answer


def test_run_telegram_starts_the_daily_sender(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, api: FakeBotApi) -> None:
    seen = {}

    def fake_build(app, **options):  # type: ignore[no-untyped-def]
        seen.update(options)
        return object()

    monkeypatch.setattr(runner, "build_application", fake_build)
    monkeypatch.setattr(runner, "serve", lambda application, settings: None)
    settings = make_settings(api, tmp_path)
    assert runner.run_telegram(build_app(settings, core=real_core())) == 0
    assert runner.run_daily in seen["background"]
