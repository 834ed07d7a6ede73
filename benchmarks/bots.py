"""The two bots the end-to-end benchmarks start as subprocesses, against the local fake Bot API.

``python benchmarks/bots.py feather [--lifted]`` is Feather exactly as ``run_bot.py`` starts it
(``bot.cli.main``: settings from the environment, ``build_core``, the store, the daily sender,
long polling), its start-up steps timed when FEATHER_BENCH_TIMINGS names a file
(benchmarks/startup.py), and with one change when ``--lifted``: the overall 30 messages/s limit of the
Telegram rate limiter (PTB's AIORateLimiter, which Feather's RetryingRateLimiter extends) is
switched off, so the benchmark measures the software rather than Telegram's flood limit.

``python benchmarks/bots.py echo [--lifted] [--rich]`` is the floor: a minimal python-telegram-bot
echo bot on the same PTB version, configured like Feather where it matters for speed (updates from
different chats processed concurrently, up to 512 at once; long polling for the same update
types; PTB's AIORateLimiter unless ``--lifted``). It replies to every text with the same text.
With ``--rich`` it replies instead with a message shaped like a typical Feather answer (about 380
characters of HTML and four buttons): the floor for sending what Feather sends, without thinking.

Both read TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL from the environment and stop on SIGTERM.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def lifted_limiter_class():  # type: ignore[no-untyped-def]
    """Feather's RetryingRateLimiter (retries and all) without the overall messages/s cap."""
    from bot.frontends.telegram.retrying import RetryingRateLimiter

    class LiftedRateLimiter(RetryingRateLimiter):
        def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(**kwargs)
            self._base_limiter = None  # AIORateLimiter(overall_max_rate=0) does the same

    return LiftedRateLimiter


def run_feather(lifted: bool) -> int:
    import os
    import time

    begun = time.perf_counter()
    from bot import app, cli
    from bot.frontends.telegram import runner

    imported = time.perf_counter() - begun
    timings = os.environ.get("FEATHER_BENCH_TIMINGS")
    if timings:  # the start-up breakdown (benchmarks/startup.py)
        from benchmarks.startup import instrument

        cli.build_core = instrument(app, Path(timings), {"imports": imported})

    if lifted:
        runner.RetryingRateLimiter = lifted_limiter_class()  # what build_application uses by default
    return cli.main([])


RICH_TEXT = (
    "<b>How long the baby's cells can stay</b>\n\n"
    "Cells from a pregnancy have been found in mothers decades later: in one study, 27 years after "
    "the birth. Not every mother has them, and nobody can yet say how many stay, or where. "
    "Researchers found them in the blood, the skin, the liver and the heart. "
    "<i>It is an area of active research, and much is still unknown.</i>\n\n"
    "Would you like to know where they go, or how this was found?"
)
RICH_BUTTONS = ("Where do they go?", "How do we know?", "After an early loss", "Back to the menu")


def run_echo(lifted: bool, rich: bool = False) -> int:
    import logging
    import os

    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.constants import ParseMode
    from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

    logging.basicConfig(level=logging.WARNING)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"n:bench/{index}")]
                                     for index, label in enumerate(RICH_BUTTONS)])

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.message.text is not None:
            if rich:
                await update.message.reply_text(RICH_TEXT, parse_mode=ParseMode.HTML, reply_markup=keyboard)
            else:
                await update.message.reply_text(update.message.text)

    api = os.environ["TELEGRAM_API_URL"].rstrip("/")
    builder = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
               .base_url(f"{api}/bot").base_file_url(f"{api}/file/bot").concurrent_updates(512))
    if not lifted:
        builder = builder.rate_limiter(AIORateLimiter())
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY], bootstrap_retries=5)
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("feather", "echo"):
        print(__doc__)
        return 2
    lifted = "--lifted" in argv[1:]
    return run_feather(lifted) if argv[0] == "feather" else run_echo(lifted, rich="--rich" in argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
