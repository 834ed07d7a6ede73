"""The safety detector: recall and false alarms on the evaluation sets, guards, languages, the
checks on ``content/safety.yaml``, speed, and very long input.

Evaluation sets:
- ``tests/data/safety_messages.yaml``: crisis, medical, calm near-misses, figurative (one writer).
- ``tests/data/safety_extra.yaml``: more crisis, medical and near-misses (a second writer).
- ``tests/data/labelled_messages.yaml``: ordinary messages; not one may raise an alarm.

Run with ``-s`` to see the measured numbers.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.safety import SafetyDetector
from bot.safety.config import LEVELS, fallback_config, form_problems, load_safety, plain_words
from bot.safety.dispatch import build_dispatch, first_keys
from bot.text.normalise import MAX_INPUT_CHARS
from tests.feather_testkit import TODAY, line_of, patterns_only, real_core

DATA = PROJECT_ROOT / "tests" / "data"
SAFETY_FILE = PROJECT_ROOT / "content" / "safety.yaml"
ALARMS = ("crisis", "medical")


@cache
def sets() -> dict[str, list[str]]:
    main = yaml.safe_load((DATA / "safety_messages.yaml").read_text(encoding="utf-8"))
    extra = yaml.safe_load((DATA / "safety_extra.yaml").read_text(encoding="utf-8"))
    labelled = yaml.safe_load((DATA / "labelled_messages.yaml").read_text(encoding="utf-8"))
    return {
        "crisis": main["crisis"], "medical": main["medical"], "calm": main["calm"],
        "figurative": main["figurative"], "extra_crisis": extra["crisis"],
        "extra_medical": extra["medical"], "extra_calm": extra["calm"],
        "labelled": [item["text"] for item in labelled],
    }


def detector() -> SafetyDetector:
    return real_core().safety


def levels(name: str) -> list[tuple[str | None, str]]:
    return [(detector().assess(text).level, text) for text in sets()[name]]


def report(name: str, got: list[tuple[str | None, str]], wanted: tuple[str | None, ...]) -> list[str]:
    misses = [f"  {level}: {text}" for level, text in got if level not in wanted]
    rate = 1 - len(misses) / len(got)
    print(f"\n{name}: {len(got) - len(misses)}/{len(got)} = {rate:.1%} as {'/'.join(map(str, wanted))}")
    return misses


# ---------------------------------------------------------------------------- recall and false alarms
@pytest.mark.parametrize("name", ["crisis", "extra_crisis"])
def test_every_crisis_message_gets_the_crisis_reply(name: str) -> None:
    misses = report(f"crisis recall ({name})", levels(name), ("crisis",))
    assert not misses, "missed crisis messages:\n" + "\n".join(misses)


@pytest.mark.parametrize("name", ["medical", "extra_medical"])
def test_every_urgent_medical_message_gets_the_medical_reply(name: str) -> None:
    misses = report(f"medical recall ({name})", levels(name), ("medical",))
    assert not misses, "missed urgent medical messages:\n" + "\n".join(misses)


@pytest.mark.parametrize("name", ["calm", "extra_calm"])
def test_near_misses_rarely_raise_an_alarm(name: str) -> None:
    got = levels(name)
    alarms = [f"  {level}: {text}" for level, text in got if level in ALARMS]
    checkins = sum(1 for level, _ in got if level == "checkin")
    rate = len(alarms) / len(got)
    print(f"\nfalse alarms ({name}): {len(alarms)}/{len(got)} = {rate:.1%}; check-ins {checkins}/{len(got)}")
    for line in alarms:
        print(line)
    assert rate <= 0.10, "too many false alarms:\n" + "\n".join(alarms)


def test_ordinary_messages_never_raise_an_alarm() -> None:
    got = levels("labelled")
    alarms = [f"  {level}: {text}" for level, text in got if level in ALARMS]
    checkins = [text for level, text in got if level == "checkin"]
    print(f"\nfalse alarms (labelled ordinary messages): {len(alarms)}/{len(got)}; "
          f"check-ins {len(checkins)}/{len(got)}")
    assert not alarms, "ordinary messages raised an alarm:\n" + "\n".join(alarms)


def test_figures_of_speech_get_the_check_in_never_the_medical_reply() -> None:
    got = levels("figurative")
    counts = Counter(level for level, _ in got)
    print(f"\nfigurative: {dict(counts)} of {len(got)}")
    assert not [text for level, text in got if level == "medical"]
    wrong = [f"  {level}: {text}" for level, text in got if level not in ("checkin", "crisis")]
    assert not wrong, "figures of speech with no check-in:\n" + "\n".join(wrong)


@pytest.mark.parametrize(("text", "level"), [
    # the ordinary language of loss, named in the brief
    ("my baby died", None),
    ("the baby had no heartbeat", None),
    ("we decided to end the pregnancy", None),
    ("i took the pills for the medical management", None),
    ("i was dying to tell everyone", None),
    ("how much bleeding is normal", None),
    ("what are the signs of an ectopic", None),
    ("i had heavy bleeding and clots after the d&c but it settled within a day", None),
    # close to the line: the gentle check-in
    ("this grief is killing me", "checkin"),
    ("i can't go on like this", "checkin"),
    ("i'm not suicidal, just so sad", "checkin"),
    # a denial does not hide what follows
    ("i'm not suicidal but i want to die", "crisis"),
    ("i would never kill myself. but i've been cutting again", "crisis"),
    # the crisis wins over the medical
    ("i'm bleeding heavily and i want to die", "crisis"),
    # the phrasings named in the brief
    ("i'd rather be where my baby is", "crisis"),
    ("nobody would even notice if i was gone", "crisis"),
    ("i wish i could sleep forever", "crisis"),
    ("what's the point in carrying on", "crisis"),
    ("i want to be with my baby", "crisis"),
    ("kms", "crisis"),
    ("thinking of unaliving", "crisis"),
    ("ctb tonight", "crisis"),
    ("i want to off myself", "crisis"),
    ("I WANT TO DIEEEE!!!", "crisis"),
    ("soaking a pad in less than an hour", "medical"),
    ("i feel shivery and the discharge smells foul since the procedure", "medical"),
    ("shoulder tip pain and i feel faint", "medical"),
])
def test_examples_from_the_brief(text: str, level: str | None) -> None:
    assert detector().assess(text).level == level, detector().explain(text)


@pytest.mark.parametrize(("text", "language"), [
    ("quiero morir", "es"), ("ya no quiero vivir", "es"), ("estoy pensando en suicidarme", "es"),
    ("quero morrer", "pt"), ("não quero mais viver", "pt"), ("estou pensando em suicídio", "pt"),
    ("je veux mourir", "fr"), ("j'ai envie de me faire du mal", "fr"), ("je pense au suicide", "fr"),
    ("ich will sterben", "de"), ("ich denke an selbstmord", "de"), ("Ich möchte mir das Leben nehmen", "de"),
    ("я хочу умереть", "ru"), ("я думаю о самоубийстве", "ru"), ("не хочу жить", "ru"),
    ("i want to die", "en"),
])
def test_crisis_in_other_languages_is_recognised_with_its_language(text: str, language: str) -> None:
    result = detector().assess(text)
    assert (result.level, result.language) == ("crisis", language)


def test_a_crisis_anywhere_in_a_long_message_is_found() -> None:
    filler = "we went to the park and talked about the scan and what the doctor said. " * 1500
    assert len(filler) > 5 * MAX_INPUT_CHARS  # past the normaliser's own cut
    body = filler[:99_000]
    for text in (f"i want to die. {body}", f"{body} i want to die", f"{body[:50_000]} kms {body[:40_000]}"):
        assert len(text) <= 100_000
        assert detector().assess(text).level == "crisis"
    assert detector().assess(filler[:100_000]).level is None


# ---------------------------------------------------------------------------- speed and long input
@pytest.mark.parametrize("unit", [
    "a", "i want to ", "i am not suicidal ", "be with her ", "1 ", "!?", " ", "x" * 999 + " ",
    "kill myself laughing ", "what how when is bleeding ", "soak " * 3, "й",
    "the pain is so bad i can not ",
])
def test_any_input_up_to_100000_characters_is_fast(unit: str) -> None:
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    start = time.perf_counter()
    detector().assess(text)
    elapsed = time.perf_counter() - start
    print(f"\n{unit[:20]!r} x {len(text)} characters: {elapsed * 1e3:.0f} ms")
    assert elapsed < 10


# ---------------------------------------------------------------------------- content/safety.yaml
def test_the_safety_file_loads_without_problems_and_is_reviewed() -> None:
    config, problems = load_safety(SAFETY_FILE, real_core().normaliser, today=TODAY)
    assert problems == []
    assert config.pattern_count() > 100
    data = yaml.safe_load(SAFETY_FILE.read_text(encoding="utf-8"))
    assert str(data["last_reviewed"]) == "2026-11-25"
    assert set(LEVELS) <= set(data)
    assert {"en", "es", "pt", "fr", "de", "ru"} <= set(data["crisis"])


def test_every_plain_word_in_the_patterns_is_in_normalised_form() -> None:
    """The patterns meet text after the shared normaliser: 'dont' or 'é' could never match."""
    normaliser = real_core().normaliser
    data = yaml.safe_load(SAFETY_FILE.read_text(encoding="utf-8"))
    sources = list(data["words"].values())
    for level in LEVELS:
        for body in data[level].values():
            sources += body.get("patterns", [])
            for guards in (body.get("guards") or {}).values():
                sources += guards
    words = {word for source in sources for word in plain_words(source)}
    assert len(words) > 300
    assert {w: normaliser.normalise(w) for w in words if normaliser.normalise(w) != w} == {}
    assert [s for s in sources if form_problems(s, normaliser)] == []


def _safety_yaml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "safety.yaml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """last_reviewed: 2026-11-25
words:
  die: '(?:die|dye)'
