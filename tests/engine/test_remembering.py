"""Remembering with consent: nothing is stored before "Yes", the offer cannot be forged, asked once."""

from __future__ import annotations

from pathlib import Path

from bot.conversations import Conversations
from bot.engine.types import OutMessage
from bot.store import Store

CHAT = 501
STORY = "We named her Ivy. She was stillborn at 35 weeks two years ago"


def button(messages: list[OutMessage], label: str) -> str:
    return next(b.data for m in messages for b in m.buttons if b.label == label)


def raw(store: Store) -> bytes:
    path = Path(store.path)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_nothing_is_stored_before_yes_and_no_keeps_nothing(conversations: Conversations, store: Store, core) -> None:
    reply = conversations.handle_text(CHAT, STORY)
    assert "Ivy" in reply[0].text
    assert store.load_kept(CHAT) is None
    assert b"Ivy" not in raw(store) and b"stillbirth" not in raw(store)  # not in the state either
    conversations.handle_button(CHAT, button(reply, core.content.text("label_keep_no")))
    assert store.load_kept(CHAT) is None and b"Ivy" not in raw(store)
    assert store.load_state(CHAT).kept_asked
    again = conversations.handle_text(CHAT, STORY)  # asked once
    assert not any(b.label == core.content.text("label_keep_yes") for m in again for b in m.buttons)


def test_yes_keeps_the_least_and_remove_deletes_it(conversations: Conversations, store: Store, core) -> None:
    reply = conversations.handle_text(CHAT, STORY)
    conversations.handle_button(CHAT, button(reply, core.content.text("label_keep_yes")))
    kept = store.load_kept(CHAT)
    assert kept is not None and (kept.name, kept.kind, kept.role) == ("Ivy", "stillbirth", None)
    assert kept.month is not None and len(kept.month) == 7  # a month, never a day
    shown = conversations.handle_text(CHAT, "/remembered")
    conversations.handle_button(CHAT, button(shown, core.content.text("label_kept_remove")))
    assert store.load_kept(CHAT) is None and b"Ivy" not in raw(store)


def test_a_forged_offer_keeps_nothing(conversations: Conversations, store: Store) -> None:
    for data in ("keep:c.9.-.-", "keep:x.-.-.-", "keep:-.-.-.-", "keep:c.-.202699.-", "kept:z"):
        conversations.handle_button(CHAT, data)
    assert store.load_kept(CHAT) is None
