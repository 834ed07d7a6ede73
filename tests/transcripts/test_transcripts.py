"""Every conversation in tests/transcripts/ played through the real engine, content and store."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_conversations
from bot.engine.types import OutMessage
from bot.store import Store
from bot.writing.repository import WritingSchedule
from bot.writing.sending import ScheduledPrompts
from tests.feather_testkit import real_core
from tests.support.clocks import FixedClock
from tests.transcripts.runner import DEFAULT_START, TranscriptError, load_transcript, play

HERE = Path(__file__).parent
FILES = sorted(HERE.rglob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(HERE)) for p in FILES])
def test_transcript(path: Path, tmp_path: Path) -> None:
    transcript = load_transcript(path)
    core = real_core()
    store = Store(tmp_path / "t.sqlite3")
    clock = FixedClock(DEFAULT_START)
    try:
        conversations = build_conversations(core, store, clock)
        prompts = ScheduledPrompts(WritingSchedule(store), lambda chat, incoming: conversations.take_turn(
            chat, incoming).messages)

        def deliver(chat_id: int) -> list[OutMessage]:
            """What the sending loop sends this chat now: its scheduled writing prompt, if due."""
            return [m for _, messages in prompts.claim(clock.now(), 100, chat_id) for m in messages]

        failures = play(transcript, conversations, clock, chat_id=4242, deliver=deliver)
    finally:
        store.close()
    assert not failures, f"{transcript.title}\n" + "\n".join(failures)


def test_there_are_transcripts() -> None:
    assert len(FILES) >= 2


def test_a_malformed_transcript_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nturns:\n  - say: hi\n    expect: {safty: crisis}\n")
    with pytest.raises(TranscriptError, match="bad.yaml turn 1: unknown expect keys"):
        load_transcript(bad)
    bad.write_text("title: x\nturns:\n  - say: hi\n    press: no\n")
    with pytest.raises(TranscriptError, match="exactly one of"):
        load_transcript(bad)
    bad.write_text("title: x\nturns:\n  - say: hi\n    expect: {sent: 1}\n")
    with pytest.raises(TranscriptError, match="'sent' counts what a 'deliver' turn sent"):
        load_transcript(bad)
