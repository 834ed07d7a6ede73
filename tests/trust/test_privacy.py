"""Privacy: what is kept is exactly what /privacy lists; /mydata shows all of it in plain words;
/forget deletes all of it (after asking); no log line and no byte of the database ever holds what
someone wrote, their profile name, or the bot token.

The end-to-end tests run the real Telegram front end (``tests/support/running_bot.RunningBot``:
``runner.build_application`` + ``runner.serve``) against the local fake Bot API.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import UTC, datetime, time
from pathlib import Path

from bot.app import build_conversations
from bot.conversations import render_my_data
from bot.daily.repository import DailyRepository
from bot.daily.timeparse import MonthDay
from bot.engine.types import UserState
from bot.frontends.plain import to_plain
from bot.logging_setup import QUIET, setup_logging
from bot.store import Store
from tests.frontends.telegram.test_bot import (  # noqa: F401 - restore_logging is a fixture
    ANNA,
    BEN,
    CARA,
    CELLS_QUESTION,
    make_settings,
    presses,
    restore_logging,
    says,
    shown,
)
from tests.support.clocks import FixedClock
from tests.support.running_bot import RunningBot, roomy
from tests.trust.conftest import FaultyBotApi

NOW = datetime(2026, 11, 25, 7, 59, tzinfo=UTC)

# What /privacy promises is kept about a person, and every place it is kept. A new column (or a
# new field in the conversation state) fails here until it is named in the promise, in
# content/messages.yaml's privacy text and in README's Privacy section.
PROMISED = {
    "chat id": {("chats", "chat_id"), ("daily_subscriptions", "chat_id"), ("writing_schedule", "chat_id")},
    "country": {("chats", "country"), ("state", "country")},
    "time zone": {("daily_subscriptions", "timezone")},
    "daily settings": {("daily_subscriptions", c) for c in (
        "local_time", "next_send_utc", "paused_until", "claimed_date", "last_reflection", "retry_count",
        "seed", "cycle", "sent_ids")},
    "opted-in dates": {("daily_subscriptions", "due_date"), ("daily_subscriptions", "loss_date")},
    "writing prompts": {("state", "writing"), ("writing_schedule", "prompt"), ("writing_schedule", "due_utc")},
    "conversation position": {("chats", "state"), *{("state", f) for f in (
        "flow", "node", "last_topic", "pending", "pending_data", "turn", "kept_asked")}},
    "safety watch": {("state", f) for f in ("watch", "watch_until", "watch_left")},
    "remembered only with a yes": {("kept_about", c) for c in (
        "chat_id", "role", "kind", "loss_month", "name", "kept_at", "updated_at")},
    "timestamps": {("chats", "created_at"), ("chats", "updated_at"),
                   ("daily_subscriptions", "created_at"), ("daily_subscriptions", "updated_at"),
                   ("writing_schedule", "created_at")},
}
NOT_PER_PERSON = {"event_counts": {"event", "day", "count"}}
"""Tables without a chat id: counts per day, for the operator; nothing about anyone."""


def schema(store: Store) -> dict[str, set[str]]:
    tables = [r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: {c[1] for c in store.query(f"PRAGMA table_info({t})")} for t in tables}


def test_what_is_kept_per_person_is_exactly_the_promised_list(tmp_path: Path, core) -> None:
    store = Store(tmp_path / "f.sqlite3")
    kept = {(table, column) for table, columns in schema(store).items() if "chat_id" in columns
            for column in columns}
    kept |= {("state", name) for name in UserState().to_dict()}
    promised = set().union(*PROMISED.values())
    assert kept == promised, f"kept but not promised: {kept - promised}; promised but gone: {promised - kept}"
    others = {t: c for t, c in schema(store).items() if "chat_id" not in c}
    assert others == NOT_PER_PERSON
    privacy = core.content.text("privacy")  # and /privacy says so
    for words in ("chat number", "country", "time zone", "daily reflection settings", "dates you chose",
                  "Where we are in a conversation", "When these were last changed", "never keep the words",
                  "never your name", "Only with your yes: your baby's name, roughly when, the kind of loss",
                  "which prompt you're on", "Never what you write"):
        assert words in privacy, words


# ----------------------------------------------------------------------------- /mydata


def everything_stored(core, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A chat with a value in every column: country, a flow, a pending question, a subscription
    with a pause, both dates, a reflection sent, a writing course with its next prompt scheduled."""
    store = Store(tmp_path / "mydata.sqlite3")
    clock = FixedClock(NOW)
    conversations = build_conversations(core, store, clock)
    for text in ("/country", "ireland", CELLS_QUESTION):
        conversations.handle_text(ANNA, text)
    repo = DailyRepository(store)
    repo.subscribe(ANNA, time(8, 30), "Europe/Dublin", NOW)
    repo.set_date(ANNA, "due", MonthDay(3, 12), NOW)
    repo.set_date(ANNA, "loss", MonthDay(10, 15), NOW)
    ids = [r.id for r in core.content.reflections]
    repo.claim_today(ANNA, NOW, ids)
    repo.pause(ANNA, NOW, 3)
    store.query("UPDATE daily_subscriptions SET retry_count = 1")
    conversations.handle_text(ANNA, "/write")
    conversations.handle_button(ANNA, "wr:go")
    conversations.handle_text(ANNA, "the first letter")
    conversations.handle_button(ANNA, "wr:nd/0")  # the next prompt at the daily time
    conversations.handle_text(ANNA, "/daily")
    story = conversations.handle_text(ANNA, "I gave birth to my son Theo at 37 weeks last month, he was stillborn")
    [yes] = [b for m in story for b in m.buttons if b.label == core.content.text("label_keep_yes")]
    conversations.handle_button(ANNA, yes.data)  # remembered, with a yes
    conversations.handle_text(ANNA, "/country")  # a question left open
    return conversations, store


