"""The benchmarks (benchmarks/, run by ``python3 scripts/dev.py bench``) on tiny sizes, so their code
keeps working as the bot changes. No timing is asserted here: speed targets belong to the
benchmarks themselves (docs/benchmarks.md), not to timed tests."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import accuracy, daily, e2e, matching, report, startup
from benchmarks.common import machine, stream_texts
from benchmarks.synthetic import build_matcher, grow
from tests.feather_testkit import real_core

TEXTS = stream_texts()[::80]


class Background(threading.Thread):
    """The end-to-end run (two bot subprocesses) goes on while the in-process tests run."""

    def __init__(self) -> None:
        super().__init__(name="bench-smoke-e2e", daemon=True)
        self.results: dict | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.results = e2e.run(sizes=(2,), repeats=1, subscribers=30, limited_sizes=(), limited_repeats=0)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


@pytest.fixture(scope="module")
def end_to_end() -> Iterator[Background]:
    thread = Background()
    thread.start()
    yield thread
    thread.join(120)


def test_end_to_end_starts(end_to_end: Background) -> None:
    assert end_to_end.is_alive() or end_to_end.results is not None or end_to_end.error is not None


def test_synthetic_content_grows_examples_topics_and_vocabulary() -> None:
    core = real_core()
    shipped, doubled = grow(core, 1), grow(core, 2)
    assert doubled.examples == 2 * shipped.examples
    assert len({f.topic for f in doubled.flows}) == 2 * len({f.topic for f in shipped.flows})
    assert shipped.vocabulary < doubled.vocabulary < 2 * shipped.vocabulary  # Heaps: sublinear
    assert grow(core, 2).flows[-1].examples == doubled.flows[-1].examples  # seeded: the same every run
    assert build_matcher(core, doubled).example_count > core.matcher.example_count


def test_matching_accuracy_and_daily_sections_run_and_render(tmp_path: Path) -> None:
    core = real_core()
    results = {
        "machine": machine(), "repeats": 1, "quick": True, "seconds": 1.0,
        "matching": matching.run(core, factors=(1, 2), repeats=1, texts=TEXTS),
        "accuracy": accuracy.run(core, repeats=1, baseline=report.has_sklearn(), speed_texts=TEXTS),
        "daily": daily.run(core, sizes=(40,), repeats=1),
    }
    assert results["matching"]["factors"][2]["figures"]["messages"] == [len(TEXTS)]
    assert results["accuracy"]["safety"]["crisis"] > 0
    [limited] = results["daily"]["runs"]["40-limited"]
    assert limited["sent"] == 40 and limited["simulated_seconds"] > 0
    out = tmp_path / "benchmarks.md"
    report.write(results, out)
    text = out.read_text()
    for heading in ("## Summary", "## Matching and safety in process", "## Accuracy", "## Daily sending"):
        assert heading in text
    report.write(results, out)  # hand-written notes survive a rewrite
    assert text.count(report.NOTES_BEGIN) == out.read_text().count(report.NOTES_BEGIN) == 1


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn is in the bench extra")
def test_the_baseline_classifies_like_a_nearest_neighbour() -> None:
    model = accuracy.TfidfBaseline(real_core())
    label, similarity = model.nearest(model.vectorizer.inverse_transform(model.matrix[0])[0][0])
    assert label != "none" and similarity > 0


def test_end_to_end_over_http_with_both_bots(end_to_end: Background) -> None:
    end_to_end.join(120)
    assert end_to_end.error is None, repr(end_to_end.error)
    results = end_to_end.results
    assert results is not None
    for kind in ("feather", "echo"):
        [session] = results["lifted"][kind]
        assert session["rounds"][2]["messages_per_person"] >= 1
        assert session["startup_s"] > 0 and session["peak_rss_mb"] > 0 and session["exit"] == 0
    assert results["lifted"]["feather"][0]["timings"]["build_core"] > 0
    assert results["internal_errors"] == []
    text = report.render({"machine": machine(), "repeats": 1, "seconds": 1.0, "e2e": results}, "")
    assert "## End to end over HTTP" in text and "## Start-up" in text


def test_the_start_up_section_measures_a_first_start_and_a_restart(tmp_path: Path) -> None:
    results = {"machine": machine(), "repeats": 1, "quick": True, "seconds": 1.0,
               "startup": startup.run(subscribers=30, repeats=1)}
    start = results["startup"]
    assert len(start["first"]) == len(start["restart"]) == len(start["echo"]) == 1
    assert "step_check_content" in start["timings_first"][0]  # the first start checks the content
    assert "step_check_content" not in start["timings_restart"][0]  # a restart remembers it
    out = tmp_path / "benchmarks.md"
    report.write(results, out)
    text = out.read_text()
    assert "## Start-up to the first poll" in text and "restart on the same content and code" in text
