"""The per-chat queue cap drops a flood's excess, but never a message the safety check calls urgent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.frontends.telegram.ordering import PerChatOrder
from bot.frontends.telegram.screening import Screening
from bot.safety import SafetyResult


def _update(update_id: int, text: str, chat_id: int = 7) -> Update:
    user = User(chat_id, "Someone", False)
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, from_user=user, text=text))


def test_over_the_cap_ordinary_messages_are_dropped_but_a_crisis_is_handled() -> None:
    async def scenario() -> list[str]:
        screening = Screening(lambda text: SafetyResult("crisis") if "kill myself" in text else SafetyResult())
        order = PerChatOrder(max_per_chat=2, urgent=screening.is_urgent)
        gate = asyncio.Event()
        handled: list[str] = []

        async def handle(text: str) -> None:
            await gate.wait()
            handled.append(text)

        texts = ["one", "two", "three", "i want to kill myself", "five"]
        tasks = [asyncio.create_task(order.do_process_update(_update(i, t), handle(t)))
                 for i, t in enumerate(texts)]
        await asyncio.sleep(0)  # let every update reach the queue before the first finishes
        gate.set()
        await asyncio.gather(*tasks)
        return handled

    handled = asyncio.run(scenario())
    assert handled == ["one", "two", "i want to kill myself"]
