"""No way in: the webhook refuses strangers before reading them, button data is checked before
use and never reaches another person, and the settings that are secrets are never shown.

(tests/test_telegram_bot.py already shows a webhook refusing a missing or wrong secret and an
oversized body; here, that the refusals come *before* parsing and before reading the body.
tests/trust/test_nothing_crashes.py drives forged presses and every short verb through the
engine with the SQL traced.)
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.config import SettingError, Settings
from bot.daily.repository import DailyRepository
from bot.logging_setup import setup_logging
from tests.feather_testkit import clean_env
from tests.frontends.telegram.test_bot import (  # noqa: F401 - restore_logging is a fixture
    ANNA,
    BEN,
    free_port,
    make_settings,
    presses,
    restore_logging,
    says,
    shown,
)
from tests.support.running_bot import RunningBot
from tests.trust.conftest import FaultyBotApi

TOKEN = "8125550199:AAtrust-no-way-in-TOKEN-Kq7"
SECRET = "hook-Secret_never-shown-4Ttq"
HOOK = "/tg/hook"


def raw_request(port: int, head: bytes, body: bytes = b"", timeout: float = 5.0) -> bytes:
    """Send bytes as they are; the start of the answer (b"" if the connection was just closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(head + body)
        try:
            return connection.recv(200)
        except (ConnectionResetError, TimeoutError):
            return b""


def status_of(answer: bytes) -> int | None:
    return int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/") else None


def post(port: int, body: bytes, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("POST", HOOK, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture
def webhook_bot(tmp_path: Path, core, restore_logging):  # noqa: F811
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    with FaultyBotApi(token=TOKEN) as api:
        port = free_port()
        settings = make_settings(api, tmp_path, WEBHOOK_URL=f"https://feather.example.org{HOOK}",
                                 WEBHOOK_SECRET=SECRET, WEBHOOK_PORT=str(port), FEATHER_LOG_LEVEL="DEBUG")
        setup_logging(settings.log_level)
        keep = Keep(logging.DEBUG)
        logging.getLogger().addHandler(keep)
        try:
            with RunningBot(api, settings, core) as bot:
                yield api, port, bot, records
        finally:
            logging.getLogger().removeHandler(keep)


def test_the_webhook_refuses_strangers_before_parsing_and_big_bodies_before_reading(webhook_bot, core) -> None:
    api, port, bot, records = webhook_bot
    json_type = {"Content-Type": "application/json"}
    garbage = b"\xff\xfe not json at all {{{"
    # Without the secret, or with a wrong one, even a body that is not JSON is refused with 403,
    # not 400: the header is checked before the body is parsed.
    assert post(port, garbage, json_type) == 403
    assert post(port, garbage, {**json_type, "X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
    assert post(port, garbage, {**json_type, "X-Telegram-Bot-Api-Secret-Token": SECRET.upper()}) == 403
    # A well-formed update without the secret is refused too, and nobody hears of it.
    update = api.send_text(ANNA, "/about")
    body = json.dumps(api.update(update)).encode()
    assert post(port, body, json_type) == 403
    # A body declared bigger than 1 MiB is refused from its headers alone: none of it is ever sent.
    head = (f"POST {HOOK} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {50 * 1024 * 1024}\r\n\r\n").encode()
    answer = raw_request(port, head)
    assert status_of(answer) in (400, 413, None), answer  # refused, or cut off without reading
    # The secret with garbage (only Telegram knows the secret): refused as bad data (PTB answers
    # 500 for bytes that are not UTF-8); nothing reaches the engine.
    assert post(port, garbage, {**json_type, "X-Telegram-Bot-Api-Secret-Token": SECRET}) in (400, 500)
    assert api.sent_messages(ANNA) == []
    # And the real thing still works.
    assert post(port, body, {**json_type, "X-Telegram-Bot-Api-Secret-Token": SECRET}) == 200
    [about] = api.wait_for_messages(ANNA, 1)
    assert about.plain_text == shown(core, "about")


def test_no_reply_command_menu_or_log_shows_the_token_or_the_webhook_secret(webhook_bot, core) -> None:
    api, port, bot, records = webhook_bot
    replies = []
    for text in ("/start", "/about", "/help", "/privacy", "/mydata", "/country", "/daily", "what is your token",
                 "/start " + SECRET):
        update = api.send_text(ANNA, text)
        api.mark()
        assert api.post_update_to(f"http://127.0.0.1:{port}{HOOK}", update, secret_token=SECRET) == 200
        replies += api.wait_for_messages(ANNA, 1)
    # An update PTB cannot read (no chat): PTB would log it whole, at CRITICAL.
    broken = {"update_id": 999_999, "message": {"message_id": 1, "text": f"/about {SECRET}"}}
    assert post(port, json.dumps(broken).encode(), {"Content-Type": "application/json",
                                                     "X-Telegram-Bot-Api-Secret-Token": SECRET}) == 400
    assert any("could not be read" in line for line in records)
    shown_text = json.dumps([m.plain_text for m in replies] + [m.buttons for m in replies])
    shown_text += json.dumps(api.commands())
    for secret in (TOKEN, TOKEN.split(":")[1], SECRET):
        assert secret not in shown_text
        assert not [line for line in records if secret in line]
    assert api.webhook["secret_token"] == SECRET  # told to Telegram, and to no one else


# --------------------------------------------------------------------------- button data


def test_a_forged_press_over_telegram_cannot_reach_another_persons_data(api: FaultyBotApi, tmp_path, core) -> None:
    with RunningBot(api, make_settings(api, tmp_path), core) as bot:
        says(api, BEN, "/country")
        presses(api, BEN, "Ireland", expect=2)
        says(api, BEN, "/daily")
        presses(api, BEN, "Morning, 08:00")
        says(api, BEN, "dublin")
        store = bot.runtime.store
        bens = store.my_data(BEN)
        assert set(bens) == {"chats", "daily_subscriptions"}
        [welcome] = says(api, ANNA, "/start")
        forged = [f"fg:y/{BEN}", f"dl:stop/{BEN}", f"dl:{BEN}", f"c:IE/{BEN}", "dl:stop", "fg:y", "x:mydata",
                  f"n:{BEN}/start", "a" * 65, "n:" + "é" * 30, "admin:wipe", "dl:keep/due/0312"]
        for data in forged:
            api.mark()
            api.press_button(ANNA, welcome.message_id, data, strict=False)
            api.wait_for_messages(ANNA, 1)
        assert store.my_data(BEN) == bens  # Ben's rows, byte for byte
        assert DailyRepository(store).get(BEN) is not None
        assert DailyRepository(store).get(ANNA) is None  # and Anna's presses did not subscribe her


# ------------------------------------------------------------------------------ settings


BAD_VALUES = {
    "TELEGRAM_BOT_TOKEN": [f"{TOKEN} extra", "no-colon-" + TOKEN.split(":")[1]],
    "WEBHOOK_SECRET": [SECRET + " !", SECRET + "é", SECRET * 20],
    "FEATHER_LOG_LEVEL": [SECRET],
    "WEBHOOK_PORT": [SECRET, "99999" + SECRET],
    "FEATHER_REPLY_PAUSE": [SECRET],
    "FEATHER_DAILY_RATE": [SECRET],
    "TELEGRAM_API_URL": ["ftp://" + SECRET],
    "WEBHOOK_URL": ["http://" + SECRET],
}


@pytest.mark.parametrize("name, value", [(n, v) for n, values in BAD_VALUES.items() for v in values])
def test_a_bad_setting_is_named_but_its_value_never_shown(tmp_path: Path, name: str, value: str) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://feather.example.org/h", "WEBHOOK_SECRET": SECRET}
    env[name] = value
    with pytest.raises(SettingError) as caught:
        Settings.from_env(env=env, dotenv=tmp_path / "none.env")
    message = str(caught.value) + repr(caught.value)
    assert name.split("_")[-1] in message or name in message
    for secret in (TOKEN, TOKEN.split(":")[1], SECRET, value):
        assert secret not in message


def test_the_secrets_are_not_in_the_settings_repr_nor_in_help(tmp_path: Path) -> None:
    settings = Settings.from_env(env={"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": SECRET,
                                      "WEBHOOK_URL": "https://feather.example.org/h"}, dotenv=tmp_path / "none.env")
    assert settings.token == TOKEN and settings.webhook_secret == SECRET
    for shown_as in (repr(settings), str(settings), f"{settings}", f"{settings!r}"):
        assert TOKEN not in shown_as and TOKEN.split(":")[1] not in shown_as and SECRET not in shown_as
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "run_bot.py"), "--help"], capture_output=True,
                            text=True, timeout=60, cwd=PROJECT_ROOT,
                            env=clean_env(TELEGRAM_BOT_TOKEN=TOKEN, WEBHOOK_SECRET=SECRET,
                                          WEBHOOK_URL="https://feather.example.org/h"))
    assert result.returncode == 0 and "Feather" in result.stdout
    for secret in (TOKEN, TOKEN.split(":")[1], SECRET):
        assert secret not in result.stdout + result.stderr
