"""A local, in-process fake of the Telegram Bot API for tests and benchmarks.

The real bot talks to it over real HTTP through python-telegram-bot's own request layer; no test
ever reaches the real Telegram.

Quick start (sync pytest test, bot running in the same asyncio loop as the test body)::

    from tests.support.fake_bot_api import FakeBotApi

    def test_echo():
        with FakeBotApi() as api:
            async def scenario():
                app = api.application_builder().build()   # token + base_url + base_file_url
                app.add_handler(...)
                async with app:
                    await app.start()
                    await app.updater.start_polling(poll_interval=0, timeout=1)
                    api.mark()
                    api.send_text(42, "hello")              # user 42 writes to the bot
                    [reply] = await api.wait_for_messages_async(42, 1)
                    assert reply.plain_text == "hello"
                    await app.updater.stop()
                    await app.stop()
            asyncio.run(scenario())

Or by hand: ``Application.builder().token(api.token).base_url(api.url + "/bot")
.base_file_url(api.url + "/file/bot")``.

What it serves: ``GET``/``POST {url}/bot<TOKEN>/<method>`` with query-string, JSON,
``application/x-www-form-urlencoded`` or ``multipart/form-data`` parameters (PTB 22 sends form
data whose values are JSON-encoded when not strings, and multipart when uploading files), and
``GET {url}/file/bot<TOKEN>/<file_path>`` for downloads after ``getFile``.

Rules worth knowing (they mimic Telegram):

* Only the constructor's token is accepted; any other gets 401 Unauthorized.
* Telegram method names are case-insensitive. Unknown methods answer ``ok: true, result: true``
  and are recorded (see :meth:`FakeBotApi.set_result` to give them a real result).
* The bot can only write to chats the fake has seen (a user wrote first, or
  :meth:`FakeBotApi.add_private_chat`), else 400 "chat not found". ``strict_chats=False`` turns
  this off.
* Texts are parsed like Telegram: HTML / MarkdownV2 errors give 400 "can't parse entities",
  the recorded/returned message holds the plain text plus entities, surrounding whitespace is
  stripped, more than 4096 characters after parsing gives "message is too long".
* ``editMessageText`` without ``reply_markup`` removes the inline keyboard (as on Telegram), and
  an edit that changes nothing gives 400 "message is not modified".
* Message ids count up per chat, shared by the user's and the bot's messages.
* Concurrent ``getUpdates`` calls are all served (no 409 Conflict); while a webhook is set,
  ``getUpdates`` gives 409 like Telegram. Updates are not pushed to a webhook by the fake: use
  :meth:`FakeBotApi.post_update_to`.
* Faults are consumed in order per method; ``"*"`` matches every method. ``fail_next``,
  ``retry_after_next`` and ``malformed_next`` answer without doing the call; ``drop_next`` does
  the call, then cuts the connection mid-response (pass ``processed=False`` to skip the call);
  ``delay_next`` waits, then does the call even if the client has given up meanwhile.

"Since mark": :meth:`FakeBotApi.mark` remembers how many messages/calls exist;
``wait_for_messages``/``wait_for_calls`` and ``since_mark=True`` readers only look after it.
Call ``mark()`` before each interaction whose replies you want to wait for.

Sync waits (``wait_for_messages``) block on a condition variable and must not be called from a
thread running an asyncio loop (the bot there could never answer): use the ``*_async`` variants.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .telegram_text import EntityParseError, parse_text, strip_text, utf16_len

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "FakeApiError",
    "FakeBotApi",
    "SentMessage",
    "UploadedFile",
]

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:AAFakeFeatherTokenForLocalTestsOnly-xyz"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_BODY_BYTES = 60 * 1024 * 1024
WAIT_SECONDS = 60.0
"""How long the wait helpers wait by default. They return the moment their condition holds, so
this only bounds a test that is failing anyway; it is generous because on a loaded machine
(CI, a shared 2-core box) a reply that takes 50 ms alone can take seconds."""

# Form fields that are always strings, never JSON-decoded (PTB sends every value as a string).
_STRING_FIELDS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "url",
        "secret_token", "action", "language_code", "business_connection_id",
        "message_effect_id", "emoji", "title", "description", "short_description", "name",
        "address", "first_name", "last_name", "phone_number", "question", "explanation",
        "custom_emoji_id", "ip_address", "photo", "document", "audio", "voice", "video",
        "animation", "sticker", "video_note", "thumbnail", "file_id", "query",
        "shipping_query_id", "pre_checkout_query_id", "web_app_query_id", "foursquare_id",
        "google_place_id", "vcard", "payload", "currency", "provider_token", "start_parameter",
    }
)

_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)
_INLINE_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)
# Update types Telegram leaves out unless asked for in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_PATH_RE = re.compile(r"^/bot([^/]*)(?:/([^/]*))?/?$")
_FILE_PATH_RE = re.compile(r"^/file/bot([^/]*)/(.+)$")
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=$|[\s.,!?;:])")
_URL_RE = re.compile(r"(?<!\S)https?://[^\s<>\"]+[^\s<>\".,!?;:)\]]")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}\b")
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


# ---------------------------------------------------------------------------------- records


class FakeApiError(Exception):
    """Raise from a :meth:`FakeBotApi.set_result` callable to answer with a Bot API error."""

    def __init__(self, error_code: int, description: str, parameters: dict | None = None):
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.field!r}, {self.filename!r}, {len(self.data)} bytes)"


@dataclass
class ApiCall:
    """One HTTP request to ``/bot<token>/<method>``, filled in when it completes."""

    seq: int
    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    http_method: str
    token_valid: bool
    started: float
    status: int | None = None  # None while in progress (e.g. a long poll)
    result: Any = None  # the "result" of an ok answer
    description: str | None = None  # the "description" of an error answer
    fault: str | None = None  # injected fault kind, if any
    finished: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.fault in (None, "delay")

    @property
    def done(self) -> bool:
        return self.status is not None


@dataclass
class SentMessage:
    """A message the bot sent (sendMessage, sendPhoto, ... one record per message)."""

    seq: int
    method: str
    chat_id: int
    message_id: int
    text: str | None  # as the bot sent it (with markup); the caption for media
    parse_mode: str | None
    reply_markup: dict | None  # as sent, any keyboard type
    date: int
    message: dict  # the Message object returned to the bot
    params: dict = field(repr=False, default_factory=dict)

    @property
    def plain_text(self) -> str | None:
        """The text (or caption) as the user sees it: markup parsed away."""
        return self.message.get("text", self.message.get("caption"))

    @property
    def entities(self) -> list[dict]:
        return self.message.get("entities", self.message.get("caption_entities", []))

    @property
    def buttons(self) -> list[dict]:
        """All buttons of the keyboard as sent, flattened (reply-keyboard strings as dicts)."""
        return _flatten_buttons(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [b.get("text", "") for b in self.buttons]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


def _flatten_buttons(markup: dict | None) -> list[dict]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    flat: list[dict] = []
    for row in rows:
        for button in row:
            flat.append({"text": button} if isinstance(button, str) else dict(button))
    return flat


@dataclass
class _Fault:
    kind: str  # fail | retry_after | malformed | drop | delay
    remaining: int
    status: int = 500
    description: str | None = None
    seconds: float = 0.0
    processed: bool = True


@dataclass
class _Request:
    http_method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    drop: bool = False


class _HttpError(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def _json_default(obj: Any) -> Any:
    if isinstance(obj, UploadedFile):
        return {"uploaded_file": obj.filename or obj.field}
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def _dumps(obj: Any) -> bytes:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return text.encode()


def _clone(obj: Any) -> Any:
    """Deep copy of JSON-like data (much faster than copy.deepcopy)."""
    if isinstance(obj, dict):
        return {k: _clone(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clone(v) for v in obj]
    return obj


def _coerce(key: str, value: str) -> Any:
    """Decode one form/query value like the Bot API does (PTB JSON-encodes non-strings)."""
    if key in _STRING_FIELDS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return value if isinstance(decoded, str) else decoded


def _as_json_object(value: Any, what: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise FakeApiError(400, f"Bad Request: can't parse {what} JSON object") from None
    return value


def _as_int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise FakeApiError(400, f"Bad Request: invalid {name} specified")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or value == "":
        raise FakeApiError(400, f"Bad Request: {name} is empty")
    raise FakeApiError(400, f"Bad Request: invalid {name} specified")


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


# ------------------------------------------------------------------------------------ server


class FakeBotApi:
    """Local fake Telegram Bot API server. See the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "feather_test_bot",
        bot_first_name: str = "Feather",
        strict_chats: bool = True,
    ) -> None:
        self.token = token
        self.host = host
        self.strict_chats = strict_chats
        self._requested_port = port
        prefix = token.split(":", 1)[0]
        bot_id = int(prefix) if prefix.isdigit() else 123456789
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._port: int | None = None
        self._conn_tasks: set[asyncio.Task] = set()
        self._updates_event: asyncio.Event | None = None
        self._async_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        # counters survive reset() so a running bot's getUpdates offset stays valid
        self._next_update_id = 1
        self._next_file = 1
        self._next_query = 1
        self._msg_counters: dict[int, int] = {}
        self._reset_state()

    def _reset_state(self) -> None:
        self._updates: list[dict] = []
        self._all_updates: dict[int, dict] = {}
        self._allowed_updates: list[str] | None = None
        self._calls: list[ApiCall] = []
        self._sent: list[SentMessage] = []
        self._messages: dict[int, dict[int, dict]] = {}
        self._chats: dict[int, dict] = {}
        self._users: dict[int, dict] = {}
        self._blocked: dict[int, str] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._overrides: dict[str, Any] = {}
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._webhook: dict | None = None
        self._callback_queries: dict[str, dict] = {}
        self._files: dict[str, dict] = {}  # file_id -> {meta..., "file_path", "data"}
        self._files_by_path: dict[str, str] = {}
        self._internal_errors: list[str] = []
        self._mark_sent = 0
        self._mark_calls = 0

    # ------------------------------------------------------------------------- lifecycle

    def start(self) -> FakeBotApi:
        """Start serving in a background thread with its own event loop; returns self."""
        if self._thread is not None:
            raise RuntimeError("FakeBotApi already started")
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(
                        self._handle_connection,
                        self.host,
                        self._requested_port,
                        backlog=4096,
                        limit=1024 * 1024,
                    )
                )
                self._updates_event = asyncio.Event()
                self._port = self._server.sockets[0].getsockname()[1]
                self._loop = loop
            except BaseException as exc:  # noqa: BLE001 - reported to start()
                failure.append(exc)
                loop.close()
                ready.set()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                try:
                    loop.run_until_complete(loop.shutdown_asyncgens())
                finally:
                    loop.close()

        self._thread = threading.Thread(target=run, name="FakeBotApi", daemon=True)
        self._thread.start()
        if not ready.wait(10) or failure:
            self._thread.join(1)
            self._thread = None
            raise RuntimeError("FakeBotApi failed to start") from (failure[0] if failure else None)
        log.debug("FakeBotApi listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Close every connection (pending long polls included) and stop the thread."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        try:
            future.result(10)
        except Exception:  # noqa: BLE001
            log.exception("FakeBotApi shutdown failed")
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._thread = None
        self._loop = None
        self._server = None

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        tasks = list(self._conn_tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._server.wait_closed()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> FakeBotApi:
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

    def __repr__(self) -> str:
        where = self.url if self._port and self._thread else "stopped"
        return f"<FakeBotApi {where} bot=@{self.bot_user['username']}>"

    @property
    def port(self) -> int:
        if self._port is None or self._thread is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, no trailing slash."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """Value for PTB's ``base_url``: ``{url}/bot``."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        """Value for PTB's ``base_file_url``: ``{url}/file/bot``."""
        return f"{self.url}/file/bot"

    def application_builder(self, token: str | None = None):  # -> telegram.ext.ApplicationBuilder
        """A PTB ``ApplicationBuilder`` pointed at this server (token defaults to the valid one)."""
        from telegram.ext import Application

        return (
            Application.builder()
            .token(token or self.token)
            .base_url(self.api_url)
            .base_file_url(self.file_url)
        )

    def make_bot(self, token: str | None = None):  # -> telegram.Bot
        """A PTB ``Bot`` pointed at this server (use ``async with bot:``)."""
        from telegram import Bot

        return Bot(token or self.token, base_url=self.api_url, base_file_url=self.file_url)

    def reset(self) -> None:
        """Forget everything recorded, queued or configured (ids keep counting up)."""
        with self._lock:
            self._reset_state()
            self._notify_locked()

    # ------------------------------------------------------------------------- HTTP layer

    async def _handle_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conn_tasks.add(task)
        try:
            while True:
                try:
                    request = await self._read_request(reader)
                except _HttpError as exc:
                    self._write(writer, _Response(exc.status, _dumps(
                        {"ok": False, "error_code": exc.status,
                         "description": http.HTTPStatus(exc.status).phrase})), False)
                    await writer.drain()
                    break
                if request is None:
                    break
                response = await self._dispatch(request)
                if response.drop:
                    raw = self._encode(response, request.keep_alive)
                    head_len = raw.index(b"\r\n\r\n") + 4
                    writer.write(raw[: head_len + len(response.body) // 2])
                    await writer.drain()
                    writer.transport.abort()
                    return
                self._write(writer, response, request.keep_alive)
                await writer.drain()
                if not request.keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        except Exception:  # noqa: BLE001
            log.exception("FakeBotApi connection handler crashed")
            self._internal_errors.append("connection handler crashed (see log)")
        finally:
            self._conn_tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> _Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial.strip():
                return None
            raise _HttpError(400) from None
        except asyncio.LimitOverrunError:
            raise _HttpError(431) from None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise _HttpError(400)
        http_method, target, version = parts
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = await self._read_chunked(reader)
        else:
            try:
                length = int(headers.get("content-length") or 0)
            except ValueError:
                raise _HttpError(400) from None
            if length > MAX_BODY_BYTES:
                raise _HttpError(413)
            body = await reader.readexactly(length) if length else b""
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        path, _, query = target.partition("?")
        return _Request(http_method.upper(), path, query, headers, body, keep_alive)

    @staticmethod
    async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_line = await reader.readuntil(b"\r\n")
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _HttpError(400) from None
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise _HttpError(413)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)

    @staticmethod
    def _encode(response: _Response, keep_alive: bool) -> bytes:
        try:
            reason = http.HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        head = (
            f"HTTP/1.1 {response.status} {reason}\r\n"
            f"Server: fake-telegram-bot-api\r\n"
            f"Content-Type: {response.content_type}\r\n"
            f"Content-Length: {len(response.body)}\r\n"
            f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
        )
        return head.encode("latin-1") + response.body

    def _write(self, writer: asyncio.StreamWriter, response: _Response, keep_alive: bool) -> None:
        writer.write(self._encode(response, keep_alive))

    def _parse_params(self, req: _Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        params: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        for key, value in urllib.parse.parse_qsl(req.query, keep_blank_values=True):
            params[key] = _coerce(key, value)
        content_type = req.headers.get("content-type", "")
        mime = content_type.split(";", 1)[0].strip().lower()
        if req.body:
            if mime == "application/json":
                try:
                    data = json.loads(req.body)
                except ValueError:
                    raise FakeApiError(400, "Bad Request: can't parse JSON object") from None
                if not isinstance(data, dict):
                    raise FakeApiError(400, "Bad Request: JSON object expected")
                params.update(data)
            elif mime == "application/x-www-form-urlencoded":
                text = req.body.decode("utf-8", errors="replace")
                for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
                    params[key] = _coerce(key, value)
            elif mime == "multipart/form-data":
                self._parse_multipart(req.body, content_type, params, files)
        for name, upload in files.items():
            params.setdefault(name, upload)
        return params, files

    @staticmethod
    def _parse_multipart(
        body: bytes, content_type: str, params: dict, files: dict[str, UploadedFile]
    ) -> None:
        m = re.search(r'boundary="?([^";]+)"?', content_type)
        if not m:
            raise FakeApiError(400, "Bad Request: multipart boundary missing")
        delimiter = b"--" + m.group(1).encode("latin-1")
        for part in body.split(delimiter)[1:]:
            if part.startswith(b"--"):
                break
            if part.startswith(b"\r\n"):
                part = part[2:]
            head, sep, data = part.partition(b"\r\n\r\n")
            if not sep:
                continue
            if data.endswith(b"\r\n"):
                data = data[:-2]
            headers: dict[str, str] = {}
            for line in head.decode("utf-8", errors="replace").split("\r\n"):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            disposition = headers.get("content-disposition", "")
            name_m = re.search(r'(?:^|;)\s*name="((?:[^"\\]|\\.)*)"', disposition)
            if not name_m:
                continue
            field_name = name_m.group(1)
            file_m = re.search(r'(?:^|;)\s*filename="((?:[^"\\]|\\.)*)"', disposition)
            if file_m is not None or "content-type" in headers:
                files[field_name] = UploadedFile(
                    field_name,
                    urllib.parse.unquote(file_m.group(1)) if file_m else None,
                    headers.get("content-type"),
                    data,
                )
            else:
                params[field_name] = _coerce(field_name, data.decode("utf-8", errors="replace"))

    async def _dispatch(self, req: _Request) -> _Response:
        path = urllib.parse.unquote(req.path)
        file_m = _FILE_PATH_RE.match(path)
        if file_m:
            return self._serve_file(file_m.group(1), file_m.group(2))
        m = _PATH_RE.match(path)
        if not m:
            return self._json_response(404, {"ok": False, "error_code": 404,
                                             "description": "Not Found"})
        token, raw_method = m.group(1), m.group(2) or ""
        parse_error: FakeApiError | None = None
        try:
            params, files = self._parse_params(req)
        except FakeApiError as exc:
            params, files, parse_error = {}, {}, exc
        method = self._canonical_method(raw_method)
        valid = token == self.token
        call = self._start_call(method, params, files, req.http_method, valid)
        if not valid:
            return self._finish(call, 401, FakeApiError(401, "Unauthorized").payload())
        if not raw_method:
            return self._finish(call, 404, FakeApiError(404, "Not Found").payload())
        if parse_error is not None:
            return self._finish(call, parse_error.error_code, parse_error.payload())

        fault = self._take_fault(method)
        if fault is not None:
            with self._lock:
                call.fault = fault.kind
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
            elif fault.kind == "fail":
                description = fault.description or _default_description(fault.status)
                return self._finish(call, fault.status,
                                    FakeApiError(fault.status, description).payload())
            elif fault.kind == "retry_after":
                seconds = fault.seconds
                shown = int(seconds) if float(seconds).is_integer() else seconds
                return self._finish(call, 429, FakeApiError(
                    429, f"Too Many Requests: retry after {shown}", {"retry_after": shown}
                ).payload())
            elif fault.kind == "malformed":
                return self._finish(call, 200, None,
                                    raw=b'{"ok":true,"result":<html>502 Bad Gateway</html>')
            elif fault.kind == "drop":
                status, payload = 200, {"ok": True, "result": True}
                if fault.processed:
                    status, payload = await self._execute(method, params, files, call)
                response = self._finish(call, status, payload)
                response.drop = True
                return response

        status, payload = await self._execute(method, params, files, call)
        return self._finish(call, status, payload)

    def _json_response(self, status: int, payload: dict) -> _Response:
        return _Response(status, _dumps(payload))

    def _serve_file(self, token: str, file_path: str) -> _Response:
        if token != self.token:
            return self._json_response(401, FakeApiError(401, "Unauthorized").payload())
        with self._lock:
            file_id = self._files_by_path.get(file_path)
            entry = self._files.get(file_id) if file_id else None
            if entry is None:
                return self._json_response(404, FakeApiError(404, "Not Found").payload())
            return _Response(200, entry["data"], "application/octet-stream")

    def _start_call(
        self, method: str, params: dict, files: dict, http_method: str, valid: bool
    ) -> ApiCall:
        with self._lock:
            call = ApiCall(len(self._calls), method, params, files, http_method, valid,
                           time.monotonic())
            self._calls.append(call)
            self._notify_locked()
            return call

    def _finish(
        self, call: ApiCall, status: int, payload: dict | None, raw: bytes | None = None
    ) -> _Response:
        with self._lock:
            if call.status is None:  # not already settled by _execute
                self._settle(call, status, payload)
        if raw is not None:
            return _Response(status, raw)
        return self._json_response(status, payload or {})

    def _settle(self, call: ApiCall, status: int, payload: dict | None) -> None:
        """Records a call's answer; call with the lock held."""
        call.status = status
        call.finished = time.monotonic()
        if payload is not None:
            if payload.get("ok"):
                call.result = payload.get("result")
            else:
                call.description = payload.get("description")
        self._notify_locked()

    async def _execute(self, method: str, params: dict, files: dict,
                       call: ApiCall | None = None) -> tuple[int, dict]:
        try:
            override = self._overrides.get(method)
            if override is not None:
                result = override(params) if callable(override) else _clone(override)
                if asyncio.iscoroutine(result):
                    result = await result
            elif method == "getUpdates":
                result = await self._get_updates(params)
            else:
                handler = _HANDLERS.get(method.lower())
                with self._lock:
                    result = self._fallback(method, params) if handler is None else handler(self, params, files)
                    if call is not None:  # in the same lock hold as the message it recorded: a
                        # waiter woken by the message never sees its call still in progress
                        self._settle(call, 200, {"ok": True, "result": result})
            return 200, {"ok": True, "result": result}
        except FakeApiError as exc:
            return exc.error_code, exc.payload()
        except Exception as exc:  # noqa: BLE001 - a bug in the fake: make it visible
            log.exception("FakeBotApi handler for %s crashed", method)
            with self._lock:
                self._internal_errors.append(f"{method}: {exc!r}")
            return 500, {"ok": False, "error_code": 500,
                         "description": f"Internal Server Error: fake Bot API bug: {exc!r}"}

    # -------------------------------------------------------------------- notifications

    def _notify_locked(self) -> None:
        """Wake sync and async waiters; call with the lock held."""
        self._cond.notify_all()
        for loop, event in list(self._async_waiters):
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # loop closed
                self._async_waiters.discard((loop, event))

    def _notify_updates(self) -> None:
        loop = self._loop
        if loop is None:
            return
        if threading.current_thread() is self._thread:
            self._wake_pollers()
        else:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake_pollers)

    def _wake_pollers(self) -> None:
        event = self._updates_event
        self._updates_event = asyncio.Event()
        if event is not None:
            event.set()

    # --------------------------------------------------------------------- fault injection

    def _canonical_method(self, name: str) -> str:
        if name == "*":
            return name
        return _CANONICAL.get(name.lower(), name)

    def _add_fault(self, method: str, fault: _Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._faults.setdefault(self._canonical_method(method), deque()).append(fault)

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            for key in (method, "*"):
                queue = self._faults.get(key)
                if queue:
                    fault = queue[0]
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        queue.popleft()
                    return fault
        return None

    def fail_next(
        self, method: str, status: int = 500, times: int = 1, description: str | None = None
    ) -> None:
        """The next ``times`` calls of ``method`` get an error ``status`` (not executed)."""
        self._add_fault(method, _Fault("fail", times, status=status, description=description))

    def retry_after_next(self, method: str, seconds: float = 1, times: int = 1) -> None:
        """The next calls get 429 with ``parameters.retry_after = seconds`` (not executed)."""
        self._add_fault(method, _Fault("retry_after", times, status=429, seconds=seconds))

    def malformed_next(self, method: str, times: int = 1) -> None:
        """The next calls get HTTP 200 with a body that is not valid JSON (not executed)."""
        self._add_fault(method, _Fault("malformed", times))

    def drop_next(self, method: str, times: int = 1, *, processed: bool = True) -> None:
        """The next calls have their connection cut halfway through the response body.

        With ``processed=True`` (default) the call is executed first, so e.g. the message *was*
        sent even though the bot sees a network error, as can happen with real Telegram.
        """
        self._add_fault(method, _Fault("drop", times, processed=processed))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next calls wait ``seconds`` before being executed and answered."""
        self._add_fault(method, _Fault("delay", times, seconds=seconds))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def block_chat(self, chat_id: int, description: str | None = None) -> None:
        """Every call aimed at ``chat_id`` gets 403 ("bot was blocked by the user" for users)."""
        chat_id = int(chat_id)
        if description is None:
            if chat_id > 0:
                description = "Forbidden: bot was blocked by the user"
            elif str(chat_id).startswith("-100"):
                description = "Forbidden: bot was kicked from the supergroup chat"
            else:
                description = "Forbidden: bot was kicked from the group chat"
        with self._lock:
            self._blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.pop(int(chat_id), None)

    def set_result(self, method: str, result: Any) -> None:
        """Answer ``method`` with ``result`` (a JSON value, or ``callable(params)`` returning one,
        possibly async, or raising :class:`FakeApiError`). ``None`` removes the override."""
        with self._lock:
            key = self._canonical_method(method)
            if result is None:
                self._overrides.pop(key, None)
            else:
                self._overrides[key] = result

    # --------------------------------------------------------------------- chats & users

    def set_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        is_premium: bool | None = None,
    ) -> dict:
        """Define how user ``user_id`` looks in updates (default: ``User<id>``, language en)."""
        user: dict[str, Any] = {
            "id": int(user_id),
            "is_bot": False,
            "first_name": first_name or f"User{user_id}",
        }
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        if is_premium:
            user["is_premium"] = True
        with self._lock:
            self._users[int(user_id)] = user
            chat = self._chats.get(int(user_id))
            if chat is not None:
                self._chats[int(user_id)] = self._private_chat(user)
            return _clone(user)

    def add_private_chat(self, user_id: int) -> dict:
        """Make the private chat with ``user_id`` known (as if the user had pressed Start)."""
        with self._lock:
            return _clone(self._chat_for_user(int(user_id), "private", None, None))

    def _user(self, user_id: int) -> dict:
        user = self._users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}",
                    "language_code": "en"}
            self._users[user_id] = user
        return user

    @staticmethod
    def _private_chat(user: dict) -> dict:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        return chat

    def _chat_for_user(
        self, user_id: int, chat_type: str, chat_id: int | None, title: str | None
    ) -> dict:
        if chat_type == "private":
            if chat_id is not None and int(chat_id) != user_id:
                raise ValueError("a private chat's id is the user's id")
            chat = self._private_chat(self._user(user_id))
            self._chats[user_id] = chat
            return chat
        if chat_type not in ("group", "supergroup"):
            raise ValueError(f"chat_type must be private, group or supergroup, not {chat_type!r}")
        self._user(user_id)
        if chat_id is None:
            chat_id = -abs(user_id) if chat_type == "group" else -(10**12 + abs(user_id))
        chat_id = int(chat_id)
        if chat_id >= 0:
            raise ValueError("group and supergroup chat ids are negative")
        chat = self._chats.get(chat_id)
        if chat is None or chat["type"] != chat_type or (title and chat.get("title") != title):
            chat = {"id": chat_id, "type": chat_type,
                    "title": title or f"Test {chat_type} {abs(chat_id)}"}
            self._chats[chat_id] = chat
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        value = self._msg_counters.get(chat_id, 0) + 1
        self._msg_counters[chat_id] = value
        return value

    # ------------------------------------------------------------------ updates (user side)

    def _push_update(self, kind: str, payload: dict) -> int:
        with self._lock:
            update_id = self._next_update_id
            self._next_update_id += 1
            update = {"update_id": update_id, kind: payload}
            self._updates.append(update)
            self._all_updates[update_id] = update
            self._notify_locked()
        self._notify_updates()
        return update_id

    def send_raw_update(self, payload: dict) -> int:
        """Queue an update given without ``update_id`` (e.g. ``{"my_chat_member": {...}}``)."""
        if "update_id" in payload or len(payload) != 1:
            raise ValueError("give exactly one update field and no update_id")
        (kind, body), = payload.items()
        return self._push_update(kind, _clone(body))

    def _user_message(
        self,
        user_id: int,
        chat_type: str,
        chat_id: int | None,
        content: dict,
        title: str | None = None,
        reply_to: int | None = None,
    ) -> dict:
        with self._lock:
            user = self._user(int(user_id))
            chat = self._chat_for_user(int(user_id), chat_type, chat_id, title)
            message = {
                "message_id": self._next_message_id(chat["id"]),
                "from": _clone(user),
                "chat": _clone(chat),
                "date": int(time.time()),
                **content,
            }
            if reply_to is not None:
                original = self._messages.get(chat["id"], {}).get(int(reply_to))
                if original is None:
                    raise ValueError(f"no message {reply_to} in chat {chat['id']} to reply to")
                message["reply_to_message"] = _without_reply(original)
            self._messages.setdefault(chat["id"], {})[message["message_id"]] = message
            return _clone(message)

    @staticmethod
    def _detect_entities(text: str) -> list[dict]:
        entities = []
        for regex, kind in ((_COMMAND_RE, "bot_command"), (_URL_RE, "url"),
                            (_MENTION_RE, "mention")):
            for m in regex.finditer(text):
                entities.append({"type": kind, "offset": utf16_len(text[: m.start()]),
                                 "length": utf16_len(m.group(0))})
        entities.sort(key=lambda e: e["offset"])
        return entities

    def send_text(
        self,
        user_id: int,
        text: str,
        chat_type: str = "private",
        chat_id: int | None = None,
        *,
        reply_to: int | None = None,
        title: str | None = None,
    ) -> int:
        """User ``user_id`` writes ``text`` (commands, URLs and @mentions get entities, as on
        Telegram). Group chats: ``chat_type="group"``/``"supergroup"`` with a negative
        ``chat_id`` (default ``-user_id`` / ``-(10**12 + user_id)``). Returns the update_id."""
        if not text:
            raise ValueError("Telegram users can't send an empty message")
        content: dict[str, Any] = {"text": text}
        entities = self._detect_entities(text)
        if entities:
            content["entities"] = entities
        message = self._user_message(user_id, chat_type, chat_id, content, title, reply_to)
        return self._push_update("message", message)

    def send_command(
        self,
        user_id: int,
        command: str,
        args: str | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
        *,
        mention_bot: bool = False,
    ) -> int:
        """User sends ``/command args`` (``mention_bot`` appends ``@<bot username>``)."""
        text = "/" + command.lstrip("/")
        if mention_bot:
            text += "@" + self.bot_user["username"]
        if args:
            text += " " + args
        return self.send_text(user_id, text, chat_type, chat_id)

    def edit_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> int:
        """User edits their earlier message: queues an ``edited_message`` update."""
        chat_key = int(chat_id if chat_id is not None else user_id)
        with self._lock:
            message = self._messages.get(chat_key, {}).get(int(message_id))
            if message is None or message.get("from", {}).get("id") != int(user_id):
                raise ValueError(f"user {user_id} has no message {message_id} in chat {chat_key}")
            message["text"] = text
            entities = self._detect_entities(text)
            if entities:
                message["entities"] = entities
            else:
                message.pop("entities", None)
            message["edit_date"] = max(int(time.time()), message["date"])
            edited = _clone(message)
        return self._push_update("edited_message", edited)

    def _new_file(self, kind: str, data: bytes, ext: str, **meta: Any) -> dict:
        with self._lock:
            n = self._next_file
            self._next_file += 1
            file_id = f"FAKE{kind.upper()}{n:06d}-{self.bot_user['id']}"
            unique = f"AQAD{n:08d}"
            path = f"{kind}s/file_{n}.{ext}"
            self._files[file_id] = {"file_id": file_id, "file_unique_id": unique,
                                    "file_size": len(data), "file_path": path, "data": data}
            self._files_by_path[path] = file_id
        return {"file_id": file_id, "file_unique_id": unique, "file_size": len(data), **meta}

    def _media_update(
        self, user_id: int, chat_type: str, chat_id: int | None, content: dict,
        caption: str | None = None,
    ) -> int:
        if caption:
            content["caption"] = caption
            entities = self._detect_entities(caption)
            if entities:
                content["caption_entities"] = entities
        message = self._user_message(user_id, chat_type, chat_id, content)
        return self._push_update("message", message)

    def send_sticker(
        self, user_id: int, emoji: str = "👍", chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        sticker = self._new_file("sticker", b"RIFF\x00\x00\x00\x00WEBPVP8 fake", "webp",
                                 width=512, height=512, emoji=emoji, is_animated=False,
                                 is_video=False, type="regular", set_name="FakeStickers")
        return self._media_update(user_id, chat_type, chat_id, {"sticker": sticker})

    def send_photo(
        self, user_id: int, caption: str | None = None, chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        sizes = [self._new_file("photo", b"\xff\xd8\xff\xe0fake-jpeg" * (w // 10), "jpg",
                                width=w, height=w * 3 // 4) for w in (90, 320, 800)]
        return self._media_update(user_id, chat_type, chat_id, {"photo": sizes}, caption)

    def send_voice(
        self, user_id: int, duration: int = 3, caption: str | None = None,
        chat_type: str = "private", chat_id: int | None = None,
    ) -> int:
        voice = self._new_file("voice", b"OggS\x00fake-opus" * 20, "oga", duration=duration,
                               mime_type="audio/ogg")
        return self._media_update(user_id, chat_type, chat_id, {"voice": voice}, caption)

    def send_video(
        self, user_id: int, duration: int = 5, caption: str | None = None,
        chat_type: str = "private", chat_id: int | None = None,
    ) -> int:
        video = self._new_file("video", b"\x00\x00\x00\x18ftypmp42fake" * 40, "mp4",
                               width=640, height=360, duration=duration, mime_type="video/mp4")
        return self._media_update(user_id, chat_type, chat_id, {"video": video}, caption)

    def send_document(
        self, user_id: int, file_name: str = "document.pdf",
        mime_type: str = "application/pdf", caption: str | None = None,
        content: bytes = b"%PDF-1.4 fake document\n", chat_type: str = "private",
        chat_id: int | None = None,
    ) -> int:
        ext = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        document = self._new_file("document", content, ext, file_name=file_name,
                                  mime_type=mime_type)
        return self._media_update(user_id, chat_type, chat_id, {"document": document}, caption)

    def send_location(
        self, user_id: int, latitude: float = 51.5074, longitude: float = -0.1278,
        chat_type: str = "private", chat_id: int | None = None,
    ) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self._media_update(user_id, chat_type, chat_id, {"location": location})

    def press_button(
        self,
        user_id: int,
        message_id: int | None,
        callback_data: str,
        *,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> int:
        """User presses the inline button with ``callback_data`` under bot message
        ``message_id`` (None: the latest bot message in the chat offering that data).

        With ``strict`` the button must be on the message's current keyboard, else
        AssertionError. Queues a ``callback_query`` update; returns its update_id."""
        chat_key = int(chat_id if chat_id is not None else user_id)
        with self._lock:
            if message_id is None:
                message = self._latest_bot_message(
                    chat_key, lambda m: callback_data in _callback_datas(m.get("reply_markup"))
                )
                if message is None:
                    raise AssertionError(
                        f"no bot message in chat {chat_key} has a button with callback_data "
                        f"{callback_data!r}"
                    )
            else:
                message = self._messages.get(chat_key, {}).get(int(message_id))
            if message is None or message["from"]["id"] != self.bot_user["id"]:
                raise ValueError(f"no bot message {message_id} in chat {chat_key}")
            datas = _callback_datas(message.get("reply_markup"))
            if strict and callback_data not in datas:
                raise AssertionError(
                    f"message {message['message_id']} in chat {chat_key} has no button with "
                    f"callback_data {callback_data!r}; its buttons: "
                    f"{_flatten_buttons(message.get('reply_markup'))}"
                )
            query_id = str(4_000_000_000_000_000_000 + self._next_query)
            self._next_query += 1
            self._callback_queries[query_id] = {
                "user_id": int(user_id), "chat_id": chat_key,
                "message_id": message["message_id"], "data": callback_data, "answered": False,
                "answer": None,
            }
            query = {
                "id": query_id,
                "from": _clone(self._user(int(user_id))),
                "message": _clone(message),
                "chat_instance": str(-(abs(chat_key * 2654435761) % 9_000_000_000_000_000_000)),
                "data": callback_data,
            }
        return self._push_update("callback_query", query)

    def press_button_by_text(
        self, user_id: int, message_id: int | None, text: str, *, chat_id: int | None = None
    ) -> int:
        """Like :meth:`press_button`, finding the callback button by its label."""
        chat_key = int(chat_id if chat_id is not None else user_id)
        with self._lock:
            def has(m: dict) -> bool:
                return any(b.get("text") == text and "callback_data" in b
                           for b in _flatten_buttons(m.get("reply_markup")))

            if message_id is None:
                message = self._latest_bot_message(chat_key, has)
            else:
                message = self._messages.get(chat_key, {}).get(int(message_id))
            if message is None or not has(message):
                labels = [b.get("text") for b in
                          _flatten_buttons((message or {}).get("reply_markup"))]
                raise AssertionError(
                    f"no callback button labelled {text!r} in chat {chat_key} "
                    f"(message {message_id}); labels there: {labels}"
                )
            data = next(b["callback_data"] for b in _flatten_buttons(message["reply_markup"])
                        if b.get("text") == text and "callback_data" in b)
            mid = message["message_id"]
        return self.press_button(user_id, mid, data, chat_id=chat_key)

    def _latest_bot_message(self, chat_id: int, predicate: Callable[[dict], bool]) -> dict | None:
        messages = self._messages.get(chat_id, {})
        for mid in sorted(messages, reverse=True):
            message = messages[mid]
            if message["from"]["id"] == self.bot_user["id"] and predicate(message):
                return message
        return None

    def update(self, update_id: int) -> dict:
        """The JSON of a queued update (e.g. to post it to a webhook)."""
        with self._lock:
            return _clone(self._all_updates[update_id])

    def pending_update_count(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return len(self._updates)

    # --------------------------------------------------------------------------- readers

    def mark(self) -> None:
        """From now on, "since mark" means after this moment (messages and calls)."""
        with self._lock:
            self._mark_sent = len(self._sent)
            self._mark_calls = len(self._calls)

    def sent_messages(
        self, chat_id: int | None = None, *, since_mark: bool = False
    ) -> list[SentMessage]:
        """Messages the bot sent, oldest first (optionally to one chat / since mark)."""
        with self._lock:
            records = self._sent[self._mark_sent:] if since_mark else self._sent
            if chat_id is None:
                return list(records)
            return [r for r in records if r.chat_id == int(chat_id)]

    def last_message(self, chat_id: int) -> SentMessage | None:
        messages = self.sent_messages(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message_id: int) -> dict | None:
        """Current state (after edits) of any message in a chat, bot's or user's."""
        with self._lock:
            found = self._messages.get(int(chat_id), {}).get(int(message_id))
            return _clone(found)

    def last_keyboard(self, chat_id: int) -> dict | None:
        """The current reply_markup of the latest bot message in the chat that has one
        (edits taken into account; reply keyboards included)."""
        with self._lock:
            for record in reversed(self._sent):
                if record.chat_id != int(chat_id):
                    continue
                current = self._messages.get(record.chat_id, {}).get(record.message_id)
                markup = current.get("reply_markup") if current is not None else None
                if markup is None and current is not None and record.reply_markup and \
                        "inline_keyboard" not in record.reply_markup:
                    markup = record.reply_markup  # reply keyboards aren't part of the Message
                if markup:
                    return _clone(markup)
            return None

    def calls(self, method: str | None = None, *, since_mark: bool = False) -> list[ApiCall]:
        """Every request recorded (including failed and in-progress ones), oldest first."""
        with self._lock:
            records = self._calls[self._mark_calls:] if since_mark else self._calls
            if method is None:
                return list(records)
            canonical = self._canonical_method(method)
            return [c for c in records if c.method == canonical]

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """Commands set with setMyCommands for that scope/language."""
        with self._lock:
            return _clone(self._commands.get(_commands_key(scope, language_code), []))

    @property
    def webhook(self) -> dict | None:
        """The current setWebhook parameters, or None."""
        with self._lock:
            return _clone(self._webhook)

    def callback_answer(self, update_id: int) -> dict | None:
        """answerCallbackQuery parameters for the callback_query update, or None."""
        with self._lock:
            query_id = self._all_updates[update_id]["callback_query"]["id"]
            return _clone(self._callback_queries[query_id]["answer"])

    @property
    def internal_errors(self) -> list[str]:
        """Crashes of the fake itself (should stay empty)."""
        with self._lock:
            return list(self._internal_errors)

    # --------------------------------------------------------------------------- waiting

    def _assert_sync_context(self, name: str) -> None:
        if threading.current_thread() is self._thread:
            raise RuntimeError(f"{name} can't be called from the FakeBotApi thread")
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        raise RuntimeError(
            f"{name} blocks; this thread runs an asyncio loop (the bot could not answer). "
            f"Use `await api.{name}_async(...)`."
        )

    def _wait(self, check: Callable[[], Any], describe: Callable[[], str], timeout: float,
              name: str) -> Any:
        self._assert_sync_context(name)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = check()
                if value is not None:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(describe())
                self._cond.wait(remaining)

    async def _wait_async(self, check: Callable[[], Any], describe: Callable[[], str],
                          timeout: float) -> Any:
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        entry = (loop, event)
        deadline = loop.time() + timeout
        with self._lock:
            self._async_waiters.add(entry)
        try:
            while True:
                event.clear()
                with self._lock:
                    value = check()
                if value is not None:
                    return value
                remaining = deadline - loop.time()
                if remaining <= 0:
                    with self._lock:
                        raise AssertionError(describe())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            with self._lock:
                self._async_waiters.discard(entry)

    def _messages_check(self, chat_id: int, count: int) -> Callable[[], list | None]:
        def check() -> list[SentMessage] | None:
            got = [r for r in self._sent[self._mark_sent:] if r.chat_id == chat_id]
            return got if len(got) >= count else None
        return check

    def _messages_describe(self, chat_id: int, count: int, timeout: float) -> Callable[[], str]:
        def describe() -> str:
            since = self._sent[self._mark_sent:]
            got = [r for r in since if r.chat_id == chat_id]
            lines = [f"expected {count} message(s) to chat {chat_id} since mark(), "
                     f"got {len(got)} within {timeout}s"]
            lines += [f"  #{r.message_id} {r.method}: {_short(r.plain_text)}"
                      for r in got]
            others = sorted({r.chat_id for r in since if r.chat_id != chat_id})
            if others:
                lines.append(f"messages since mark went to other chats too: {others}")
            lines += self._describe_errors()
            return "\n".join(lines)
        return describe

    def _describe_errors(self) -> list[str]:
        lines = []
        failed = [c for c in self._calls[self._mark_calls:]
                  if c.status is not None and not c.ok][-10:]
        if failed:
            lines.append("failed API calls since mark:")
            lines += [f"  {c.method} -> {c.status} {c.fault or ''} {c.description or ''}"
                      for c in failed]
        if self._internal_errors:
            lines.append(f"fake Bot API internal errors: {self._internal_errors}")
        return lines

    def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = WAIT_SECONDS
    ) -> list[SentMessage]:
        """Block until the bot has sent at least ``count`` messages to ``chat_id`` since
        :meth:`mark`; returns all of them. AssertionError (listing what came) on timeout."""
        chat_id = int(chat_id)
        return self._wait(self._messages_check(chat_id, count),
                          self._messages_describe(chat_id, count, timeout), timeout,
                          "wait_for_messages")

    async def wait_for_messages_async(
        self, chat_id: int, count: int = 1, timeout: float = WAIT_SECONDS
    ) -> list[SentMessage]:
        """Awaitable :meth:`wait_for_messages` for code running in an event loop."""
        chat_id = int(chat_id)
        return await self._wait_async(self._messages_check(chat_id, count),
                                      self._messages_describe(chat_id, count, timeout), timeout)

    def _calls_check(self, method: str, count: int, started: bool) -> Callable[[], list | None]:
        canonical = self._canonical_method(method)

        def check() -> list[ApiCall] | None:
            got = [c for c in self._calls[self._mark_calls:]
                   if (started or c.done) and (canonical == "*" or c.method == canonical)]
            return got if len(got) >= count else None
        return check

    def _calls_describe(self, method: str, count: int, timeout: float,
                        started: bool) -> Callable[[], str]:
        def describe() -> str:
            since = [c for c in self._calls[self._mark_calls:] if started or c.done]
            canonical = self._canonical_method(method)
            same = [c for c in since if canonical == "*" or c.method == canonical]
            what = "started" if started else "completed"
            lines = [f"expected {count} {what} {method} call(s) since mark(), "
                     f"got {len(same)} within {timeout}s",
                     f"calls since mark: {[c.method for c in since][-30:]}"]
            lines += self._describe_errors()
            return "\n".join(lines)
        return describe

    def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = WAIT_SECONDS, *, started: bool = False
    ) -> list[ApiCall]:
        """Block until ``count`` calls of ``method`` (``"*"``: any) completed since mark
        (``started=True``: arrived, e.g. long polls still waiting); returns them."""
        return self._wait(self._calls_check(method, count, started),
                          self._calls_describe(method, count, timeout, started), timeout,
                          "wait_for_calls")

    async def wait_for_calls_async(
        self, method: str, count: int = 1, timeout: float = WAIT_SECONDS, *, started: bool = False
    ) -> list[ApiCall]:
        """Awaitable :meth:`wait_for_calls`."""
        return await self._wait_async(self._calls_check(method, count, started),
                                      self._calls_describe(method, count, timeout, started),
                                      timeout)

    def wait_until(self, condition: Callable[[], Any], what: str, timeout: float = WAIT_SECONDS) -> Any:
        """Block until ``condition()`` is truthy; returns its value. Checked again on every call or
        message the fake records (and every 10 ms, for conditions on the bot's own state), so a
        test waits for the thing it asserts rather than for a count that may still be arriving.
        AssertionError naming ``what`` on timeout."""
        self._assert_sync_context("wait_until")
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (value := condition()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
                self._cond.wait(min(remaining, 0.01))
            return value

    # --------------------------------------------------------------------------- webhooks

    @staticmethod
    def _webhook_request(update: dict, secret_token: str | None) -> tuple[bytes, dict]:
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        return _dumps(update), headers

    def _resolve_update(self, update: dict | int) -> dict:
        if isinstance(update, int):
            return self.update(update)
        return update

    def post_update_to(
        self, url: str, update: dict | int, secret_token: str | None = None,
        timeout: float = 10.0,
    ) -> int:
        """POST an update (dict, or the update_id of a queued one) to a bot's webhook, like
        Telegram does; returns the HTTP status. Blocking: from async code use
        :meth:`post_update_to_async` when the webhook server runs in your loop."""
        body, headers = self._webhook_request(self._resolve_update(update), secret_token)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    async def post_update_to_async(
        self, url: str, update: dict | int, secret_token: str | None = None,
        timeout: float = 10.0,
    ) -> int:
        import httpx

        body, headers = self._webhook_request(self._resolve_update(update), secret_token)
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.post(url, content=body, headers=headers)
            return response.status_code

    # =========================================================================== Bot API

    async def _get_updates(self, p: dict) -> list[dict]:
        with self._lock:
            if self._webhook is not None:
                raise FakeApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                        "active; use deleteWebhook to delete the webhook first")
            offset = _as_int(p.get("offset") or 0, "offset")
            limit = min(max(_as_int(p.get("limit") or 100, "limit"), 1), 100)
            timeout = float(p.get("timeout") or 0)
            allowed = _as_json_object(p.get("allowed_updates"), "allowed_updates")
            if isinstance(allowed, list):
                self._allowed_updates = list(allowed) or None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0.0)
        while True:
            event = self._updates_event
            with self._lock:
                result = self._collect_updates(offset, limit)
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0 or event is None:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _collect_updates(self, offset: int, limit: int) -> list[dict]:
        if offset < 0:
            self._updates = self._updates[offset:]
        elif offset > 0 and self._updates and self._updates[0]["update_id"] < offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        allowed = self._allowed_updates
        result = []
        for update in self._updates:
            kind = next(k for k in update if k != "update_id")
            if (kind in allowed) if allowed else (kind not in _OPT_IN_UPDATES):
                result.append(_clone(update))
                if len(result) >= limit:
                    break
        return result

    # -- helpers used by handlers (lock held)

    def _resolve_chat(self, p: dict, key: str = "chat_id", *, check_blocked: bool = True) -> dict:
        raw = p.get(key)
        if raw is None or raw == "":
            raise FakeApiError(400, f"Bad Request: {key} is empty")
        if isinstance(raw, str) and raw.strip().startswith("@"):
            name = raw.strip()[1:].lower()
            for chat in self._chats.values():
                if chat.get("username", "").lower() == name:
                    return chat
            raise FakeApiError(400, "Bad Request: chat not found")
        try:
            chat_id = _as_int(raw, key)
        except FakeApiError:
            raise FakeApiError(400, "Bad Request: chat not found") from None
        if check_blocked and chat_id in self._blocked:
            raise FakeApiError(403, self._blocked[chat_id])
        chat = self._chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise FakeApiError(400, "Bad Request: chat not found")
            if chat_id > 0:
                chat = self._private_chat(self._user(chat_id))
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                chat = {"id": chat_id, "type": kind, "title": f"Test {kind} {abs(chat_id)}"}
            self._chats[chat_id] = chat
        return chat

    def _prepare_text(self, p: dict, *, caption: bool = False) -> tuple[str | None, list[dict]]:
        key = "caption" if caption else "text"
        raw = p.get(key)
        if raw is None or raw == "":
            if caption:
                return None, []
            raise FakeApiError(400, "Bad Request: message text is empty")
        raw = raw if isinstance(raw, str) else json.dumps(raw)
        parse_mode = p.get("parse_mode") or None
        try:
            plain, entities = parse_text(raw, parse_mode)
        except EntityParseError as exc:
            raise FakeApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        except ValueError:
            raise FakeApiError(400, "Bad Request: unsupported parse_mode") from None
        explicit = p.get("caption_entities" if caption else "entities")
        if explicit is not None and not parse_mode:
            explicit = _as_json_object(explicit, "entities")
            if not isinstance(explicit, list):
                raise FakeApiError(400, "Bad Request: can't parse entities JSON object")
            entities = explicit
        plain, entities = strip_text(plain, entities)
        if not plain:
            if caption:
                return None, []
            raise FakeApiError(400, "Bad Request: message text is empty")
        if caption and len(plain) > MAX_CAPTION_LENGTH:
            raise FakeApiError(400, "Bad Request: message caption is too long")
        if not caption and len(plain) > MAX_TEXT_LENGTH:
            raise FakeApiError(400, "Bad Request: message is too long")
        return plain, entities

    def _prepare_markup(self, p: dict) -> dict | None:
        raw = p.get("reply_markup")
        if raw is None or raw == "":
            return None
        markup = _as_json_object(raw, "reply keyboard markup")
        bad = FakeApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if not isinstance(markup, dict):
            raise bad
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad
            for row in rows:
                for button in row:
                    _validate_inline_button(button)
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad
            for row in rows:
                for button in row:
                    text = button if isinstance(button, str) else (
                        button.get("text") if isinstance(button, dict) else None)
                    if not isinstance(text, str) or not text:
                        raise FakeApiError(400, "Bad Request: keyboard button text is empty")
        elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
            raise bad
        return markup

    def _get_message(self, chat: dict, p: dict, missing: str) -> dict:
        message_id = _as_int(p.get("message_id"), "message_id")
        message = self._messages.get(chat["id"], {}).get(message_id)
        if message is None:
            raise FakeApiError(400, f"Bad Request: {missing}")
        return message

    def _bot_message(
        self, method: str, chat: dict, p: dict, content: dict, markup: dict | None,
        raw_text: str | None, media_group_id: str | None = None,
    ) -> dict:
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]),
            "from": _clone(self.bot_user),
            "chat": _clone(chat),
            "date": int(time.time()),
        }
        if media_group_id:
            message["media_group_id"] = media_group_id
        reply = p.get("reply_parameters")
        reply = _as_json_object(reply, "reply parameters") if reply else None
        if not reply and p.get("reply_to_message_id"):
            reply = {"message_id": p["reply_to_message_id"],
                     "allow_sending_without_reply": p.get("allow_sending_without_reply")}
        if isinstance(reply, dict) and reply.get("message_id"):
            original = self._messages.get(chat["id"], {}).get(
                _as_int(reply["message_id"], "message_id"))
            if original is not None:
                message["reply_to_message"] = _without_reply(original)
            elif not _truthy(reply.get("allow_sending_without_reply")):
                raise FakeApiError(400, "Bad Request: message to be replied not found")
        message.update(content)
        if markup and markup.get("inline_keyboard"):
            message["reply_markup"] = _clone(markup)
        self._messages.setdefault(chat["id"], {})[message["message_id"]] = message
        self._sent.append(SentMessage(
            seq=len(self._sent), method=method, chat_id=chat["id"],
            message_id=message["message_id"], text=raw_text,
            parse_mode=p.get("parse_mode") or None, reply_markup=_clone(markup),
            date=message["date"], message=_clone(message), params=dict(p),
        ))
        self._notify_locked()
        return _clone(message)

    def _media_file(self, p: dict, files: dict, key: str, kind: str, ext: str,
                    **meta: Any) -> dict:
        value = p.get(key)
        if value is None or value == "":
            raise FakeApiError(400, f"Bad Request: there is no {key} in the request")
        if isinstance(value, str) and value.startswith("attach://"):
            value = files.get(value[len("attach://"):])
            if value is None:
                raise FakeApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if isinstance(value, UploadedFile):
            if value.filename and "file_name" in meta:
                meta["file_name"] = value.filename
            if value.content_type and "mime_type" in meta:
                meta["mime_type"] = value.content_type
            return self._new_file(kind, value.data, ext, **meta)
        if isinstance(value, str):
            known = self._files.get(value)
            if known is not None:
                return {"file_id": known["file_id"], "file_unique_id": known["file_unique_id"],
                        "file_size": known["file_size"], **meta}
            if value.startswith(("http://", "https://")):
                return self._new_file(kind, b"downloaded:" + value.encode(), ext, **meta)
        raise FakeApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _media_content(self, method: str, p: dict, files: dict) -> dict:
        if method == "sendPhoto":
            return {"photo": [self._media_file(p, files, "photo", "photo", "jpg",
                                               width=800, height=600)]}
        if method == "sendDocument":
            return {"document": self._media_file(p, files, "document", "document", "bin",
                                                 file_name="document",
                                                 mime_type="application/octet-stream")}
        if method == "sendAudio":
            return {"audio": self._media_file(p, files, "audio", "audio", "mp3", duration=60,
                                              mime_type="audio/mpeg")}
        if method == "sendVoice":
            return {"voice": self._media_file(p, files, "voice", "voice", "oga", duration=3,
                                              mime_type="audio/ogg")}
        if method == "sendVideo":
            return {"video": self._media_file(p, files, "video", "video", "mp4", width=640,
                                              height=360, duration=5)}
        if method == "sendAnimation":
            anim = self._media_file(p, files, "animation", "animation", "mp4", width=320,
                                    height=240, duration=2)
            return {"animation": anim, "document": dict(anim)}
        if method == "sendSticker":
            return {"sticker": self._media_file(p, files, "sticker", "sticker", "webp",
                                                width=512, height=512, is_animated=False,
                                                is_video=False, type="regular")}
        if method == "sendVideoNote":
            return {"video_note": self._media_file(p, files, "video_note", "video_note", "mp4",
                                                   length=240, duration=5)}
        if method == "sendLocation":
            return {"location": {"latitude": float(p.get("latitude", 0)),
                                 "longitude": float(p.get("longitude", 0))}}
        if method == "sendVenue":
            location = {"latitude": float(p.get("latitude", 0)),
                        "longitude": float(p.get("longitude", 0))}
            venue = {"location": location, "title": str(p.get("title", "")),
                     "address": str(p.get("address", ""))}
            return {"location": location, "venue": venue}
        if method == "sendContact":
            return {"contact": {"phone_number": str(p.get("phone_number", "")),
                                "first_name": str(p.get("first_name", ""))}}
        if method == "sendDice":
            emoji = p.get("emoji") or "🎲"
            return {"dice": {"emoji": emoji, "value": 1 + (self._next_file % 6)}}
        raise AssertionError(method)

    def _send_media(self, method: str, p: dict, files: dict) -> dict:
        chat = self._resolve_chat(p)
        content = self._media_content(method, p, files)
        caption, entities = self._prepare_text(p, caption=True)
        if caption is not None:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        markup = self._prepare_markup(p)
        return self._bot_message(method, chat, p, content, markup, p.get("caption"))

    def _fallback(self, method: str, p: dict) -> Any:
        raw = p.get("chat_id")
        if raw is not None:
            try:
                chat_id = _as_int(raw, "chat_id")
            except FakeApiError:
                chat_id = None
            if chat_id is not None and chat_id in self._blocked:
                raise FakeApiError(403, self._blocked[chat_id])
        return True

    # -- methods (name after "_api_" is the Bot API method; called with the lock held)

    def _api_getMe(self, p: dict, files: dict) -> dict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    def _api_logOut(self, p: dict, files: dict) -> bool:
        return True

    def _api_close(self, p: dict, files: dict) -> bool:
        return True

    def _api_sendMessage(self, p: dict, files: dict) -> dict:
        chat = self._resolve_chat(p)
        text, entities = self._prepare_text(p)
        markup = self._prepare_markup(p)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        preview = p.get("link_preview_options")
        if preview:
            content["link_preview_options"] = _as_json_object(preview, "link preview options")
        return self._bot_message("sendMessage", chat, p, content, markup, p.get("text"))

    def _api_sendPhoto(self, p: dict, files: dict) -> dict:
        return self._send_media("sendPhoto", p, files)

    def _api_sendDocument(self, p: dict, files: dict) -> dict:
        return self._send_media("sendDocument", p, files)

    def _api_sendAudio(self, p: dict, files: dict) -> dict:
        return self._send_media("sendAudio", p, files)

    def _api_sendVoice(self, p: dict, files: dict) -> dict:
        return self._send_media("sendVoice", p, files)

    def _api_sendVideo(self, p: dict, files: dict) -> dict:
        return self._send_media("sendVideo", p, files)

    def _api_sendAnimation(self, p: dict, files: dict) -> dict:
        return self._send_media("sendAnimation", p, files)

    def _api_sendSticker(self, p: dict, files: dict) -> dict:
        return self._send_media("sendSticker", p, files)

    def _api_sendVideoNote(self, p: dict, files: dict) -> dict:
        return self._send_media("sendVideoNote", p, files)

    def _api_sendLocation(self, p: dict, files: dict) -> dict:
        return self._send_media("sendLocation", p, files)

    def _api_sendVenue(self, p: dict, files: dict) -> dict:
        return self._send_media("sendVenue", p, files)

    def _api_sendContact(self, p: dict, files: dict) -> dict:
        return self._send_media("sendContact", p, files)

    def _api_sendDice(self, p: dict, files: dict) -> dict:
        return self._send_media("sendDice", p, files)

    def _api_sendMediaGroup(self, p: dict, files: dict) -> list[dict]:
        chat = self._resolve_chat(p)
        media = _as_json_object(p.get("media"), "media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise FakeApiError(400, "Bad Request: wrong number of media in the album")
        group_id = str(10**17 + self._next_file)
        out = []
        for item in media:
            kind = item.get("type", "photo")
            method = {"photo": "sendPhoto", "video": "sendVideo", "document": "sendDocument",
                      "audio": "sendAudio"}.get(kind)
            if method is None:
                raise FakeApiError(400, "Bad Request: invalid media type")
            sub = {kind: item.get("media"), "caption": item.get("caption"),
                   "parse_mode": item.get("parse_mode")}
            content = self._media_content(method, sub, files)
            caption, entities = self._prepare_text(sub, caption=True)
            if caption is not None:
                content["caption"] = caption
                if entities:
                    content["caption_entities"] = entities
            out.append(self._bot_message("sendMediaGroup", chat, {**p, **sub}, content, None,
                                         item.get("caption"), media_group_id=group_id))
        return out

    def _api_copyMessage(self, p: dict, files: dict) -> dict:
        chat = self._resolve_chat(p)
        source_chat = self._resolve_chat(p, "from_chat_id", check_blocked=False)
        source = self._get_message(source_chat, p, "message to copy not found")
        content = {k: _clone(v) for k, v in source.items()
                   if k in ("text", "entities", "caption", "caption_entities", "photo",
                            "document", "voice", "video", "sticker", "location", "audio")}
        message = self._bot_message("copyMessage", chat, p, content, self._prepare_markup(p),
                                    source.get("text", source.get("caption")))
        return {"message_id": message["message_id"]}

    def _api_forwardMessage(self, p: dict, files: dict) -> dict:
        chat = self._resolve_chat(p)
        source_chat = self._resolve_chat(p, "from_chat_id", check_blocked=False)
        source = self._get_message(source_chat, p, "message to forward not found")
        content = {k: _clone(v) for k, v in source.items()
                   if k not in ("message_id", "from", "chat", "date", "reply_to_message",
                                "reply_markup", "edit_date")}
        content["forward_origin"] = {"type": "user", "date": source["date"],
                                     "sender_user": _clone(source["from"])}
        return self._bot_message("forwardMessage", chat, p, content, None,
                                 source.get("text", source.get("caption")))

    def _api_editMessageText(self, p: dict, files: dict) -> dict | bool:
        if p.get("inline_message_id"):
            self._prepare_text(p)
            self._prepare_markup(p)
            return True
        chat = self._resolve_chat(p)
        message = self._get_message(chat, p, "message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise FakeApiError(400, "Bad Request: message can't be edited")
        if "text" not in message:
            raise FakeApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = self._prepare_text(p)
        markup = self._prepare_markup(p)
        new_markup = markup if markup and markup.get("inline_keyboard") else None
        if (text == message["text"] and entities == message.get("entities", [])
                and new_markup == message.get("reply_markup")):
            raise FakeApiError(400, _NOT_MODIFIED)
        message["text"] = text
        _set_or_pop(message, "entities", entities or None)
        _set_or_pop(message, "reply_markup", _clone(new_markup))
        message["edit_date"] = max(int(time.time()), message["date"])
        self._notify_locked()
        return _clone(message)

    def _api_editMessageCaption(self, p: dict, files: dict) -> dict | bool:
        if p.get("inline_message_id"):
            return True
        chat = self._resolve_chat(p)
        message = self._get_message(chat, p, "message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise FakeApiError(400, "Bad Request: message can't be edited")
        if "text" in message:
            raise FakeApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, entities = self._prepare_text(p, caption=True)
        markup = self._prepare_markup(p)
        new_markup = markup if markup and markup.get("inline_keyboard") else None
        if (caption == message.get("caption") and entities == message.get("caption_entities", [])
                and new_markup == message.get("reply_markup")):
            raise FakeApiError(400, _NOT_MODIFIED)
        _set_or_pop(message, "caption", caption)
        _set_or_pop(message, "caption_entities", entities or None)
        _set_or_pop(message, "reply_markup", _clone(new_markup))
        message["edit_date"] = max(int(time.time()), message["date"])
        self._notify_locked()
        return _clone(message)

    def _api_editMessageReplyMarkup(self, p: dict, files: dict) -> dict | bool:
        if p.get("inline_message_id"):
            self._prepare_markup(p)
            return True
        chat = self._resolve_chat(p)
        message = self._get_message(chat, p, "message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise FakeApiError(400, "Bad Request: message can't be edited")
        markup = self._prepare_markup(p)
        new_markup = markup if markup and markup.get("inline_keyboard") else None
        if new_markup == message.get("reply_markup"):
            raise FakeApiError(400, _NOT_MODIFIED)
        _set_or_pop(message, "reply_markup", _clone(new_markup))
        message["edit_date"] = max(int(time.time()), message["date"])
        self._notify_locked()
        return _clone(message)

    def _api_deleteMessage(self, p: dict, files: dict) -> bool:
        chat = self._resolve_chat(p)
        message_id = _as_int(p.get("message_id"), "message_id")
        if self._messages.get(chat["id"], {}).pop(message_id, None) is None:
            raise FakeApiError(400, "Bad Request: message to delete not found")
        return True

    def _api_deleteMessages(self, p: dict, files: dict) -> bool:
        chat = self._resolve_chat(p)
        ids = _as_json_object(p.get("message_ids"), "message_ids")
        if not isinstance(ids, list) or not ids:
            raise FakeApiError(400, "Bad Request: message identifiers are not specified")
        for message_id in ids:
            self._messages.get(chat["id"], {}).pop(_as_int(message_id, "message_id"), None)
        return True

    def _api_answerCallbackQuery(self, p: dict, files: dict) -> bool:
        query = self._callback_queries.get(str(p.get("callback_query_id") or ""))
        if query is None or query["answered"]:
            raise FakeApiError(400, "Bad Request: query is too old and response timeout "
                                    "expired or query ID is invalid")
        text = p.get("text")
        if text is not None and len(str(text)) > 200:
            raise FakeApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query["answered"] = True
        query["answer"] = {k: p[k] for k in ("text", "show_alert", "url", "cache_time")
                           if k in p}
        return True

    def _api_sendChatAction(self, p: dict, files: dict) -> bool:
        self._resolve_chat(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise FakeApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _api_getChat(self, p: dict, files: dict) -> dict:
        chat = self._resolve_chat(p, check_blocked=False)
        return {**_clone(chat), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    def _api_getFile(self, p: dict, files: dict) -> dict:
        entry = self._files.get(str(p.get("file_id") or ""))
        if entry is None:
            raise FakeApiError(400, "Bad Request: invalid file_id")
        return {k: entry[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    def _api_setMyCommands(self, p: dict, files: dict) -> bool:
        commands = _as_json_object(p.get("commands"), "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise FakeApiError(400, "Bad Request: can't parse commands JSON object")
        clean = []
        for command in commands:
            if not isinstance(command, dict):
                raise FakeApiError(400, "Bad Request: can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not _COMMAND_NAME_RE.match(name):
                raise FakeApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise FakeApiError(400, "Bad Request: command description must be non-empty")
            clean.append({"command": name, "description": description})
        key = _commands_key(_as_json_object(p.get("scope"), "scope"), p.get("language_code"))
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    def _api_getMyCommands(self, p: dict, files: dict) -> list[dict]:
        key = _commands_key(_as_json_object(p.get("scope"), "scope"), p.get("language_code"))
        return _clone(self._commands.get(key, []))

    def _api_deleteMyCommands(self, p: dict, files: dict) -> bool:
        key = _commands_key(_as_json_object(p.get("scope"), "scope"), p.get("language_code"))
        self._commands.pop(key, None)
        return True

    def _api_setWebhook(self, p: dict, files: dict) -> bool:
        url = p.get("url")
        url = "" if url is None else str(url)
        if url and not re.match(r"^https?://[^/\s]+", url):
            raise FakeApiError(400, "Bad Request: bad webhook: Failed to resolve host")
        secret = p.get("secret_token")
        if secret is not None and secret != "" and not _SECRET_TOKEN_RE.match(str(secret)):
            raise FakeApiError(400, "Bad Request: secret token contains unallowed characters")
        if _truthy(p.get("drop_pending_updates")):
            self._updates.clear()
        if not url:
            self._webhook = None
            return True
        allowed = _as_json_object(p.get("allowed_updates"), "allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = list(allowed) or None
        self._webhook = {"url": url, "secret_token": secret or None,
                         "max_connections": _as_int(p.get("max_connections") or 40,
                                                    "max_connections"),
                         "allowed_updates": allowed if isinstance(allowed, list) else None,
                         "ip_address": p.get("ip_address")}
        return True

    def _api_deleteWebhook(self, p: dict, files: dict) -> bool:
        if _truthy(p.get("drop_pending_updates")):
            self._updates.clear()
        self._webhook = None
        return True

    def _api_getWebhookInfo(self, p: dict, files: dict) -> dict:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                                "pending_update_count": len(self._updates)}
        if self._webhook:
            info["url"] = self._webhook["url"]
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self._webhook["allowed_updates"]
            if self._webhook["ip_address"]:
                info["ip_address"] = self._webhook["ip_address"]
        return info

    def _api_getMyName(self, p: dict, files: dict) -> dict:
        return {"name": self.bot_user["first_name"]}

    def _api_getMyDescription(self, p: dict, files: dict) -> dict:
        return {"description": ""}

    def _api_getMyShortDescription(self, p: dict, files: dict) -> dict:
        return {"short_description": ""}

    def _api_getChatMenuButton(self, p: dict, files: dict) -> dict:
        return {"type": "commands"}


def _default_description(status: int) -> str:
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        429: "Too Many Requests",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, http.HTTPStatus(status).phrase if 100 <= status < 600 else "Error")


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise FakeApiError(400, "Bad Request: can't parse inline keyboard button: "
                                "InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise FakeApiError(400, "Bad Request: can't parse inline keyboard button: "
                                'Field "text" must be of type String')
    if not any(key in button for key in _INLINE_BUTTON_ACTIONS):
        raise FakeApiError(400, "Bad Request: can't parse inline keyboard button: "
                                "Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= \
                MAX_CALLBACK_DATA_BYTES:
            raise FakeApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(
            r"^(?:(?:https?|tg)://\S+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/\S*)?)$", url
        ):
            raise FakeApiError(400, f"Bad Request: inline keyboard button URL '{url}' is "
                                    "invalid: Wrong HTTP URL")


def _callback_datas(markup: dict | None) -> list[str]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [b["callback_data"] for b in _flatten_buttons(markup) if "callback_data" in b]


def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
    scope = scope or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(language_code or "")


def _without_reply(message: dict) -> dict:
    return {k: _clone(v) for k, v in message.items() if k != "reply_to_message"}


def _set_or_pop(target: dict, key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def _short(text: str | None, limit: int = 120) -> str:
    if text is None:
        return "<no text>"
    return repr(text if len(text) <= limit else text[:limit] + "…")


_HANDLERS: dict[str, Callable[..., Any]] = {
    name[len("_api_"):].lower(): fn
    for name, fn in vars(FakeBotApi).items()
    if name.startswith("_api_")
}
_CANONICAL: dict[str, str] = {
    name[len("_api_"):].lower(): name[len("_api_"):]
    for name in vars(FakeBotApi)
    if name.startswith("_api_")
}
_CANONICAL["getupdates"] = "getUpdates"
