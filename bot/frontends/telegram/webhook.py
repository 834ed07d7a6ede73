"""Webhook mode's two details PTB leaves open: which local path, and how big a request may be.

PTB's webhook server (tornado) refuses with 403, before parsing the update, any request without
the right ``X-Telegram-Bot-Api-Secret-Token`` header, and any that is not
``Content-Type: application/json``. What it does not limit is size: tornado's default is 100 MB
per request, read into memory whole (and read before the secret is even checked). Telegram's
updates are a few kilobytes, so Feather caps bodies at ``MAX_WEBHOOK_BODY``: a request that
declares more is refused with 400 before its body is read, and a chunked one is cut off as soon
as it passes the cap. Slow senders get ``BODY_TIMEOUT`` seconds.
"""

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
