"""The Telegram bot over an ``App``: one Application, every handler in one place, polling or webhook.

PTB's ``run_polling``/``run_webhook`` own the event loop and stop cleanly on SIGINT/SIGTERM; the
store is closed in ``post_shutdown``. Background tasks (the daily reflections) are
``async def task(runtime)``, started once the bot is up and cancelled when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.app import App, Core, count_examples
from bot.clock import Clock
from bot.config import Settings
from bot.conversations import Conversations
from bot.daily.dispatcher import POLL_SECONDS
from bot.daily.repository import DailyRepository
from bot.frontends.telegram.commands import command_menu
from bot.frontends.telegram.errors import PAYLOAD_FILTER, PAYLOAD_LOGGERS, STARTUP_FILTER, ErrorHandler, where
from bot.frontends.telegram.flood import FloodGuard
from bot.frontends.telegram.groups import GroupHandlers
from bot.frontends.telegram.handlers import PrivateChatHandlers
from bot.frontends.telegram.health import Health, serve_healthz, track_calls
from bot.frontends.telegram.ordering import PerChatOrder
from bot.frontends.telegram.retrying import RetryingRateLimiter
from bot.frontends.telegram.screening import Screening
from bot.frontends.telegram.sending import Sender
from bot.frontends.telegram.webhook import limit_webhook_requests, webhook_path
from bot.logging_setup import QUIET
from bot.ops import startup_line, version
from bot.store import Store

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
"""PTB's Application, its context and data types left as PTB's defaults."""

ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY)
"""All Feather reads. Edited messages, channel posts, reactions... are never even delivered."""
BOOTSTRAP_RETRIES = 5
"""Start-up tries to reach Telegram (PTB backs off 1.5x from 1 s: about 20 s) before giving up;
a refused token stops at once."""
RUNTIME_KEY = "feather"
"""Where the Runtime sits in ``application.bot_data``."""


@dataclass
class Runtime:
    """The app and what the Telegram front end adds to it, for handlers and background tasks."""

    app: App
    sender: Sender
    screening: Screening
    flood: FloodGuard = field(default_factory=FloodGuard)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    started: bool = False
    health: Health | None = None
    own_signals: bool = False
    """Set by ``run_telegram``: SIGHUP reloads the content, SIGINT ends with exit code 130."""
    interrupted: bool = False
    reloading: bool = False

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @property
    def core(self) -> Core:
        return self.app.core

    @property
    def store(self) -> Store:
        return self.app.store

    @property
    def clock(self) -> Clock:
        return self.app.clock

    @property
    def conversations(self) -> Conversations:
        return self.app.conversations


BackgroundTask = Callable[[Runtime], Awaitable[None]]
"""A long-running coroutine started after start-up and cancelled at shutdown."""


def build_application(
    app: App,
    *,
    background: Sequence[BackgroundTask] = (),
    rate_limiter: RetryingRateLimiter | None = None,
    flood: FloodGuard | None = None,
    read_timeout: float | None = None,
    health: Health | None = None,
    own_signals: bool = False,
) -> TelegramApp:
    """The whole Telegram bot, ready for ``serve`` (or a test's own start/stop).

    ``read_timeout``: seconds to wait for Telegram's answer to a call (PTB's default, 5 s, when
    None); getUpdates' long poll has its own. Tests shorten it to see timeouts quickly.
    ``health``: records every Bot API call's outcome. ``own_signals``: SIGHUP reloads, SIGINT
    ends with 130 (only ``run_telegram``, in the main thread)."""
    settings = app.settings
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    for name in QUIET:  # the token is in every request URL: never let httpx/PTB debug print it
        logging.getLogger(name).setLevel(max(logging.getLogger(name).level, logging.WARNING))
    for name in PAYLOAD_LOGGERS:  # PTB would log an unreadable answer or update whole, text and names
        logging.getLogger(name).addFilter(PAYLOAD_FILTER)
    screening = Screening(lambda text: app.core.safety.assess(text))  # app.core changes on reload
    lifecycle = _Lifecycle(background)
    builder = ApplicationBuilder()
    if read_timeout is not None:
        builder = builder.read_timeout(read_timeout)
    application = (
        builder
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(rate_limiter or RetryingRateLimiter())
        .concurrent_updates(PerChatOrder(urgent=screening.is_urgent))
        .post_init(lifecycle.post_init)
        .post_stop(lifecycle.post_stop)
        .post_shutdown(lifecycle.post_shutdown)
        .build()
    )
    sender = Sender(application.bot, settings.reply_pause)
    runtime = Runtime(app, sender, screening, flood if flood is not None else FloodGuard(),
                      health=health, own_signals=own_signals)
    if health is not None:
        track_calls(application.bot, health)
    application.bot_data[RUNTIME_KEY] = runtime
    register_handlers(application, runtime)
    return application


def register_handlers(application: TelegramApp, runtime: Runtime) -> None:
    """Every handler, in one place. Within a group PTB runs only the first handler that matches,
    so order matters:

    1. Groups, supergroups (and channels, should one slip through) come first: a command for
       Feather gets the private-chat link, and everything else from them stops right there,
       read by nothing.
    2. In a private chat, text (commands included: the engine reads "/start" like any text).
    3. Voice notes, video notes and audio, before other attachments, for their own reply.
    4. Every other attachment (sticker, photo, document, location, ...). Service messages
       (a pinned message, ...) match nothing and are left alone.
    5. Button presses.

    ``filters.UpdateType.MESSAGE`` keeps edited messages out (they are not answered).
    """
    private = PrivateChatHandlers(runtime.conversations, runtime.sender, runtime.flood, runtime.screening)
    groups = GroupHandlers(runtime.conversations, runtime.sender, runtime.flood)
    new_message = filters.UpdateType.MESSAGE
    in_private = filters.ChatType.PRIVATE
    application.add_handlers([
        MessageHandler(new_message & ~in_private & filters.COMMAND, groups.on_command),
        MessageHandler(~in_private, groups.ignore),
        MessageHandler(new_message & in_private & filters.TEXT, private.on_text),
        MessageHandler(new_message & in_private & (filters.VOICE | filters.VIDEO_NOTE | filters.AUDIO),
                       private.on_voice),
        MessageHandler(new_message & in_private & filters.ATTACHMENT, private.on_attachment),
        CallbackQueryHandler(private.on_button),
    ])
    application.add_error_handler(ErrorHandler(runtime.conversations, runtime.sender))


class _Lifecycle:
    """PTB's post_init / post_stop / post_shutdown: command menu, background tasks, the store."""

    def __init__(self, background: Sequence[BackgroundTask]) -> None:
        self.background = list(background)

    async def post_init(self, application: TelegramApp) -> None:
        """Registers the command menu and starts background tasks once Telegram knows the bot."""
        logging.getLogger("telegram.ext").removeFilter(STARTUP_FILTER)  # from now on, PTB speaks
        runtime: Runtime = application.bot_data[RUNTIME_KEY]
        try:
            await application.bot.set_my_commands(command_menu(runtime.core.engine.words, runtime.core.engine.features))
        except TelegramError as exc:
            log.warning("could not set the command menu (%s); carrying on", type(exc).__name__)
        runtime.core.warm_up()  # the safety patterns compile now, beside the first poll
        for task in self.background:
            runtime.tasks.append(asyncio.create_task(_guarded(task, runtime), name=_name(task)))
        runtime.started = True
        if runtime.own_signals:
            _handle_signals(application, runtime)
        log.info("%s", _startup_line(runtime, application.bot.username))

    async def post_stop(self, application: TelegramApp) -> None:
        """Cancels background tasks before the HTTP client closes."""
        await _cancel(application.bot_data[RUNTIME_KEY])

    async def post_shutdown(self, application: TelegramApp) -> None:
        """Closes the store (also after a failed start, when post_stop never ran)."""
        runtime: Runtime = application.bot_data[RUNTIME_KEY]
        await _cancel(runtime)
        runtime.store.close()
        if runtime.started:
            log.info("Feather stopped")


