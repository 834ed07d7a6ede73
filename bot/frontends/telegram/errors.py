"""The last line of defence: whatever went wrong is logged briefly and the person is told kindly.

Expected trouble is handled where it happens (a blocked chat in ``sending``, Telegram's blips
in ``retrying``); anything that still escapes a handler lands here. The log names the error's
type and where in Feather's code it was raised, never its message (which could quote what
someone wrote) and never the token. In a private chat the person gets messages.yaml's
``error`` text with the menu. The bot keeps running.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, NetworkError
from telegram.ext import ContextTypes

from bot import PROJECT_ROOT
from bot.conversations import Conversations
from bot.engine.types import OutMessage
from bot.frontends.telegram.retrying import unreadable_answer
from bot.frontends.telegram.sending import Sender

log = logging.getLogger(__name__)


def where(exc: BaseException) -> str:
    """The innermost frame of Feather's own code (else the innermost at all): file:line in function."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown place"
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(PROJECT_ROOT / "bot")]
    frame = (ours or frames)[-1]
    path = Path(frame.filename)
    shown = path.resolve().relative_to(PROJECT_ROOT) if path.resolve().is_relative_to(PROJECT_ROOT) else path.name
    return f"{shown}:{frame.lineno} in {frame.name}"


def what_update(update: object) -> str:
    """The kind of update, never its content."""
    if not isinstance(update, Update):
        return "no update (polling or a background task)"
    chat = update.effective_chat
    place = f"{chat.type} chat" if chat else "unknown chat"
    kind = "button press" if update.callback_query else "message" if update.message else "update"
    return f"a {kind} in a {place}"


class ErrorHandler:
    """PTB's global error handler (``Application.add_error_handler``)."""

    def __init__(self, conversations: Conversations, sender: Sender) -> None:
        self.conversations = conversations
        self.sender = sender

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs type and place, then apologises to the person if there is one."""
        exc = context.error
        if exc is None:
            return
        name = type(exc).__name__
        if isinstance(exc, Forbidden):
            log.info("a chat can't be reached (%s)", name)
            return
        if isinstance(exc, Conflict):
            log.error("Telegram refused polling (%s): is another copy of Feather running with this token?",
                      name)
            return
        if isinstance(exc, InvalidToken):
            log.error("Telegram refused the token (%s)", name)
            return
        if update is None and (isinstance(exc, NetworkError) or unreadable_answer(exc)):
            log.warning("network trouble while polling (%s); PTB keeps retrying", name)
            return
        log.error("%s at %s, handling %s", name, where(exc), what_update(update))
        await self._apologise(update)

    async def _apologise(self, update: object) -> None:
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.effective_chat.type != update.effective_chat.PRIVATE:
            return
        words = self.conversations.engine.words
        try:
            await self.sender.send(update.effective_chat.id,
                                   [OutMessage(words.text("error"), (words.menu_button(),))])
        except Exception as exc:  # noqa: BLE001 - the apology must never raise in turn
            log.warning("could not send the apology (%s)", type(exc).__name__)


class HideStartupTracebacks(logging.Filter):
    """For the ``telegram.ext`` logger while starting: drops PTB's own traceback when the token is
    refused or Telegram can't be reached at start-up, since Feather then says so in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, InvalidToken):
            return False
        return not (record.levelno >= logging.ERROR and "Bootstrap" in str(record.msg) + str(record.args))


STARTUP_FILTER = HideStartupTracebacks()
"""Added to ``telegram.ext`` by ``run_telegram``, removed once the bot is up (``post_init``)."""


class WithholdPayloads(logging.Filter):
    """For two of PTB's loggers that would log what Telegram sent, whole, at ERROR or CRITICAL:
    ``telegram.request.BaseRequest`` (an answer it cannot parse as JSON: a cut-short getUpdates
    answer holds what people wrote and their profile names) and ``telegram.ext.Updater`` (a
    webhook update it cannot turn into an ``Update``). The record keeps the fact and the size."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if "invalid JSON" in message or "Received data was" in message:
            size = len(str(record.args[0])) if isinstance(record.args, tuple) and record.args else 0
            what = "an answer from Telegram was not valid JSON" if "invalid JSON" in message else \
                "an update from Telegram could not be read"
            record.msg, record.args = f"{what} (%d characters, not logged)", (size,)
            record.exc_info, record.exc_text = None, None
        return True


PAYLOAD_FILTER = WithholdPayloads()
PAYLOAD_LOGGERS = ("telegram.request.BaseRequest", "telegram.ext.Updater")
"""Given ``PAYLOAD_FILTER`` by ``runner.build_application``; the trust tests fail if PTB renames
them (tests/trust/test_privacy.py, tests/trust/test_no_way_in.py)."""
