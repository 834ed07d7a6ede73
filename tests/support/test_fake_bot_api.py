"""Tests for tests/support/fake_bot_api.py, driving a real PTB Application over HTTP.

Each test starts its own FakeBotApi (port 0) and, where a bot is needed, a minimal echo bot
polling it. Nothing here sleeps to wait for the bot: the fake's wait helpers block on condition
variables / events until the expected calls arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support.fake_bot_api import FakeApiError, FakeBotApi

USER = 4242


@pytest.fixture
def api():
    with FakeBotApi() as server:
        yield server
    assert server.internal_errors == []


# ------------------------------------------------------------------------------- the bot


def build_echo_app(api: FakeBotApi, errors: list, **builder_options) -> Application:
    builder = (
        Application.builder()
        .token(api.token)
        .base_url(api.url + "/bot")
        .base_file_url(api.url + "/file/bot")
    )
    for name, value in builder_options.items():
        builder = getattr(builder, name)(value)
    app = builder.build()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(
            "Welcome to <b>Echo</b> &amp; friends",
            parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Yes", callback_data="yes"),
                  InlineKeyboardButton("No", callback_data="no")]]
            ),
        )

    async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_chat.send_message(f"edited: {update.edited_message.text}")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(update.message.text)

    async def media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        kind = next(k for k in ("sticker", "photo", "voice", "video", "document", "location")
                    if getattr(message, k))
        await message.reply_text(f"got {kind}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer(f"You chose {query.data}")
        await query.edit_message_text(f"You chose <i>{query.data}</i>", parse_mode="HTML")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(MessageHandler(filters.ALL & ~filters.TEXT & ~filters.COMMAND, media))
    app.add_handler(CallbackQueryHandler(button))
    app.add_error_handler(on_error)
    return app


@contextlib.asynccontextmanager
async def polling(app: Application):
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def run(coro) -> None:
    asyncio.run(coro)


# ------------------------------------------------------------------------------ protocol


def _post(url: str, data: bytes | None = None, headers: dict | None = None,
          method: str = "POST") -> tuple[int, dict]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_starts_fast_and_binds_a_free_local_port():
    began = time.monotonic()
    with FakeBotApi() as server:
        elapsed = time.monotonic() - began
        assert server.url.startswith("http://127.0.0.1:")
        assert server.port > 0
        with socket.create_connection(("127.0.0.1", server.port), timeout=1):
            pass
    assert elapsed < 0.5
    with pytest.raises(RuntimeError):
        server.url  # noqa: B018 - stopped


def test_json_form_and_query_bodies_are_understood(api):
    api.add_private_chat(USER)
    base = f"{api.url}/bot{api.token}"
    status, body = _post(f"{base}/sendMessage", json.dumps(
        {"chat_id": USER, "text": "json"}).encode(), {"Content-Type": "application/json"})
    assert status == 200 and body["result"]["text"] == "json"
    status, body = _post(
        f"{base}/sendMessage",
        b"chat_id=4242&text=form&reply_markup=%7B%22inline_keyboard%22%3A%5B%5B%7B%22text%22"
        b"%3A%22A%22%2C%22callback_data%22%3A%22a%22%7D%5D%5D%7D",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    status, body = _post(f"{base}/getMe", method="GET")
    assert status == 200 and body["result"]["is_bot"] is True
    status, body = _post(f"{base}/SENDMESSAGE?chat_id={USER}&text=query", method="GET")
    assert status == 200 and body["result"]["message_id"] == 3
    assert [m.plain_text for m in api.sent_messages(USER)] == ["json", "form", "query"]
    assert api.calls("sendMessage")[1].params["chat_id"] == USER


def test_wrong_token_gets_401_like_telegram(api):
    status, body = _post(f"{api.url}/bot123:WRONG/getMe", b"")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    async def scenario():
        bot = api.make_bot(token="999:not-the-token")
        with pytest.raises(InvalidToken):
            await bot.initialize()

    run(scenario())
    assert all(not call.token_valid for call in api.calls())


def test_unknown_method_answers_true_and_is_recorded(api):
    async def scenario():
        async with api.make_bot() as bot:
            assert await bot.do_api_request("setSomethingNew", {"x": 1}) is True

    run(scenario())
    [call] = api.calls("setSomethingNew")
    assert call.params == {"x": 1} and call.ok


def test_set_result_overrides_a_method(api):
    def get_chat_member(params):
        if params["user_id"] == 1:
            raise FakeApiError(400, "Bad Request: member not found")
        return {"status": "member", "user": {"id": params["user_id"], "is_bot": False,
                                             "first_name": "M"}}

    api.set_result("getChatMember", get_chat_member)
    api.add_private_chat(USER)

    async def scenario():
        async with api.make_bot() as bot:
            member = await bot.get_chat_member(USER, 2)
            assert member.status == "member" and member.user.id == 2
            with pytest.raises(BadRequest, match="Member not found"):
                await bot.get_chat_member(USER, 1)

    run(scenario())


# -------------------------------------------------------------------------- with a real bot


def test_echo_bot_command_text_and_button_round_trip(api):
    errors: list = []

    async def scenario():
        async with polling(build_echo_app(api, errors)):
            api.mark()
            api.send_command(USER, "start")
            [welcome] = await api.wait_for_messages_async(USER, 1)
            assert welcome.plain_text == "Welcome to Echo & friends"
            assert welcome.text == "Welcome to <b>Echo</b> &amp; friends"
            assert welcome.parse_mode == "HTML"
            assert welcome.callback_data == ["yes", "no"]
            assert api.last_keyboard(USER)["inline_keyboard"][0][1]["text"] == "No"

            api.mark()
            api.send_text(USER, "hello there")
            [echo] = await api.wait_for_messages_async(USER, 1)
            assert echo.plain_text == "hello there"
            assert "reply_to_message" not in echo.message  # PTB quotes only in groups

            api.mark()
            update_id = api.press_button(USER, welcome.message_id, "yes")
            await api.wait_for_calls_async("editMessageText", 1)
            assert api.callback_answer(update_id) == {"text": "You chose yes"}
            edited = api.message(USER, welcome.message_id)
            assert edited["text"] == "You chose yes"
            assert "reply_markup" not in edited  # edit without markup drops the keyboard
            assert api.last_keyboard(USER) is None
            with pytest.raises(AssertionError, match="no button with callback_data"):
                api.press_button(USER, welcome.message_id, "yes")

    run(scenario())
    assert errors == []


def test_group_media_and_edited_updates_reach_the_bot(api):
    errors: list = []
    group = -777

    async def scenario():
        async with polling(build_echo_app(api, errors)):
            api.mark()
            api.send_text(USER, "hi group", chat_type="group", chat_id=group)
            [reply] = await api.wait_for_messages_async(group, 1)
            assert reply.plain_text == "hi group"
            assert reply.message["chat"]["type"] == "group"
            assert reply.message["reply_to_message"]["text"] == "hi group"

            api.mark()
            for send in (api.send_sticker, api.send_photo, api.send_voice, api.send_video,
                         api.send_document, api.send_location):
                send(USER)
            replies = await api.wait_for_messages_async(USER, 6)
            assert [r.plain_text for r in replies] == [
                "got sticker", "got photo", "got voice", "got video", "got document",
                "got location"]

            api.mark()
            update_id = api.send_text(USER, "typo")
            await api.wait_for_messages_async(USER, 1)
            original_id = api.update(update_id)["message"]["message_id"]
            api.mark()
            api.edit_text(USER, original_id, "fixed")
            [reply] = await api.wait_for_messages_async(USER, 1)
            assert reply.plain_text == "edited: fixed"

            api.mark()
            api.send_text(USER, "super", chat_type="supergroup")
            [reply] = await api.wait_for_messages_async(-(10**12 + USER), 1)
            assert reply.message["chat"]["type"] == "supergroup"

    run(scenario())
    assert errors == []


def test_bot_hitting_a_blocked_chat_gets_403(api):
    errors: list = []

    async def scenario():
        async with polling(build_echo_app(api, errors)):
            api.block_chat(USER)
            api.mark()
            api.send_text(USER, "are you there?")
            [call] = await api.wait_for_calls_async("sendMessage", 1)
            assert call.status == 403
            assert call.description == "Forbidden: bot was blocked by the user"
            await api.wait_for_calls_async("getUpdates", 1)  # error handler has run by now
        assert api.sent_messages(USER) == []

    run(scenario())
    assert len(errors) == 1 and isinstance(errors[0], Forbidden)
    assert "blocked by the user" in errors[0].message


def test_sync_waits_work_with_the_bot_in_another_thread(api):
    errors: list = []
    stop = threading.Event()

    async def bot_main():
        async with polling(build_echo_app(api, errors)):
            await asyncio.to_thread(stop.wait)

    thread = threading.Thread(target=run, args=(bot_main(),))
    thread.start()
    try:
        api.wait_for_calls("getUpdates", 1, started=True)
        api.mark()
        api.send_text(USER, "from a sync test")
        [reply] = api.wait_for_messages(USER, 1)
        assert reply.plain_text == "from a sync test"
    finally:
        stop.set()
        thread.join(5)
    assert errors == []


def test_wait_for_messages_explains_what_arrived(api):
    api.add_private_chat(USER)
    api.mark()
    base = f"{api.url}/bot{api.token}"
    _post(f"{base}/sendMessage?chat_id={USER}&text=only+one", method="GET")
    _post(f"{base}/sendMessage?chat_id={USER}&text=%3Cbr%3E&parse_mode=HTML", method="GET")
    with pytest.raises(AssertionError) as info:
        api.wait_for_messages(USER, 2, timeout=0.2)
    text = str(info.value)
    assert "expected 2 message(s) to chat 4242" in text and "'only one'" in text
    assert "can't parse entities" in text

    async def in_a_loop():
        with pytest.raises(RuntimeError, match="wait_for_messages_async"):
            api.wait_for_messages(USER, 1)

    run(in_a_loop())


# -------------------------------------------------------------------------- validation


def test_message_length_limit_counts_parsed_text(api):
    api.add_private_chat(USER)

    async def scenario():
        async with api.make_bot() as bot:
            await bot.send_message(USER, "x" * 4096)
            await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
            with pytest.raises(BadRequest, match="Message is too long"):
                await bot.send_message(USER, "x" * 4097)
            with pytest.raises(BadRequest, match="Message text is empty"):
                await bot.send_message(USER, "  \n ")

    run(scenario())
    assert [len(m.plain_text) for m in api.sent_messages(USER)] == [4096, 4096]
    assert api.calls("sendMessage")[2].description == "Bad Request: message is too long"


@pytest.mark.parametrize(
    "html",
    ["<b>open", "<b>x</i>", "x</b>", "<br>", "<div>x</div>", "a < b", "<span>x</span>",
     "<a href='x'>unclosed"],
)
def test_bad_html_is_rejected(api, html):
    api.add_private_chat(USER)

    async def scenario():
        async with api.make_bot() as bot:
            with pytest.raises(BadRequest, match="Can't parse entities"):
                await bot.send_message(USER, html, parse_mode="HTML")

    run(scenario())


def test_supported_html_becomes_entities(api):
    api.add_private_chat(USER)
    html = ('<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><s>s</s>'
            '<a href="https://example.org/?a=1&amp;b=2">link</a><code>c</code>'
            '<pre><code class="language-python">p</code></pre><blockquote>q</blockquote>'
            '<tg-spoiler>sp</tg-spoiler> &lt;&gt;&amp;&quot; 👍<b>é</b>')

    async def scenario():
        async with api.make_bot() as bot:
            message = await bot.send_message(USER, html, parse_mode="HTML")
            assert message.text == 'bsieuslinkcpqsp <>&" 👍é'
            kinds = [e.type for e in message.entities]
            assert kinds == ["bold", "bold", "italic", "italic", "underline", "strikethrough",
                             "text_link", "code", "pre", "blockquote", "spoiler", "bold"]
            assert message.entities[6].url == "https://example.org/?a=1&b=2"
            assert message.entities[8].language == "python"
            assert message.entities[-1].offset == 23  # 👍 is two UTF-16 code units
            with pytest.raises(BadRequest, match="Can't parse entities"):
                await bot.send_message(USER, "1.5 is *fine", parse_mode="MarkdownV2")
            md = await bot.send_message(USER, r"*bold* 1\.5", parse_mode="MarkdownV2")
            assert md.text == "bold 1.5" and md.entities[0].type == "bold"

    run(scenario())


def test_keyboard_validation_and_not_modified(api):
    api.add_private_chat(USER)

    async def scenario():
        async with api.make_bot() as bot:
            ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="d" * 64)]])
            message = await bot.send_message(USER, "pick", reply_markup=ok)
            too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
            with pytest.raises(BadRequest, match="Button_data_invalid"):
                await bot.send_message(USER, "pick", reply_markup=too_long)
            multibyte = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
            with pytest.raises(BadRequest, match="Button_data_invalid"):
                await bot.send_message(USER, "pick", reply_markup=multibyte)
            with pytest.raises(BadRequest, match="Message is not modified"):
                await bot.edit_message_text("pick", USER, message.message_id, reply_markup=ok)
            with pytest.raises(BadRequest, match="Message to edit not found"):
                await bot.edit_message_text("x", USER, 999)
            with pytest.raises(BadRequest, match="Chat not found"):
                await bot.send_message(USER + 1, "stranger")

    run(scenario())


def test_commands_and_webhook_bookkeeping(api):
    async def scenario():
        async with api.make_bot() as bot:
            await bot.set_my_commands([("start", "Begin"), ("help", "Help")])
            assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
            with pytest.raises(BadRequest):
                await bot.set_my_commands([("Bad-Name", "x")])
            await bot.delete_my_commands()
            assert await bot.get_my_commands() == ()
            await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
            info = await bot.get_webhook_info()
            assert info.url == "https://example.org/hook"
            with pytest.raises(TelegramError, match="webhook is active"):
                await bot.get_updates()
            await bot.delete_webhook()
            assert (await bot.get_webhook_info()).url == ""
            assert await bot.close() is True and await bot.log_out() is True

    run(scenario())
    assert api.commands() == []


# ---------------------------------------------------------------------------- faults


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_retry_after_429_surfaces_and_then_recovers(api):
    api.add_private_chat(USER)
    api.retry_after_next("sendMessage", seconds=1)

    async def scenario():
        async with api.make_bot() as bot:
            with pytest.raises(RetryAfter) as info:
                await bot.send_message(USER, "first")
            assert info.value.retry_after in (1, datetime.timedelta(seconds=1))
            await bot.send_message(USER, "second")

    run(scenario())
    first, second = api.calls("sendMessage")
    assert first.status == 429 and first.fault == "retry_after"
    assert second.ok
    assert [m.plain_text for m in api.sent_messages()] == ["second"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_rate_limiter_retries_after_429(api):
    errors: list = []
    api.retry_after_next("sendMessage", seconds=1)

    async def scenario():
        app = build_echo_app(api, errors, rate_limiter=AIORateLimiter(max_retries=1))
        async with polling(app):
            api.mark()
            api.send_text(USER, "eventually")
            [reply] = await api.wait_for_messages_async(USER, 1, timeout=4)
            assert reply.plain_text == "eventually"

    run(scenario())
    assert [c.status for c in api.calls("sendMessage")] == [429, 200]
    assert errors == []


def test_server_errors_malformed_dropped_and_slow_responses(api):
    api.add_private_chat(USER)

    async def scenario():
        async with api.make_bot() as bot:
            api.fail_next("sendMessage", status=500, times=2)
            for _ in range(2):
                with pytest.raises(NetworkError, match="Internal Server Error"):
                    await bot.send_message(USER, "x")
            api.fail_next("*", status=502)
            with pytest.raises(NetworkError, match="Bad Gateway"):
                await bot.get_me()
            api.malformed_next("sendMessage")
            with pytest.raises(TelegramError, match="Invalid server response"):
                await bot.send_message(USER, "x")
            api.drop_next("sendMessage")
            with pytest.raises(NetworkError):
                await bot.send_message(USER, "dropped but delivered")
            api.delay_next("sendMessage", seconds=0.5)
            api.mark()
            with pytest.raises(TimedOut):
                await bot.send_message(USER, "slow", read_timeout=0.1)
            [slow] = await api.wait_for_calls_async("sendMessage", 1)  # completes anyway
            assert slow.status == 200 and slow.fault == "delay"
            await bot.send_message(USER, "fine again")

    run(scenario())
    assert [m.plain_text for m in api.sent_messages(USER)] == [
        "dropped but delivered", "slow", "fine again"]
    assert [c.fault for c in api.calls("sendMessage")] == [
        "fail", "fail", "malformed", "drop", "delay", None]


# -------------------------------------------------------------------------- long polling


def test_long_poll_waits_for_updates_and_wakes_at_once(api):
    async def scenario():
        async with api.make_bot() as bot:
            began = time.monotonic()
            assert await bot.get_updates(timeout=0.3) == ()
            assert 0.25 < time.monotonic() - began < 1.5

            loop = asyncio.get_running_loop()
            loop.call_later(0.1, api.send_text, USER, "wake up")
            began = time.monotonic()
            [update] = await bot.get_updates(timeout=10)
            assert time.monotonic() - began < 1.0
            assert update.message.text == "wake up"
            assert update.message.from_user.language_code == "en"

            # not confirmed yet: delivered again; confirmed by offset: gone
            assert len(await bot.get_updates()) == 1
            assert await bot.get_updates(offset=update.update_id + 1) == ()
            assert api.pending_update_count() == 0

    run(scenario())


def test_a_thousand_concurrent_long_polls_and_requests(api):
    """1,000 simultaneous keep-alive connections: every long poll wakes on one update, then
    each connection sends a message. A bare asyncio HTTP client keeps the test about the
    server (httpx's own pool is slow at 1,000 connections)."""
    api.add_private_chat(USER)

    async def request(reader, writer, method: str, body: str) -> dict:
        writer.write(
            f"POST /bot{api.token}/{method} HTTP/1.1\r\nHost: test\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 ")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        return json.loads(await reader.readexactly(length))

    async def user(i: int) -> tuple[dict, dict]:
        reader, writer = await asyncio.open_connection("127.0.0.1", api.port)
        try:
            poll = await request(reader, writer, "getUpdates", "timeout=5")
            sent = await request(reader, writer, "sendMessage", f"chat_id={USER}&text={i}")
            return poll, sent
        finally:
            writer.close()

    async def scenario():
        users = [asyncio.create_task(user(i)) for i in range(1000)]
        await api.wait_for_calls_async("getUpdates", 1000, started=True)
        api.send_text(USER, "everyone")
        polls = await api.wait_for_calls_async("getUpdates", 1000, timeout=1.5)
        assert all(c.result[0]["message"]["text"] == "everyone" for c in polls)
        results = await asyncio.gather(*users)
        assert all(sent["ok"] for _, sent in results)

    run(scenario())
    ids = sorted(m.message_id for m in api.sent_messages(USER))
    assert len(ids) == 1000 and len(set(ids)) == 1000


# ------------------------------------------------------------------------------- webhook


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webhook_post_with_secret_token(api):
    errors: list = []
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/hook"

    async def scenario():
        app = build_echo_app(api, errors)
        async with app:
            await app.start()
            await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="hook",
                                            webhook_url=hook, secret_token="s3cret")
            try:
                assert api.webhook["url"] == hook
                assert api.webhook["secret_token"] == "s3cret"
                update_id = api.send_text(USER, "via webhook")
                assert await api.post_update_to_async(hook, update_id, "wrong") == 403
                assert await api.post_update_to_async(hook, update_id) == 403
                api.mark()
                assert await api.post_update_to_async(hook, update_id, "s3cret") == 200
                [reply] = await api.wait_for_messages_async(USER, 1)
                assert reply.plain_text == "via webhook"
            finally:
                await app.updater.stop()
                await app.stop()

    run(scenario())
    assert errors == []
    # the blocking variant, from sync code; any status comes back as a number
    assert api.post_update_to(f"{api.url}/not-a-webhook", {"update_id": 1}) == 404
