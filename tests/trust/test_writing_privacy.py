"""The writing course keeps nobody's words: a marker written in letters (a first part, a second part,
a crisis inside a letter, a letter answering a prompt the scheduler sent) appears in no log line at
DEBUG and in no byte of the database, its WAL or its shared memory; nor does a letter's length.

The real Telegram front end against the local fake Bot API, with a test clock and the real sending
loop, as ``run_bot.py`` runs it (``tests/support/running_bot.py``).
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.frontends.telegram import runner
from bot.logging_setup import setup_logging
from bot.store import Store
from tests.frontends.telegram.test_bot import ANNA, restore_logging  # noqa: F401 - restore_logging: a fixture
from tests.support.clocks import FixedClock
from tests.support.running_bot import RunningBot, make_settings, presses, roomy, says
from tests.trust.conftest import FaultyBotApi
from tests.trust.test_privacy import raw_bytes

MARKER = "lantern-quince-7741"
LENGTH = 3187
"""The length of the long letter: a number found nowhere else in this conversation."""
START = datetime(2026, 3, 4, 21, 10, tzinfo=UTC)


def letter(length: int) -> str:
    """A letter of exactly ``length`` characters, carrying the marker."""
    body = f"Dear little one, {MARKER}, I think of you every morning when the light comes in. "
    return (body * (length // len(body) + 1))[:length]


def test_no_log_line_and_no_database_byte_holds_a_letter_or_its_length(
        tmp_path: Path, core, restore_logging) -> None:  # noqa: F811
    records: list[str] = []

    class KeepEverything(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(f"{record.name} {record.levelname} {self.format(record)}")

    clock = FixedClock(START)
    with FaultyBotApi() as api:
        settings = make_settings(api, tmp_path, FEATHER_LOG_LEVEL="DEBUG")
        setup_logging(settings.log_level)
        keep = KeepEverything(logging.DEBUG)
        keep.setFormatter(logging.Formatter("%(message)s"))
        logging.getLogger().addHandler(keep)
        try:
            with RunningBot(api, settings, core, clock=clock, flood=roomy(),
                            background=[functools.partial(runner.run_daily, poll=0.02)]):
                says(api, ANNA, "/write")
                presses(api, ANNA, "Begin")
                [thanks] = says(api, ANNA, letter(LENGTH))
                assert "Thank you" in (thanks.plain_text or "")
                clock.set(START + timedelta(minutes=1))
                says(api, ANNA, f"and one more thing, {MARKER}")  # a second part
                clock.set(START + timedelta(minutes=2))
                crisis = says(api, ANNA, f"{MARKER} I am writing letters to my family for after I'm gone", expect=3)
                assert any("112" in (m.plain_text or "") for m in crisis)
                says(api, ANNA, "/write")
                presses(api, ANNA, "Carry on")
                says(api, ANNA, letter(LENGTH - 1))
                presses(api, ANNA, "Tomorrow")
                api.mark()
                clock.set(START + timedelta(days=1, minutes=5))  # the sending loop sends the next prompt
                [prompt] = api.wait_for_messages(ANNA, 1)
                assert "Prompt 3 of 9" in (prompt.plain_text or "")
                clock.set(START + timedelta(days=1, minutes=30))
                says(api, ANNA, f"the answer to your prompt, {MARKER}")
                says(api, ANNA, "/mydata")
                running = raw_bytes(Path(settings.db_path))
        finally:
            logging.getLogger().removeHandler(keep)
    joined = "\n".join(records)
    assert "event: writing_piece" in joined and "event: crisis_response_sent" in joined  # events, yes
    assert any(" DEBUG " in r for r in records)  # captured at DEBUG, third-party loggers too
    for secret in (MARKER, "Dear little one", str(LENGTH), str(LENGTH - 1)):
        assert secret not in joined, (secret, [r for r in records if secret in r][:3])
    db = Path(settings.db_path)
    assert set(running) == {"feather.sqlite3", "feather.sqlite3-wal", "feather.sqlite3-shm"}
    for name, blob in [*running.items(), *raw_bytes(db).items()]:
        for secret in (MARKER, "Dear little one", str(LENGTH), str(LENGTH - 1)):
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert secret.encode(encoding) not in blob, (name, secret, encoding)
    state = Store(db).load_state(ANNA)
    assert set(state.writing) == {"step", "status", "at"} and state.writing["status"] == "written"
