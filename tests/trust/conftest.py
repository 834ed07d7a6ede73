"""Shared harness for the trust suite: the real content, and the fake Bot API with two more faults.

The running-bot harness is ``tests/support/running_bot.py``, shared with every Telegram test.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest

from tests.support.fake_bot_api import FakeBotApi


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