def _startup_line(runtime: Runtime, username: str) -> str:
    app = runtime.app
    mode = "webhook" if runtime.settings.webhook_url else "polling"
    return startup_line(
        mode=f"{mode} as @{username}", content_root=app.core.root, flows=len(app.core.content.flows),
        examples=count_examples(app.core), reflections=len(app.core.content.reflections),
        db_path=app.store.path, created=app.store.created, schema=app.store.schema_version,
        subscribers=DailyRepository(app.store).count(), daily_rate=runtime.settings.daily_rate)


def _handle_signals(application: TelegramApp, runtime: Runtime) -> None:
    """SIGHUP: reload the content (docs/deploy.md). SIGINT (Ctrl-C): stop as cleanly as SIGTERM,
    then exit 130 like any program stopped by Ctrl-C. Only in the main thread, where PTB set its own."""
    loop = asyncio.get_running_loop()

    def interrupt() -> None:
        runtime.interrupted = True
        application.stop_running()

    def reload() -> None:
        if not runtime.reloading:
            runtime.reloading = True
            runtime.tasks.append(asyncio.create_task(_reload(runtime), name="reload"))

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
        loop.add_signal_handler(signal.SIGINT, interrupt)
        loop.add_signal_handler(signal.SIGHUP, reload)


async def _reload(runtime: Runtime) -> None:
    try:
        ok, line = await asyncio.to_thread(runtime.app.reload)
        (log.info if ok else log.error)("%s", line)
    finally:
        runtime.reloading = False


