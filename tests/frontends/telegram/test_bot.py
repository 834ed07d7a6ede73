"""Feather's real Telegram bot, end to end over HTTP, against the local fake Bot API.

Each test starts a FakeBotApi and the bot exactly as ``run_bot.py`` would build and serve it
(``runner.build_application`` + ``runner.serve``: PTB's own request layer, polling loop or
webhook server, post_init/post_shutdown), on a tmp_path SQLite file with no pauses, in a thread
with its own event loop. The test then acts as Telegram users and waits on the fake's
condition-variable helpers; nothing here sleeps for a fixed time.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.app import Core, build_app, build_core
from bot.config import Settings
from bot.frontends.telegram import runner
from bot.frontends.telegram.splitting import MAX_MESSAGE
from bot.frontends.telegram.webhook import MAX_WEBHOOK_BODY
from bot.logging_setup import QUIET, setup_logging
from tests.support.fake_bot_api import FakeBotApi
from tests.support.running_bot import RunningBot, make_settings, presses, says
from tests.support.telegram_text import parse_text, utf16_len

ANNA, BEN, CARA = 1001, 1002, 1003
CELLS_QUESTION = "how long do the babys cells stay in me"


# ----------------------------------------------------------------------------------- harness


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server
    assert server.internal_errors == []


@pytest.fixture
def bot(api: FakeBotApi, tmp_path: Path, core: Core) -> Iterator[RunningBot]:
    with RunningBot(api, make_settings(api, tmp_path), core) as running:
        yield running


def shown(core: Core, key: str) -> str:
    """A messages.yaml text as the person sees it (first variant)."""
    return parse_text(core.content.messages[key][0], "HTML")[0].strip()


# ------------------------------------------------------------------------ the conversation


def test_start_menu_buttons_and_the_command_menu(api, bot, core):
    [welcome] = says(api, ANNA, "/start")
    assert welcome.plain_text.startswith("Hello, I'm Feather")
    rows = welcome.reply_markup["inline_keyboard"]
    assert len(rows) == len(core.content.menu) and all(len(row) == 1 for row in rows)  # one per row
    theme = core.content.menu[0]
    api.mark()
    press = api.press_button_by_text(ANNA, None, theme.label)
    [themed] = api.wait_for_messages(ANNA, 1)
    assert api.callback_answer(press) is not None  # the spinner stopped
    assert themed.plain_text == shown(core, "theme_prompt")
    first_flow = core.content.flows[theme.flows[0]]
    [node] = presses(api, ANNA, first_flow.title)
    assert node.plain_text in {parse_text(t, "HTML")[0].strip() for t in first_flow.start.texts}
    names = [c["command"] for c in api.commands()]
    assert names[:8] == ["start", "menu", "help", "about", "country", "privacy", "mydata", "forget"]


def test_a_question_in_free_text_gets_the_microchimerism_answer(api, bot):
    [answer] = says(api, ANNA, CELLS_QUESTION)
    assert any(d.startswith(("n:mc_duration", "s:mc_duration")) for d in answer.callback_data), answer.callback_data


def test_old_and_forged_buttons_get_the_gentle_reply_and_their_spinner_stops(api, bot, core):
    [welcome] = says(api, ANNA, "/start")
    for data in ("n:flow_removed_long_ago/start", "zz:?!", "x" * 64):
        api.mark()
        press = api.press_button(ANNA, welcome.message_id, data, strict=False)
        [reply] = api.wait_for_messages(ANNA, 1)
        assert reply.plain_text == shown(core, "unknown_button")
        assert reply.callback_data  # the menu, to carry on
        assert api.callback_answer(press) is not None


def test_stickers_photos_files_places_and_voice_get_their_gentle_reply(api, bot, core):
    for send in (api.send_sticker, api.send_photo, api.send_document, api.send_location, api.send_video):
        api.mark()
        send(ANNA)
        [reply] = api.wait_for_messages(ANNA, 1)
        assert reply.plain_text == shown(core, "non_text")
    voice_note = {"file_id": "VN1", "file_unique_id": "u1", "length": 240, "duration": 3}
    audio = {"file_id": "AU1", "file_unique_id": "u2", "duration": 60}
    for content in ({"voice": None}, {"video_note": voice_note}, {"audio": audio}):
        api.mark()
        if "voice" in content:
            api.send_voice(ANNA)
        else:
            api.send_raw_update({"message": {"message_id": 900 + len(api.sent_messages()), "date": 1,
                                             "chat": {"id": ANNA, "type": "private", "first_name": "Anna"},
                                             "from": {"id": ANNA, "is_bot": False, "first_name": "Anna"},
                                             **content}})
        [reply] = api.wait_for_messages(ANNA, 1)
        assert reply.plain_text == shown(core, "voice")


def test_a_crisis_message_is_answered_with_the_crisis_reply_first(api, bot, core):
    says(api, ANNA, "/country")  # even in the middle of a question
    replies = says(api, ANNA, "i want to kill myself", expect=3)
    assert replies[0].plain_text == shown(core, "crisis_intro")
    assert "findahelpline.com" in replies[1].plain_text
    assert "safe:ok" in replies[2].callback_data


def test_country_is_chosen_with_a_button_and_support_follows(api, bot, core):
    [ask] = says(api, ANNA, "/country")
    assert ask.plain_text == shown(core, "country_ask")
    set_, support = presses(api, ANNA, "Ireland", expect=2)
    assert set_.plain_text == "Thank you. I'll show support in Ireland from now on."
    assert support.plain_text.startswith("Support in Ireland")


def test_forget_deletes_everything_after_confirmation(api, bot, core):
    says(api, ANNA, "/country")
    presses(api, ANNA, "Ireland", expect=2)
    [mydata] = says(api, ANNA, "/mydata")
    assert "IE" in mydata.plain_text
    [confirm] = says(api, ANNA, "/forget")
    assert confirm.plain_text == shown(core, "forget_confirm")
    [done] = presses(api, ANNA, "Yes, delete everything")
    assert done.plain_text == shown(core, "forget_done")
    assert bot.runtime.store.my_data(ANNA) == {}
    [empty] = says(api, ANNA, "/mydata")
    assert empty.plain_text == shown(core, "mydata_empty")


def test_groups_are_not_read_and_a_command_there_points_to_a_private_chat(api, bot, core):
    group = -ANNA
    api.mark()
    api.send_text(ANNA, "hello everyone, i want to kill myself", chat_type="group")
    api.send_text(ANNA, "/start@some_other_bot", chat_type="group")
    api.send_command(ANNA, "menu", chat_type="group", mention_bot=True)
    [reply] = api.wait_for_messages(group, 1)  # one chat, in order: the two before were read by nothing
    link = f"https://t.me/{api.bot_user['username']}"
    assert reply.plain_text == shown(core, "group_only").replace("{link}", link)
    supergroup = -(10**12 + BEN)
    api.send_command(BEN, "start", chat_type="supergroup")
    [super_reply] = api.wait_for_messages(supergroup, 1)
    assert link in super_reply.plain_text
    says(api, ANNA, "/about")  # the private chat is untouched by all that
    assert [m.chat_id for m in api.sent_messages()] == [group, supergroup, ANNA]
    assert bot.runtime.store.my_data(group) == {} and bot.runtime.store.my_data(supergroup) == {}


def test_edited_messages_are_not_answered(api, bot, core):
    api.mark()
    first = api.send_text(ANNA, "hello")
    api.wait_for_messages(ANNA, 1)
    message_id = api.update(first)["message"]["message_id"]
    api.mark()
    api.edit_text(ANNA, message_id, "i want to kill myself")
    [about] = says(api, ANNA, "/about")
    assert about.plain_text == shown(core, "about")
    assert len(api.sent_messages(ANNA, since_mark=True)) == 1


def test_one_chat_is_answered_in_order_and_a_slow_chat_does_not_hold_up_another(api, bot, core):
    api.mark()
    api.delay_next("sendMessage", 1.0)  # Anna's first reply is slow to send
    for command in ("/about", "/privacy", "/mydata"):
        api.send_text(ANNA, command)
    api.wait_for_calls("sendMessage", 1, started=True)
    api.send_text(BEN, "/about")
    [ben] = api.wait_for_messages(BEN, 1)
    assert api.sent_messages(ANNA, since_mark=True) == []  # Ben didn't wait for Anna
    anna = api.wait_for_messages(ANNA, 3)
    assert [m.plain_text for m in anna[:2]] == [shown(core, "about"), shown(core, "privacy")]
    assert ben.plain_text == shown(core, "about")


# ----------------------------------------------------------------------- long replies


def lengthened_root(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the real content with the microchimerism duration answer made ~8000 characters."""
    root = tmp_path / "content_root"
    shutil.copytree(PROJECT_ROOT / "content", root / "content")
    shutil.copytree(PROJECT_ROOT / "dialogs", root / "dialogs")
    path = root / "dialogs" / "microchimerism.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    flow = next(f for f in data["flows"] if f["id"] == "mc_duration")
    texts = flow["nodes"][0]["text"]
    texts = texts if isinstance(texts, list) else [texts]
    long = "\n\n".join(f"<b>Part {i + 1}.</b> {texts[i % len(texts)].strip()}" for i in range(14))
    flow["nodes"][0]["text"] = long
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root, long


