"""The learned safety layer (bot/safety/learned.py): it only raises the patterns' level, keeps
false check-ins rare, trains fast and deterministically, and its example file is checked with
file and line. Run with ``-s`` to see the measured numbers.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from bot.app import content_phrases
from bot.safety import SafetyDetector
from bot.safety.learned import (
    CHECKIN_FALSE_RATE,
    CRISIS_FALSE_RATE,
    LearnedSafety,
    build_learned,
    load_examples,
)
from tests.feather_testkit import TODAY, line_of, real_core

DATA = PROJECT_ROOT / "tests" / "data"
EXAMPLES = PROJECT_ROOT / "content" / "safety_examples.yaml"


def detector() -> SafetyDetector:
    return real_core().safety


def patterns_only() -> SafetyDetector:
    return SafetyDetector(real_core().normaliser, detector().config)


def learned() -> LearnedSafety:
    layer = detector().learned
    assert layer is not None
    return layer


def _texts(name: str, key: str | None = None) -> list[str]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return [item["text"] for item in data] if key is None else data[key]


def test_the_example_file_loads_cleanly_and_is_big_enough() -> None:
    examples, problems = load_examples(EXAMPLES, real_core().normaliser, today=TODAY)
    assert problems == []
    assert examples is not None
    assert len(examples.crisis) >= 250 and len(examples.calm) >= 400


def test_cross_validation_on_its_own_examples() -> None:
    layer = learned()
    cv = layer.cross_validation
    print(f"\nlearned layer, 5-fold cross-validation on content/safety_examples.yaml: {cv.summary()}; "
          f"check-in bar {layer.checkin_bar:.2f}, crisis bar {layer.crisis_bar:.2f}; "
          f"trained in {layer.train_seconds * 1e3:.0f} ms")
    # the check-in bar is set on all the written calm examples, the crisis bar on the blind rounds'
    assert cv.calm_checkin <= CHECKIN_FALSE_RATE * cv.calm_total + 1
    assert cv.calibration_total >= 500
    # the crisis bar is read from a tail fitted to the calibration scores, so the count above it is
    # near the rate, not exactly at it: neither far above (alarms) nor none (a bar set out of reach)
    expected = CRISIS_FALSE_RATE * cv.calibration_total
    assert 1 <= cv.calibration_crisis <= 1.5 * expected + 2
    layer_levels = [layer.level(real_core().normaliser.normalise(t)) for t in _content_phrases()]
    assert "crisis" not in layer_levels  # the content's own phrases never get the crisis reply
    assert cv.crisis_checkin >= 0.4 * cv.crisis_total  # it must be worth having


def test_training_is_deterministic() -> None:
    """Two fresh trainings on the same examples (the real core's: the file, its batches and the
    content's own phrases) choose the same bars and give the same scores. How long training takes
    is a benchmark (benchmarks/, `scripts/dev.py bench`), not a test."""
    real = learned()
    again, _ = build_learned(EXAMPLES, real_core().normaliser, ordinary=_content_phrases(), fresh=True)
    assert again is not None
    print(f"\nlearned layer training (normalise, cross-validate, train): {again.train_seconds * 1e3:.0f} ms")
    assert (again.checkin_bar, again.crisis_bar) == (real.checkin_bar, real.crisis_bar)
    text = real_core().normaliser.normalise("i have been saving my tablets for weeks")
    assert again.score(text) == real.score(text)


def _content_phrases() -> tuple[str, ...]:
    return content_phrases(real_core().content)


def test_it_never_lowers_a_pattern_hit() -> None:
    sets = yaml.safe_load((DATA / "safety_messages.yaml").read_text(encoding="utf-8"))
    extra = yaml.safe_load((DATA / "safety_extra.yaml").read_text(encoding="utf-8"))
    order = {None: 0, "checkin": 1, "medical": 2, "crisis": 3}
    texts = [t for group in (*sets.values(), *extra.values()) for t in group]
    lowered = [(text, before, after) for text in texts
               if order[after := detector().assess(text).level] < order[before := patterns_only().assess(text).level]]
    assert lowered == []


def test_ordinary_messages_rarely_get_a_check_in() -> None:
    texts = _texts("labelled_messages.yaml")
    before = sum(patterns_only().assess(t).level == "checkin" for t in texts)
    after = [t for t in texts if detector().assess(t).level == "checkin"]
    alarms = [t for t in texts if detector().assess(t).level in ("crisis", "medical")]
    print(f"\nlabelled ordinary messages: check-ins {len(after)}/{len(texts)} = {len(after) / len(texts):.1%} "
          f"(patterns alone: {before}); crisis or medical: {len(alarms)}")
    for text in after:
        print(f"  check-in: {text[:90]}")
    assert not alarms and len(after) <= 0.03 * len(texts)


def test_calm_near_misses_check_in_counts() -> None:
    for file in ("safety_messages.yaml", "safety_extra.yaml"):
        texts = _texts(file, "calm")
        before = sum(patterns_only().assess(t).level == "checkin" for t in texts)
        after = sum(detector().assess(t).level == "checkin" for t in texts)
        alarms = sum(detector().assess(t).level in ("crisis", "medical") for t in texts)
        print(f"\ncalm near-misses ({file}): check-ins {after}/{len(texts)} (patterns alone: {before}); "
              f"alarms {alarms}")
        assert alarms <= 0.10 * len(texts)


def test_decisions_still_hold() -> None:
    safety = detector()
    assert safety.assess("i'm not suicidal, just so sad").level == "checkin"
    assert safety.assess("my baby died").level is None
    assert safety.assess("i want to be with my baby").level == "crisis"
    assert safety.assess("research on suicide rates after stillbirth").level in (None, "checkin")


def test_problems_in_the_example_file_name_file_and_line(tmp_path: Path) -> None:
    crisis = "".join(f"  - 'crisis example {i}'\n" for i in range(60))
    calm = "".join(f"  - 'calm example {i}'\n" for i in range(60))
    body = ("last_reviewed: 2026-11-25\ncrisis:\n" + crisis + "  - 'same words here'\n  - ''\n"
            "calm:\n" + calm + "  - 'Same words, here!'\n  - 'calm example 3'\nextra: 1\n")
    path = tmp_path / "safety_examples.yaml"
    path.write_text(body, encoding="utf-8")
    examples, problems = load_examples(path, real_core().normaliser, today=TODAY)
    found = {(p.where.line, p.severity): p.message for p in problems}
    assert "under crisis" in found[(line_of(body, "Same words, here!"), "error")]
    assert "non-empty" in found[(line_of(body, "  - ''"), "error")]
    assert "duplicate" in found[(line_of(body, "calm example 3'", 2), "warning")]
    assert "unknown key 'extra'" in found[(line_of(body, "extra: 1"), "error")]
    assert examples is not None  # still usable: the layer runs on what is sound


def test_a_missing_or_thin_example_file_turns_the_layer_off(tmp_path: Path) -> None:
    layer, problems = build_learned(tmp_path / "nope.yaml", real_core().normaliser)
    assert layer is None and [p.severity for p in problems] == ["error"]
    path = tmp_path / "thin.yaml"
    path.write_text("last_reviewed: 2026-11-25\ncrisis:\n  - 'i want to die'\ncalm:\n  - 'hello'\n")
    layer, problems = build_learned(path, real_core().normaliser)
    assert layer is None and any("stays off" in p.message for p in problems)


def test_batches_and_concepts_are_read_and_their_problems_name_file_and_line(tmp_path: Path) -> None:
    crisis = "".join(f"  - 'crisis example {i}'\n" for i in range(30))
    calm = "".join(f"  - 'calm example {i}'\n" for i in range(60))
    body = ("last_reviewed: 2026-11-25\nconcepts:\n  med: [pills, Tablets, co-codamol]\n  gather: [saving]\n"
            "crisis:\n" + crisis + "calm:\n" + calm)
    (tmp_path / "safety_examples.yaml").write_text(body, encoding="utf-8")
    (tmp_path / "safety_examples").mkdir()
    batch = ("source: 'a writer'\ncrisis:\n" + "".join(f"  - 'batch crisis {i}'\n" for i in range(30))
             + "  - 'calm example 7'\ncalm:\n  - 'batch calm'\nwho: me\n")
    (tmp_path / "safety_examples" / "writer.yaml").write_text(batch, encoding="utf-8")
    examples, problems = load_examples(tmp_path / "safety_examples.yaml", real_core().normaliser,
                                       display_name="content/safety_examples.yaml", today=TODAY)
    found: dict[tuple[str, int], str] = {}
    for p in problems:
        found[(p.where.file, p.where.line)] = found.get((p.where.file, p.where.line), "") + p.message + "\n"
    assert examples is not None
    assert len(examples.crisis) == 60 and "batch calm" in examples.calm  # the batch adds to both lists
    assert examples.concepts == {"med": ("pills",), "gather": ("saving",)}
    concept_line = line_of(body, "med: [")
    wanted = "'Tablets' must be one word as the normaliser writes it ('tablets')"
    assert wanted in found[("content/safety_examples.yaml", concept_line)]
    assert "'co-codamol' must be one word" in found[("content/safety_examples.yaml", concept_line)]
    batch_file = "content/safety_examples/writer.yaml"
    assert "under calm" in found[(batch_file, line_of(batch, "calm example 7"))]
    assert "unknown key 'who'" in found[(batch_file, line_of(batch, "who: me"))]


def test_concepts_let_unseen_words_share_what_was_learned() -> None:
    """A concept pair carries evidence a word never seen in a crisis example cannot: the same
    message with a medicine the examples may never name still reads as gathering medicine."""
    layer = learned()
    normalise = real_core().normaliser.normalise
    features = layer.features(normalise("been stockpiling my oramorph for weeks").split())
    assert "@gather+med" in features and "@med" in features
    assert layer.weight("@gather+med") > 0.5  # learned from other words for gathering and medicines
    assert layer.score(normalise("been stockpiling my oramorph")) > \
        layer.score(normalise("been taking my oramorph as prescribed")) + 1.0


# The per-message calm tests of the patterns (concepts, self-harm and passive wishes, languages,
# concerns) ask the patterns alone: a learned score can tip any one message. Here the whole
# detector is held to the bar on all of them at once: at most 5% of calm near-misses
# alarmed; the ordinary messages never.
CALM_SETS = {
    "safety_concepts.yaml": lambda d: [t for texts in d["calm"].values() for t in texts],
    "safety_harm_passive.yaml": lambda d: [t for texts in d["calm"].values() for t in texts],
    "safety_languages.yaml": lambda d: [t for lang in d.values() for t in lang.get("calm", [])],
    "safety_conversation_signals.yaml": lambda d: [item["text"] for item in d["calm"]],
    "safety_messages.yaml": lambda d: d["calm"] + d["figurative"],
    "safety_extra.yaml": lambda d: d["calm"],
    "safety_kinds.yaml": lambda d: [t for texts in d["calm"].values() for t in texts],
    "safety_medical_kinds.yaml": lambda d: [item["text"] for item in d["calm"]],
}


def test_the_whole_detector_alarms_on_few_calm_near_misses_and_no_ordinary_message() -> None:
    texts = [t for name, pick in CALM_SETS.items()
             for t in pick(yaml.safe_load((DATA / name).read_text(encoding="utf-8")))]
    alarms = [t for t in texts if detector().assess(t).level in ("crisis", "medical")]
    print(f"\ncalm near-misses of every pattern set, whole detector: {len(alarms)}/{len(texts)} alarmed")
    for text in alarms:
        print(f"  alarmed: {text[:100]}")
    assert len(texts) > 800 and len(alarms) <= 0.05 * len(texts)
    labelled = _texts("labelled_messages.yaml")
    assert [t for t in labelled if detector().assess(t).level in ("crisis", "medical")] == []
    # the content's own phrases: the urgent-medical flow's examples are medical by design
    assert [t for t in _content_phrases() if detector().assess(t).level == "crisis"] == []
