"""The matcher on a small tmp content: six hand-written flows in three theme families
(mc_duration, mc_where | loss_fault | grief_feelings, grief_partner; greeting has no theme),
built exactly as the bot builds it (``build_core``), with the real lexicon and out-of-scope set."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Core
from bot.matching import Matcher
from tests.feather_testkit import build, core_dialog, make_root


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Core:
    return build(make_root(tmp_path_factory.mktemp("matcher"), {"core.yaml": core_dialog()}, slim=True))


@pytest.fixture(scope="module")
def matcher(core: Core) -> Matcher:
    return core.matcher


@pytest.mark.parametrize("text, topic", [
    ("how long will the cells stay in my body", "mc_duration"),
    ("do the cells ever leave", "mc_duration"),
    ("where do the cells go in the body", "mc_where"),
    ("are there cells in my heart", "mc_where"),
    ("my partner doesnt talk about it", "grief_partner"),
    ("my husband and i keep fighting", "grief_partner"),
    ("i feel so sad and empty", "grief_feelings"),
    ("did i do something to cause it", "loss_fault"),
    ("is it my fault that i lost the baby", "loss_fault"),
    ("Hello there!", "greeting"),
])
def test_near_paraphrases(matcher: Matcher, text: str, topic: str) -> None:
    match = matcher.match(text)
    assert match.topic == topic, match
    assert match.score >= matcher.threshold


@pytest.mark.parametrize("text, topic", [
    ("how lnog do the babys cels stay", "mc_duration"),
    ("microchimerisim how long does it lasst", "mc_duration"),
    ("wher in the boddy do the cells end up", "mc_where"),
    ("which organns have fetall cells been found in", "mc_where"),
    ("my husbnd does not seem sad", "grief_partner"),
    ("did strees cause my miscarrage", "loss_fault"),
])
def test_typos(matcher: Matcher, text: str, topic: str) -> None:
    assert matcher.match(text).topic == topic


# No eating in the story: the small content's loss_fault has "was it something i ate", so a clause
# about food is, fairly, a loss_fault clue once clauses are judged on their own.
STORY = ("We went on holiday last summer and the weather was lovely and the kids played on the beach "
         "all day and we built sandcastles and my sister came along with her dog.")


def test_long_message_judged_by_its_best_sentence(matcher: Matcher) -> None:
    question = "Anyway, where do the babys cells end up in the body?"
    assert matcher.match(STORY).topic is None
    long_match = matcher.match(f"{STORY} {STORY} {question}")
    assert long_match.topic == "mc_where"
    assert long_match.score == pytest.approx(matcher.match(question).score, abs=0.5)


def test_below_threshold_gives_no_topic_but_candidates(matcher: Matcher) -> None:
    match = matcher.match("years")
    assert match.topic is None
    assert match.score < matcher.threshold
    assert match.candidates and match.candidates[0][0] == "mc_duration"
    assert match.candidates[0][1] == match.score


def test_candidates_are_the_best_few_in_order(matcher: Matcher) -> None:
    match = matcher.match("how long will the cells stay in my body")
    scores = [score for _, score in match.candidates]
    assert 1 <= len(match.candidates) <= 3
    assert scores == sorted(scores, reverse=True)
    assert match.candidates[0] == (match.topic, match.score)


@pytest.mark.parametrize("text", [
    "can you recommend a recipe for lasagne",
    "what is the capital of france",
    "who won the football last night",
    "blorp fnarg wibble",
    "",
    "🙂🙂🙂",
])
def test_off_topic_gets_no_topic(matcher: Matcher, text: str) -> None:
    assert matcher.match(text).topic is None


def test_gibberish_has_no_candidates(matcher: Matcher) -> None:
    assert matcher.match("blorp fnarg wibble").candidates == ()


def test_short_follow_up_prefers_the_theme_of_the_last_topic(matcher: Matcher) -> None:
    # "how long" alone is too little to go on ...
    assert matcher.match("how long").topic is None
    # ... but after an answer about where the cells are, it asks how long they stay.
    assert matcher.match("how long", context_topic="mc_where").topic == "mc_duration"
    # A topic of another theme does not pull it there.
    assert matcher.match("how long", context_topic="loss_fault").topic != "mc_duration"


def test_the_same_follow_up_reads_differently_in_each_theme(matcher: Matcher) -> None:
    assert matcher.match("my body", context_topic="mc_duration").topic == "mc_where"
    assert matcher.match("my body", context_topic="loss_fault").topic == "loss_fault"


def test_context_raises_only_the_family(matcher: Matcher) -> None:
    plain = matcher.scores("my body")
    after = matcher.scores("my body", context_topic="loss_fault")
    assert after["loss_fault"] > plain["loss_fault"]
    assert after["mc_where"] == plain["mc_where"]


def test_long_messages_are_not_follow_ups(matcher: Matcher) -> None:
    text = f"{STORY} Anyway, where do the babys cells end up in the body?"
    assert matcher.match(text, context_topic="loss_fault") == matcher.match(text)


def test_unknown_context_is_ignored(matcher: Matcher) -> None:
    assert matcher.match("my body", context_topic="no_such_topic") == matcher.match("my body")


MESSAGES = [
    "how long will the cells stay in my body", "how lnog do the babys cels stay", "years",
    "blorp fnarg wibble", f"{STORY} where do the cells go", "my body", "hi", "was it my fault",
]


def test_deterministic(matcher: Matcher, core: Core, tmp_path: Path) -> None:
    first = [matcher.match(text) for text in MESSAGES]
    assert [matcher.match(text) for text in MESSAGES] == first
    assert [matcher.match(text, "mc_where") for text in MESSAGES] == [
        matcher.match(text, "mc_where") for text in MESSAGES]
    rebuilt = build(make_root(tmp_path, {"core.yaml": core_dialog()}, slim=True)).matcher
    assert rebuilt is not matcher
    assert [rebuilt.match(text) for text in MESSAGES] == first
    assert [rebuilt.scores(text) for text in MESSAGES] == [matcher.scores(text) for text in MESSAGES]


def test_numbers_are_folded_so_no_one_topic_owns_a_number() -> None:
    from bot.matching.terms import terms

    assert terms("lost at 35 weeks in 1989 called 999".split()) == [
        "lost", "num", "week", "year", "call", "999"]
    assert terms("at 9 weeks".split()) == terms("at 12 weeks".split())


def test_the_stemmer_undoubles_consonants_before_ing_and_ed() -> None:
    from bot.matching.terms import stem

    assert stem("sitting") == stem("sit")
    assert stem("planned") == stem("plan")
    assert stem("stopped") == stem("stop")
    assert stem("added") == "add"
