"""Cross-file checks: each problem with its file and exact line, on small tmp content folders."""

from __future__ import annotations

from pathlib import Path

from bot.checks import REQUIRED_MESSAGES, html_problems
from bot.content.model import TOPICS
from tests.feather_testkit import (
    EXAMPLES,
    HEAD,
    PROJECT_ROOT,
    build,
    core_dialog,
    default_dialogs,
    errors,
    filler_dialog,
    find,
    flow_yaml,
    line_of,
    make_root,
    real_source_ids,
)


def problems_for(tmp_path: Path, dialogs: dict[str, str] | None = None, **content: str):
    root = make_root(tmp_path, dialogs, content, slim=True)
    return build(root).problems


def node(node_id: str, text: str = "Hello.", buttons: tuple[tuple[str, str], ...] = (("Menu", "menu"),),
         extra: str = "") -> str:
    """One node as YAML (indented for a flow's ``nodes:`` list)."""
    out = f"      - id: {node_id}\n        text: {text}\n{extra}"
    if buttons:
        out += "        buttons:\n"
        out += "".join(f"          - label: {label}\n            goto: {goto}\n" for label, goto in buttons)
    return out


def one_file(*flows: str) -> dict[str, str]:
    return {"test.yaml": HEAD + "".join(flows)}


# ---------------------------------------------------------------------------- the baseline


def test_default_tmp_content_has_no_errors(tmp_path: Path) -> None:
    """Every other test adds one mistake to content like this, so its problem is the one found."""
    assert errors(problems_for(tmp_path)) == []


# ---------------------------------------------------------------------------- nodes and gotos


def test_duplicate_node_id(tmp_path: Path) -> None:
    nodes = node("start", buttons=(("Next", "second"),)) + node("second") + node("second", "Again.")
    dialogs = one_file(flow_yaml(nodes=nodes))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "- id: second", 2),
         "node id 'second' is used twice in flow 'hello_flow'")


def test_node_id_equal_to_a_flow_id(tmp_path: Path) -> None:
    nodes = node("start", buttons=(("Next", "other_flow"),)) + node("other_flow")
    dialogs = one_file(flow_yaml(nodes=nodes), flow_yaml("other_flow", "thanks"))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "      - id: other_flow"),
         "node id 'other_flow' is also a flow id")


def test_goto_to_nowhere(tmp_path: Path) -> None:
    nodes = node("start", buttons=(("Fine", "menu"), ("Lost", "nowhere_at_all"),
                                   ("Lost node", "other_flow/missing")))
    dialogs = one_file(flow_yaml(nodes=nodes), flow_yaml("other_flow", "thanks"))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "label: Lost"),
         "button 'Lost' goes to 'nowhere_at_all', which does not exist")
    find(problems, "dialogs/test.yaml", line_of(text, "label: Lost node"),
         "goes to 'other_flow/missing', which does not exist")
    assert not [p for p in problems if "'Fine'" in p.message]


def test_every_kind_of_goto_resolves(tmp_path: Path) -> None:
    nodes = node("start", buttons=(("Same flow", "second"), ("Flow", "other_flow"),
                                   ("Flow and node", "other_flow/start"), ("Own flow", "hello_flow/second"),
                                   ("Menu", "menu"), ("Daily", "daily"), ("Country", "country"),
                                   ("Support", "support"))) + node("second")
    dialogs = one_file(flow_yaml(nodes=nodes), flow_yaml("other_flow", "thanks"))
    problems = problems_for(tmp_path, dialogs)
    assert not [p for p in problems if "does not exist" in p.message or "cannot be reached" in p.message]


def test_unreachable_node(tmp_path: Path) -> None:
    nodes = node("start", buttons=(("Next", "second"),)) + node("second") + node("island")
    dialogs = one_file(flow_yaml(nodes=nodes))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "- id: island"),
         "node 'hello_flow/island' cannot be reached")
    assert not [p for p in problems if "'hello_flow/second' cannot" in p.message]


def test_node_reached_through_its_full_name_is_reachable(tmp_path: Path) -> None:
    nodes = node("start", buttons=(("Next", "hello_flow/second"),)) + node("second")
    dialogs = one_file(flow_yaml(nodes=nodes))
    assert not [p for p in problems_for(tmp_path, dialogs) if "cannot be reached" in p.message]


def test_dead_end_node(tmp_path: Path) -> None:
    nodes = node("start", buttons=(("Next", "second"),)) + node("second", buttons=())
    dialogs = one_file(flow_yaml(nodes=nodes))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "- id: second"), "'hello_flow/second' has no buttons")


# ---------------------------------------------------------------------------- texts


