"""Remembering a loss, only with a yes: the offer, /remembered, and changing or removing it.

The offer's "Yes" button carries what would be kept (bot/understanding/keep.py), so nothing is
stored before the person presses it; "No" stores nothing. Either way the question is asked once.
"""

from __future__ import annotations

from bot.engine import callbacks
from bot.engine.dates import Dates
from bot.engine.turn import Turn
from bot.engine.types import Button, Effect, OutMessage, Reply
from bot.understanding import About, AboutReader
from bot.understanding.keep import Kept

KEEP = "keep"
"""``keep:<offer>`` keeps what the offer carries; ``keep:n`` declines."""
KEPT = "kept"
"""``kept:c`` changes what is kept (asks in words); ``kept:r`` removes it."""
PENDING_CHANGE = "kept_change"
COMMAND = "remembered"


class Remembering:
    """The feature: its command, its two button verbs, its one pending question."""

    commands: tuple[str, ...] = (COMMAND,)
    """Its line in the command menu is messages.yaml's ``command_remembered``."""
    verbs: frozenset[str] = frozenset({KEEP, KEPT})
    pending: frozenset[str] = frozenset({PENDING_CHANGE})

    def __init__(self, reader: AboutReader) -> None:
        self.reader = reader

    # -- the offer (made by the loss_story reply) ------------------------------------------
    def offer(self, turn: Turn, kept: Kept) -> OutMessage | None:
        """Ask once, and only when there is something to keep and nothing kept yet."""
        if not kept or turn.state.kept_asked or turn.incoming.kept:
            return None
        turn.state.kept_asked = True
        single = kept.name and " and " not in kept.name
        key = "keep_offer_name" if single else "keep_offer"
        text = turn.text(key, name=kept.name or "", what=self.what(turn, kept))
        return OutMessage(text, (
            Button(turn.text("label_keep_yes"), callbacks.encode(KEEP, kept.encode())),
            Button(turn.text("label_keep_no"), callbacks.encode(KEEP, "n")),
        ))

    def what(self, turn: Turn, kept: Kept) -> str:
        """What is (or would be) kept, in words: "the name Ivy; a stillbirth; around May 2024"."""
        parts = []
        if kept.name:
            parts.append(turn.text("keep_what_name", name=kept.name))
        if kept.kind:
            parts.append(turn.text("keep_what_kind", kind=turn.text(f"kept_kind_{kept.kind}")))
        if kept.month:
            year, month = (int(part) for part in kept.month.split("-"))
            parts.append(turn.text("keep_what_month", month=Dates(turn.words).month_year(month, year)))
        if kept.role:
            parts.append(turn.text("keep_what_role", role=turn.text(f"kept_role_{kept.role}")))
        if len(parts) < 2:
            return "".join(parts)
        return f"{', '.join(parts[:-1])} {turn.text('keep_what_and')} {parts[-1]}"

    # -- the feature ----------------------------------------------------------------------
    def on_command(self, turn: Turn, command: str, args: str) -> Reply:
        kept = turn.incoming.kept
        if not kept:
            change = Button(turn.text("label_kept_tell"), callbacks.encode(KEPT, "c"))
            return turn.reply(OutMessage(turn.text("kept_none"), (change, turn.words.menu_button())))
        buttons = (Button(turn.text("label_kept_change"), callbacks.encode(KEPT, "c")),
                   Button(turn.text("label_kept_remove"), callbacks.encode(KEPT, "r")),
                   turn.words.menu_button())
        return turn.reply(OutMessage(turn.text("kept_show", what=self.what(turn, kept)), buttons))

    def on_button(self, turn: Turn, verb: str, arg: str) -> Reply:
        if verb == KEEP and arg == "n":
            turn.state.kept_asked = True
            return turn.reply(OutMessage(turn.text("keep_declined"), (turn.words.menu_button(),)),
                              events=["keep_declined"])
        if verb == KEEP:
            kept = Kept.decode(arg)
            if kept is None or not kept:
                return turn.unknown_button_reply()
            return self._keep(turn, (turn.incoming.kept or Kept()).merged(kept), "keep_done")
        if verb == KEPT and arg == "c":
            turn.state.pending = PENDING_CHANGE
            return turn.reply(OutMessage(turn.text("kept_ask")))
        if verb == KEPT and arg == "r":
            turn.state.kept_asked = True
            return turn.reply(OutMessage(turn.text("kept_removed"), (turn.words.menu_button(),)),
                              effects=[Effect("drop_about")], events=["kept_removed"])
        return turn.unknown_button_reply()

    def on_pending(self, turn: Turn, text: str) -> Reply | None:
        turn.forget_pending()
        about = self.reader.read(text)
        names = self.reader.name_answer(text)
        about = About(about.kind, about.weeks, about.since_days, names or about.names, about.twins, about.role)
        told = Kept.from_about(about, turn.incoming.now.date())
        if not told:
            return turn.reply(OutMessage(turn.text("kept_nothing_found"), (turn.words.menu_button(),)))
        return self._keep(turn, (turn.incoming.kept or Kept()).merged(told), "kept_changed")

    def intercept(self, turn: Turn, text: str) -> Reply | None:
        return None

    def on_risk(self, turn: Turn) -> list[Effect]:
        return []  # what was kept stays kept; the safety reply is the whole reply

    def _keep(self, turn: Turn, kept: Kept, key: str) -> Reply:
        turn.state.kept_asked = True
        effect = Effect("keep_about", {"role": kept.role, "kind": kept.kind, "month": kept.month,
                                       "name": kept.name})
        return turn.reply(OutMessage(turn.text(key, what=self.what(turn, kept)),
                                     (turn.words.menu_button(),)),
                          effects=[effect], events=["kept"])
