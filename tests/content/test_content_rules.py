"""The rules of voice in content/style_rules.yaml: each rule hits what it should and spares the
legitimate texts the content uses; the checks name file, line, rule and reason; and the real
content breaks none of them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.content.loader import Loaded, load_content
from bot.content.model import ButtonSpec, Content, Flow, Node, Reflection
from bot.content.style import (
    RULE_GROUPS,
    check_emotional_words,
    check_fact_sources,
    check_mc_claims,
    check_message_length,
    check_never_say,
    check_style_rules_file,
    load_style_rules,
    parse_style_rules,
    readability,
    rule_hits,
    sentences,
    style_checks,
)
from bot.content.yamlsrc import Where, load_yaml

RULES = load_style_rules()


def hits(group: str, text: str) -> list[str]:
    return [hit for _, hit in rule_hits(RULES, group, text)]


# ---------------------------------------------------------------------------- the real content


def test_real_content_breaks_no_rule_of_voice() -> None:
    loaded = load_content(PROJECT_ROOT)
    errors = [str(p) for p in style_checks(loaded) if p.severity == "error"]
    assert errors == [], "content breaks the rules of voice:\n" + "\n".join(errors)


def test_rules_file_loads_cleanly_and_is_reviewed() -> None:
    assert RULES.problems == ()
    assert check_style_rules_file(RULES, date.fromisoformat(RULES.last_reviewed)) == []
    for group in RULE_GROUPS:
        assert getattr(RULES, group), f"no rules in '{group}'"


def test_rules_file_older_than_a_year_is_a_warning() -> None:
    later = date.fromisoformat(RULES.last_reviewed).replace(
        year=date.fromisoformat(RULES.last_reviewed).year + 2
    )
    (problem,) = check_style_rules_file(RULES, later)
    assert problem.severity == "warning" and "more than a year ago" in problem.message
    assert problem.where.file == "content/style_rules.yaml" and problem.where.line > 1


def test_every_content_file_warns_when_its_review_is_over_a_year_old() -> None:
    """The loader's last_reviewed check covers every file it reads (verified, not re-implemented)."""
    loaded = load_content(PROJECT_ROOT, today=date(2100, 1, 1))
    stale = {
        p.where.file
        for p in loaded.problems
        if p.severity == "warning" and "more than a year ago" in p.message
    }
    expected = {f"dialogs/{p.name}" for p in (PROJECT_ROOT / "dialogs").glob("*.yaml")}
    expected |= {
        f"content/{name}.yaml"
        for name in ("sources", "resources", "reflections", "menu", "messages", "lexicon")
    }
    assert expected <= stale, f"no review warning for: {sorted(expected - stale)}"


def test_bad_rules_file_is_reported_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "last_reviewed: 2026-11-26\nnever_say:\n  - pattern: '(unclosed'\n"
        "    reason: x\n  - pattern: ok\nmc_must_not: []\nemotional_words: []\n"
        "needs_sources: []\nsurprise: 1\n",
        encoding="utf-8",
    )
    rules = parse_style_rules(load_yaml(path, "rules.yaml"), "rules.yaml")
    found = sorted((p.where.line, p.message.split(" ")[0]) for p in rules.problems)
    assert found == [(3, "pattern"), (5, "each"), (9, "unknown")]


# ---------------------------------------------------------------------------- never say

NEVER_SAY_HITS = [
    "At least it was early.",
    "at least you know you can get pregnant",
    "At least you have other children.",
    "Everything happens for a reason.",
    "Maybe it happened for a reason.",
    "It wasn't meant to be.",
    "Maybe it just wasn\u2019t meant to be.",
    "You can always try again.",
    "You'll have another one day.",
    "Stay positive!",
    "Try to think positive.",
    "God needed another angel.",
    "They're in a better place now.",
    "I know how you feel.",
    "I understand exactly how you feel.",
    "In time you'll move on.",
    "You'll get over it.",
    "Your body failed.",
    "It feels like your body let you down.",
    "You're lucky it happened early.",
    "This is called a spontaneous abortion.",
    "They found an incompetent cervix.",
]

