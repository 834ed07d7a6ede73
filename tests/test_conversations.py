"""Conversations: one chat's turn (load state, answer, apply effects, save, count) over a real
store, as every front end uses it."""

from __future__ import annotations

import pytest

from bot.app import Core
from bot.conversations import Conversations
from bot.engine.types import UserState
from bot.store import Store
from tests.feather_testkit import build, make_root


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Core:
    return build(make_root(tmp_path_factory.mktemp("conversations"), slim=True))


def test_state_is_kept_between_turns(conversations: Conversations, store: Store) -> None:
    conversations.handle_text(1, "/country")
    assert store.load_state(1).pending == "country"
    conversations.handle_text(1, "uk")
    state = store.load_state(1)
    assert state.country == "GB" and state.pending is None and state.turn == 2


def test_chats_are_separate(conversations: Conversations, store: Store) -> None:
    conversations.handle_button(1, "c:GB")
    conversations.handle_text(2, "/start")
    assert store.load_state(1).country == "GB"
    assert store.load_state(2).country is None


def test_no_text_anyone_wrote_is_stored(conversations: Conversations, store: Store) -> None:
    secret = "how long do the cells stay zebra-unicorn-marker"
    conversations.handle_text(1, secret)
    dump = repr(store.my_data(1)) + repr([tuple(r) for r in store.query("SELECT * FROM event_counts")])
    assert "zebra" not in dump and "cells" not in dump


def test_forget_deletes_the_chat_and_saves_nothing_after(conversations: Conversations, store: Store) -> None:
    conversations.handle_button(1, "c:GB")
    conversations.handle_button(2, "c:GB")
    conversations.handle_text(1, "/forget")
    messages = conversations.handle_button(1, "fg:y")
    assert messages and messages[0].text in conversations.engine.content.messages["forget_done"]
    assert store.my_data(1) == {}
    assert store.load_state(1) == UserState()
    assert store.load_state(2).country == "GB"
    assert store.event_total("forget") == 1


def test_my_data_shows_what_is_stored(conversations: Conversations, core: Core) -> None:
    conversations.handle_button(1, "c:GB")
    (message,) = conversations.handle_text(1, "/mydata")
    assert message.text.startswith(core.content.text("mydata_intro"))
    assert "(GB)" in message.text and "{" not in message.text  # readable: a name, no raw JSON
    assert [b.data for b in message.buttons] == ["m"]


def test_my_data_when_nothing_is_stored(conversations: Conversations, core: Core, store: Store) -> None:
    (message,) = conversations.handle_text(9, "/mydata")
    # The turn itself is saved afterwards, but nothing was stored when the answer was made.
    assert message.text in core.content.messages["mydata_empty"]


def test_events_are_counted_but_topics_are_not(conversations: Conversations, store: Store) -> None:
    conversations.handle_text(1, "blorp fnarg wibble")
    conversations.handle_text(1, "how long do the cells stay")
    assert store.event_total("not_sure") == 1
    events = {row["event"] for row in store.query("SELECT event FROM event_counts")}
    assert not any(event.startswith("topic:") for event in events)


def test_no_lock_is_kept_for_a_chat_after_its_turn(conversations: Conversations) -> None:
    for chat in range(50):
        conversations.handle_text(chat, "/menu")
    assert conversations._locks == {}
