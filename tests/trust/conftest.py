"""Shared harness for the trust suite: the real content, and the fake Bot API with two more faults.

The running-bot harness (``RunningBot``, ``says``, ``presses``...) is the one
``tests/test_telegram_bot.py`` uses: the bot exactly as ``run_bot.py`` builds and serves it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest

from bot.app import Core
from bot.frontends.telegram import runner
from bot.frontends.telegram.flood import FloodGuard
from bot.frontends.telegram.retrying import RetryingRateLimiter
from bot.store import Store
from tests.feather_testkit import real_core
from tests.support.fake_bot_api import FakeBotApi
from tests.test_telegram_bot import RunningBot, wait_for_port


@pytest.fixture(scope="session")
def core() -> Core:
    """The real dialogs and content, built once for the whole run (shared with other suites)."""
    return real_core()


class FaultyBotApi(FakeBotApi):
    """The fake Bot API plus a fault it lacks: a 200 answer whose JSON is cut short after the
    call was done (a proxy truncating it), so the body holds the start of real data, e.g. the
    text someone wrote. ``truncate_next("getUpdates")`` waits for an answer that carries updates."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._truncations: dict[str, int] = {}
        self._truncation_lock = threading.Lock()
        self.truncated: list[str] = []

    def truncate_next(self, method: str, times: int = 1) -> None:
        with self._truncation_lock:
            self._truncations[method.lower()] = self._truncations.get(method.lower(), 0) + times

    async def _dispatch(self, req):  # type: ignore[no-untyped-def]
        response = await super()._dispatch(req)
        method = req.path.rstrip("/").rsplit("/", 1)[-1].lower()
        with self._truncation_lock:
            wanted = self._truncations.get(method, 0)
            if not wanted or response.status != 200:
                return response
            try:
                result = json.loads(response.body).get("result")
            except ValueError:
                return response
            if method == "getupdates" and not result:
                return response  # nothing in it yet: cut the next one that carries updates
            self._truncations[method] = wanted - 1
            self.truncated.append(method)
        response.body = response.body[: len(response.body) * 2 // 3]
        return response


@pytest.fixture
def api() -> Iterator[FaultyBotApi]:
    with FaultyBotApi() as server:
        yield server
    assert server.internal_errors == []


@pytest.fixture
def own_loop() -> Iterator[None]:
    asyncio.set_event_loop(asyncio.new_event_loop())
    yield
    asyncio.set_event_loop(None)


class TrustBot(RunningBot):
    """``RunningBot`` (the bot as ``run_bot.py`` builds and serves it) with some of
    ``build_application``'s options: a short ``read_timeout``, a ``flood`` guard. Tests that drive
    many turns faster than any person pass a roomy guard (``roomy()``): the default one would,
    rightly, slow them down."""

    def __init__(self, api, settings, core, **options) -> None:  # type: ignore[no-untyped-def]
        super().__init__(api, settings, core)
        self.options = options

    def start(self) -> "TrustBot":
        store = Store(self.settings.db_path)
        self.options.setdefault("rate_limiter", RetryingRateLimiter(first_delay=0.01, max_delay=0.05))
        self.application = runner.build_application(self.settings, self.core, store,
                                                    background=[self._started], **self.options)
        self.thread = threading.Thread(target=self._serve, name="feather-bot", daemon=True)
        self.thread.start()
        assert self._up.wait(10), "the bot did not start"
        assert self.failure is None, f"the bot failed to start: {self.failure!r}"
        if self.settings.webhook_url:
            self.api.wait_for_calls("setWebhook")
            wait_for_port(self.settings.webhook_port)
        else:
            self.api.wait_for_calls("getUpdates", started=True)
        return self


def roomy() -> FloodGuard:
    return FloodGuard(capacity=10_000)
