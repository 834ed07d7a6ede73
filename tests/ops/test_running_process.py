"""Feather run for real, as a process against the local fake Bot API: the start-up line, --health,
reloading content with SIGHUP and --reload (old content kept on error), GET /healthz in webhook
mode, Ctrl-C (exit 130, no traceback), and the start-up tries when Telegram can't be reached."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.store.migrations import LATEST
from bot.store.status import health, status_path
from tests.feather_testkit import RUN_BOT, clean_env, make_root
from tests.support.fake_bot_api import FakeBotApi
from tests.support.waiting import eventually

USER = 4242


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Running:
    """run_bot.py in its own process; its log goes to a file (never a pipe that could fill)."""

    def __init__(self, tmp_path: Path, api: FakeBotApi, **env: str) -> None:
        self.content = make_root(tmp_path, name="content-folder", slim=True)  # a small copy: quick loads
        (tmp_path / "data").mkdir()
        self.db = tmp_path / "data" / "feather.sqlite3"
        self.env = clean_env(TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_URL=api.url, FEATHER_DB_PATH=str(self.db),
                             FEATHER_CONTENT_DIR=str(self.content), FEATHER_REPLY_PAUSE="0", **env)
        self.log = tmp_path / "feather.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen([sys.executable, str(RUN_BOT)], cwd=PROJECT_ROOT, env=self.env,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def logged(self, pattern: str, what: str) -> re.Match[str]:
        def found() -> re.Match[str] | None:
            if self.process.poll() is not None:
                raise AssertionError(f"Feather stopped (exit {self.process.returncode}):\n{self.text()}")
            return re.search(pattern, self.text())
        return eventually(found, what)  # type: ignore[return-value]

    def tool(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(RUN_BOT), *args], cwd=PROJECT_ROOT, env=self.env,
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)

    def stop(self, sig: int) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=30)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def says(api: FakeBotApi, text: str) -> str:
    api.mark()
    api.send_text(USER, text)
    return api.wait_for_messages(USER, 1, timeout=90)[0].plain_text or ""


def test_polling_start_line_health_reload_and_ctrl_c(tmp_path: Path, api: FakeBotApi) -> None:
    bot = Running(tmp_path, api)
    try:
        line = bot.logged(r"Feather \S+ started: .*", "the start-up line").group(0)
        assert re.fullmatch(
            rf"Feather \S+ started: polling as @{api.bot_user['username']}; content {re.escape(str(bot.content))} "
            rf"\(\d+ flows, \d+ examples, \d+ reflections\); database {re.escape(str(bot.db))} created "
            rf"\(schema {LATEST}\); 0 daily subscribers; daily rate 25/s", line), line

        eventually(lambda: status_path(bot.db).exists(), "the status file")
        healthy = bot.tool("--health")
        assert healthy.returncode == 0, healthy.stderr
        assert healthy.stdout.startswith("healthy: Feather ") and f"pid {bot.process.pid}" in healthy.stdout

        welcome = says(api, "/start")
        assert "freshly reloaded" not in welcome
        messages = bot.content / "content" / "messages.yaml"
        messages.write_text(messages.read_text(encoding="utf-8").replace(
            "    Hello, I'm Feather", "    Hello, I'm Feather, freshly reloaded", 1), encoding="utf-8")
        asked = bot.tool("--reload")
        assert asked.returncode == 0
        assert asked.stdout.strip() == f"Asked Feather (pid {bot.process.pid}) to reload its content"
        bot.logged(rf"INFO \S+: content reloaded from {re.escape(str(bot.content))}: \d+ flows", "the reload")
        assert "freshly reloaded" in says(api, "/start")

        (bot.content / "dialogs" / "zz_broken.yaml").write_text("last_reviewed: 2026-11-25\nflows:\n\t- x\n")
        os.kill(bot.process.pid, signal.SIGHUP)
        refused = bot.logged(r"ERROR \S+: content not reloaded: .*", "the refused reload").group(0)
        assert "dialogs/zz_broken.yaml:3: error: not valid YAML" in refused
        assert "still using the content loaded before" in refused
        assert "freshly reloaded" in says(api, "/start")  # the content in use stayed

        api.fail_next("*", status=502, times=10**6)  # Telegram answers nothing but 502 for a while
        api.send_text(USER, "hello")  # ends the long poll under way; every call after it fails
        eventually(lambda: not health(bot.db, datetime.now(UTC))[0], "the status to turn unhealthy")
        unhealthy = bot.tool("--health")
        assert unhealthy.returncode == 1
        assert unhealthy.stderr.strip().startswith("unhealthy: the last Bot API call failed (HTTP 502)")
        api.clear_faults()
        eventually(lambda: health(bot.db, datetime.now(UTC))[0], "the status to recover")
        assert bot.tool("--health").returncode == 0

        assert bot.stop(signal.SIGINT) == 130
        assert "Traceback" not in bot.text()
        assert not status_path(bot.db).exists()  # a clean stop: --health now says "not running"
        stopped = bot.tool("--health")
        assert stopped.returncode == 1 and "no Feather is running" in stopped.stderr
    finally:
        bot.kill()
    for secret in (api.token, "Hello, I'm Feather"):
        assert secret not in bot.text()


def test_webhook_healthz_says_healthy_without_secrets(tmp_path: Path, api: FakeBotApi) -> None:
    port = free_port()
    secret = "s3cret-webhook-value"
    bot = Running(tmp_path, api, WEBHOOK_URL="https://example.org/feather/hook", WEBHOOK_SECRET=secret,
                  WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port))
    try:
        bot.logged(r"Feather \S+ started: webhook as @", "the start-up line")

        def healthz() -> tuple[int, str] | None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                    return answer.status, answer.read().decode()
            except (urllib.error.URLError, ConnectionError):
                return None
        status, body = eventually(healthz, "GET /healthz")  # type: ignore[misc]
        assert status == 200
        report = json.loads(body)
        assert report["ok"] is True and report["store"] == "writable" and report["mode"] == "webhook"
        assert set(report) == {"ok", "version", "mode", "store", "telegram", "last_call", "heartbeat"}
        for hidden in (api.token, secret, api.token.split(":")[1]):
            assert hidden not in body
        assert bot.stop(signal.SIGTERM) == 0
        assert "Traceback" not in bot.text()
    finally:
        bot.kill()


def test_an_unreachable_api_logs_each_try_then_one_final_line(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from bot.app import build_app
    from bot.config import Settings
    from bot.frontends.telegram import runner
    from bot.logging_setup import setup_logging
    from tests.feather_testkit import real_core

    monkeypatch.setattr(runner, "BOOTSTRAP_RETRIES", 1)
    root_level = logging.getLogger().level
    setup_logging("INFO")
    asyncio.set_event_loop(asyncio.new_event_loop())
    try:
        url = f"http://127.0.0.1:{free_port()}"
        settings = Settings.from_env(env={"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": url,
                                          "FEATHER_DB_PATH": str(tmp_path / "f.sqlite3")}, dotenv=tmp_path / "no.env")
        assert runner.run_telegram(build_app(settings, core=real_core())) == 1
    finally:
        asyncio.set_event_loop(None)
        logging.getLogger().setLevel(root_level)
    err = capfd.readouterr().err.strip().splitlines()
    tries = [line for line in err if "could not reach the Telegram Bot API" in line]
    assert [re.sub(r".*: try ", "try ", line) for line in tries] == ["try 1 of 2", "try 2 of 2"]
    assert all("getMe" in line and "NetworkError" in line for line in tries)
    assert err[-1] == f"Feather will not start: the Telegram Bot API at {url} could not be reached (NetworkError)."
    assert not any("giving up" in line or "Traceback" in line for line in err)


def test_ctrl_c_while_still_trying_to_reach_telegram_is_quiet_too(tmp_path: Path) -> None:
    root = make_root(tmp_path, slim=True)
    env = clean_env(TELEGRAM_BOT_TOKEN="1:x", TELEGRAM_API_URL=f"http://127.0.0.1:{free_port()}",
                    FEATHER_DB_PATH=str(tmp_path / "f.sqlite3"), FEATHER_CONTENT_DIR=str(root))
    process = subprocess.Popen([sys.executable, str(RUN_BOT)], cwd=PROJECT_ROOT, env=env, text=True,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        while "try 1 of 6" not in first:
            assert first, "Feather stopped before its first try"
            first = process.stderr.readline()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "Traceback" not in err and "will not start" not in err
