"""Typed settings from the environment and an optional ``.env`` file. Secrets are never printed."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot import PROJECT_ROOT

DEFAULT_DB_PATH = str(PROJECT_ROOT / "data" / "feather.sqlite3")


class SettingError(Exception):
    """A setting is missing or wrong; the message names it in one line (never its value)."""


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=value lines; comments and blanks skipped; values may be quoted."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip().removeprefix("export ").strip()] = value
    return values


@dataclass(frozen=True)
class Documented:
    """One setting as the operator reads it: docs/deploy.md's table is made from these."""

    name: str
    default: str
    meaning: str


DOCUMENTED: tuple[Documented, ...] = (
    Documented("TELEGRAM_BOT_TOKEN", "(none)",
               "The token from BotFather. Not set: `run_bot.py` opens the terminal chat instead "
               "(in a terminal). Keep it secret; it never appears in logs."),
    Documented("TELEGRAM_API_URL", "`https://api.telegram.org`",
               "The Bot API root, without `/bot<token>`. Change only for a local Bot API server or tests."),
    Documented("WEBHOOK_URL", "(none: long polling)",
               "Public `https://` address Telegram posts updates to, behind your reverse proxy; "
               "its path is the path Feather serves locally."),
    Documented("WEBHOOK_SECRET", "(none)",
               "Required with `WEBHOOK_URL`: 1-256 of `A-Z a-z 0-9 _ -`. Requests without it "
               "are refused (403)."),
    Documented("WEBHOOK_LISTEN", "`127.0.0.1`",
               "Address the webhook server binds to; `0.0.0.0` only if the proxy is on another "
               "machine, and then firewall it."),
    Documented("WEBHOOK_PORT", "`8443`", "Port the webhook server listens on (1-65535)."),
    Documented("FEATHER_DB_PATH", "`data/feather.sqlite3` in the checkout",
               "The SQLite file. Created owner-only; its folder must exist and be writable by "
               "the user Feather runs as (only the default `data/` is created). `--db PATH` "
               "overrides it."),
    Documented("FEATHER_CONTENT_DIR", "the checkout",
               "A folder holding `dialogs/` and `content/` to use instead of the checkout's. "
               "`--content DIR` overrides it."),
    Documented("FEATHER_LOG_LEVEL", "`INFO`",
               "`DEBUG`, `INFO`, `WARNING` or `ERROR`. At every level the token and what people "
               "write stay out of the logs."),
    Documented("FEATHER_REPLY_PAUSE", "`0.6`",
               "Seconds between the messages of one reply (\"typing...\" shows meanwhile); `0` "
               "sends them at once."),
    Documented("FEATHER_DAILY_RATE", "`25`",
               "Daily reflections sent per second, all chats together (Telegram allows about 30). "
               "`0`: this instance sends none (a standby)."),
)


def settings_table() -> str:
    """The Markdown table in docs/deploy.md (a test keeps the two in step)."""
    rows = ["| setting | default | what it does |", "|---|---|---|"]
    rows += [f"| `{d.name}` | {d.default} | {d.meaning} |" for d in DOCUMENTED]
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)
    api_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    db_path: str = DEFAULT_DB_PATH
    content_dir: Path = PROJECT_ROOT
    log_level: str = "INFO"
    reply_pause: float = 0.6
    daily_rate: float = 25.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv: Path | None = None, *,
                 telegram: bool = True) -> Settings:
        """Environment wins over ``.env``; every value is checked and a bad one named in one line.
        ``telegram=False`` (the tools: --check, --backup, --restore, --health) leaves the Telegram
        and webhook settings unread, so a mistake there does not stop them."""
        merged = read_dotenv(dotenv if dotenv is not None else PROJECT_ROOT / ".env")
        merged.update(env if env is not None else os.environ)

        def get(name: str) -> str | None:
            value = merged.get(name, "").strip()
            return value or None

        def number(name: str, default: float, kind: type[float] | type[int] = float) -> float:
            value = get(name)
            if value is None:
                return default
            try:
                parsed = kind(value)
            except ValueError:
                raise SettingError(f"{name} must be a number, got something else") from None
            if not math.isfinite(parsed):
                raise SettingError(f"{name} must be a finite number")
            if parsed < 0:
                raise SettingError(f"{name} must not be negative")
            return parsed

        level = (get("FEATHER_LOG_LEVEL") or "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingError("FEATHER_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR")
        feather = {
            "db_path": get("FEATHER_DB_PATH") or cls.db_path,
            "content_dir": Path(get("FEATHER_CONTENT_DIR") or PROJECT_ROOT),
            "log_level": level,
            "reply_pause": number("FEATHER_REPLY_PAUSE", cls.reply_pause),
            "daily_rate": number("FEATHER_DAILY_RATE", cls.daily_rate),
        }
        if not telegram:
            return cls(**feather)  # type: ignore[arg-type]
        token = get("TELEGRAM_BOT_TOKEN")
        if token is not None and (":" not in token or " " in token):
            raise SettingError("TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC...)")
        api_url = (get("TELEGRAM_API_URL") or cls.api_url).rstrip("/")
        if not api_url.startswith(("http://", "https://")):
            raise SettingError("TELEGRAM_API_URL must start with http:// or https://")
        webhook_url = get("WEBHOOK_URL")
        if webhook_url and not webhook_url.startswith("https://"):
            raise SettingError("WEBHOOK_URL must start with https:// (Telegram only calls HTTPS webhooks)")
        secret = get("WEBHOOK_SECRET")
        if webhook_url and not secret:
            raise SettingError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        allowed = all((c.isascii() and c.isalnum()) or c in "_-" for c in secret or "")
        if secret and (not allowed or len(secret) > 256):
            raise SettingError("WEBHOOK_SECRET may use only A-Z, a-z, 0-9, _ and - (1-256 characters)")
        webhook_port = int(number("WEBHOOK_PORT", cls.webhook_port, int))
        if not 1 <= webhook_port <= 65535:
            raise SettingError("WEBHOOK_PORT must be between 1 and 65535")
        return cls(
            token=token,
            api_url=api_url,
            webhook_url=webhook_url,
            webhook_listen=get("WEBHOOK_LISTEN") or cls.webhook_listen,
            webhook_port=webhook_port,
            webhook_secret=secret,
            **feather,  # type: ignore[arg-type]
        )


def check_content_dir(root: Path, setting: str = "FEATHER_CONTENT_DIR") -> None:
    """The content folder exists and holds dialogs/ (with YAML) and content/: one line if not,
    instead of one error per file that could not be found."""
    if not root.exists():
        raise SettingError(f"{setting}: the folder {root} does not exist: point it at a folder "
                           f"holding dialogs/ and content/, or unset it to use the checkout's")
    if not root.is_dir():
        raise SettingError(f"{setting}: {root} is not a folder: point it at a folder holding "
                           f"dialogs/ and content/")
    missing = [name for name in ("dialogs", "content") if not (root / name).is_dir()]
    if missing:
        raise SettingError(f"{setting}: {root} has no {' and no '.join(f'{m}/' for m in missing)} "
                           f"folder: point it at a folder holding dialogs/ and content/ "
                           f"(a copy of the checkout's)")
    if not any((root / "dialogs").glob("*.yaml")):
        raise SettingError(f"{setting}: {root / 'dialogs'} holds no .yaml files: copy the "
                           f"checkout's dialogs/ there, or fix the path")

if __name__ == "__main__":  # python -m bot.config: the table for docs/deploy.md
    print(settings_table(), end="")