def test_a_reply_over_4096_characters_arrives_in_parts_with_buttons_on_the_last(api, tmp_path):
    root, long = lengthened_root(tmp_path)
    plain_long = parse_text(long, "HTML")[0]
    assert utf16_len(plain_long) > MAX_MESSAGE
    with RunningBot(api, make_settings(api, tmp_path), build_core(root, strict=False)):
        api.mark()
        api.send_text(ANNA, CELLS_QUESTION)
        parts = api.wait_for_messages(ANNA, 2)
        api.wait_for_messages(ANNA, 1)
        assert all(utf16_len(p.plain_text) <= MAX_MESSAGE for p in parts)
        assert [bool(p.callback_data) for p in parts] == [False] * (len(parts) - 1) + [True]
        assert "".join("".join(p.plain_text.split()) for p in parts) == "".join(plain_long.split())
        assert plain_long.startswith(parts[0].plain_text + "\n\n")  # cut at a paragraph


# ------------------------------------------------------------------- Telegram stumbling


def test_server_errors_and_rate_limits_are_retried_and_the_reply_arrives(api, bot, core):
    api.fail_next("sendMessage", 500)
    [about] = says(api, ANNA, "/about")
    assert about.plain_text == shown(core, "about")
    assert [c.status for c in api.calls("sendMessage", since_mark=True)] == [500, 200]

    api.fail_next("sendMessage", 502, times=2)
    api.drop_next("answerCallbackQuery", processed=False)
    [menu] = presses(api, ANNA, "☰ Menu")
    assert menu.plain_text in {parse_text(v, "HTML")[0].strip() for v in core.content.messages["menu_prompt"]}
    assert menu.callback_data == [f"t:{theme.id}" for theme in core.content.menu]
    assert [c.status for c in api.calls("sendMessage", since_mark=True)] == [502, 502, 200]

    api.retry_after_next("sendMessage", seconds=1)
    [privacy] = says(api, ANNA, "/privacy")
    assert privacy.plain_text.startswith("What I keep, and why")
    assert [c.status for c in api.calls("sendMessage", since_mark=True)] == [429, 200]


