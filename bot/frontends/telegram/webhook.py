"""Webhook mode's two details PTB leaves open: which local path, and how big a request may be.

Why and how: docs/telegram.md, under "bot/frontends/telegram/webhook.py"."""

from __future__ import annotations

from urllib.parse import urlsplit

from tornado.httpserver import HTTPServer

MAX_WEBHOOK_BODY = 1024 * 1024
"""1 MiB: far above any real update (a 4096-character message with a quoted reply is under 100 kB)."""
BODY_TIMEOUT = 30.0
"""Seconds a client may take to send a request body."""


def limit_webhook_requests(max_body: int = MAX_WEBHOOK_BODY, body_timeout: float = BODY_TIMEOUT) -> None:
    """Applies to every tornado HTTPServer created afterwards (Feather runs one: the webhook's).

    ``HTTPServer.configure`` is tornado's documented way to set defaults for its servers; PTB
    creates its own server inside ``run_webhook`` and offers no size setting of its own.
    """
    HTTPServer.configure(None, max_body_size=max_body, body_timeout=body_timeout)


def webhook_path(webhook_url: str) -> str:
    """The local path to serve: the path of the public URL (a reverse proxy passes it on as is)."""
    return urlsplit(webhook_url).path.strip("/")
