"""Find a time zone from what someone types: a city ("london", "new yrok"), a zone ("Europe/Berlin"),
"UTC". Cities come from ``content/cities.yaml``; every IANA zone is understood by name.

``ZoneFinder.find`` returns None rather than guess: a person who typed something else entirely
(a question, a feeling) is answered by the ordinary conversation instead.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.content.problems import Problem
from bot.content.yamlsrc import Where, YamlError, YDict, load_yaml

CITIES_FILE = Path("content") / "cities.yaml"
FUZZY_CUTOFF = 86.0
"""How close (0-100, rapidfuzz ratio) a typed place must be to a known one: typos, not guesses."""
TYPO_CUTOFF = 0.8
"""The same, counting a swapped pair of letters as one edit (0-1, optimal string alignment)."""

_SKIP_ZONES = re.compile(r"^(?:Etc/|SystemV/|posix|right/)|^(?:Factory|localtime|posixrules)$")
_PREFIX = re.compile(
    r"^(?:(?:i'?m|i am|we'?re|we are|im|i live|we live|living|based|it'?s|its|my time ?zone is|"
    r"time ?zone|timezone|zone|in|near|close to|around|just outside|outside|the)\s+)+"
)
_SUFFIX = re.compile(r"\s+(?:time|time ?zone|area|please|thanks|thank you)$")


@lru_cache(maxsize=1)
def valid_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=512)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def is_zone(name: str) -> bool:
    return name in valid_zones()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[^\w/' +-]", " ", plain)).strip()


def place_name(zone_name: str) -> str:
    """A readable place for a zone: 'America/New_York' -> 'New York'."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def local_now(zone_name: str, now: datetime) -> str:
    return now.astimezone(zone(zone_name)).strftime("%H:%M")


@dataclass(frozen=True)
class Places:
    """What cities.yaml holds, keys folded: city -> zone, alias -> zone, country -> several zones."""

    cities: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    several: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Found:
    """A typed place: one zone, or (a country with several zones) the zones to choose from."""

    zone: str | None = None
    choices: tuple[str, ...] = ()


class ZoneFinder:
    """Typed place -> IANA zone name. Built once; ``find`` is cheap and thread-safe."""

    def __init__(self, places: Places | None = None) -> None:
        self.places = places or Places()
        self._by_lower = {name.casefold(): name for name in valid_zones() if _listed_zone(name)}
        names: dict[str, str] = {}
        for name in sorted(self._by_lower.values()):
            names.setdefault(_fold(place_name(name)), name)
        names.update(self.places.aliases)
        names.update(self.places.cities)
        self._names = names
        self._choices = list(names)

    def find(self, text: str) -> Found | None:
        """The zone (or a country's zones) for a short answer; None when it is not a place."""
        raw = text.strip()
        if not raw or len(raw) > 60:
            return None
        exact = self._by_lower.get(re.sub(r"\s+", "_", raw.casefold()))
        if exact:
            return Found(exact)
        wanted = _SUFFIX.sub("", _PREFIX.sub("", _fold(raw))).strip()
        if not wanted:
            return None
        parts = [p.strip() for p in re.split(r",|\s-\s|/", wanted) if p.strip()]
        for candidate in [wanted, *parts]:
            if candidate in self._names:
                return Found(self._names[candidate])
            if candidate in self.places.several:
                return Found(choices=self.places.several[candidate])
        # "central london", "paris france", "melbourne australia": a listed city inside a short answer.
        words = wanted.replace(",", " ").split()
        if len(words) <= 5:
            for size in (3, 2, 1):
                for start in range(len(words) - size + 1):
                    span = " ".join(words[start:start + size])
                    if span in self.places.cities:
                        return Found(self.places.cities[span])
        for candidate in [wanted, *parts]:
            if len(candidate) < 4:
                continue
            found = process.extractOne(candidate, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if found is None and len(candidate) >= 5:
                # One swapped pair of letters ("sydeny") counts as one slip, not two.
                found = process.extractOne(candidate, self._choices, scorer=OSA.normalized_similarity,
                                           score_cutoff=TYPO_CUTOFF)
            if found:
                return Found(self._names[found[0]])
        return None


def _listed_zone(name: str) -> bool:
    """Real places plus UTC; not the legacy abbreviations (EST is not New York's time)."""
    return name == "UTC" or ("/" in name and not _SKIP_ZONES.search(name))


def load_places(root: Path) -> tuple[Places, list[Problem]]:
    """Read cities.yaml, and every problem with its line (an unknown zone, a place listed twice)."""
    path = root / CITIES_FILE
    name = CITIES_FILE.as_posix()
    if not path.exists():
        return Places(), [Problem(Where(name, 1), "file is missing (daily reflections need it for time zones)")]
    try:
        data = load_yaml(path, name)
    except YamlError as exc:
        return Places(), [Problem(exc.where, exc.message)]
    if not isinstance(data, YDict):
        return Places(), [Problem(Where(name, 1), "the file must be a mapping (key: value) at the top level")]
    problems: list[Problem] = []
    allowed = ("last_reviewed", "cities", "aliases", "several")
    for key in data:
        if key not in allowed:
            problems.append(Problem(data.at(key), f"unknown key '{key}' (allowed: {', '.join(allowed)})"))
    if "cities" not in data:
        problems.append(Problem(data.where, "this file needs 'cities'"))
    sections: dict[str, dict[str, Any]] = {"cities": {}, "aliases": {}, "several": {}}
    for section, found in sections.items():
        block = data.get(section)
        if block is None:
            continue
        if not isinstance(block, YDict):
            problems.append(Problem(data.at(section), f"'{section}' must be a mapping of place: time zone"))
            continue
        for place, value in block.items():
            where = block.at(place)
            zones = list(value) if section == "several" and isinstance(value, list) else [value]
            bad = [z for z in zones if not isinstance(z, str) or not is_zone(z)]
            if bad or not zones:
                problems.append(Problem(where, f"'{place}' has time zone '{bad[0] if bad else ''}', which is "
                                               "not an IANA time zone (like Europe/London)"))
                continue
            folded = _fold(str(place))
            if folded in found:
                problems.append(Problem(where, f"'{place}' is listed twice in '{section}'"))
            found[folded] = tuple(zones) if section == "several" else zones[0]
    return Places(sections["cities"], sections["aliases"], sections["several"]), problems


def cities_problems(root: Path) -> list[Problem]:
    """Problems in content/cities.yaml, with file and line, for ``--check`` and start-up."""
    return load_places(root)[1]


def build_finder(root: Path) -> ZoneFinder:
    places, _ = load_places(root)
    return ZoneFinder(places)