def test_polling_recovers_from_a_telegram_500(api, bot, core):
    api.fail_next("getUpdates", 500)  # the poll after the one now waiting
    says(api, ANNA, "/about")
    failed, _next = api.wait_for_calls("getUpdates", 2, started=True)  # the next after PTB's 1 s backoff
    assert failed.status == 500
    [privacy] = says(api, ANNA, "/privacy")
    assert privacy.plain_text.startswith("What I keep, and why")


def test_a_user_who_blocked_the_bot_does_not_disturb_anyone_else(api, bot, core):
    api.block_chat(ANNA)
    api.mark()
    api.send_text(ANNA, "i want to kill myself")
    api.send_text(BEN, "/about")
    [ben] = api.wait_for_messages(BEN, 1)
    assert ben.plain_text == shown(core, "about")
    api.wait_for_calls("sendMessage", 2)
    to_anna = [c for c in api.calls("sendMessage", since_mark=True) if c.params.get("chat_id") == ANNA]
    assert [c.status for c in to_anna] == [403]  # tried once, not retried, no apology attempted
    api.unblock_chat(ANNA)
    [back] = says(api, ANNA, "/about")
    assert back.plain_text == shown(core, "about")


def test_an_error_inside_feather_is_apologised_for_and_the_bot_keeps_going(api, bot, core):
    conversations = bot.runtime.conversations
    original = conversations.handle_text
    hints = []

    def sometimes_broken(chat_id: int, text: str, language_hint: str | None = None, safety=None):
        hints.append(language_hint)
        if "explode" in text:
            raise RuntimeError(f"something about {text}")
        return original(chat_id, text, language_hint, safety)

    conversations.handle_text = sometimes_broken
    api.set_user(ANNA, language_code="de")
    [sorry] = says(api, ANNA, "please explode")
    assert sorry.plain_text == shown(core, "error")
    assert sorry.callback_data == ["m"]
    [about] = says(api, ANNA, "/about")
    assert about.plain_text == shown(core, "about")
    assert hints == ["de", "de"]  # Telegram's language_code, passed on as a hint only


