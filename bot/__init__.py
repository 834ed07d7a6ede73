"""Feather: a gentle companion after pregnancy loss.

The package is split by concern: ``content`` loads and validates the YAML, ``text`` normalises
what people write, ``matching`` finds the topic, ``safety`` spots a crisis first, ``engine`` runs
the conversation as plain data in and out, ``store`` keeps the minimum in SQLite, ``daily`` sends
reflections, and ``frontends`` (terminal, Telegram) are thin adapters on the same engine.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout root: where ``dialogs/`` and ``content/`` live by default."""