def _name(task: BackgroundTask) -> str:
    return getattr(task, "__qualname__", type(task).__name__)


async def _guarded(task: BackgroundTask, runtime: Runtime) -> None:
    """Runs a background task; its failure is logged (type only), never takes the bot down."""
    try:
        await task(runtime)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001
        log.error("background task %s stopped: %s at %s", _name(task), type(exc).__name__, where(exc))


async def _cancel(runtime: Runtime) -> None:
    tasks, runtime.tasks[:] = list(runtime.tasks), []
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


STOP_SIGNALS: Any = (signal.SIGTERM, signal.SIGABRT)
"""PTB's stop signals but SIGINT: Ctrl-C raises KeyboardInterrupt (Python's default, or
``run_telegram``'s handler that remembers it for exit code 130), on which PTB stops the same way."""


def serve(application: TelegramApp, settings: Settings, *, stop_signals: Any = STOP_SIGNALS) -> None:
    """Runs until SIGINT/SIGTERM (or ``application.stop_running()``): polling, or the webhook."""
    extra = {"stop_signals": stop_signals}
    if settings.webhook_url:
        limit_webhook_requests()
        runtime: Runtime = application.bot_data[RUNTIME_KEY]
        if runtime.health is not None:
            serve_healthz(runtime.health.report)
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=webhook_path(settings.webhook_url),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
            bootstrap_retries=BOOTSTRAP_RETRIES,
            **extra,
        )
    else:
        application.run_polling(allowed_updates=list(ALLOWED_UPDATES), bootstrap_retries=BOOTSTRAP_RETRIES,
                                **extra)


async def run_daily(runtime: Runtime, poll: float = POLL_SECONDS) -> None:
    """Background task: sends the daily reflections through the bot's one ``Sender`` until cancelled."""
    service = runtime.app.daily_service(runtime.sender, poll)
    if service is None:
        log.warning("FEATHER_DAILY_RATE is 0: daily reflections will not be sent by this instance")
        return
    await service.run()


def run_telegram(app: App, background: Sequence[BackgroundTask] = ()) -> int:
    """Run the bot until stopped. Exit code 0 (130 after Ctrl-C), or 1 with one line on stderr if
    it can't start."""
    settings = app.settings
    logging.getLogger("telegram.ext").addFilter(STARTUP_FILTER)
    health = Health(app.store, app.clock, version(), "webhook" if settings.webhook_url else "polling")

    async def heartbeat(_: Runtime) -> None:
        await health.run()

    application = build_application(app, background=(run_daily, heartbeat, *background), health=health,
                                    rate_limiter=RetryingRateLimiter(startup_tries=BOOTSTRAP_RETRIES + 1),
                                    own_signals=True)
    runtime: Runtime | None = getattr(application, "bot_data", {}).get(RUNTIME_KEY)

    def ctrl_c(signum: int, frame: object) -> None:  # until post_init takes over: while starting
        if runtime is not None:
            runtime.interrupted = True
        raise KeyboardInterrupt  # PTB stops on it as on its own stop signals

    previous = signal.signal(signal.SIGINT, ctrl_c)
    try:
        serve(application, settings)
    except InvalidToken:
        print("Feather will not start: the token was refused (check TELEGRAM_BOT_TOKEN).", file=sys.stderr)
        return 1
    except NetworkError as exc:
        print(f"Feather will not start: the Telegram Bot API at {settings.api_url} could not be reached "
              f"({type(exc).__name__}).", file=sys.stderr)
        return 1
    except OSError as exc:
        address = f"{settings.webhook_listen}:{settings.webhook_port}"
        reason = exc.strerror or type(exc).__name__
        print(f"Feather will not start: could not listen on {address} for the webhook ({reason}).", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, previous)
        logging.getLogger("telegram.ext").removeFilter(STARTUP_FILTER)
    return 130 if runtime is not None and runtime.interrupted else 0
