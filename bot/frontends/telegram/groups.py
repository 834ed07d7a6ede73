"""Groups, supergroups and channels: Feather reads nothing there.

A command meant for Feather gets one line pointing to a private chat; everything else, free
text included, is ignored and never reaches the engine or the store. A command addressed to
another bot (``/start@OtherBot``) is not Feather's to answer. A group that floods Feather with
commands gets no more answers than the flood guard allows (silently: it is not one person).
"""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.ext import ContextTypes

from bot.conversations import Conversations
from bot.engine.types import OutMessage
from bot.frontends.telegram.flood import FloodGuard
from bot.frontends.telegram.sending import Sender

log = logging.getLogger(__name__)

_ADDRESSEE = re.compile(r"^/[A-Za-z0-9_]+@([A-Za-z0-9_]+)")


def addressed_to(text: str, username: str | None) -> bool:
    """True for ``/cmd`` and ``/cmd@<our username>``, False for a command for another bot."""
    addressee = _ADDRESSEE.match(text.strip())
    return addressee is None or (username is not None and addressee.group(1).lower() == username.lower())


class GroupHandlers:
    def __init__(self, conversations: Conversations, sender: Sender,
                 flood: FloodGuard | None = None) -> None:
        self.conversations = conversations
        self.sender = sender
        self.flood = flood if flood is not None else FloodGuard()

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers a command in a group with a link to talk privately; reads nothing else."""
        message, chat = update.message, update.effective_chat
        username = context.bot.username
        if message is None or chat is None or not addressed_to(message.text or "", username):
            return
        if self.flood.check(chat.id) != "ok":
            return
        text = self.conversations.engine.words.text("group_only", link=f"https://t.me/{username}")
        log.info("a command in a group was answered with the private-chat link")
        await self.sender.send(chat.id, [OutMessage(text)])

    async def ignore(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Reads nothing from a group or channel, and stops any later handler from reading it."""