def test_mydata_shows_every_stored_value_in_plain_labelled_lines(core, tmp_path: Path) -> None:
    conversations, store = everything_stored(core, tmp_path)
    data = store.my_data(ANNA)
    assert set(data) == {"chats", "daily_subscriptions", "kept_about", "writing_schedule"}
    assert all(v is not None for table in ("daily_subscriptions", "kept_about", "writing_schedule")
               for row in data[table] for v in row.values())
    [message] = conversations.handle_text(ANNA, "/mydata")
    text = to_plain(message.text)
    lines = [line for line in text.splitlines() if line.strip()]
    # Readable: no raw JSON or Python, no column names, no code-like values.
    for raw in ("{", "}", "[", "]", '"', "None", "null", "chat_id", "_utc", "_at:", "state:", "pending_data",
                "daily_subscriptions", "T07:", "+00:00"):
        assert raw not in text, (raw, text)
    assert all(line.startswith("• ") or line in headings(core) for line in lines), text
    # Everything: each stored value, in words.
    sub = DailyRepository(store).get(ANNA)
    assert sub is not None
    state = store.load_state(ANNA)
    for shown_value in (str(ANNA), "Ireland (IE)", "08:30", "Europe/Dublin", "12 March", "15 October",
                        sub.seed, str(sub.cycle), sub.last_reflection, *sub.sent, str(state.turn),
                        core.content.flows[state.flow].title, "25 November 2026, 07:59 UTC",
                        "Theo", "a stillbirth", "October 2026", "the one who was pregnant",
                        "Writing to your baby: prompt 2 is scheduled", "Next writing prompt: number 2",
                        "Next writing prompt is due: 26 November 2026, 08:30 UTC"):
        assert shown_value in text, (shown_value, text)
    # One line per stored value: each column but chat_id (shown once, on top) and the state (shown
    # field by field, its country once, from the country column).
    chats_row, daily_row, kept_row = data["chats"][0], data["daily_subscriptions"][0], data["kept_about"][0]
    writing_row = data["writing_schedule"][0]
    values = ((len(chats_row) - 2) + (len(json.loads(chats_row["state"])) - 1) + (len(daily_row) - 1)
              + (len(kept_row) - 1) + (len(writing_row) - 1))
    assert len([line for line in lines if line.startswith("• ")]) == values == 3 + 11 + 14 + 6 + 3


def headings(core) -> set[str]:  # type: ignore[no-untyped-def]
    keys = ("mydata_intro", "mydata_chat_id", "mydata_heading_chats", "mydata_heading_daily_subscriptions",
            "mydata_heading_kept_about", "mydata_heading_writing_schedule", "mydata_outro")
    return {to_plain(core.content.text(k)).strip() for k in keys} | {
        to_plain(core.content.text("mydata_chat_id").format(value=ANNA))}


def test_every_column_about_a_person_has_a_plain_label(core, tmp_path: Path) -> None:
    """A colleague's new column fails here until messages.yaml names it for /mydata."""
    for table, columns in schema(Store(tmp_path / "f.sqlite3")).items():
        if "chat_id" not in columns:
            continue
        assert f"mydata_heading_{table}" in core.content.messages
        for column in columns - {"chat_id"} - ({"state"} if table == "chats" else set()):
            assert f"mydata_{table}_{column}" in core.content.messages, (table, column)
    for field in set(UserState().to_dict()) - {"country"}:  # country: shown from its column
        assert f"mydata_state_{field}" in core.content.messages, field


