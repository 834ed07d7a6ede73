"""Runs ``run_bot.py`` in fresh processes, quickly: a test helper for the kill -9 test.

A cold start of the bot spends seconds building the content (the safety patterns above all), so
twenty-one cold starts would take minutes. This process builds it once, the way ``run_bot.py``
does (strict: it refuses content with errors), and then, for each ``{"op": "fork"}`` line on
stdin, forks a child that runs ``run_bot.py`` as ``__main__`` with the given environment, its
stdout and stderr in the given file. The only difference from a cold start: ``bot.cli.build_core``
hands back the content built before the fork. The child is a real, separate process: the test
kills it with SIGKILL. ``{"op": "wait", "pid": N}`` reaps it and answers with its wait status.

Protocol: one JSON object per line each way; "ready" once the content is built.
"""

from __future__ import annotations

import json
import os
import runpy
import sys

import bot.cli
import bot.frontends.telegram.runner  # noqa: F401 - imported before forking: faster children
from bot import PROJECT_ROOT
from bot.app import build_core

core = build_core(PROJECT_ROOT)  # strict, like run_bot.py
bot.cli.build_core = lambda root, *args, **kwargs: core  # type: ignore[assignment]


def answer(value: object) -> None:
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def child(env: dict[str, str], log_path: str) -> None:
    code = 1
    try:
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = [str(PROJECT_ROOT / "run_bot.py")]
        try:
            runpy.run_path(str(PROJECT_ROOT / "run_bot.py"), run_name="__main__")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    answer("ready")
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "fork":
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                child(command["env"], command["log"])
            answer({"pid": pid})
        elif command["op"] == "wait":
            _, status = os.waitpid(command["pid"], 0)
            answer({"status": status})
        elif command["op"] == "exit":
            break


if __name__ == "__main__":
    main()
