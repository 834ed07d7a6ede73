"""The dialog map (docs/dialog-map.md): kept in step with the dialogs, escaped for Mermaid,
every button drawn as an edge, and the same output every time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.content.graph import (
    OTHER_THEME,
    escape_label,
    escape_markdown,
    render_dialog_map,
    render_theme,
    theme_groups,
    write_dialog_map,
)
from bot.content.loader import load_content
from bot.content.model import ButtonSpec, Content, Flow, MenuTheme, Node
from bot.content.yamlsrc import Where

MAP = PROJECT_ROOT / "docs" / "dialog-map.md"
W = Where("dialogs/tiny.yaml", 1)


def _node(node_id: str, *buttons: tuple[str, str]) -> Node:
    return Node(
        node_id, ("text",), tuple(ButtonSpec(label, goto, W) for label, goto in buttons), (), W
    )


def _flow(flow_id: str, title: str, *nodes: Node) -> Flow:
    return Flow(flow_id, "greeting", title, (), tuple(nodes), W)


def tiny() -> Content:
    """Two themes and one flow in no theme, with every kind of button target."""
    first = _flow(
        "mc_what",
        'What "it" is (really) [1] #1 🪶',
        _node(
            "start",
            ("Tell me more", "more"),
            ("Another theme", "grief_feelings"),
            ('Say "why" | how? #2 🤍', "grief_feelings/deep"),
            ("Menu", "menu"),
            ("Broken", "nowhere"),
        ),
        _node(
            "more",
            ("Back", "start"),
            ("Helplines", "support"),
            ("Daily", "daily"),
            ("Country", "country"),
        ),
    )
    second = _flow(
        "grief_feelings",
        "Feelings",
        _node("start", ("Deeper", "deep")),
        _node("deep", ("To the cells", "mc_what/more")),
    )
    loose = _flow("thanks", "Thank you", _node("start", ("Menu", "menu")))
    menu = (
        MenuTheme("theme_mc", "Cells (microchimerism)", ("mc_what",), W),
        MenuTheme("theme_grief", "Grief", ("grief_feelings", "unknown_flow"), W),
    )
    # The dict order is deliberately not the menu order: the output must not depend on it.
    flows = {"thanks": loose, "grief_feelings": second, "mc_what": first}
    return Content(flows, {}, {}, (), {}, menu, {})


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, re.S)


# ---------------------------------------------------------------------------- the committed map


def test_committed_dialog_map_matches_the_dialogs() -> None:
    content = load_content(PROJECT_ROOT).content
    expected = render_dialog_map(content)
    actual = MAP.read_text(encoding="utf-8") if MAP.exists() else ""
    assert actual == expected, (
        "docs/dialog-map.md is out of date with dialogs/ or content/menu.yaml: "
        "run python run_bot.py --graph and commit the result"
    )


def test_real_map_has_one_chart_per_theme_and_every_flow() -> None:
    content = load_content(PROJECT_ROOT).content
    text = render_dialog_map(content)
    groups = theme_groups(content)
    assert len(mermaid_blocks(text)) == len(groups)
    for flow_id in content.flows:
        assert f"subgraph n_flow__{flow_id} " in text


# ---------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ('Say "hi"', "Say #quot;hi#quot;"),
        ("(parentheses) stay", "(parentheses) stay"),
        ("[brackets] {braces}", "#91;brackets#93; #123;braces#125;"),
        ("#1 and #quot; literally", "#35;1 and #35;quot; literally"),
        ("a | b", "a #124; b"),
        ("<b>bold</b> & co", "#lt;b#gt;bold#lt;/b#gt; #amp; co"),
        ("`code`", "#96;code#96;"),
        ("Feather 🪶 🤍 🕊️", "Feather 🪶 🤍 🕊️"),
        ("two\nlines   and  spaces", "two lines and spaces"),
        ("end", "end"),
    ],
)
def test_escape_label(raw: str, escaped: str) -> None:
    assert escape_label(raw) == escaped


def test_escaped_labels_never_contain_a_raw_quote_or_pipe() -> None:
    nasty = 'He said "no" | [x] (y) {z} #tag `b` <i> & 🪶'
    out = escape_label(nasty)
    assert '"' not in out and "|" not in out and "`" not in out and "<" not in out
    # Every '#' starts an entity code.
    assert all(re.match(r"#(\w+);", out[i:]) for i in range(len(out)) if out[i] == "#")


def test_escape_markdown() -> None:
    assert (
        escape_markdown("a_b *c* [d] <e> & `f` | #")
        == r"a\_b \*c\* \[d\] &lt;e&gt; &amp; \`f\` \| \#"
    )


# ---------------------------------------------------------------------------- structure and edges


def test_groups_follow_the_menu_then_other() -> None:
    groups = theme_groups(tiny())
    assert [(heading, [f.id for f in flows]) for heading, flows in groups] == [
        ("Cells (microchimerism)", ["mc_what"]),
        ("Grief", ["grief_feelings"]),
        (OTHER_THEME, ["thanks"]),
    ]


def test_edges_for_every_kind_of_target() -> None:
    content = tiny()
    chart = render_theme(content, [content.flows["mc_what"]])
    lines = chart.splitlines()
    assert lines[0] == "flowchart LR"
    assert (
        '  subgraph n_flow__mc_what ["What #quot;it#quot; is (really) #91;1#93; #35;1 🪶 (mc_what)"]'
        in lines
    )
    assert (
        '    n_mc_what__start["What #quot;it#quot; is (really) #91;1#93; #35;1 🪶 / start"]'
        in lines
    )
    edges = [line.strip() for line in lines if "-->" in line]
    assert edges == [
        'n_mc_what__start -->|"Tell me more"| n_mc_what__more',
        'n_mc_what__start -->|"Another theme"| n_grief_feelings__start',
        'n_mc_what__start -->|"Say #quot;why#quot; #124; how? #35;2 🤍"| n_grief_feelings__deep',
        'n_mc_what__start -->|"Menu"| n_special__menu',
        'n_mc_what__start -->|"Broken"| n_missing__nowhere',
        'n_mc_what__more -->|"Back"| n_mc_what__start',
        'n_mc_what__more -->|"Helplines"| n_special__support',
        'n_mc_what__more -->|"Daily"| n_special__daily',
        'n_mc_what__more -->|"Country"| n_special__country',
    ]
    # Targets outside the theme are drawn once each, sorted, in their own shapes.
    outside = [line.strip() for line in lines if line.startswith("  n_") and "-->" not in line]
    assert outside == [
        'n_grief_feelings__deep[["Feelings / deep"]]',
        'n_grief_feelings__start[["Feelings / start"]]',
        'n_missing__nowhere{{"missing: nowhere"}}',
        'n_special__country(["Choose a country"])',
        'n_special__daily(["Daily reflections"])',
        'n_special__menu(["Main menu"])',
        'n_special__support(["Helplines for my country"])',
    ]


def test_every_edge_end_is_defined_in_its_chart() -> None:
    for block in mermaid_blocks(render_dialog_map(tiny())):
        defined = set(re.findall(r"^\s*(n_\w+)[\[\(\{]", block, re.M))
        for source, target in re.findall(r"(n_\w+) -->\|\"[^\"]*\"\| (n_\w+)", block):
            assert source in defined and target in defined, (source, target)


def test_output_is_deterministic_whatever_the_dict_order() -> None:
    content = tiny()
    reordered = Content(
        dict(reversed(list(content.flows.items()))), {}, {}, (), {}, content.menu, {}
    )
    assert render_dialog_map(content) == render_dialog_map(reordered) == render_dialog_map(tiny())


def test_write_dialog_map(tmp_path: Path) -> None:
    path = write_dialog_map(tiny(), tmp_path / "docs" / "dialog-map.md")
    text = path.read_text(encoding="utf-8")
    assert text == render_dialog_map(tiny())
    assert text.startswith("# Dialog map\n")
    assert "## Cells \\(microchimerism\\)" not in text  # parentheses need no escaping
    assert "## Cells (microchimerism)\n" in text and f"## {OTHER_THEME}\n" in text
    assert len(mermaid_blocks(text)) == 3
