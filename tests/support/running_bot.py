"""The one bot-runner harness: Feather exactly as ``run_bot.py`` builds and serves it
(``build_app`` + ``runner.build_application`` + ``runner.serve``), in a thread with its own event
loop, against the local fake Bot API; plus the helpers tests use to act as Telegram users."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.app import Core, build_app
from bot.clock import Clock
from bot.config import Settings
from bot.frontends.telegram import runner
from bot.frontends.telegram.flood import FloodGuard
from bot.frontends.telegram.retrying import RetryingRateLimiter
from tests.support.fake_bot_api import FakeBotApi, SentMessage


def make_settings(api: FakeBotApi, tmp_path: Path, **env: str) -> Settings:
    values = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url, "FEATHER_REPLY_PAUSE": "0",
              "FEATHER_DB_PATH": str(tmp_path / "feather.sqlite3")}
    values.update(env)
    return Settings.from_env(env=values, dotenv=tmp_path / "no.env")


class RunningBot:
    """``with RunningBot(api, settings, core) as bot:`` the bot is up and polling (or listening
    for its webhook). ``clock`` and ``background`` tasks go to the app and the runner; other
    options (``flood``, ``read_timeout``, ``rate_limiter``) to ``build_application``."""

    def __init__(self, api: FakeBotApi, settings: Settings, core: Core, *, clock: Clock | None = None,
                 background: Sequence[runner.BackgroundTask] = (), **options: Any) -> None:
        self.api, self.settings, self.core, self.clock = api, settings, core, clock
        self.background = list(background)
        self.options = options
        self.loop: asyncio.AbstractEventLoop | None = None
        self.runtime: runner.Runtime | None = None
        self.failure: BaseException | None = None
        self._up = threading.Event()

    async def _started(self, runtime: runner.Runtime) -> None:
        """A background task (the runner's hook): notes the loop so the test can stop the bot."""
        self.runtime, self.loop = runtime, asyncio.get_running_loop()
        self._up.set()

    def _serve(self) -> None:
        try:
            runner.serve(self.application, self.settings, stop_signals=None)
        except BaseException as exc:  # noqa: BLE001 - reported by start()/stop()
            self.failure = exc
        finally:
            self._up.set()

    def start(self) -> RunningBot:
        app = build_app(self.settings, core=self.core, clock=self.clock)
        self.options.setdefault("rate_limiter", RetryingRateLimiter(first_delay=0.01, max_delay=0.05))
        self.application = runner.build_application(app, background=[*self.background, self._started],
                                                    **self.options)
        self.thread = threading.Thread(target=self._serve, name="feather-bot", daemon=True)
        self.thread.start()
        assert self._up.wait(10), "the bot did not start"
        assert self.failure is None, f"the bot failed to start: {self.failure!r}"
        if self.settings.webhook_url:
            self.api.wait_for_calls("setWebhook")
            wait_for_port(self.settings.webhook_port)  # PTB listens right after setWebhook
        else:
            self.api.wait_for_calls("getUpdates", started=True)
        return self

    def stop(self) -> None:
        """Stops the bot the way SIGTERM does (PTB's signal handler raises SystemExit in the loop)."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(_raise_system_exit)
        self.thread.join(10)
        assert not self.thread.is_alive(), "the bot did not stop"
        assert self.failure is None, f"the bot failed: {self.failure!r}"

    def __enter__(self) -> RunningBot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _raise_system_exit() -> None:
    raise SystemExit


def roomy() -> FloodGuard:
    """A flood guard for tests that drive many turns faster than any person would."""
    return FloodGuard(capacity=10_000)


def wait_for_port(port: int, timeout: float = 5.0) -> None:
    """Until something accepts connections on the port (a condition, retried, not a fixed wait)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def says(api: FakeBotApi, user: int, text: str, expect: int = 1) -> list[SentMessage]:
    api.mark()
    api.send_text(user, text)
    return api.wait_for_messages(user, expect)


def presses(api: FakeBotApi, user: int, label: str, expect: int = 1,
            message_id: int | None = None) -> list[SentMessage]:
    api.mark()
    api.press_button_by_text(user, message_id, label)
    return api.wait_for_messages(user, expect)


def data_of(messages: Sequence[SentMessage]) -> list[str]:
    return [d for m in messages for d in m.callback_data]
