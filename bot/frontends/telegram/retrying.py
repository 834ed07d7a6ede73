"""Every Bot API call (except getUpdates) rate-limited and retried when Telegram stumbles.

Why and how: docs/telegram.md, under "bot/frontends/telegram/retrying.py"."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]


LEFT_TO_PTB = frozenset({"getMe", "setWebhook", "deleteWebhook"})
"""Start-up calls: PTB's bootstrap already retries them (``bootstrap_retries``)."""


class RetryingRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` that also retries network errors and Telegram 5xx, with backoff."""

    def __init__(self, *, attempts: int = 5, first_delay: float = 0.5, max_delay: float = 8.0,
                 max_retry_after_retries: int = 3, startup_tries: int = 6) -> None:
        super().__init__(max_retries=max_retry_after_retries)
        self.attempts = max(1, attempts)
        self.startup_tries = startup_tries
        self.startup_failures: dict[str, int] = {}
        self.first_delay = first_delay
        self.max_delay = max_delay

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        attempts = 1 if endpoint in LEFT_TO_PTB else self.attempts
        delay = self.first_delay
        for attempt in range(1, attempts + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except TelegramError as exc:
                if not isinstance(exc, NetworkError) and not unreadable_answer(exc):
                    raise
                if endpoint in LEFT_TO_PTB:  # PTB tries again; say which try this was
                    tried = self.startup_failures[endpoint] = self.startup_failures.get(endpoint, 0) + 1
                    log.warning("could not reach the Telegram Bot API (%s, %s): try %d of %d",
                                endpoint, type(exc).__name__, tried, self.startup_tries)
                    raise
                if attempt == attempts:
                    log.warning("%s failed %d times (%s); giving up", endpoint, attempt, type(exc).__name__)
                    raise
                log.info("%s failed (%s); retry %d in %.1fs", endpoint, type(exc).__name__, attempt, delay)
                await asyncio.sleep(delay)
                delay = min(self.max_delay, delay * 2)
        raise AssertionError("unreachable")  # pragma: no cover


def unreadable_answer(exc: BaseException) -> bool:
    """PTB's error for an answer it could not parse as JSON (its text is fixed, not the answer)."""
    return type(exc) is TelegramError and exc.message == "Invalid server response"