NEVER_SAY_FINE = [
    "For the Wave of Light, the candle burns for at least an hour.",
    "Wait at least 12 weeks.",
    "Not everyone wants to mark their loss, and that's fine too.",
    "Please try again in a moment, or choose from the menu.",
    "You can try again later.",
    "A positive test can bring a whole future with it.",
    "A pregnancy test can stay positive for a few weeks after a loss.",
    "The test may still be positive.",
    "It doesn't mean your body failed.",
    "Grief isn't something you have to move on from.",
    "There's no need to get over it.",
    "People sometimes say that it was for the best, or that you can just have another.",
    'You may hear "at least it was early" or "everything happens for a reason".',
    "Some people call it 'God's plan'; you don't have to.",
    "You're not meant to be fine by now.",
    "It wasn't meant to be like this.",
    "That was unlucky timing for a message.",
    "You can move at your own pace.",
    "There is no right way to grieve and no timetable to keep.",
    "Angel wings and feathers are common tattoo designs.",
]


@pytest.mark.parametrize("text", NEVER_SAY_HITS)
def test_never_say_hits(text: str) -> None:
    assert hits("never_say", text), text


@pytest.mark.parametrize("text", NEVER_SAY_FINE)
def test_never_say_spares(text: str) -> None:
    assert hits("never_say", text) == []


# ---------------------------------------------------------------------------- microchimerism

MC_HITS = [
    "Your baby's cells will be with you forever.",
    "Your baby's cells are definitely still inside you.",
    "The cells may be protecting you.",
    "They are healing your body.",
    "They are stem cells that can become anything.",
    "Cells cross over from conception.",
    "The cells carry your baby's memories.",
    "Their spirit lives on in these cells.",
    "Something of their soul stays.",
    "They carry your baby's identity.",
    "Your baby's cells are in your heart.",
    "A part of your baby lives on in you.",
    "Microchimerism causes autoimmune disease.",
    "It prevents breast cancer.",
]

MC_FINE = [
    "Cells from pregnancy are not found in everyone.",
    "We can't say that they stay forever.",
    "Scientists don't know whether the cells stay forever.",
    "There is no evidence that the cells are protecting you.",
    "The cells don't carry memories, or a spirit.",
    "Cells thought to be fetal have been found in healed caesarean scars.",
    "Fetal cells were seen at about 6 weeks, not from conception.",
    "Many people find comfort in this biological connection.",
    "In mice, fetal cells went to injured hearts and became heart cells.",
    "Studies link microchimerism to some autoimmune conditions.",
    'You may read that the cells are "healing you"; that is not known.',
    "What the cells do is unknown: they may be linked to benefits or harms.",
]


@pytest.mark.parametrize("text", MC_HITS)
def test_microchimerism_claims_hit(text: str) -> None:
    assert hits("mc_must_not", text), text


@pytest.mark.parametrize("text", MC_FINE)
def test_microchimerism_rules_spare(text: str) -> None:
    assert hits("mc_must_not", text) == []


# ---------------------------------------------------------------------------- emotional words

EMOTIONAL_HITS = [
    "the fetus",
    "a foetus",
    "the embryo",
    "the products of conception",
    "the pregnancy tissue",
    "some tissue",
]
EMOTIONAL_FINE = ["fetal cells", "your baby", "your pregnancy", "a box of tissues"]


@pytest.mark.parametrize("text", EMOTIONAL_HITS)
def test_emotional_words_hit(text: str) -> None:
    assert hits("emotional_words", text)


@pytest.mark.parametrize("text", EMOTIONAL_FINE)
def test_emotional_words_spare(text: str) -> None:
    assert hits("emotional_words", text) == []


# ---------------------------------------------------------------------------- facts need sources