def test_a_column_without_a_label_is_still_shown(core) -> None:
    text = to_plain(render_my_data(core.engine.words, 7, {"notes": [{"chat_id": 7, "kept_thing": "abc"}]}))
    assert "Kept thing: abc" in text and "Notes" in text


# ----------------------------------------------------------------------------- /forget


def raw_bytes(db_path: Path) -> dict[str, bytes]:
    """The database file and its -wal and -shm companions, byte for byte."""
    return {p.name: p.read_bytes() for p in db_path.parent.glob(db_path.name + "*")}


def test_forget_asks_first_then_deletes_every_row_and_every_copy_and_says_so(api, tmp_path, core) -> None:
    settings = make_settings(api, tmp_path)
    db = Path(settings.db_path)
    with RunningBot(api, settings, core) as bot:
        says(api, ANNA, "/country")
        presses(api, ANNA, "Ireland", expect=2)
        says(api, ANNA, "/daily")
        presses(api, ANNA, "Morning, 08:00")
        says(api, ANNA, "America/Argentina/Ushuaia")  # a zone nobody else has: findable in raw bytes
        says(api, BEN, "/country")
        presses(api, BEN, "Ireland", expect=2)
        store = bot.runtime.store
        sub = DailyRepository(store).get(ANNA)
        assert sub is not None and "Ushuaia" in sub.zone
        traces = (sub.seed.encode(), sub.zone.encode())
        assert any(t in blob for blob in raw_bytes(db).values() for t in traces)

        [confirm] = says(api, ANNA, "/forget")  # asks first; nothing is deleted yet
        assert confirm.plain_text == shown(core, "forget_confirm")
        assert set(store.my_data(ANNA)) == {"chats", "daily_subscriptions"}
        [kept] = presses(api, ANNA, "No, keep it")
        assert kept.plain_text == shown(core, "forget_cancelled")
        assert set(store.my_data(ANNA)) == {"chats", "daily_subscriptions"}

        says(api, ANNA, "/forget")
        [done] = presses(api, ANNA, "Yes, delete everything")
        assert done.plain_text == shown(core, "forget_done")  # and says so
        assert store.my_data(ANNA) == {}
        for table, columns in schema(store).items():  # no row anywhere holds the chat id, in any column
            for column in columns:
                assert not store.query(f"SELECT 1 FROM {table} WHERE {column} = ?", (ANNA,)), (table, column)
        blobs = raw_bytes(db)
        assert {"feather.sqlite3", "feather.sqlite3-wal", "feather.sqlite3-shm"} <= set(blobs)
        for name, blob in blobs.items():  # no copy left in the file, its WAL or its shared memory
            for trace in traces:
                assert trace not in blob, (name, trace)
        assert set(store.my_data(BEN)) == {"chats"}  # someone else's data is untouched
        [empty] = says(api, ANNA, "/mydata")
        assert empty.plain_text == shown(core, "mydata_empty")


# ------------------------------------------------------------------- logs and the database


TOKEN = "7461234590:AAH-unique-TRUST-token-Zq81xK"
MARKER = "velvet-okapi-9381"
"""Written in every message below; must never appear in a log line or a byte of the database."""
NAME = "Marguerite-Qxv-Profile"


