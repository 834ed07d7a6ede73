"""content/writing.yaml: the shipped course is valid, and each kind of mistake is named with its
file and line (a broken copy of the shipped file, one mistake at a time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.writing.content import FILE, PHASES, load_writing

SHIPPED = (PROJECT_ROOT / FILE).read_text(encoding="utf-8")


def broken(tmp_path: Path, old: str, new: str) -> tuple[list[str], str]:
    """Problems (as printed) after replacing ``old`` once in the shipped file; and the file."""
    assert SHIPPED.count(old) >= 1, old
    text = SHIPPED.replace(old, new, 1)
    (tmp_path / "content").mkdir(exist_ok=True)
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    return [str(p) for p in load_writing(tmp_path)[1]], text


def line(text: str, fragment: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if fragment in row)


def test_the_shipped_course_has_no_problem_and_follows_the_trials() -> None:
    course, problems = load_writing(PROJECT_ROOT)
    assert [str(p) for p in problems] == []
    assert tuple(p.id for p in course.phases) == PHASES
    assert 8 <= course.total <= 10
    assert [p.phase for p in course.prompts] == sorted((p.phase for p in course.prompts), key=PHASES.index)
    assert course.research_sources and all(s in course.sources for s in course.research_sources)
    assert any("partner" in p.variants for p in course.prompts)
    assert any("text_name" in p.variants for p in course.prompts)


def test_a_name_variant_without_its_twin_is_an_error(tmp_path: Path) -> None:
    problems, text = broken(tmp_path, "    partner: |\n      Let's begin with your baby.", "    other: |\n      x")
    at = line(text, "partner_name: |")
    assert f"{FILE}:{at}: error: prompt 'beginning': 'partner_name' needs its twin without a name, 'partner'" \
        in problems
    assert any("unknown key 'other' in a prompt" in p for p in problems)


def test_name_placeholders_are_only_for_name_variants(tmp_path: Path) -> None:
    problems, text = broken(tmp_path, "      Is there a moment that's hardest",
                            "      {name}, is there a moment that's hardest")
    assert f"{FILE}:{line(text, '{name}, is there')-1}: error: prompt 'hardest': 'text' uses name; only a " \
           "'_name' variant may use {name}" in problems
    problems, text = broken(tmp_path, "Let's begin with {name}. You could write to {name}, or about {name}: when",
                            "Let's begin. You could write to them: when")
    assert any(": error: prompt 'beginning': 'text_name' must use {name}" in p for p in problems)


def test_phases_must_be_the_three_in_order(tmp_path: Path) -> None:
    problems, text = broken(tmp_path, "  - id: friend\n", "  - id: friends\n")
    at = line(text, "- id: friends")
    assert f"{FILE}:{at}: error: unknown phase 'friends': the course has the trials' three phases " \
           f"(loss, friend, ahead)" in problems
    assert any("the phase 'friend' is missing" in p for p in problems)
    assert any("prompt 'friend_letter' has unknown phase 'friend'" in p for p in problems)


def test_prompts_follow_the_phases_in_order(tmp_path: Path) -> None:
    problems, text = broken(tmp_path, "  - id: hardest\n    phase: loss", "  - id: hardest\n    phase: ahead")
    assert any("prompt 'since' (phase 'loss') comes after a prompt of a later phase" in p for p in problems)


def test_research_must_cite_sources_that_exist(tmp_path: Path) -> None:
    problems, text = broken(tmp_path, "research_sources: [kersting_2013, kersting_2011]",
                            "research_sources: [kersting_2013, kersting_2099]")
    at = line(text, "research_sources:")
    assert f"{FILE}:{at}: error: research_sources names 'kersting_2099', which is not in 'sources'" in problems


def test_a_source_needs_its_citation(tmp_path: Path) -> None:
    problems, text = broken(tmp_path, "    published_in: Arch Womens Ment Health 14:465-477\n", "")
    assert any(": error: a source needs 'published_in'" in p for p in problems)


def test_texts_may_only_fill_in_their_own_placeholders(tmp_path: Path) -> None:
    problems, text = broken(tmp_path, "Let's pause here.", "Let's pause here, {first_name}.")
    at = line(text, "  paused: |")
    assert f"{FILE}:{at}: error: 'paused' uses first_name: it may use {{number}}" in problems


@pytest.mark.parametrize("words", ["At least you wrote it down.", "Everything happens for a reason."])
def test_the_tone_guides_never_say_list_applies(tmp_path: Path, words: str) -> None:
    problems, text = broken(tmp_path, "Take a breath, if you need one.", words)
    assert any(": error: 'acknowledge':" in p and "never_say" in p for p in problems), problems


def test_html_is_checked(tmp_path: Path) -> None:
    problems, _ = broken(tmp_path, "<b>Writing to your baby</b>", "<b>Writing to your baby")
    assert any("'framing': <b> is never closed" in p for p in problems)


def test_a_missing_or_broken_file_is_one_problem_not_a_crash(tmp_path: Path) -> None:
    course, problems = load_writing(tmp_path)
    assert [str(p) for p in problems] == [f"{FILE}:1: error: file is missing"] and course.total == 0
    problems, _ = broken(tmp_path, "prompts:\n", "prompts: [\n")
    assert problems and all(": error: " in p for p in problems)


def test_a_course_outside_eight_to_ten_prompts_is_a_warning(tmp_path: Path) -> None:
    def without(*ids: str) -> list[str]:
        text = SHIPPED
        for prompt_id in ids:  # a prompt's block runs to the next "  - id:" (or to sources:)
            start = text.index(f"  - id: {prompt_id}\n")
            end = min(i for i in (text.find("  - id:", start + 1), text.find("\nsources:", start)) if i > 0)
            text = text[:start] + text[end:]
        (tmp_path / "content").mkdir(exist_ok=True)
        (tmp_path / FILE).write_text(text, encoding="utf-8")
        return [str(p) for p in load_writing(tmp_path)[1]]

    assert without("looking_ahead") == []  # 8 prompts: fine
    [problem] = without("looking_ahead", "friend_days")
    assert f"{FILE}:{line(SHIPPED, 'prompts:')}: warning: the course has 7 prompts; aim for 8 to 10" == problem
