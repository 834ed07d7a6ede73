#!/usr/bin/env python3
"""Feather's benchmarks: ``python3 scripts/dev.py bench`` (installs the ``[test,bench]`` extras).

Runs every section and writes docs/benchmarks.md (the figures, the targets, the machine, the
date and the commit). Sections, in order (each file's docstring says how it measures):

  matching   benchmarks/matching.py   messages/s and latency, shipped content and grown 10x, 100x
  accuracy   benchmarks/accuracy.py   labelled sets, beside a TF-IDF nearest-example baseline
  e2e        benchmarks/e2e.py        over HTTP: 10/100/1,000 people at once, beside an echo bot;
                                      start-up to the first poll and memory of both bots, and
                                      where Feather's start-up goes (benchmarks/startup.py)
  daily      benchmarks/daily.py      10,000 and 100,000 subscribers due at once

Options: --only SECTION[,SECTION] (the report then holds only those), --repeats N (default 3),
--quick (tiny sizes, a check that everything runs; its figures mean nothing), --out PATH
(default docs/benchmarks.md), --json PATH (raw results too).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import report  # noqa: E402
from benchmarks.common import log, machine  # noqa: E402

SECTIONS = ("matching", "accuracy", "startup", "e2e", "daily")


def sizes(quick: bool) -> dict:
    if quick:
        return {"factors": (1, 2), "texts": 40, "e2e": (3, 6), "e2e_limited": (3,), "subscribers": 200,
                "daily": (300,)}
    return {"factors": (1, 10, 100), "texts": None, "e2e": (10, 100, 1000), "e2e_limited": (10, 100),
            "subscribers": 100_000, "daily": (10_000, 100_000)}


def run(sections: list[str], repeats: int, quick: bool) -> dict:
    from benchmarks.common import ROOT as root
    from benchmarks.common import stream_texts

    size = sizes(quick)
    results: dict = {"machine": machine(), "repeats": repeats, "quick": quick, "sections": sections,
                     "load_before": os.getloadavg()}
    started = time.perf_counter()
    core = None
    if {"matching", "accuracy", "daily"} & set(sections):
        from bot.app import build_core

        log("building the core (content, matcher, safety) once for the in-process sections")
        core = build_core(root, strict=False)  # measure even while colleagues edit content
    texts = stream_texts()
    if size["texts"]:
        texts = texts[:: max(1, len(texts) // size["texts"])]
    if "matching" in sections:
        from benchmarks import matching

        results["matching"] = matching.run(core, size["factors"], repeats, texts)
    if "accuracy" in sections:
        from benchmarks import accuracy

        log("accuracy and the TF-IDF baseline")
        results["accuracy"] = accuracy.run(core, repeats, baseline=report.has_sklearn(), speed_texts=texts)
    if "startup" in sections:
        from benchmarks import startup

        results["startup"] = startup.run(size["subscribers"], repeats)
    if "e2e" in sections:
        from benchmarks import e2e

        results["e2e"] = e2e.run(size["e2e"], repeats, size["subscribers"], size["e2e_limited"], repeats)
    if "daily" in sections:
        from benchmarks import daily

        results["daily"] = daily.run(core, size["daily"], repeats)
    results["seconds"] = time.perf_counter() - started
    results["load_after"] = os.getloadavg()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections, comma-separated")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the code runs")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)}")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    results = run(sections, args.repeats, args.quick)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    report.write(results, args.out)
    log(f"wrote {args.out} ({results['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