def test_text_over_4096_characters(tmp_path: Path) -> None:
    long_text = " ".join(["word"] * 1000)  # 4999 characters
    dialogs = one_file(flow_yaml(nodes=node("start", long_text)))
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(dialogs["test.yaml"], "- id: start"),
         "is 4999 characters; Telegram's limit is 4096")


def test_text_of_4096_characters_is_not_over_the_limit(tmp_path: Path) -> None:
    text = "word " * 819 + "w"  # 4096
    assert len(text) == 4096
    dialogs = one_file(flow_yaml(nodes=node("start", text)))
    assert not [p for p in problems_for(tmp_path, dialogs) if "Telegram's limit" in p.message]


def test_html_outside_the_subset(tmp_path: Path) -> None:
    nodes = node("start", "<u>underlined</u> words", buttons=(("Next", "second"),))
    nodes += node("second", '"<b>bold</b> <i>italic</i> <a href=\'https://example.org\'>ok</a>"',
                  buttons=(("Next", "third"),))
    nodes += node("third", "<b>never closed")
    dialogs = one_file(flow_yaml(nodes=nodes))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "- id: start"), "tag <u> is not allowed")
    find(problems, "dialogs/test.yaml", line_of(text, "- id: third"), "<b> is never closed")
    assert not [p for p in problems if p.where.line == line_of(text, "- id: second")]


def test_html_problems_one_by_one() -> None:
    assert html_problems('<b>bold</b>, <i>it</i>, <a href="https://example.org">link</a>') == []
    assert html_problems("&amp; &lt; &#169;") == []
    assert any("<u> is not allowed" in p for p in html_problems("<u>x</u>"))
    assert any("<b> is never closed" in p for p in html_problems("<b>x"))
    assert any("does not close the last opened tag" in p for p in html_problems("<b><i>x</b></i>"))
    assert any("does not close" in p for p in html_problems("x</i>"))
    assert any("bare '&'" in p for p in html_problems("you & me"))
    assert any("https://" in p for p in html_problems('<a href="javascript:alert(1)">x</a>'))
    assert any("attribute 'class'" in p for p in html_problems('<b class="x">y</b>'))


def test_unknown_source(tmp_path: Path) -> None:
    nodes = node("start", extra="        sources: [no_such_source]\n")
    dialogs = one_file(flow_yaml(nodes=nodes))
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(dialogs["test.yaml"], "- id: start"),
         "'hello_flow/start' cites unknown source 'no_such_source'")


def test_title_over_40_characters(tmp_path: Path) -> None:
    dialogs = one_file(flow_yaml(title="A title that goes on and on and on and on and on"))
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", 3, "title of 'hello_flow' is over 40 characters")


# ---------------------------------------------------------------------------- examples and topics


def test_fewer_than_12_examples(tmp_path: Path) -> None:
    dialogs = one_file(flow_yaml(), flow_yaml("short_flow", "thanks", examples=["thanks a lot",
                                                                                 "thank you so much"]))
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(dialogs["test.yaml"], "- id: short_flow"),
         "flow 'short_flow' has 2 examples; at least 12 are needed")
    assert not [p for p in problems if "'hello_flow' has" in p.message]


def test_unknown_topic(tmp_path: Path) -> None:
    dialogs = one_file(flow_yaml(), flow_yaml("odd_flow", "weather_chat"))
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(dialogs["test.yaml"], "- id: odd_flow"),
         "flow 'odd_flow' has unknown topic 'weather_chat'")


def test_topic_with_no_flow(tmp_path: Path) -> None:
    """Reported at the first flow (there is no line for something missing)."""
    others = [t for t in TOPICS if t not in EXAMPLES and t != "thanks"]
    dialogs = {"core.yaml": core_dialog(), "filler.yaml": filler_dialog(others)}
    problems = errors(problems_for(tmp_path, dialogs))
    find(problems, "dialogs/core.yaml", line_of(dialogs["core.yaml"], "- id: mc_duration"),
         "topic 'thanks' has no flow")
    assert [p.message for p in problems] == ["topic 'thanks' has no flow"]


def test_examples_the_matcher_cannot_tell_apart(tmp_path: Path) -> None:
    """The same words after normalising, in two topics: reported at the later example."""
    first = EXAMPLES["mc_duration"][0]  # "how long do the babys cells stay in me"
    extra = HEAD + flow_yaml("odd_flow", "thanks", examples=[
        "thanks odd flow " + w for w in ("one", "two", "three", "four", "five", "six", "seven",
                                          "eight", "nine", "ten", "eleven")
    ] + ["How long do the baby\u2019s cells STAY in me?!"])
    dialogs = {**default_dialogs(), "extra.yaml": extra}
    problems = problems_for(tmp_path, dialogs)
    problem = find(problems, "dialogs/extra.yaml", line_of(extra, "STAY in me"),
                   "is the same to the matcher as")
    core_line = line_of(dialogs["core.yaml"], first)
    assert f"'{first}' (mc_duration) at dialogs/core.yaml:{core_line}" in problem.message