FACT_HITS = [
    "About 15.3% of recognised pregnancies end in miscarriage.",
    "It happens in about 20 per cent of pregnancies.",
    "About 1 in 4 pregnancies.",
    "Roughly a third of women.",
    "One was found 27 years later.",
    "As early as 6 weeks.",
    "15 October is Pregnancy and Infant Loss Remembrance Day.",
    "Certificates have been available since 2024.",
    "Light a candle at 7 pm.",
    "One study looked at 75 women.",
    "Research shows cells cross over.",
    "Scientists don't yet know what the cells do.",
    "Cells have been found in the brain.",
    "Most early losses are caused by a chromosome problem.",
    "Heavy bleeding can be a sign.",
    "Your hCG level falls.",
    "An ectopic pregnancy grows outside the womb.",
    "Pain in the tip of your shoulder.",
    "A fever can mean an infection.",
    "Miscarriage is common.",
    "Stress is not thought to cause a miscarriage.",
]

FACT_FINE = [
    "How much bleeding and pain should I expect, and for how long?",
    "Every kind of loss counts: early, chemical, ectopic, molar, missed.",
    "Your doctor, midwife or nurse can tell you what applies to you.",
    "I'm glad you found me.",
    "Counting is one of the ways love keeps track.",
    '"I\'d have been 20 weeks today", you might think.',
    "Support is there 24/7.",
    "Let it burn for an hour or more.",
    "If you never found out whether your baby was a boy or a girl, you can still choose a name.",
    "Would you like to read about one of them?",
]


@pytest.mark.parametrize("text", FACT_HITS)
def test_facts_are_recognised(text: str) -> None:
    assert hits("needs_sources", text), text


@pytest.mark.parametrize("text", FACT_FINE)
def test_non_facts_need_no_source(text: str) -> None:
    assert hits("needs_sources", text) == []


@pytest.mark.parametrize(
    ("group", "examples"),
    [
        ("never_say", NEVER_SAY_HITS),
        ("mc_must_not", MC_HITS),
        ("emotional_words", EMOTIONAL_HITS),
        ("needs_sources", FACT_HITS),
    ],
)
def test_every_rule_has_a_hit_example_here(group: str, examples: list[str]) -> None:
    """A new rule in style_rules.yaml needs a hit example in this file."""
    used = {rule.source for text in examples for rule, _ in rule_hits(RULES, group, text)}
    missing = [rule.source for rule in getattr(RULES, group) if rule.source not in used]
    assert missing == [], f"rules of '{group}' without an example here: {missing}"


# ---------------------------------------------------------------------------- the checks on tiny content

W = Where("dialogs/tiny.yaml", 10)


def _flow(
    flow_id: str, text: str, sources: tuple[str, ...] = (), label: str = "Tell me more"
) -> Flow:
    node = Node(
        "start", (text,), (ButtonSpec(label, "menu", Where("dialogs/tiny.yaml", 14)),), sources, W
    )
    return Flow(flow_id, "greeting", "Title", (), (node,), Where("dialogs/tiny.yaml", 3))


def tiny(
    *flows: Flow, messages: dict[str, str] | None = None, reflections: tuple[str, ...] = ()
) -> Loaded:
    content = Content(
        {flow.id: flow for flow in flows},
        {},
        {},
        tuple(
            Reflection(f"r{i:03}", text, None, Where("content/reflections.yaml", 5 + 2 * i))
            for i, text in enumerate(reflections, 1)
        ),
        {},
        (),
        {key: (text,) for key, text in (messages or {}).items()},
    )
    places = {key: Where("content/messages.yaml", 20 + i) for i, key in enumerate(messages or {})}
    return Loaded(content, [], places)


def test_never_say_problem_names_file_line_rule_and_reason() -> None:
    loaded = tiny(
        _flow("grief_feelings", "Stay positive."),
        messages={"welcome": "Everything happens for a reason."},
    )
    problems = check_never_say(loaded, RULES)
    assert [(str(p.where), p.severity) for p in problems] == [
        ("dialogs/tiny.yaml:10", "error"),
        ("content/messages.yaml:20", "error"),
    ]
    assert "grief_feelings/start" in problems[0].message
    assert "(never_say, rule at content/style_rules.yaml:" in problems[0].message
    assert "hide their grief" in problems[0].message
    assert "message 'welcome'" in problems[1].message


