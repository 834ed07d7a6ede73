"""The daily dispatcher's sender for Telegram, and the background task the Telegram runner starts.

``TelegramSender`` turns a PTB ``Bot`` into the dispatcher's ``sender``: Telegram's answers become
``SendResult`` values instead of exceptions (Forbidden -> blocked, RetryAfter -> retry_after,
network trouble and anything else Telegram refuses -> error).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.daily.dispatcher import POLL_SECONDS, DailyService, Dispatcher, SendResult
from bot.daily.repository import DailyRepository
from bot.engine.types import Button, OutMessage

if TYPE_CHECKING:
    from bot.frontends.telegram.runner import Runtime

log = logging.getLogger(__name__)

_GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")
"""BadRequest texts meaning the chat is gone for good: treated like a block (unsubscribed)."""


def _keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)] for b in buttons])


def retry_seconds(exc: RetryAfter) -> float:
    value: Any = getattr(exc, "_retry_after", None) or exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """``async (chat_id, messages) -> SendResult`` over a PTB Bot (or ExtBot)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    async def __call__(self, chat_id: int, messages: list[OutMessage]) -> SendResult:
        try:
            for message in messages:
                await self.bot.send_message(
                    chat_id=chat_id, text=message.text, parse_mode=ParseMode.HTML,
                    reply_markup=_keyboard(message.buttons),
                )
        except Forbidden:
            return SendResult.blocked("forbidden")
        except RetryAfter as exc:
            return SendResult.retry_after(retry_seconds(exc))
        except BadRequest as exc:  # before NetworkError: BadRequest is a subclass of it in PTB
            if any(text in str(exc).lower() for text in _GONE):
                return SendResult.blocked("chat gone")
            log.warning("a daily reflection was refused by Telegram (BadRequest)")
            return SendResult.error("bad request")
        except NetworkError as exc:  # includes TimedOut
            return SendResult.error(type(exc).__name__)
        except TelegramError as exc:
            return SendResult.error(type(exc).__name__)
        return SendResult.ok()


def build_service(runtime: "Runtime", poll: float = POLL_SECONDS) -> DailyService | None:
    """The daily service for a running Telegram bot, or None when FEATHER_DAILY_RATE is 0."""
    rate = runtime.settings.daily_rate
    if rate <= 0:
        log.warning("FEATHER_DAILY_RATE is 0: daily reflections will not be sent by this instance")
        return None
    dispatcher = Dispatcher(DailyRepository(runtime.store), runtime.core.content,
                            TelegramSender(runtime.sender.bot), rate=rate)
    return DailyService(dispatcher, runtime.clock, poll=poll)


async def run_daily(runtime: "Runtime", poll: float = POLL_SECONDS) -> None:
    """Background task for the Telegram runner: sends daily reflections until cancelled."""
    service = build_service(runtime, poll)
    if service is not None:
        await service.run()
