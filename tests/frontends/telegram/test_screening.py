"""One safety check per message: the per-chat queue, the flood guard and the engine share it."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from telegram import Chat, Message, Update, User

from bot.app import Core
from bot.engine.engine import Engine
from bot.frontends.telegram.flood import CAPACITY, FloodGuard
from bot.frontends.telegram.screening import Screening
from bot.safety import SafetyResult
from tests.support.fake_bot_api import FakeBotApi
from tests.support.running_bot import RunningBot, make_settings

ANNA = 3001
CRISIS = "i want to kill myself"


def _update(update_id: int, text: str) -> Update:
    chat = Chat(ANNA, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat,
                                             from_user=User(ANNA, "A", False), text=text))


class Counting:
    def __init__(self, assess):  # type: ignore[no-untyped-def]
        self._assess = assess
        self.calls: Counter[str] = Counter()

    def assess(self, text: str) -> SafetyResult:
        self.calls[text] += 1
        return self._assess(text)


def test_a_result_is_computed_once_per_update_and_forgotten_after() -> None:
    counting = Counting(lambda text: SafetyResult("crisis") if "kill" in text else SafetyResult())
    screening = Screening(counting.assess)
    update = _update(1, CRISIS)
    assert screening.known(update) is None
    assert screening.is_urgent(update) and screening.is_urgent(update)
    assert screening.known(update) == SafetyResult("crisis") and counting.calls[CRISIS] == 1
    screening.forget(update)
    assert screening.known(update) is None


class StoppedTime:
    def __call__(self) -> float:
        return 1000.0  # the flood guard's clock stands still: the bucket never refills


def test_over_telegram_each_message_is_checked_once_even_when_the_flood_guard_looks(
        tmp_path: Path, core: Core) -> None:
    counting = Counting(core.safety.assess)
    engine = Engine(core.content, core.normaliser, core.matcher, counting, features=core.engine.features)
    counted = replace(core, safety=counting, engine=engine)
    with FakeBotApi() as api, RunningBot(api, make_settings(api, tmp_path), counted,
                                         flood=FloodGuard(monotonic=StoppedTime())):
        api.mark()
        texts = [f"how long do the cells stay {index}" for index in range(CAPACITY)]
        for text in texts:
            api.send_text(ANNA, text)
        api.send_text(ANNA, CRISIS)  # the first one past the limit: the flood guard checks it
        api.wait_for_messages(ANNA, CAPACITY + 3)
        api.wait_until(lambda: counting.calls[CRISIS] >= 1, "the message past the limit to be checked")
    assert all(counting.calls[text] == 1 for text in texts), counting.calls
    assert counting.calls[CRISIS] == 1
