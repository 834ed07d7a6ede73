"""Crisis in the seven other languages (issue 11 point 5): Portuguese, Spanish, French, German,
Russian, Polish and Italian.

``tests/data/safety_languages.yaml`` holds, per language and by kind, crisis messages (wanting to
die, decisions and timing, means at hand or gathered, method and amount questions, an overdose
taken, letters and pets for after, reunion with the baby as an ending, self-harm in every form,
weak signals that add up), passive wishes and calm near-misses (figures of speech, grave visits,
letters to the baby, medicine as prescribed, past crises, someone else, suicide as a subject).
Every line is asserted, and the crisis reply must open with the short line in that language.
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.engine.safety_replies import TRANSLATED
from bot.engine.types import Incoming, UserState
from tests.feather_testkit import NOW, patterns_only, real_core

DATA = PROJECT_ROOT / "tests" / "data" / "safety_languages.yaml"
ALARMS = ("crisis", "medical")


@cache
def lines() -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return data


def cases(kind: str) -> list[tuple[str, str]]:
    return [(language, text) for language, kinds in lines().items() for text in kinds.get(kind, [])]


def test_every_translated_language_has_twenty_lines_or_more() -> None:
    assert set(lines()) == set(TRANSLATED)
    for language, kinds in lines().items():
        assert sum(len(texts) for texts in kinds.values()) >= 20, language
        assert kinds["crisis"] and kinds["signals"] and kinds["passive"] and kinds["calm"], language


@pytest.mark.parametrize(("language", "text"), cases("crisis") + cases("signals"))
def test_crisis_is_a_crisis_in_its_own_language(language: str, text: str) -> None:
    result = real_core().safety.assess(text)
    assert (result.level, result.language) == ("crisis", language)


@pytest.mark.parametrize(("language", "text"), cases("passive"))
def test_a_passive_wish_gets_the_crisis_reply_or_the_check_in(language: str, text: str) -> None:
    result = real_core().safety.assess(text)
    assert result.level in ("crisis", "checkin")
    if result.level == "crisis":
        assert result.language == language


@pytest.mark.parametrize(("language", "text"), cases("calm"))
def test_a_calm_near_miss_is_not_an_alarm(language: str, text: str) -> None:
    result = patterns_only().assess(text)
    assert result.level not in ALARMS, (language, result)


@pytest.mark.parametrize(("language", "text"), [(lines()[language]["crisis"][0], language)[::-1]
                                                 for language in TRANSLATED] + cases("signals"))
def test_the_crisis_reply_opens_with_a_line_in_that_language(language: str, text: str) -> None:
    """Through the engine, as the person would get it: the first message is the line in their
    language, then the English reply with the emergency numbers. Also when no phrase of that
    language was found and weak signals added up (the language then comes from its marker words)."""
    engine = real_core().engine
    reply = engine.handle(UserState(), Incoming(NOW, text=text))
    assert reply.events == ["crisis_response_sent"]
    assert reply.messages[0].text == engine.words.text(f"crisis_lang_{language}").strip()
    assert engine.words.text("crisis_intro").strip() in reply.messages[1].text
    assert "findahelpline.com" in " ".join(message.text for message in reply.messages)


def test_an_english_crisis_gets_no_other_language_line() -> None:
    """Words shared with other languages ("me", "a", "die") do not pull an English message
    into another language."""
    engine = real_core().engine
    reply = engine.handle(UserState(), Incoming(NOW, text="I've decided. tonight. thank you for everything"))
    assert reply.events == ["crisis_response_sent"]
    openings = {engine.words.text(f"crisis_lang_{language}").strip() for language in TRANSLATED}
    assert reply.messages[0].text not in openings
