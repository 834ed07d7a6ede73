"""What Feather may keep about a loss, with consent: the least that helps (role, kind, month, name).

Until the person says yes, nothing is stored: the offer carries what would be kept inside its
own "Yes" button (Telegram holds it in the chat, where the person already wrote it), so a "No" or
no answer leaves nothing behind on our side.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.content.model import ROLES
from bot.understanding.about import About
from bot.understanding.vocabulary import KINDS

_ROLE_CODES = {role: role[0] for role in ROLES}  # partner p, relative r, friend f, carried c
_KIND_CODES = {kind: str(index) for index, kind in enumerate(KINDS)}
_MONTH = re.compile(r"^\d{4}-\d{2}$")
MAX_NAME_BYTES = 24
"""A longer name is not offered for keeping: the offer must fit in a button's 64 bytes."""


@dataclass(frozen=True)
class Kept:
    """The remembered loss; every field optional. ``month`` is the approximate month, YYYY-MM."""

    role: str | None = None
    kind: str | None = None
    month: str | None = None
    name: str | None = None

    @classmethod
    def from_about(cls, about: About, today: date) -> Kept:
        """What to offer to keep from one message: the loss month only roughly (from since_days)."""
        month = None
        if about.since_days is not None:
            when = today - timedelta(days=about.since_days)
            month = f"{when.year:04d}-{when.month:02d}"
        name = about.name if about.name and len(about.name.encode()) <= MAX_NAME_BYTES else None
        return cls(about.role, about.kind, month, name)

    def __bool__(self) -> bool:
        return any((self.role, self.kind, self.month, self.name))

    def since_days(self, today: date) -> int | None:
        """Days from the middle of the kept month to ``today`` (None without a month)."""
        if not self.month:
            return None
        year, month = (int(part) for part in self.month.split("-"))
        return max(0, (today - date(year, month, 15)).days)

    def merged(self, newer: Kept) -> Kept:
        """``newer``'s values where it has them, ours elsewhere (telling more never forgets)."""
        return Kept(newer.role or self.role, newer.kind or self.kind, newer.month or self.month,
                    newer.name or self.name)

    def about(self, today: date) -> About:
        names = tuple(self.name.split(" and ")) if self.name else ()
        return About(kind=self.kind, since_days=self.since_days(today), names=names, role=self.role)

    # -- inside a button ----------------------------------------------------------------
    def encode(self) -> str:
        """A button argument (``[A-Za-z0-9_.-]``): role.kind.month.name, "-" for none."""
        name = "-"
        if self.name:
            name = base64.urlsafe_b64encode(self.name.encode()).decode().rstrip("=") or "-"
        return ".".join((
            _ROLE_CODES.get(self.role or "", "-"), _KIND_CODES.get(self.kind or "", "-"),
            (self.month or "-").replace("-", "") if self.month else "-", name))

    @classmethod
    def decode(cls, arg: str) -> Kept | None:
        """The offer back from a button, or None when it is not one Feather made."""
        parts = arg.split(".")
        if len(parts) != 4:
            return None
        role_code, kind_code, month, name_code = parts
        roles = {code: role for role, code in _ROLE_CODES.items()}
        kinds = {code: kind for kind, code in _KIND_CODES.items()}
        if role_code != "-" and role_code not in roles or kind_code != "-" and kind_code not in kinds:
            return None
        kept_month = None
        if month != "-":
            kept_month = f"{month[:4]}-{month[4:]}"
            if not _MONTH.match(kept_month) or not 1 <= int(month[4:]) <= 12:
                return None
        name = None
        if name_code != "-":
            try:
                padded = name_code + "=" * (-len(name_code) % 4)
                name = base64.urlsafe_b64decode(padded.encode()).decode()
            except (binascii.Error, UnicodeDecodeError, ValueError):
                return None
            if not name.strip() or len(name.encode()) > MAX_NAME_BYTES or not all(
                    c.isalpha() or c in " -'" for c in name):
                return None
        return cls(roles.get(role_code), kinds.get(kind_code), kept_month, name)