def test_no_log_line_and_no_database_byte_holds_what_anyone_wrote_their_name_or_the_token(
        tmp_path: Path, core, restore_logging) -> None:  # noqa: F811
    records: list[str] = []
    loggers: set[str] = set()

    class KeepEverything(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            loggers.add(record.name)
            records.append(f"{record.name} {record.levelname} {self.format(record)}")

    with FaultyBotApi(token=TOKEN) as api:
        for user in (ANNA, BEN, CARA):
            api.set_user(user, first_name=NAME, last_name=f"{NAME}-last", username=f"u_{MARKER.replace('-', '_')}")
        settings = make_settings(api, tmp_path, FEATHER_LOG_LEVEL="DEBUG")
        setup_logging(settings.log_level)  # as run_bot.py does: the root logger at DEBUG
        keep = KeepEverything(logging.DEBUG)  # on the root: every logger's records reach it
        keep.setFormatter(logging.Formatter("%(message)s"))  # with tracebacks, when there are any
        logging.getLogger().addHandler(keep)
        logging.getLogger("asyncio").debug("capture check %s", "asyncio")
        try:
            with RunningBot(api, settings, core, flood=roomy()) as bot:
                original = bot.runtime.conversations.handle_text

                def sometimes_breaks(chat_id, text, hint=None, safety=None):  # type: ignore[no-untyped-def]
                    if "explode" in text:
                        raise ValueError(f"failed on {text} with {TOKEN}")
                    return original(chat_id, text, hint, safety)

                bot.runtime.conversations.handle_text = sometimes_breaks
                converse_with_marker(api, core)
                running = raw_bytes(Path(settings.db_path))  # the WAL and shared memory exist now
        finally:
            logging.getLogger().removeHandler(keep)
    joined = "\n".join(records)
    assert {"DEBUG", "INFO", "WARNING", "ERROR"} <= {r.split(" ")[1] for r in records}, "every level captured"
    assert {"asyncio", "telegram.request.BaseRequest"} <= loggers, sorted(loggers)  # third-party loggers too
    assert any(name.startswith("bot.") for name in loggers)
    assert "ValueError at " in joined  # the error's type and place, not its message
    for name in QUIET:  # httpx logs each URL (with the token) at INFO: held at WARNING at any level
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING, name
    for secret in (TOKEN, TOKEN.split(":")[1], MARKER, NAME, "kill myself", "Ushuaia-by-the-sea"):
        assert secret not in joined, (secret, [r for r in records if secret in r][:3])
    db = Path(settings.db_path)
    assert set(running) == {"feather.sqlite3", "feather.sqlite3-wal", "feather.sqlite3-shm"}
    closed = raw_bytes(db)  # after a clean stop: checkpointed into the one file
    assert sum(len(b) for b in running.values()) > 10_000
    for name, blob in [*running.items(), *closed.items()]:
        if name in closed:
            assert stat.S_IMODE(os.stat(db.parent / name).st_mode) == 0o600, name
        for secret in (TOKEN, MARKER, NAME, "kill myself", "Ushuaia-by-the-sea"):
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert secret.encode(encoding) not in blob, (name, secret, encoding)
    assert json.loads(Store(db).query("SELECT state FROM chats WHERE chat_id = ?", (ANNA,))[0][0])


def converse_with_marker(api: FaultyBotApi, core) -> None:  # type: ignore[no-untyped-def]
    """Every kind of turn, each carrying the marker, some while Telegram stumbles."""
    says(api, ANNA, f"/start {MARKER}")
    says(api, ANNA, f"{CELLS_QUESTION} {MARKER}")
    presses(api, ANNA, "☰ Menu")
    says(api, ANNA, "/country")
    says(api, ANNA, f"Ushuaia-by-the-sea {MARKER}")  # not a country: goes to matching
    says(api, ANNA, "/country")
    says(api, ANNA, "ireland", expect=2)
    says(api, ANNA, "/daily")
    presses(api, ANNA, "Morning, 08:00")
    says(api, ANNA, f"Dublin {MARKER}")  # a place with the marker: the zone question's answer
    says(api, ANNA, "/daily")
    presses(api, ANNA, "Dates to remember")
    presses(api, ANNA, "Add a due date")
    says(api, ANNA, f"12 March {MARKER}")
    api.mark()
    api.press_button(ANNA, api.last_message(ANNA).message_id, f"n:{MARKER}/start", strict=False)  # forged
    api.wait_for_messages(ANNA, 1)
    api.fail_next("sendMessage", 500)
    says(api, ANNA, f"i want to kill myself {MARKER}", expect=3)
    says(api, ANNA, f"explode {MARKER}")  # an error inside Feather, its message quoting the text
    api.truncate_next("getUpdates")  # Telegram's answer cut short, carrying the text
    says(api, BEN, f"hello {MARKER} how long do the cells stay")
    assert api.truncated == ["getupdates"]
    api.malformed_next("sendMessage")
    says(api, BEN, f"/about {MARKER}")
    api.drop_next("getUpdates")
    says(api, CARA, f"/privacy {MARKER}")
    api.block_chat(CARA)
    api.mark()
    api.send_text(CARA, f"are you there {MARKER}")
    api.wait_for_calls("sendMessage", 1)
    api.send_sticker(ANNA)
    api.wait_for_messages(ANNA, 1)
    says(api, ANNA, "/mydata")


def test_the_database_is_created_owner_only_with_its_companions(tmp_path: Path) -> None:
    db = tmp_path / "new" / "feather.sqlite3"
    db.parent.mkdir()  # Feather creates a missing folder only for the default path
    old = os.umask(0o022)  # a usual umask: would give 0644 without care
    try:
        store = Store(db)
        store.save_state(1, UserState(country="IE"), NOW)
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        store.close()
    finally:
        os.umask(old)
    assert stat.filemode(db.stat().st_mode) == "-rw-------"
