"""docs/benchmarks.md from the results of benchmarks/run.py: the summary against the targets first,
then each section's table and how it was measured.

Everything in the file is generated, except a hand-written block between the markers
``<!-- notes:begin -->`` and ``<!-- notes:end -->`` (findings, changes made because of them), which
is kept as it is when the file is written again.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from benchmarks import heldout
from benchmarks.common import median

NOTES_BEGIN = "<!-- notes:begin -->"
NOTES_END = "<!-- notes:end -->"
PASS, MISS = "met", "**missed**"


def has_sklearn() -> bool:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------------------ formatting


def num(value: float, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}g}"


def ms(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    return f"{num(value)} ms"


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def med(values: list[float]) -> float:
    return median(values)


def rng(values: list[float], unit: str = "") -> str:
    """The repeats' spread, shown beside a median."""
    if len(values) < 2:
        return ""
    return f" ({num(min(values))}–{num(max(values))}{unit})"


def verdict(ok: bool) -> str:
    return PASS if ok else MISS


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


# ------------------------------------------------------------------------------ sections


def summary(results: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    matching = results.get("matching")
    if matching:
        one = matching["factors"].get(1) or matching["factors"].get("1")
        if one:
            f = one["figures"]
            rate, p99 = med(f["per_second"]), med(f["p99_ms"])
            rows.append(["Matching + safety, shipped content: messages/s, one core", num(rate), "≥ 2,000",
                         verdict(rate >= 2000)])
            rows.append(["… latency per message p50 / p99", f"{ms(med(f['p50_ms']))} / {ms(p99)}", "p99 < 5 ms",
                         verdict(p99 < 5)])
            if "unseen_word" in one:
                u = one["unseen_word"]
                rows.append(["… every message with a never-seen word (typo search each time)",
                             f"{num(med(u['per_second']))}/s, p99 {ms(med(u['p99_ms']))}", "(worst case)", ""])
        if "growth" in matching:
            factors = sorted(matching["factors"], key=int)
            cost = ", ".join(f"{f}×: {ms(med(matching['factors'][f]['figures']['match_mean_ms']))}" for f in factors)
            rows.append(["Matching cost as the examples grow (mean per message)",
                         f"{cost}: **{matching['growth']}** (exponent {matching['exponent']:.2f})", "state it", ""])
    accuracy = results.get("accuracy")
    if accuracy:
        fe = accuracy["feather"]
        base = accuracy.get("baseline")
        if base:
            better = fe["top1"] > base["top1"] and fe["off_topic_rejected"] >= base["off_topic_rejected"]
            rows.append(["Top-1 topic accuracy, Feather vs TF-IDF baseline",
                         f"{pct(fe['top1'])} vs {pct(base['top1'])}", "more accurate", verdict(better)])
            rows.append(["Off-topic messages given no topic, Feather vs baseline",
                         f"{pct(fe['off_topic_rejected'])} vs {pct(base['off_topic_rejected'])}", "(same)", ""])
            rows.append(["Follow-ups read in context, Feather vs baseline (no context)",
                         f"{pct(fe['followups'])} vs {pct(base['followups'])}", "(same)", ""])
            ratio = base["speed_ratio"]
            rows.append(["Matcher speed ÷ baseline speed (messages/s)", f"{ratio:.1f}× faster" if ratio >= 1
                         else f"{1 / ratio:.1f}× slower", "faster", verdict(ratio > 1)])
        else:
            rows.append(["Top-1 topic accuracy (baseline not run: scikit-learn missing)", pct(fe["top1"]), "", ""])
        s = accuracy["safety"]
        rows.append(["Crisis recall (safety_messages / safety_extra)",
                     f"{pct(s['crisis_recall'])} / {pct(s['extra_crisis_recall'])}", "(reported)", ""])
        rows.append(["Medical recall (safety_messages / safety_extra)",
                     f"{pct(s['medical_recall'])} / {pct(s['extra_medical_recall'])}", "(reported)", ""])
        rows.append(["False alarms: near-misses / extra near-misses / ordinary labelled messages",
                     f"{pct(s['false_alarms_calm'])} / {pct(s['extra_false_alarms'])} / "
                     f"{pct(s['false_alarms_ordinary'])}", "(reported)", ""])
    e2e = results.get("e2e")
    if e2e and e2e["lifted"]["feather"]:
        for size in e2e["sizes"]:
            fp99 = med([r["rounds"][size]["p99_ms"] for r in e2e["lifted"]["feather"]])
            ep99 = med([r["rounds"][size]["p99_ms"] for r in e2e["lifted"]["echo"]])
            ratio = fp99 / ep99 if ep99 else float("nan")
            rows.append([f"Over HTTP, {size:,} people at once: reply p99, Feather vs echo bot (limiter lifted)",
                         f"{ms(fp99)} vs {ms(ep99)} = {ratio:.2f}×", "≤ 1.5×", verdict(ratio <= 1.5)])
            rich = e2e["lifted"].get("echo-rich") or []
            if rich:
                rp99 = med([r["rounds"][size]["p99_ms"] for r in rich])
                rows.append(["… beside the echo bot sending a Feather-shaped reply (HTML, 4 buttons)",
                             f"{ms(fp99)} vs {ms(rp99)} = {fp99 / rp99:.2f}×", "(context)", ""])
    daily = results.get("daily")
    if daily:
        for size in daily["sizes"]:
            runs = daily["runs"].get(f"{size}-limited", [])
            if runs:
                fraction = med([r["fraction_of_limit"] for r in runs])
                rows.append([f"Daily, {size:,} due at once at 30/s: achieved rate ÷ limit (simulated clock)",
                             pct(fraction), "≥ 95%", verdict(fraction >= 0.95)])
            all_runs = runs + daily["runs"].get(f"{size}-lifted", [])
            if all_runs:
                worst = max(med([r["reply_p99_ms"] for r in runs]) if runs else 0.0,
                            med([r["reply_p99_ms"] for r in daily["runs"].get(f"{size}-lifted", [])]) or 0.0)
                rows.append([f"… reply p99 while the {size:,} are sent (worse of the two runs)", ms(worst), "< 1 s",
                             verdict(worst < 1000)])
            lifted = daily["runs"].get(f"{size}-lifted", [])
            if lifted:
                rate = med([r["real_rate"] for r in lifted])
                rows.append(["… limit lifted: the scheduler alone, real time", f"{num(rate)} messages/s "
                             f"({rate / daily['rate']:.0f}× the 30/s limit)", "(reported)", ""])
    start = results.get("startup")
    if start and start["restart"]:
        restart, first = med(start["restart"]), med(start["first"])
        rows.append([f"Start-up to the first poll, {start['subscribers']:,} subscribers in the store (a restart; "
                     "the first start on new content; the echo bot)",
                     f"{num(restart)} s ({num(first)} s; {num(med(start['echo']))} s)", "≤ 1.5 s",
                     verdict(restart <= 1.5)])
    if e2e and e2e["lifted"]["feather"]:
        sessions_f = e2e["lifted"]["feather"] + e2e["limited"]["feather"]
        sessions_e = e2e["lifted"]["echo"] + e2e["limited"]["echo"]
        rows.append([f"Start-up to the first poll, {e2e['subscribers']:,} subscribers in the store, Feather vs echo",
                     f"{num(med([s['startup_s'] for s in sessions_f]))} s vs "
                     f"{num(med([s['startup_s'] for s in sessions_e]))} s", "(reported)", ""])
        rows.append(["Memory at the first poll (RSS), Feather vs echo",
                     f"{num(med([s['rss_ready_mb'] for s in sessions_f]))} MiB vs "
                     f"{num(med([s['rss_ready_mb'] for s in sessions_e]))} MiB", "(reported)", ""])
        lifted_f, lifted_e = e2e["lifted"]["feather"], e2e["lifted"]["echo"]
        rows.append([f"Peak memory (RSS) over a run up to {max(e2e['sizes']):,} people at once, Feather vs echo",
                     f"{num(med([s['peak_rss_mb'] for s in lifted_f]))} MiB vs "
                     f"{num(med([s['peak_rss_mb'] for s in lifted_e]))} MiB", "(reported)", ""])
    timings = feather_timings(results)
    if timings:
        total = med([t["build_core"] for t in timings])
        safety = med([t.get("step_load_safety", 0.0) for t in timings])
        rows.append(["build_core (in the bot processes above)", f"{num(total)} s, of which the safety "
                     f"patterns {num(safety)} s", "(known ~2–3 s)", ""])
    return rows


def matching_section(m: dict) -> list[str]:
    lines = ["## Matching and safety in process", "",
             f"{m['texts']} messages (tests/data/labelled_messages.yaml and safety_messages.yaml), each "
             "with a different number appended; caches emptied before each repeat. Per message: "
             "`safety.assess` then `matcher.match`, one core, sequential. Figures are medians of the "
             "repeats (range in brackets).", ""]
    rows = []
    for factor in sorted(m["factors"], key=int):
        e = m["factors"][factor]
        f = e["figures"]
        rows.append([f"{factor}×", f"{e['matcher_examples']:,}", f"{e['vocabulary']:,}", f"{e['topics']}",
                     f"{e['build_seconds']:.1f} s", f"{e['messages']} × {e.get('repeats', m['repeats'])}",
                     num(med(f["per_second"])) + rng(f["per_second"]),
                     ms(med(f["p50_ms"])), ms(med(f["p99_ms"])),
                     ms(med(f["safety_mean_ms"])), ms(med(f["match_mean_ms"]))])
    lines += table(["content", "examples", "words", "topics", "matcher built in", "messages × repeats", "messages/s",
                    "p50", "p99", "safety (mean)", "matching (mean)"], rows)
    one = m["factors"].get(1)
    if one and "unseen_word" in one:
        u = one["unseen_word"]
        lines += [f"Shipped content, every message with a made-up word never seen before (the typo corrector "
                  f"searches the whole vocabulary each time): {num(med(u['per_second']))} messages/s, "
                  f"p50 {ms(med(u['p50_ms']))}, p99 {ms(med(u['p99_ms']))}.", ""]
    if "growth" in m:
        lines += [f"Growth: matching cost per message grows **{m['growth']}ly** with the number of examples "
                  f"(log-log slope {m['exponent']:.2f} from 1× to {max(m['factors'], key=int)}×): every example "
                  "that shares a word with the message is scored, and common words (how, baby, cells) are "
                  "in a fixed share of all examples. Safety does not depend on the examples (its patterns "
                  "live in content/safety.yaml), so its cost stays flat.",
                  "",
                  f"Synthetic content (benchmarks/synthetic.py): each flow's examples recombined, vocabulary "
                  f"grown by Heaps' law with the exponent of the shipped examples (β = "
                  f"{m['factors'][min(m['factors'], key=int)]['beta']:.2f}). At 100× every 8th message is used.",
                  ""]
    return lines


def accuracy_section(a: dict) -> list[str]:
    fe, sh = a["feather"], a["shipped"]
    lines = ["## Accuracy", "",
             f"tests/data/labelled_messages.yaml ({fe['on_topic']} on-topic, {fe['off_topic']} off-topic), "
             f"followups.yaml ({a['followup_count']}), safety_messages.yaml and safety_extra.yaml. "
             "Overall = share of all labelled messages answered right (on-topic to their topic, off-topic "
             "to none), the figure both thresholds are tuned for.", ""]
    rows = [["Feather matcher", pct(fe["top1"]), pct(fe["off_topic_rejected"]), pct(fe["overall"]),
             pct(fe["followups"]), f"{fe['threshold']:g} (of 100)",
             num(med(a["feather_speed"]["per_second"])), ms(med(a["feather_speed"]["p99_ms"])), "1×"],
            ["Feather as shipped (urgent medical → medical topic)", pct(sh["top1"]), pct(sh["off_topic_rejected"]),
             pct(sh["overall"]), pct(sh["followups"]), "", "", "", ""]]
    for name, label in (("baseline", "TF-IDF nearest example (scikit-learn)"),
                        ("baseline_normalised", "TF-IDF nearest example on Feather's normalised text")):
        b = a.get(name)
        if b:
            speed = b["speed"]
            rows.append([label, pct(b["top1"]), pct(b["off_topic_rejected"]), pct(b["overall"]),
                         pct(b["followups"]) + " (no context)", f"{b['threshold']:.2f} (cosine)",
                         num(med(speed["per_second"])), ms(med(speed["p99_ms"])),
                         f"Feather {b['speed_ratio']:.1f}× faster" if b["speed_ratio"] >= 1
                         else f"Feather {1 / b['speed_ratio']:.1f}× slower"])
    lines += table(["classifier", "top-1", "off-topic rejected", "overall", "follow-ups", "threshold",
                    "messages/s", "p99", "speed"], rows)
    if "baseline" in a:
        lines += ["Baseline: flow examples and out-of-scope examples as TF-IDF vectors (accents stripped, "
                  "sublinear tf); a message takes the topic of its nearest example by cosine, none when that "
                  "example is out of scope or the cosine is under the threshold. Its threshold is tuned on "
                  "the labelled set as Feather's was (most labelled messages right); a threshold of 0 means "
                  "the out-of-scope examples alone rejected best. Speed: one message at a time, as the bot "
                  "classifies (the matcher alone, without the safety detector, on both sides).", ""]
    s = a["safety"]
    def of(rate: str, count: str) -> str:
        return f"{pct(s[rate])} of {s[count]}"

    rows = [["crisis recall", of("crisis_recall", "crisis"), of("extra_crisis_recall", "extra_crisis")],
            ["medical recall", of("medical_recall", "medical"), of("extra_medical_recall", "extra_medical")],
            ["false alarms on near-misses (crisis or medical)", of("false_alarms_calm", "calm"),
             of("extra_false_alarms", "extra_calm")],
            ["figures of speech given the check-in (or crisis)", of("figurative_checkin", "figurative"), ""],
            ["false alarms on ordinary labelled messages", of("false_alarms_ordinary", "ordinary"), ""]]
    lines += table(["safety", "safety_messages.yaml", "safety_extra.yaml"], rows)
    if "heldout" in a:
        lines += heldout.report_lines(a["heldout"])
    return lines


def feather_timings(results: dict[str, Any]) -> list[dict[str, float]]:
    start = results.get("startup")
    if start and start["timings_first"]:
        return [t for t in start["timings_first"] if t.get("build_core")]
    e2e = results.get("e2e") or {}
    sessions = [s for mode in ("lifted", "limited") for s in (e2e.get(mode) or {}).get("feather", [])]
    return [s["timings"] for s in sessions if s.get("timings", {}).get("build_core")]


def startup_section(timings: list[dict[str, float]]) -> list[str]:
    from benchmarks.startup import STEPS

    lines = ["## Start-up: where Feather's time to the first poll goes", "",
             f"Timed inside {len(timings)} Feather processes starting on content not checked before, each a "
             "fresh interpreter (nothing cached, not even `re`'s compiled patterns). On a restart the content "
             "checks are remembered (bot/checked.py) and the safety patterns compile after the first poll. "
             "Medians (range).", ""]
    rows = [["imports (bot, python-telegram-bot)", num(med([t["imports"] for t in timings])) + " s", ""]]
    total = med([t["build_core"] for t in timings])
    for name, what in STEPS.items():
        values = [t.get(f"step_{name}", 0.0) for t in timings]
        if med(values) >= 0.001:
            rows.append([f"build_core: {what}", num(med(values)) + " s" + rng(values),
                         pct(med(values) / total) if total else ""])
    rows.append(["**build_core, total**", num(total) + " s" + rng([t["build_core"] for t in timings]), "100%"])
    lines += table(["step", "time", "share of build_core"], rows)
    return lines


def e2e_section(e: dict) -> list[str]:
    lines = ["## End to end over HTTP", "",
             "The fake Bot API (tests/support/fake_bot_api.py) in the benchmark process, each bot in its own "
             "subprocess: the server and the bot each get one of the 2 cores (and share them with nothing "
             "else of ours; the machine itself may be shared, see the load average above). Latency: from "
             "a person's message being queued at the fake to the fake having handled the bot's first "
             "sendMessage to them. Updates/s: people ÷ (first message queued → last first reply). "
             "Limiter lifted, rounds of 10 and 100 people are repeated 7 and 3 times in each process (median "
             "kept); at 30/s each round starts after 1.5 s of quiet (the limiter's bucket full again). "
             "figures are medians over the repeats, each repeat a new set of bot processes. Feather's store holds "
             f"{e['subscribers']:,} daily subscribers (not due). `FEATHER_REPLY_PAUSE=0` (no typing pauses "
             "between the parts of a reply).", ""]
    for mode, title in (("lifted", "Telegram's 30 messages/s limit lifted in both bots (the software alone)"),
                        ("limited", "Both bots with PTB's AIORateLimiter at Telegram's 30 messages/s (production)")):
        sessions = e[mode]
        if not sessions["feather"]:
            continue
        sizes = e["sizes"] if mode == "lifted" else e["limited_sizes"]
        lines += [f"### {title}", ""]
        rows = []
        rich = sessions.get("echo-rich") or []
        for size in sizes:
            f = [s["rounds"][size] for s in sessions["feather"]]
            x = [s["rounds"][size] for s in sessions["echo"]]
            fp99, ep99 = med([r["p99_ms"] for r in f]), med([r["p99_ms"] for r in x])
            row = [f"{size:,}",
                   ms(med([r["p50_ms"] for r in f])), ms(fp99), num(med([r["updates_per_second"] for r in f])),
                   ms(med([r["p50_ms"] for r in x])), ms(ep99), num(med([r["updates_per_second"] for r in x])),
                   f"{fp99 / ep99:.2f}×" if ep99 else "–"]
            if rich:
                rp99 = med([s["rounds"][size]["p99_ms"] for s in rich])
                row += [ms(rp99), num(med([s["rounds"][size]["updates_per_second"] for s in rich])),
                        f"{fp99 / rp99:.2f}×" if rp99 else "–"]
            rows.append(row)
        header = ["people at once", "Feather p50", "Feather p99", "Feather updates/s", "echo p50", "echo p99",
                  "echo updates/s", "p99 ÷ echo"]
        if rich:
            header += ["echo, Feather-shaped reply: p99", "updates/s", "p99 ÷ that"]
        lines += table(header, rows)
    rows = []
    for kind in ("feather", "echo"):
        sessions = e["lifted"][kind] + e["limited"].get(kind, [])
        if not sessions:
            continue
        startups = [s["startup_s"] for s in sessions]
        rows.append([kind, num(med(startups)) + " s" + rng(startups),
                     num(med([s["rss_ready_mb"] for s in sessions])) + " MiB",
                     num(med([s["peak_rss_mb"] for s in e["lifted"][kind]])) + " MiB" if e["lifted"][kind] else "–"])
    lines += ["### Start-up and memory", "",
              "From spawning the process to the fake receiving its first getUpdates; RSS read then, and "
              "the peak RSS of the process over its whole run (VmHWM, read just before it is stopped), "
              "including the largest round.", ""]
    lines += table(["bot", "start-up to first poll", "RSS at first poll", "peak RSS"], rows)
    return lines


def daily_section(d: dict) -> list[str]:
    lines = ["## Daily sending", "",
             "The real dispatcher on a real SQLite store, everyone due at the same moment, a sender that "
             "accepts each message at once. **At 30/s the clock is simulated** (the dispatcher's injectable "
             "`monotonic`/`sleep`): sends ÷ simulated seconds; the work itself is real. Lifted: a 10⁹/s "
             "limiter on the real clock, with the batch size and senders of a 30/s dispatcher. Meanwhile "
             "new people write one after another and are answered through `Conversations.handle_text` in a "
             "worker thread, as the Telegram handlers do; reply latency in real time.", ""]
    rows = []
    for size in d["sizes"]:
        for mode in ("limited", "lifted"):
            runs = d["runs"].get(f"{size}-{mode}", [])
            if not runs:
                continue
            if mode == "limited":
                rate = (f"{num(med([r['simulated_rate'] for r in runs]))}/s simulated = "
                        f"{pct(med([r['fraction_of_limit'] for r in runs]))} of 30/s")
            else:
                rate = f"{num(med([r['real_rate'] for r in runs]))}/s real"
            rows.append([f"{size:,}", "30/s (simulated clock)" if mode == "limited" else "lifted (real clock)", rate,
                         num(med([r["real_seconds"] for r in runs])) + " s",
                         f"{int(med([r['replies'] for r in runs]))}",
                         ms(med([r["reply_p50_ms"] for r in runs])), ms(med([r["reply_p99_ms"] for r in runs])),
                         ms(med([r["reply_max_ms"] for r in runs]))])
    lines += table(["subscribers", "limit", "achieved rate", "real time", "replies during send", "reply p50",
                    "reply p99", "reply max"], rows)
    return lines


# ------------------------------------------------------------------------------ the file


def render(results: dict[str, Any], notes: str) -> str:
    mach = results["machine"]
    lines = ["# Benchmarks", "",
             "Written by `python3 scripts/dev.py bench` (benchmarks/run.py; each benchmarks/*.py says how it "
             "measures). Run it again after a change that could matter; everything here except the notes "
             "block is regenerated.", ""]
    if results.get("quick"):
        lines += ["**Quick run (tiny sizes): these figures only show that the code runs.**", ""]
    load_before = ", ".join(f"{x:.2f}" for x in results.get("load_before", ()))
    load_after = ", ".join(f"{x:.2f}" for x in results.get("load_after", ()))
    rows = [[key, value] for key, value in mach.items()]
    rows.append(["load average (1, 5, 15 min) before / after", f"{load_before} / {load_after}"])
    rows.append(["repeats per timing", str(results["repeats"])])
    rows.append(["benchmark run time", f"{results['seconds'] / 60:.1f} min"])
    lines += ["## Machine and run", ""] + table(["", ""], rows)
    lines += ["## Summary: every figure against its target", ""]
    lines += table(["figure", "measured (median of repeats)", "target", ""], summary(results))
    lines += [NOTES_BEGIN, notes.strip("\n"), NOTES_END, ""]
    if "matching" in results:
        lines += matching_section(results["matching"])
    if "accuracy" in results:
        lines += accuracy_section(results["accuracy"])
    if "e2e" in results:
        lines += e2e_section(results["e2e"])
    if results.get("startup"):
        s = results["startup"]
        lines += ["## Start-up to the first poll", "",
                  f"{s['subscribers']:,} subscribers in the store; each start a new process against the fake Bot API.",
                  ""]
        def row(label: str, key: str) -> list[str]:
            return [label, num(med(s[key])) + " s" + rng(s[key])]

        lines += table(["start", "to the first poll"],
                       [row("first start on content not checked before", "first"),
                        row("restart on the same content and code", "restart"),
                        row("the echo bot (PTB alone), for the machine's state", "echo")])
    if feather_timings(results):
        lines += startup_section(feather_timings(results))
    if "daily" in results:
        lines += daily_section(results["daily"])
    return "\n".join(lines).rstrip() + "\n"


def existing_notes(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    if NOTES_BEGIN in text and NOTES_END in text:
        return text.split(NOTES_BEGIN, 1)[1].split(NOTES_END, 1)[0]
    return ""


def write(results: dict[str, Any], path: Path) -> None:
    notes = existing_notes(path) or "\n## Findings\n\n(Hand-written notes on these figures go here.)\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(normalise_keys(results), notes), encoding="utf-8")


def normalise_keys(results: dict[str, Any]) -> dict[str, Any]:
    """JSON round trips turn int keys into strings; the renderer wants ints."""
    def fix(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {(int(k) if isinstance(k, str) and k.isdigit() else k): fix(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [fix(v) for v in obj]
        return obj
    return fix(results)