def test_examples_almost_the_same(tmp_path: Path) -> None:
    sentence = "microchimerism cells persisting decades after pregnancy loss remembered quietly"
    examples_a = [sentence] + [f"greeting words {n}" for n in range(1, 12)]
    examples_b = [f"thanking words {n}" for n in range(1, 12)] + [sentence.replace("decades", "decadez")]
    dialogs = one_file(flow_yaml("first_flow", "greeting", examples=examples_a),
                       flow_yaml("second_flow", "thanks", examples=examples_b))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    problem = find(problems, "dialogs/test.yaml", line_of(text, "decadez"), "is almost the same as")
    assert f"(greeting) at dialogs/test.yaml:{line_of(text, 'persisting decades')}" in problem.message


def test_alike_examples_in_the_same_topic_are_fine(tmp_path: Path) -> None:
    examples = [f"same topic words {n}" for n in range(1, 12)] + ["same topic words 1"]
    dialogs = one_file(flow_yaml(examples=examples))
    assert not [p for p in problems_for(tmp_path, dialogs) if "same" in p.message and "matcher" in p.message]


# ---------------------------------------------------------------------------- content files


def test_menu_theme_with_unknown_flow(tmp_path: Path) -> None:
    menu = ("last_reviewed: 2026-11-25\n"
            "themes:\n"
            "  - id: theme_ok\n"
            "    label: Fine\n"
            "    flows: [hello_flow]\n"
            "  - id: theme_odd\n"
            "    label: Odd\n"
            "    flows: [hello_flow, no_such_flow]\n")
    problems = problems_for(tmp_path, one_file(flow_yaml()), **{"menu.yaml": menu})
    find(problems, "content/menu.yaml", 6, "theme 'theme_odd' lists unknown flow 'no_such_flow'")
    assert not [p for p in problems if p.where.file == "content/menu.yaml" and p.where.line == 3]


def test_missing_required_message(tmp_path: Path) -> None:
    """Reported at the first message of content/messages.yaml."""
    lines = ["last_reviewed: 2026-11-25", "messages:"]
    lines += [f"  {key}: Words for {key}." for key in REQUIRED_MESSAGES if key != "privacy"]
    problems = problems_for(tmp_path, one_file(flow_yaml()), **{"messages.yaml": "\n".join(lines) + "\n"})
    find(problems, "content/messages.yaml", 3, "content/messages.yaml needs the message 'privacy'")
    assert len([p for p in problems if "needs the message" in p.message]) == 1


def test_empty_message_and_html_in_messages(tmp_path: Path) -> None:
    lines = ["last_reviewed: 2026-11-25", "messages:"]
    lines += [f"  {key}: Words for {key}." for key in REQUIRED_MESSAGES if key not in ("help", "about")]
    lines += ['  help: ""', "  about: <u>About</u>"]
    text = "\n".join(lines) + "\n"
    problems = problems_for(tmp_path, one_file(flow_yaml()), **{"messages.yaml": text})
    find(problems, "content/messages.yaml", line_of(text, 'help: ""'), "message 'help' is empty")
    find(problems, "content/messages.yaml", line_of(text, "about: <u>"), "message 'about': tag <u>")


RESOURCES = """\
last_reviewed: 2026-11-25
countries:
  - code: GB
    name: United Kingdom
    aliases: [uk]
    timezone: Europe/London
    emergency: "999"
    urgent_medical: Call NHS 111.
    services:
      - id: fine_line
        name: Fine line
        offers: Listening.
        crisis: true
        phone: "116 123"
        mark: V1
        source: website
        verified_on: 2026-11
      - id: unsure_line
        name: Unsure line
        offers: Support.
        crisis: false
        phone: "0300 123 4567"
        mark: CONFLICT
        source: website
        verified_on: 2026-11
      - id: noted_line
        name: Noted line
        offers: Support.
        crisis: false
        phone: "0300 765 4321"
        mark: CONFLICT
        note: Check their website for the current number.
        source: website
        verified_on: 2026-11
      - id: gone_line
        name: Gone line
        offers: Support.
        crisis: false
        phone: "0800 000 000"
        mark: NOT_FOUND
        source: website
        verified_on: 2026-11
"""


def test_conflict_service_without_a_note(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, one_file(flow_yaml()), **{"resources.yaml": RESOURCES})
    find(problems, "content/resources.yaml", line_of(RESOURCES, "id: unsure_line"),
         "'unsure_line' is CONFLICT: it needs a note")
    find(problems, "content/resources.yaml", line_of(RESOURCES, "id: gone_line"),
         "'gone_line' is NOT_FOUND: show no number")
    assert not [p for p in problems if "noted_line" in p.message]