crisis:
  en:
    patterns:
      - 'want to {die}'
medical:
  en:
    patterns:
      - 'soaking a pad'
checkin:
  en:
    patterns:
      - 'killing me'
"""


def test_problems_in_the_safety_file_name_file_and_line(tmp_path: Path) -> None:
    body = GOOD.replace("      - 'want to {die}'\n", (
        "      - 'want to {die}'\n"
        "      - 'broken (group'\n"
        "      - 'i dont want to live'\n"
        "      - 'ca va tres bien|ça va'\n"
        "      - '(?:\\w+ )*alone'\n"
        "      - '(?:\\w+ ?){0,20}alone'\n"
        "      - '{nothing} here'\n"
        "      - '(?:x)?'\n"
        "    guards:\n"
        "      sometimes:\n"
        "        - 'x'\n"
    ))
    path = _safety_yaml(tmp_path, body)
    config, problems = load_safety(path, real_core().normaliser, "content/safety.yaml", today=TODAY)
    found = {(p.where.file, p.where.line): p.message for p in problems}

    def at(marker: str) -> str:
        return found[("content/safety.yaml", line_of(body, marker))]

    assert "not a valid regular expression" in at("broken (group")
    assert "'dont' is normalised to 'do not'" in at("i dont want")
    assert "'ç' never appears" in at("ça va")
    assert "unbounded repetition" in at(")*alone")
    assert "one long word can be split" in at("?){0,20}alone")
    assert "unknown word piece '{nothing}'" in at("{nothing}")
    assert "matches empty text" in at("(?:x)?")
    assert "guard action 'sometimes'" in at("sometimes:")
    assert len(problems) == 8
    assert all(p.severity == "error" for p in problems)
    # the good patterns still work
    safety = SafetyDetector(real_core().normaliser, config)
    assert safety.assess("i want to dye").level == "crisis"
    assert safety.assess("soaking a pad").level == "medical"


def test_an_old_review_date_is_a_warning(tmp_path: Path) -> None:
    path = _safety_yaml(tmp_path, GOOD.replace("2026-11-25", "2024-01-01"))
    _, problems = load_safety(path, real_core().normaliser, "content/safety.yaml", today=TODAY)
    assert [(p.where.line, p.severity) for p in problems] == [(1, "warning")]


def test_a_missing_safety_file_is_an_error_and_a_crisis_is_still_caught(tmp_path: Path) -> None:
    config, problems = load_safety(tmp_path / "nope.yaml", real_core().normaliser, "content/safety.yaml")
    assert [(p.where.file, p.severity) for p in problems] == [("content/safety.yaml", "error")]
    safety = SafetyDetector(real_core().normaliser, config)
    assert safety.assess("I want to kill myself").level == "crisis"
    assert fallback_config(real_core().normaliser).levels["crisis"].patterns


def test_build_core_reports_safety_problems_for_check(tmp_path: Path) -> None:
    from tests.feather_testkit import build, make_root

    text = GOOD + "      - 'oops ('\n"
    root = make_root(tmp_path, content={"safety.yaml": text}, slim=True)
    problems = [p for p in build(root).problems if p.where.file == "content/safety.yaml"]
    assert [(p.where.line, p.severity) for p in problems] == [(line_of(text, "oops ("), "error")]


# ---------------------------------------------------------------------------- the dispatch table
def test_the_dispatch_table_finds_exactly_what_the_patterns_find() -> None:
    """Filing patterns by first letters is only an optimisation: on every message of every set,
    the table finds a hit at a word exactly when some pattern matches there."""
    config = detector().config
    dispatch = config.dispatch
    assert dispatch is not None
    compiled = [(f"{lvl}_{lang}", c) for lvl in LEVELS for lang, _, c, _ in config.levels[lvl].patterns]
    compiled += [(f"{tag}_{kind}", c) for tag, kind, c, _ in config.notes]
    texts = [t for group in sets().values() for t in group]
    for text in texts:
        norm = real_core().normaliser.normalise(text)
        starts = [0, *(m.end() for m in re.finditer(" ", norm))]
        for pos in starts:
            naive = {tag for tag, pattern in compiled if pattern.match(norm, pos)}
            entry = dispatch.entry(norm, pos, norm.find(" ", pos))
            fast = {m.tag for m in entry.members if m.compiled.match(norm, pos)} if entry else set()
            assert naive == fast, (text, norm[pos:pos + 30])


@pytest.mark.parametrize(("pattern", "keys"), [
    (r"\b(?:want to die)\b", {"wan"}),
    (r"\b(?:(?:i|we) (?:really )?do)\b", {"i", "we"}),
    (r"\b(?:s[uo]i?cid\w*)\b", {"sui", "suc", "soi", "soc"}),
    (r"\b(?:sh (?:again|ing))\b", {"sh"}),
    (r"\b(?:(?:\w+ )?alone)\b", None),
    (r"\b(?:k\w*)\b", None),
])
def test_first_keys(pattern: str, keys: set[str] | None) -> None:
    assert first_keys(pattern) == (frozenset(keys) if keys is not None else None)


def test_patterns_with_unknown_starts_are_tried_at_every_word() -> None:
    table = build_dispatch([("crisis_en", r"\b(?:\w+ myself)\b"), ("crisis_en", r"\b(?:kms)\b")])
    assert table is not None and table.other is not None
    assert table.search("i will hurt myself") is not None
    assert table.search("honestly kms") is not None
    assert table.search("nothing here") is None


# ---------------------------------------------------------------------------- issue 11
@cache
def conversation_signals() -> dict[str, list]:  # type: ignore[type-arg]
    return yaml.safe_load((DATA / "safety_conversation_signals.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("level", ["crisis", "medical"])
def test_behaviour_timing_means_and_severity_are_alarms(level: str) -> None:
    got = [(detector().assess(text).level, text) for text in conversation_signals()[level]]
    misses = report(f"issue 11 {level}", got, (level,))
    assert not misses, "\n".join(misses)


def test_past_other_people_and_the_subject_are_concerns_not_alarms() -> None:
    wrong = []
    for item in conversation_signals()["calm"]:
        result = patterns_only().assess(item["text"])
        if result.level in ALARMS or result.concern != item.get("concern"):
            wrong.append(f"  {result.level} {result.concern} (wanted {item.get('concern')}): {item['text']}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("text", "level", "concern"), [
    ("i tried to kill myself years ago, i'm fine now", "checkin", "past"),
    ("i tried to kill myself years ago and i want to die again", "crisis", None),
    ("my sister says she wants to die", None, "other_person"),
    ("my sister said goodbye and i want to die", "crisis", None),
    ("the doctor asked if i'd had thoughts of suicide and i said yeah", "crisis", None),
    ("is suicide more common after a stillbirth", None, "subject"),
])
def test_a_concern_never_hides_a_crisis_of_ones_own(text: str, level: str | None, concern: str | None) -> None:
    result = detector().assess(text)
    assert (result.level, result.concern) == (level, concern), detector().explain(text)


@pytest.mark.parametrize(("text", "signals"), [
    ("it's in my hand now", {"means", "mention"}),
    ("the tablets from the hospital are next to me", {"mention"}),
    ("no i just needed to say it", {"reassure"}),
    ("they'll work faster with the wine", {"method"}),
    ("i've made up my mind", {"decision"}),
    ("thank you for everything, goodbye", {"goodbye"}),
    ("once the funeral is over", {"timing"}),
    ("i don't want to go to hospital, i'll sleep it off", {"refusal"}),
    ("what time is the wave of light", set()),
])
def test_weak_signals_are_noted_without_an_alarm(text: str, signals: set[str]) -> None:
    result = patterns_only().assess(text)
    assert result.signals == frozenset(signals)
    assert result.level not in ALARMS


@pytest.mark.parametrize(("text", "level"), [
    ("bp 160/110", "medical"), ("bp 159/109", None), ("blood pressure 120 over 112", "medical"),
    ("temperature 38", "medical"), ("temperature 37.9", None), ("temp 100.4 f", "medical"),
    ("temp 100.3 f", None), ("fever of 39.2", "medical"), ("a pad every hour", "medical"),
    ("a pad every 90 minutes", None), ("5 pads in 4 hours", "medical"), ("3 pads in 4 hours", None),
])
def test_readings_count_from_the_thresholds(text: str, level: str | None) -> None:
    assert detector().assess(text).level == level, detector().explain(text)


@pytest.mark.parametrize(("text", "language"), [
    ("chcę umrzeć", "pl"), ("nie chcę już żyć", "pl"), ("myślę o samobójstwie", "pl"),
    ("voglio morire", "it"), ("non voglio più vivere", "it"), ("voglio farla finita", "it"),
    ("quero me matar", "pt"),
])
def test_polish_italian_and_portuguese(text: str, language: str) -> None:
    result = detector().assess(text)
    assert (result.level, result.language) == ("crisis", language)


@pytest.mark.parametrize(("text", "level"), [
    ("i keep thinking about her all the time", None),  # a parent thinking of their baby: no check-in
    ("i keep thinking about Ivy", None),
    ("i wonder if i have enough milk", None),
    ("i'd rather not say", None),  # was a check-in from the learned layer
    ("i keep thinking about the pills in the cabinet and whether there's enough", "crisis"),
    ("i wonder if i have enough pills", "crisis"),
])
def test_thinking_of_the_baby_is_not_a_risk_but_enough_of_a_means_is(text: str, level: str | None) -> None:
    assert detector().assess(text).level == level, detector().explain(text)


@pytest.mark.parametrize(("text", "alarm"), [
    ("the midwife's form asked how often I'd had thoughts that I would be better off dead, I put never", False),
    ("my doctor read out the question about being better off dead or hurting myself and I said no", False),
    ("at the check the EPDS had one question was if harming myself had crossed my mind. not at all", False),
    ("the form asked if i'd be better off dead and honestly yes, most days", True),
])
def test_a_screening_question_reported_is_no_alarm_unless_the_answer_is_yes(text: str, alarm: bool) -> None:
    """A doctor's or midwife's screening question, quoted (issue 11: "a GP's screening
    questions"): warmth and a check-in at most. Said yes to, it is a crisis like any other."""
    assert (detector().assess(text).level == "crisis") is alarm