def test_typing_is_shown_between_parts_when_pausing(api, tmp_path, core):
    with RunningBot(api, make_settings(api, tmp_path, FEATHER_REPLY_PAUSE="0.01"), core):
        replies = says(api, ANNA, "i want to kill myself", expect=3)
        assert replies[0].plain_text == shown(core, "crisis_intro")
        actions = api.calls("sendChatAction", since_mark=True)
        assert [c.params.get("action") for c in actions] == ["typing", "typing"]


# ---------------------------------------------------------------------------- restarts


def test_a_restart_in_the_middle_of_a_flow_carries_on_where_it_was(api, tmp_path, core):
    settings = make_settings(api, tmp_path)
    with RunningBot(api, settings, core):
        [answer] = says(api, ANNA, CELLS_QUESTION)
        says(api, ANNA, "/country")  # a question left open
    studies_label = next(b["text"] for b in answer.buttons if b.get("callback_data") == "n:mc_duration/studies")
    with RunningBot(api, settings, core) as again:
        set_, _support = says(api, ANNA, "ireland", expect=2)  # the open question is still open
        assert set_.plain_text == "Thank you. I'll show support in Ireland from now on."
        [studies] = presses(api, ANNA, studies_label, message_id=answer.message_id)
        node = core.content.flows["mc_duration"].node("studies")
        assert studies.plain_text in {parse_text(t, "HTML")[0].strip() for t in node.texts}
        assert again.runtime.store.load_state(ANNA).node == "studies"