def test_button_labels_are_checked_too() -> None:
    loaded = tiny(_flow("grief_feelings", "Hello.", label="Time to move on"))
    (problem,) = check_never_say(loaded, RULES)
    assert problem.where.line == 14 and "button 'Time to move on'" in problem.message


def test_microchimerism_rules_apply_to_mc_flows_and_texts_about_the_cells() -> None:
    loaded = tiny(
        _flow("mc_duration", "They will be there forever."),
        _flow("grief_feelings", "Your love for them can last forever."),
        _flow("remember_ideas", "Some people like to know their baby's cells stay forever."),
        reflections=(
            "Your memories are yours, and they matter.",
            "Your baby's cells carry their memories.",
        ),
    )
    found = sorted((p.where.file, p.message.split(":")[0]) for p in check_mc_claims(loaded, RULES))
    assert found == [
        ("content/reflections.yaml", "reflection r002"),
        ("dialogs/tiny.yaml", "mc_duration/start"),
        ("dialogs/tiny.yaml", "remember_ideas/start"),
    ]


def test_emotional_words_warn_outside_science_and_medical_flows() -> None:
    loaded = tiny(
        _flow("mc_what", "Cells from the fetus."),
        _flow("loss_physical", "Pregnancy tissue."),
        _flow("grief_feelings", "Losing an embryo."),
        reflections=("The foetus.",),
    )
    problems = check_emotional_words(loaded, RULES)
    assert {(p.message.split(":")[0], p.severity) for p in problems} == {
        ("grief_feelings/start", "warning"),
        ("reflection r001", "warning"),
    }


def test_a_fact_without_sources_is_an_error() -> None:
    loaded = tiny(
        _flow("loss_common", "About 1 in 4 pregnancies end in miscarriage."),
        _flow("loss_fault", "About 1 in 4 pregnancies end in miscarriage.", ("quenby_2021",)),
        _flow("greeting", "Hello, I'm Feather."),
    )
    (problem,) = check_fact_sources(loaded, RULES)
    assert problem.severity == "error" and str(problem.where) == "dialogs/tiny.yaml:10"
    assert problem.message.startswith(
        "loss_common/start states a fact but has no sources: '1 in 4'"
    )


def test_message_length_warns_above_600_and_fails_above_1000() -> None:
    loaded = tiny(
        _flow("a_flow", "x" * 600),
        _flow("b_flow", "<b>" + "y" * 601 + "</b>"),
        _flow("c_flow", "z" * 1001),
    )
    problems = {p.message.split(" ")[0]: p.severity for p in check_message_length(loaded, RULES)}
    assert problems == {"b_flow/start": "warning", "c_flow/start": "error"}


def test_style_checks_together_on_clean_text_find_nothing() -> None:
    loaded = tiny(
        _flow("greeting", "Hello, I'm Feather 🪶. Would it help to talk?"),
        messages={"welcome": "Hello."},
        reflections=("Rest is allowed today.",),
    )
    assert style_checks(loaded, RULES, date.fromisoformat(RULES.last_reviewed)) == []


# ---------------------------------------------------------------------------- readability


def test_sentences_split_on_stops_lines_and_bullets() -> None:
    text = "One two three. <b>Four</b> five!\n\n• six seven\n• eight"
    assert sentences(text) == [
        ["One", "two", "three"],
        ["Four", "five"],
        ["six", "seven"],
        ["eight"],
    ]


def test_readability_numbers() -> None:
    loaded = tiny(
        _flow("greeting", "One two three. Four five six seven eight nine."),
        messages={"welcome": "Hi there."},
    )
    result = readability(loaded)
    assert (result.sentences, result.longest_words, result.longest_chars) == (3, 6, 46)
    assert result.average_words == pytest.approx(11 / 3)
    assert "greeting/start" in result.longest_sentence_at
    assert result.summary().startswith(
        "Readability: 3 sentences, average 3.7 words, longest 6 words"
    )


def test_check_prints_the_readability_line(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import run_check

    run_check(PROJECT_ROOT)
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("Readability: ") and "longest message" in lines[-1]
