"""Fixtures shared by every test folder: the real core, a fresh store, a test clock, and the
conversations over them. A folder or file overrides ``core`` (or ``clock``) when it needs its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Core, build_conversations
from bot.conversations import Conversations
from bot.store import Store
from tests.feather_testkit import NOW, real_core
from tests.support.clocks import FixedClock


@pytest.fixture(scope="session")
def core() -> Core:
    """The real dialogs and content, built once for the whole run."""
    return real_core()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "feather.sqlite3")
    yield store
    store.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def conversations(core: Core, store: Store, clock: FixedClock) -> Conversations:
    return build_conversations(core, store, clock)
