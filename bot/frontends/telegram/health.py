"""Is this instance healthy? The database takes a write, and the last Bot API call worked.

``Health`` keeps the answer: every Bot API call's outcome (``track_calls`` wraps the bot's two
HTTP clients, so getUpdates counts too) and a heartbeat that writes to the database. It writes
the status file beside the database (bot/store/status.py) that ``run_bot.py --health`` reads,
and in webhook mode answers ``GET /healthz`` on the webhook server. Neither shows a token, a
secret or any count of people.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from typing import Any

import tornado.web

from bot.clock import Clock
from bot.store import Store
from bot.store.status import HEARTBEAT_SECONDS, Status, remove_status, write_status

log = logging.getLogger(__name__)

FAILED_STATUS = frozenset({401, 404, 409})
"""Answers that mean the bot itself is not working (token refused, another instance polling);
other 4xx (a blocked chat, a bad request) say Telegram is reachable and answering."""


class Health:
    """The running instance's health, kept current and written to the status file."""

    def __init__(self, store: Store, clock: Clock, version: str, mode: str) -> None:
        self.store = store
        self.clock = clock
        now = self._stamp()
        self.status = Status(pid=os.getpid(), version=version, mode=mode, started=now, heartbeat=now)
        self.persist = store.path != ":memory:"

    def _stamp(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")

    def _write(self) -> None:
        if not self.persist:
            return
        try:
            write_status(self.store.path, self.status)
        except OSError as exc:
            log.warning("could not write the status file (%s)", type(exc).__name__)

    def api_result(self, ok: bool, error: str | None = None) -> None:
        """Called after every Bot API call; the file is rewritten only when the answer changes."""
        changed = ok != self.status.api_ok or error != self.status.api_error
        self.status = self.status.api(self.clock.now(), ok, error)
        if changed:
            self._write()

    async def beat(self) -> None:
        ok = await asyncio.to_thread(self.store.probe_write)
        if not ok and self.status.store_ok:
            log.error("the database cannot be written (heartbeat failed)")
        self.status = self.status.beat(self.clock.now(), ok)
        self._write()

    async def run(self, interval: float = HEARTBEAT_SECONDS) -> None:
        """The heartbeat, until cancelled; the status file goes at a clean stop."""
        try:
            while True:
                await self.beat()
                await asyncio.sleep(interval)
        finally:
            if self.persist:
                remove_status(self.store.path, self.status.pid)

    def report(self) -> tuple[bool, dict[str, Any]]:
        """For /healthz: healthy or not, and why, without anything secret or about people."""
        status = self.status
        ok = status.store_ok and status.api_ok is not False
        telegram = {None: "no call yet", True: "ok", False: f"failing ({status.api_error})"}[status.api_ok]
        return ok, {"ok": ok, "version": status.version, "mode": status.mode,
                    "store": "writable" if status.store_ok else "not writable",
                    "telegram": telegram, "last_call": status.api_at, "heartbeat": status.heartbeat}


def track_calls(bot: Any, health: Health) -> None:
    """Wrap the bot's HTTP clients (getUpdates has its own) to record each call's outcome."""
    requests = getattr(bot, "_request", None) or (bot.request,)
    for request in {id(r): r for r in requests}.values():
        original: Callable[..., Any] = request.do_request

        async def do_request(*args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            try:
                code, payload = await _original(*args, **kwargs)
            except Exception as exc:
                health.api_result(False, type(exc).__name__)
                raise
            failed = code >= 500 or code in FAILED_STATUS
            health.api_result(not failed, f"HTTP {code}" if failed else None)
            return code, payload

        request.do_request = do_request


class HealthzHandler(tornado.web.RequestHandler):
    """``GET /healthz``: 200 when healthy, 503 when not; a small JSON body either way."""

    SUPPORTED_METHODS = ("GET",)

    def initialize(self, report: Callable[[], tuple[bool, dict[str, Any]]]) -> None:
        self.report = report

    def get(self) -> None:
        ok, body = self.report()
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


def serve_healthz(report: Callable[[], tuple[bool, dict[str, Any]]]) -> None:
    """Add ``/healthz`` to the webhook server PTB builds in ``run_webhook``.

    PTB makes its tornado application from ``telegram.ext._updater.WebhookAppClass`` and has no
    hook for extra routes, so the class it uses is swapped for one that adds this route (the
    same kind of documented-default change as ``limit_webhook_requests``)."""
    from telegram.ext import _updater
    from telegram.ext._utils.webhookhandler import WebhookAppClass

    class WithHealthz(WebhookAppClass):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.add_handlers(r".*", [(r"/healthz", HealthzHandler, {"report": report})])

    _updater.WebhookAppClass = WithHealthz  # type: ignore[attr-defined]
