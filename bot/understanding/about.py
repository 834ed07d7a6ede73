"""What a message says about the loss: kind, weeks, how long ago, name(s), twins, who is writing.

Pure and rule-based (no new dependency): the words come from content/understanding.yaml, the
grammar is here. It prefers saying nothing to guessing: a capitalised word is a name only where
the sentence says so ("we named her Ivy", "our son Arthur", "Leo was born at 22 weeks").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.understanding.vocabulary import Vocabulary

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
                         "\u2013": "-", "\u2014": "-"})
_TOKEN = re.compile(r"'s(?![^\W_])|\d+(?:\.\d+)?|[^\W\d_]+(?:'[^\W\d_]+)*|[^\w\s]")
_SENTENCE_END = {".", "!", "?", ";", "\n"}
MIN_WEEKS, MAX_WEEKS = 3, 44
_OBJECTS = {"him", "her", "them"}


@dataclass(frozen=True)
class About:
    """What one message said; a field is None/empty/False when the message did not say it."""

    kind: str | None = None
    weeks: int | None = None
    since_days: int | None = None
    names: tuple[str, ...] = ()
    twins: bool = False
    role: str | None = None
    year: int | None = None
    """A calendar year told ("in 1989"): not in ``as_dict`` (the sets count durations, not dates),
    but enough for a reply to know a loss was long ago."""

    @property
    def name(self) -> str | None:
        """The name to use in a reply: one name, or two joined ("Rose and Lily")."""
        if not self.names:
            return None
        return self.names[0] if len(self.names) == 1 else " and ".join(self.names)

    def as_dict(self) -> dict[str, Any]:
        """Only the keys found (``--match``'s "about"); several names come as a list."""
        out: dict[str, Any] = {}
        if self.kind:
            out["kind"] = self.kind
        if self.weeks is not None:
            out["weeks"] = self.weeks
        if self.since_days is not None:
            out["since_days"] = self.since_days
        if self.names:
            out["name"] = self.names[0] if len(self.names) == 1 else list(self.names)
        if self.twins:
            out["twins"] = True
        if self.role:
            out["role"] = self.role
        return out

    def __bool__(self) -> bool:
        return bool(self.as_dict())


@dataclass(frozen=True)
class _Tokens:
    """A message as lowercase tokens joined by spaces, remembering each token's original text."""

    low: tuple[str, ...]
    orig: tuple[str, ...]
    sentence: tuple[int, ...]
    text: str
    starts: tuple[int, ...]

    def index_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1


def _split(text: str, contractions: dict[str, str]) -> list[tuple[str, str]]:
    """(lowercase, original) pairs; contractions undone, "'s" split off ("sister's")."""
    out: list[tuple[str, str]] = []
    for raw in _TOKEN.findall(text.translate(_QUOTES)):
        low = _plain(raw.lower())
        if "\n" in raw:
            continue
        if low in contractions:
            out.extend((word, word) for word in contractions[low].split())
        elif low.endswith("'s") and len(low) > 2:
            out.append((low[:-2], raw[:-2]))
            out.append(("'s", "'s"))
        else:
            out.append((low, raw))
    return out


def _tokens(text: str, contractions: dict[str, str]) -> _Tokens:
    low: list[str] = []
    orig: list[str] = []
    sentence: list[int] = []
    current = 0
    for line in text.splitlines() or [""]:
        for word, raw in _split(line, contractions):
            low.append(word)
            orig.append(raw)
            sentence.append(current)
            if word in _SENTENCE_END:
                current += 1
        current += 1
    starts: list[int] = []
    offset = 0
    for word in low:
        starts.append(offset)
        offset += len(word) + 1
    return _Tokens(tuple(low), tuple(orig), tuple(sentence), " ".join(low), tuple(starts))


class AboutReader:
    """Compiled once from the words; ``read`` is then cheap and safe to share between threads."""

    def __init__(self, words: Vocabulary) -> None:
        self.words = words
        exact = dict(words.numbers)
        self._exact = exact
        self._approx = dict(words.approximate_numbers)
        tens = [w for w, v in exact.items() if v >= 20 and v % 10 == 0]
        ones = [w for w, v in exact.items() if 1 <= v <= 9]
        word_num = (rf"(?:{_alt(tens)})(?: - | )(?:{_alt(ones)})|{_alt(exact)}")
        self._num = rf"(?:\d+(?:\.\d+)?|{word_num})"
        self._any_num = rf"(?:{self._num}|{self._alt_phrases(self._approx)})"
        self._fears = [self._phrase_tokens(p) for p in words.fear_words]
        self._kinds = {kind: self._compile(phrases) for kind, phrases in words.kinds.items()}
        weeks = self._alt_phrases(words.week_words)
        self._weeks = re.compile(
            rf"(?<!\S)(?P<n>{self._num})(?: \+ \d+)?(?: - | )?(?:{weeks})(?!\S)"
            rf"|(?<!\S)(?P<n2>\d+) \+ \d+(?!\S)"
            rf"|(?<!\S)(?:at|in) week (?P<n3>{self._num})(?!\S)")
        self._not_before = [self._phrase_tokens(p) for p in words.not_weeks_before]
        self._not_after = [self._phrase_tokens(p) for p in words.not_weeks_after]
        self._never_after = [self._phrase_tokens(p) for p in words.never_weeks_after]
        self._sure_before = [self._phrase_tokens(p) for p in words.sure_weeks_before]
        units = self._alt_phrases(words.units)
        amount = rf"(?P<n>{self._any_num}) (?P<unit>{units})(?: and (?:a half|half))?"
        self._ago = re.compile(rf"(?<!\S){amount} (?:{self._alt_phrases(words.ago_words)})(?!\S)")
        hedge = r"(?:almost |nearly |about |over |just over |just under |around |roughly )?"
        self._been = re.compile(
            rf"(?<!\S)(?:{self._alt_phrases(words.been_words)}) {hedge}{amount}(?!\S)")
        self._moments = [(self._compile([m]), value) for m, value in
                         sorted(words.moments.items(), key=lambda kv: -len(kv[0]))]
        self._events = self._compile(words.event_words)
        self._all_kinds = self._compile([p for ps in words.kinds.values() for p in ps])
        months = self._alt_phrases(words.months)
        self._years = re.compile(rf"(?<!\S)(?:in|back in|since|during|of|{months}) (?P<y>(?:19|20)\d\d)(?!\S)")
        self._twins = self._compile(words.twins)
        self._not_twins = self._compile(words.not_twins)
        roles = words.roles
        self._babies = set(words.names["relation_words"])
        self._role_self = {r: self._compile(
            [f"i am {a}{w}" for w in parts.get("self", ()) for a in _articles(r)]
            + [f"as {a}{w}" for w in parts.get("self", ()) for a in _articles(r) if a])
            for r, parts in roles.items() if parts.get("self")}
        # "our son" is the baby more often than the person who had the loss: only "my".
        self._role_people = {r: self._compile(
            [f"my {w}" for w in parts.get("people", ())]
            + [f"our {w}" for w in parts.get("people", ()) if w not in self._babies])
            for r, parts in roles.items() if parts.get("people")}
        self._role_anywhere = {r: self._compile(parts.get("anywhere", ()))
                               for r, parts in roles.items()}
        self._verbs = self._compile(words.loss_verbs)
        self._objects = self._compile(words.loss_objects)
        self._carried_weeks = re.compile(
            rf"(?<!\S)i was (?:only |just |about |nearly |almost |around )?{self._num}"
            rf"(?: \+ \d+)?(?: - | )?(?:{weeks})(?!\S)|(?<!\S)i was (?:only |just )?\d+ \+ \d+")
        self._first_person_kind = re.compile(
            rf"(?<!\S)i (?:had|have had|just had|am having|have just had|experienced|went through"
            rf"|suffered|had to have|have) (?:\S+ ){{0,3}}?(?:"
            rf"{self._alt_phrases([p for k in words.body_kinds for p in words.kinds[k]])}"
            rf"|{self._alt_phrases(words.kinds['stillbirth'])})(?!\S)")
        self._other_people = set(words.other_people)
        names = words.names
        self._not_names = set(names["not_names"]) | set(words.weekdays) | set(words.kinds) | {
            p for ps in words.kinds.values() for p in ps if " " not in p}
        self._months = set(words.months)
        self._named = self._compile(names["named"] + names["name_is"])
        self._called = self._compile(names["called"])
        self._negations = [self._phrase_tokens(p) for p in names["negations"]]
        self._baby = self._compile(names["baby_words"])
        self._relation = self._compile(
            [f"{pos} {w}" for w in names["relation_words"]
             for pos in ("our", "my", "his", "her", "their", "our little", "my little", "'s")])
        self._after = self._compile(names["after"])
        self._loss_words = self._compile(names["loss_words"])
        self._help = self._compile(words.help_words)
        self._living = [self._phrase_tokens(p) for p in names["living"]]

    def name_answer(self, text: str) -> tuple[str, ...]:
        """The name(s) in an answer to "what name?": the question is the cue, so a short answer
        ("Leo James", "rose and lily") is the name; otherwise the usual reading."""
        t = _tokens(text[:200], self.words.contractions)
        words = [w for w in t.low if w not in {".", "!", ","}]
        if 0 < len(words) <= 4 and all(self._is_name(t, i, need_capital=False) or t.low[i] in {
                "and", "&", ".", "!", ","} for i in range(len(t.low))):
            return self._names_from(t, 0, need_capital=False)
        return self.read(text).names

    def asks(self, text: str) -> bool:
        """A question ("?", or opening with a question word), not a story being told."""
        t = _tokens(text[:5000], self.words.contractions)
        opening = self.words.story.question_words if self.words.story else ()
        return "?" in t.low or bool(t.low and t.low[0] in opening)

    def asks_how_to_help(self, text: str) -> bool:
        """ "What can I do to help her", "how do I support my wife": the partner's own question."""
        return bool(self._help.search(_tokens(text[:5000], self.words.contractions).text))

    # -- building -------------------------------------------------------------------------
    def _phrase_tokens(self, phrase: str) -> tuple[str, ...]:
        return tuple(low for low, _ in _split(phrase, self.words.contractions))

    def _phrase_regex(self, phrase: str) -> str:
        parts = []
        slots = {"qqnumqq": self._num, "qqwordqq": r"\S+"}
        for low in self._phrase_tokens(phrase.replace("{n}", " qqnumqq ").replace("{w}", " qqwordqq ")):
            parts.append(slots.get(low) or re.escape(low))
        return r"(?: - | )".join(parts)

    def _alt_phrases(self, phrases: Iterable[str]) -> str:
        ordered = sorted(set(phrases), key=len, reverse=True)
        return "|".join(self._phrase_regex(p) for p in ordered)

    def _compile(self, phrases: Iterable[str]) -> re.Pattern[str]:
        alternatives = self._alt_phrases(phrases)
        return re.compile(rf"(?<!\S)(?:{alternatives})(?!\S)" if alternatives else r"(?!x)x")

    # -- reading --------------------------------------------------------------------------
    def read(self, text: str) -> About:
        """What ``text`` says (a date like "3 March 2019" is left alone: the sets never count it)."""
        t = _tokens(text[:5000], self.words.contractions)
        kind = self._kind(t)
        return About(kind=kind, weeks=self._weeks_of(t), since_days=self._since(t),
                     names=self._names(t), twins=self._twins_of(t), role=self._role(t, kind),
                     year=self._year(t))

    def _number(self, phrase: str) -> float | None:
        phrase = phrase.replace(" - ", " ")
        if phrase and phrase[0].isdigit():
            try:
                return float(phrase)
            except ValueError:
                return None
        if phrase in self._approx:
            return self._approx[phrase]
        total = 0.0
        for word in phrase.split():
            if word not in self._exact:
                return None
            total += self._exact[word]
        return total

    def _kind(self, t: _Tokens) -> str | None:
        for kind, pattern in self._kinds.items():
            for match in pattern.finditer(t.text):
                start = t.index_at(match.start())
                if not any(_ends_with(t.low[max(0, start - 4):start], p) for p in self._fears):
                    return kind
        return None

    def _weeks_of(self, t: _Tokens) -> int | None:
        for match in self._weeks.finditer(t.text):
            raw = match.group("n") or match.group("n2") or match.group("n3")
            number = self._number(raw)
            if number is None or not MIN_WEEKS <= number <= MAX_WEEKS:
                continue
            start = t.index_at(match.start())
            end = t.index_at(match.end() - 1) + 1
            if any(_ends_with(t.low[:start], p) for p in self._not_before):
                continue
            if any(_starts_with(t.low[end:], p) for p in self._never_after):
                continue
            sure = any(_ends_with(t.low[:start], p) for p in self._sure_before)
            if not sure and any(_starts_with(t.low[end:], p) for p in self._not_after):
                continue
            return int(number)
        return None

    def _since(self, t: _Tokens) -> int | None:
        found: list[tuple[int, int]] = []  # (position, days)
        for pattern in (self._ago, self._been):
            for match in pattern.finditer(t.text):
                number = self._number(match.group("n"))
                unit = self.words.units.get(match.group("unit").replace(" - ", " "))
                if number is None or unit is None:
                    continue
                days = number * unit
                if match.group(0).find(" half") > 0 and " and " in match.group(0):
                    days += unit / 2
                found.append((match.start(), round(days)))
        if found:
            return min(found)[1]
        for pattern, value in self._moments:
            for match in pattern.finditer(t.text):
                sentence = t.sentence[t.index_at(match.start())]
                if self._sentence_has_event(t, sentence) or self._sentence_has_event(
                        t, self._previous_sentence(t, sentence)):
                    return round(value)  # "Miscarriage confirmed. That was last week."
        return None

    @staticmethod
    def _previous_sentence(t: _Tokens, sentence: int) -> int:
        earlier = [s for s in t.sentence if s < sentence]
        return max(earlier) if earlier else sentence

    def _year(self, t: _Tokens) -> int | None:
        match = self._years.search(t.text)
        return int(match.group("y")) if match else None

    def _sentence_has_event(self, t: _Tokens, sentence: int) -> bool:
        words = " ".join(w for w, s in zip(t.low, t.sentence, strict=True) if s == sentence)
        return bool(self._events.search(words) or self._all_kinds.search(words))

    def _twins_of(self, t: _Tokens) -> bool:
        text = self._not_twins.sub(" ", t.text)
        return bool(self._twins.search(text))

    # -- who is writing -------------------------------------------------------------------
    def _role(self, t: _Tokens, kind: str | None) -> str | None:
        for role, pattern in self._role_self.items():
            if pattern.search(t.text):
                return role
        people: list[tuple[int, str]] = []
        for role, pattern in self._role_people.items():
            for match in pattern.finditer(t.text):
                end = t.index_at(match.end() - 1) + 1
                person = t.low[end - 1]
                if self._loss_follows(t, end, near=person not in self._babies):
                    people.append((match.start(), role))
        if people:
            return min(people)[1]
        for role in ("relative", "friend", "partner", "carried"):
            if self._role_anywhere[role].search(t.text):
                return role
        if self._carried_weeks.search(t.text) or self._first_person_kind.search(t.text):
            return "carried"
        if kind in self.words.body_kinds and not self._other_people & set(t.low) and not (
                self._asks(t)):
            return "carried"  # "had a chemical last week"; not "what is a molar pregnancy?"
        return None

    def _asks(self, t: _Tokens) -> bool:
        """True when the kind of loss is named in a question ("?", or a sentence opening with a
        question word: "how common is miscarriage"), not in a story."""
        match = self._all_kinds.search(t.text)
        if not match:
            return False
        sentence = t.sentence[t.index_at(match.start())]
        words = [w for w, s in zip(t.low, t.sentence, strict=True) if s == sentence]
        opening = self.words.story.question_words if self.words.story else ()
        return "?" in words or bool(words and words[0] in opening)

    def _loss_follows(self, t: _Tokens, end: int, near: bool = False) -> bool:
        """After "my sister": a loss verb (optionally past a name or "and her husband") and,
        within a few words, what was lost ("lost her baby", "had a stillbirth", "'s baby")."""
        index = end
        if index < len(t.low) and t.orig[index][:1].isupper() and t.low[index] not in self._not_names:
            index += 1  # "my sister Anna lost her baby"
        if index + 2 < len(t.low) and t.low[index] == "and" and t.low[index + 1] in {
                "his", "her", "their"}:
            index += 3  # "my son and his wife lost their baby"
        rest = " ".join(t.low[index:index + 8])
        if self._verbs.match(rest) and (self._objects.search(rest) or self._all_kinds.search(rest)):
            return True
        if not near or index >= len(t.low):
            return False
        sentence = t.sentence[index]
        window = " ".join(w for i, w in enumerate(t.low[index:index + 12], index)
                          if t.sentence[i] == sentence)
        return bool(self._all_kinds.search(window))  # "my flatmate came home after a miscarriage"

    # -- names ----------------------------------------------------------------------------
    def _names(self, t: _Tokens) -> tuple[str, ...]:
        shouting = _mostly_upper(t.orig)
        found: list[tuple[int, tuple[str, ...]]] = []
        for match in self._named.finditer(t.text):
            start = t.index_at(match.start())
            end = t.index_at(match.end() - 1) + 1
            if self._negated(t, start) or (start > 0 and t.low[start - 1] in {"my", "i"}):
                continue
            if end < len(t.low) and t.low[end] in _OBJECTS:
                end += 1  # "we named | her Grace"
            if end < len(t.low) and t.low[end] == ",":
                end += 1  # "say his name, Jacob"
            names = self._names_from(t, end, need_capital=False)
            if names:
                found.append((start, names))
        if not shouting:
            for pattern, gap in ((self._called, False), (self._baby, False), (self._relation, True)):
                for match in pattern.finditer(t.text):
                    start = t.index_at(match.start())
                    end = t.index_at(match.end() - 1) + 1
                    if self._negated(t, start):
                        continue
                    if pattern is self._called and end < len(t.low) and t.low[end] in _OBJECTS:
                        end += 1
                    if gap and end < len(t.low) and t.low[end] == ",":
                        end += 1
                    names = self._names_from(t, end, need_capital=True)
                    if not names or (pattern is not self._called and not self._about_loss(t, start, end)):
                        continue
                    if pattern is self._relation and self._loss_follows(t, end):
                        continue  # "my daughter Anna lost her baby": Anna is not the baby
                    if pattern is not self._relation and names[0].lower() in self._months:
                        continue
                    found.append((start, names))
            for match in self._after.finditer(t.text):
                start = t.index_at(match.start())
                names = self._names_before(t, start)
                if names:
                    found.append((start, names))
        if not found:
            return ()
        return min(found)[1]

    def _negated(self, t: _Tokens, start: int) -> bool:
        window = [w for i, w in enumerate(t.low[max(0, start - 4):start], max(0, start - 4))
                  if t.sentence[i] == t.sentence[start]]
        return any(_contains(window, p) for p in self._negations)

    def _about_loss(self, t: _Tokens, start: int, index: int) -> bool:
        """The cue ("baby", "our son") is about the baby who died: not after "rainbow", and in a
        sentence that speaks of the loss."""
        if start > 0 and any(_ends_with(t.low[:start + 1], p) or _ends_with(t.low[:start], p)
                             for p in self._living):
            return False
        sentence = t.sentence[min(index, len(t.low) - 1)]
        words = " ".join(w for w, s in zip(t.low, t.sentence, strict=True) if s == sentence)
        return bool(self._loss_words.search(words) or self._all_kinds.search(words))

    def _is_name(self, t: _Tokens, index: int, need_capital: bool) -> bool:
        if index >= len(t.low):
            return False
        low, orig = t.low[index], t.orig[index]
        if not orig.isalpha() or len(orig) < 2 or low in self._not_names:
            return False
        return orig[0].isupper() if need_capital else True

    def _names_from(self, t: _Tokens, index: int, need_capital: bool) -> tuple[str, ...]:
        names: list[str] = []
        while self._is_name(t, index, need_capital):
            name = [t.orig[index]]
            while name[0][0].isupper() and self._is_name(t, index + 1, need_capital=True):
                index += 1  # "Isla Rose"
                name.append(t.orig[index])
            names.append(" ".join(_title(part) for part in name))
            nxt = index + 1
            if nxt < len(t.low) and t.low[nxt] in {"and", "&", ","}:
                if nxt + 1 < len(t.low) and t.low[nxt] == "," and t.low[nxt + 1] == "and":
                    nxt += 1
                if self._is_name(t, nxt + 1, need_capital):
                    index = nxt + 1
                    continue
            break
        return tuple(names)

    def _names_before(self, t: _Tokens, start: int) -> tuple[str, ...]:
        """"Leo was born", "Rose and Lily were born": capitalised names just before the verb."""
        index = start - 1
        names: list[str] = []
        while index >= 0 and self._is_name(t, index, need_capital=True) and (
                t.low[index] not in self._months):  # "March would have been their due date"
            names.insert(0, _title(t.orig[index]))
            if index >= 2 and t.low[index - 1] in {"and", "&"}:
                index -= 2
                continue
            break
        return tuple(names)


def _articles(role: str) -> tuple[str, ...]:
    """"I'm the dad", "I'm her auntie"; but "her dad" is her father, so partners take no "her"."""
    plain = ("", "a ", "an ", "the ")
    return plain if role == "partner" else (*plain, "her ", "his ", "their ")


def _plain(word: str) -> str:
    """Without accents, so "fiancée" is "fiancee"."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _ends_with(tokens: Sequence[str], phrase: tuple[str, ...]) -> bool:
    return len(phrase) <= len(tokens) and tuple(tokens[len(tokens) - len(phrase):]) == phrase


def _starts_with(tokens: Sequence[str], phrase: tuple[str, ...]) -> bool:
    return tuple(tokens[:len(phrase)]) == phrase


def _contains(tokens: Sequence[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i:i + n]) == phrase for i in range(len(tokens) - n + 1))


def _mostly_upper(words: Sequence[str]) -> bool:
    letters = [c for w in words for c in w if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _title(word: str) -> str:
    return word if any(c.isupper() for c in word) else word[:1].upper() + word[1:]
