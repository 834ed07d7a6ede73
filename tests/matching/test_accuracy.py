"""Matching quality on the project's own labelled messages (written apart from the dialog examples).

Prints top-1 accuracy, off-topic rejection and follow-up accuracy, and fails below the targets
(issue 12): top-1 >= 90%, at most 5% of off-topic messages given a topic, follow-ups >= 75%.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from bot.app import Core, build_core

DATA = Path(__file__).resolve().parent.parent / "data"


@lru_cache(maxsize=1)
def core() -> Core:
    return build_core(PROJECT_ROOT, strict=False)


def predicted_topic(text: str, context: str | None = None) -> str:
    """What --match reports: urgent medical messages are the medical topic, else the matcher's."""
    if core().safety.assess(text).level == "medical":
        return "loss_medical_urgent"
    return core().matcher.match(text, context).topic or "none"


def load(name: str) -> list[dict[str, str]]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def test_labelled_set_is_big_enough() -> None:
    counts = Counter(item["topic"] for item in load("labelled_messages.yaml"))
    topics = {flow.topic for flow in core().content.flows.values()}
    assert all(counts[topic] >= 10 for topic in topics), counts
    assert counts["none"] >= 30


def test_top1_accuracy_and_off_topic_rejection() -> None:
    on_topic = wrong_off_topic = correct = 0
    misses: Counter[tuple[str, str]] = Counter()
    off_topic = [item for item in load("labelled_messages.yaml") if item["topic"] == "none"]
    for item in load("labelled_messages.yaml"):
        got = predicted_topic(item["text"])
        if item["topic"] == "none":
            wrong_off_topic += got != "none"
            continue
        on_topic += 1
        correct += got == item["topic"]
        if got != item["topic"]:
            misses[(item["topic"], got)] += 1
    accuracy = correct / on_topic
    off_rate = wrong_off_topic / len(off_topic)
    print(f"\ntop-1 accuracy {accuracy:.1%} ({correct}/{on_topic}); off-topic given a topic "
          f"{off_rate:.1%} ({wrong_off_topic}/{len(off_topic)}); commonest misses {misses.most_common(5)}")
    assert accuracy >= 0.90
    assert off_rate <= 0.05


def test_follow_ups_are_read_in_context() -> None:
    items = load("followups.yaml")
    with_context = sum(predicted_topic(i["text"], i["context"]) == i["topic"] for i in items)
    without = sum(predicted_topic(i["text"]) == i["topic"] for i in items)
    print(f"\nfollow-ups: {with_context}/{len(items)} with context, {without}/{len(items)} without")
    assert with_context / len(items) >= 0.75
    assert with_context > without


def test_same_message_same_topic() -> None:
    texts = [item["text"] for item in load("labelled_messages.yaml")[:60]]
    first = [core().matcher.match(t) for t in texts]
    rebuilt = build_core(PROJECT_ROOT, strict=False)
    assert first == [core().matcher.match(t) for t in texts]
    assert first == [rebuilt.matcher.match(t) for t in texts]


def test_examples_all_question_words_are_still_found() -> None:
    """Written exactly as an example, a message of question words only takes that example's topic."""
    flows = core().content.flows.values()
    about = next(flow for flow in flows if flow.topic == "about_bot")
    short = [e.text for e in about.examples if e.text in ("who are you", "what can you do")]
    assert len(short) == 2
    assert all(predicted_topic(text) == "about_bot" for text in short)


def test_what_the_content_does_not_know_gets_no_topic() -> None:
    """Issue 12: everyday messages stay "none"; asking for a helpline is resources."""
    assert predicted_topic("is it worth buying a games console now") == "none"
    assert predicted_topic("explain crypto simply") == "none"
    assert predicted_topic("is there a helpline I can call") == "resources"


def test_the_issue_conversations_reach_the_right_topics() -> None:
    """Issue 12: "will it get easier?" is about feelings; a partner asking how to help her stays
    with the couple, a friend asking the same stays with supporting someone."""
    assert predicted_topic("will it get easier?") == "grief_feelings"
    assert predicted_topic("how do i support my wife") == "grief_partner"
    assert predicted_topic("what can i do to help her", "grief_partner") == "grief_partner"
    assert predicted_topic("what can i do to help her", "grief_supporting") == "grief_supporting"
    assert predicted_topic("my daughter was stillborn two years ago") == "loss_story"
    assert predicted_topic("is her soul in my cells") == "mc_meaning"


def test_blind_round_one_does_not_get_worse() -> None:
    """The first blind matching round (see its header): kept as a regression set at what it
    measured before anyone read it, so a change that loses unseen phrasings fails here."""
    items = load("matching_blind_round1.yaml")
    on_topic = [item for item in items if item["label"] != "none"]
    off_topic = [item for item in items if item["label"] == "none"]
    correct = sum(predicted_topic(item["text"]) == item["label"] for item in on_topic)
    given_a_topic = sum(predicted_topic(item["text"]) != "none" for item in off_topic)
    print(f"\nblind round 1: top-1 {correct}/{len(on_topic)}; off-topic given a topic {given_a_topic}/{len(off_topic)}")
    assert correct / len(on_topic) >= 0.86  # measured 170/193 = 88.1%
    assert given_a_topic <= 3