def test_bad_phone_format(tmp_path: Path) -> None:
    resources = RESOURCES.replace('phone: "116 123"', 'phone: "call 116-123 now"')
    problems = problems_for(tmp_path, one_file(flow_yaml()), **{"resources.yaml": resources})
    find(problems, "content/resources.yaml", line_of(resources, "id: fine_line"),
         "phone 'call 116-123 now' of 'fine_line'")


def test_uncited_source_is_a_warning(tmp_path: Path) -> None:
    first, second = real_source_ids()[:2]  # the ids slim sources.yaml holds, at lines 3 and 9
    dialogs = default_dialogs()
    dialogs["core.yaml"] = dialogs["core.yaml"].replace(f"[{first}, {second}]", f"[{first}]")
    problems = problems_for(tmp_path, dialogs)
    find(problems, "content/sources.yaml", 9, f"source '{second}' is never cited", severity="warning")
    assert errors(problems) == []


def test_ids_too_long_for_a_button(tmp_path: Path) -> None:
    """"n:<flow>/<node>" is 63 bytes here, under Telegram's 64, but over the 56 characters
    ``callbacks.encode`` allows an argument: the engine could not show this node, so --check must
    say so (it used to measure only the 64 bytes, and the engine then crashed on the node)."""
    long_id = "a" * 50
    nodes = node("start", buttons=(("Next", "second_one"),)) + node("second_one")
    dialogs = one_file(flow_yaml(long_id, nodes=nodes), flow_yaml("short_flow", "thanks", nodes=node(
        "start", buttons=((("Over there", f"{long_id}/second_one"),)))))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "- id: second_one"),
         f"'{long_id}/second_one': flow and node ids too long for a button")
    find(problems, "dialogs/test.yaml", line_of(text, "label: Over there"),
         "flow and node ids too long for a button")
    assert not [p for p in problems if f"'{long_id}/start'" in p.message]


# ---------------------------------------------------------------------------- variants and {name}


def test_a_name_text_needs_one_without_a_name(tmp_path: Path) -> None:
    extra = ("        variants:\n"
             "          - roles: [partner]\n"
             "            text: Thinking of {name}.\n")
    dialogs = one_file(flow_yaml(nodes=node("start", "Hello {name}.", extra=extra)))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "- id: start"), "uses {name} in every text")
    find(problems, "dialogs/test.yaml", line_of(text, "- roles: [partner]"), "uses {name} in every text")


def test_variants_name_known_roles_and_stages_and_no_other_placeholder(tmp_path: Path) -> None:
    extra = ("        variants:\n"
             "          - roles: [husband]\n"
             "            stages: [soon]\n"
             "            text: Hello {nam}.\n"
             "          - text: No conditions.\n")
    dialogs = one_file(flow_yaml(nodes=node("start", extra=extra)))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "roles: [husband]"), "unknown role 'husband'")
    find(problems, "dialogs/test.yaml", line_of(text, "stages: [soon]"), "unknown stage 'soon'")
    find(problems, "dialogs/test.yaml", line_of(text, "- roles: [husband]"), "'{nam}'")
    find(problems, "dialogs/test.yaml", line_of(text, "- text: No conditions."), "needs 'roles' or 'stages'")


def test_a_partner_is_not_compared_with_the_women(tmp_path: Path) -> None:
    extra = ("        variants:\n"
             "          - roles: [partner]\n"
             "            text: Partners feel it less often than the women do.\n")
    dialogs = one_file(flow_yaml(nodes=node("start", extra=extra)))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "- roles: [partner]"), "says 'the women' to a partner")


def test_a_node_telling_1_in_10_women_needs_a_variant_for_partners(tmp_path: Path) -> None:
    dialogs = one_file(flow_yaml(nodes=node("start", "About 1 in 10 women has had one.")))
    text = dialogs["test.yaml"]
    problems = problems_for(tmp_path, dialogs)
    find(problems, "dialogs/test.yaml", line_of(text, "- id: start"), "add a variant for partner without it")


# ---------------------------------------------------------------------------- lexicon


def test_an_emoji_entry_that_is_not_one_symbol_is_named_with_its_line(tmp_path: Path) -> None:
    lexicon = (PROJECT_ROOT / "content" / "lexicon.yaml").read_text(encoding="utf-8")
    text = lexicon + '  "pill": pills\n  "💊💊": pills\n'
    problems = problems_for(tmp_path, **{"lexicon.yaml": text})
    find(problems, "content/lexicon.yaml", line_of(text, '"pill": pills'), "must be one symbol")
    find(problems, "content/lexicon.yaml", line_of(text, '"💊💊": pills'), "must be one symbol")