# ----------------------------------------------------------------------------- webhook


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_raw(port: int, path: str, body: bytes, headers: dict[str, str]) -> int | str:
    """POST without a client library's help; the status, or the connection error's name."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    except OSError as exc:
        return type(exc).__name__
    finally:
        connection.close()


def test_webhook_mode_refuses_requests_without_the_secret_and_oversized_ones(api, tmp_path, core):
    port, secret = free_port(), "s3cret-Feather_webhook"
    settings = make_settings(api, tmp_path, WEBHOOK_URL="https://feather.example.org/tg/hook",
                             WEBHOOK_SECRET=secret, WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port))
    url = f"http://127.0.0.1:{port}/tg/hook"
    with RunningBot(api, settings, core):
        hook = api.webhook
        assert hook["url"] == "https://feather.example.org/tg/hook" and hook["secret_token"] == secret
        assert sorted(hook["allowed_updates"]) == ["callback_query", "message"]
        api.mark()
        privacy = api.send_text(ANNA, "/privacy")
        assert api.post_update_to(url, privacy) == 403
        assert api.post_update_to(url, privacy, secret_token="wrong") == 403
        huge = json.dumps(api.update(privacy) | {"padding": "x" * (MAX_WEBHOOK_BODY + 10)}).encode()
        refused = post_raw(port, "/tg/hook", huge, {"Content-Type": "application/json",
                                                     "X-Telegram-Bot-Api-Secret-Token": secret})
        assert refused in (400, 413, "ConnectionResetError", "BrokenPipeError"), refused
        first = api.send_text(ANNA, "hello")
        edited = api.edit_text(ANNA, api.update(first)["message"]["message_id"], "i want to kill myself")
        assert api.post_update_to(url, edited, secret_token=secret) == 200
        about = api.send_text(ANNA, "/about")
        assert api.post_update_to(url, about, secret_token=secret) == 200
        [reply] = api.wait_for_messages(ANNA, 1)
        assert reply.plain_text == shown(core, "about")
        start = api.send_text(ANNA, "/start")
        assert api.post_update_to(url, start, secret_token=secret) == 200
        replies = api.wait_for_messages(ANNA, 2)  # one chat, in order: nothing else came before
        assert [m.plain_text.split("\n")[0] for m in replies] == [shown(core, "about").split("\n")[0],
                                                                    "Hello, I'm Feather 🪶"]
        assert api.calls("getUpdates", since_mark=True) == []


# -------------------------------------------------------------------- start-up and logs


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIET}
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


@pytest.fixture
def own_loop() -> Iterator[None]:
    """run_telegram runs in the main thread like production; give it a loop to own and close."""
    asyncio.set_event_loop(asyncio.new_event_loop())
    yield
    asyncio.set_event_loop(None)


def test_a_refused_token_is_one_line_and_exit_code_1(api, tmp_path, core, capfd, restore_logging, own_loop):
    setup_logging("INFO")
    settings = make_settings(api, tmp_path, TELEGRAM_BOT_TOKEN="999999:refused-by-the-server")
    assert runner.run_telegram(build_app(settings, core=core)) == 1
    err = capfd.readouterr().err
    assert err.strip() == "Feather will not start: the token was refused (check TELEGRAM_BOT_TOKEN)."
    assert "refused-by-the-server" not in err


def test_an_unreachable_api_is_one_line_and_exit_code_1(tmp_path, core, capfd, restore_logging, own_loop,
                                                         monkeypatch):
    monkeypatch.setattr(runner, "BOOTSTRAP_RETRIES", 0)
    setup_logging("INFO")
    settings = Settings.from_env(env={"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}",
                                      "FEATHER_DB_PATH": str(tmp_path / "f.sqlite3")}, dotenv=tmp_path / "no.env")
    assert runner.run_telegram(build_app(settings, core=core)) == 1
    err = capfd.readouterr().err
    assert err.strip().splitlines()[-1].startswith("Feather will not start: the Telegram Bot API at http://127.0.0.1:")
    assert "Traceback" not in err


def test_debug_logs_never_show_the_token_or_what_anyone_wrote(tmp_path, core, restore_logging):
    token, marker = "5550001112:AAsecret-TOKEN-never-logged-q9z", "quokka-zebra-4417"
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(f"{record.name} {record.levelname} {self.format(record)}")

    with FakeBotApi(token=token) as api:
        settings = make_settings(api, tmp_path, FEATHER_LOG_LEVEL="DEBUG")
        setup_logging(settings.log_level)
        keep = Keep(logging.DEBUG)
        logging.getLogger().addHandler(keep)
        with RunningBot(api, settings, core) as bot:
            original = bot.runtime.conversations.handle_text
            bot.runtime.conversations.handle_text = lambda c, t, hint=None, s=None: (
                (_ for _ in ()).throw(ValueError(f"{t} {token}")) if "explode" in t else original(c, t, hint, s))
            says(api, ANNA, f"/start {marker}")
            says(api, ANNA, f"{CELLS_QUESTION} {marker}")
            presses(api, ANNA, "☰ Menu")
            api.fail_next("sendMessage", 500)
            says(api, ANNA, f"i want to kill myself {marker}", expect=3)
            says(api, ANNA, f"explode {marker}")
            api.block_chat(BEN)
            api.mark()
            api.send_text(BEN, f"hello {marker}")
            api.wait_for_calls("sendMessage", 1)
            api.send_sticker(ANNA)
            api.wait_for_messages(ANNA, 1)
        logging.getLogger().removeHandler(keep)
    joined = "\n".join(records)
    assert "DEBUG" in joined and "ERROR" in joined  # captured at every level, the error included
    assert "ValueError at " in joined  # the error's type and place, not its message
    for secret in (token, token.split(":")[1], marker, "kill myself"):
        assert secret not in joined
