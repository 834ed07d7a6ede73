"""The dialog map: every flow, node and button as Mermaid flowcharts, one per menu theme.

``python run_bot.py --graph`` writes it to ``docs/dialog-map.md``; a test keeps the committed
file equal to :func:`render_dialog_map` of the real content. The output is deterministic: themes
in menu order, flows in theme order (flows in no theme sorted by id), nodes and buttons in file
order, targets outside the theme sorted by id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.content.model import Content, Flow

OTHER_THEME = "Other"
"""The heading of flows that no menu theme lists."""

SPECIAL_LABELS = {
    "menu": "Main menu",
    "daily": "Daily reflections",
    "country": "Choose a country",
    "support": "Helplines for my country",
    "write": "Writing to your baby",
}

_ESCAPES = {
    "#": "#35;",  # first: every other escape starts with '#'
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "`": "#96;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
}
_ESCAPE = re.compile("|".join(re.escape(char) for char in _ESCAPES))


def escape_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label (``["..."]``, ``|"..."|``) as GitHub renders it.

    Mermaid decodes ``#name;`` and ``#123;`` entity codes in labels, so ``#`` itself, quotes,
    pipes, brackets, backticks and HTML's ``<``, ``>``, ``&`` become codes; line breaks and
    runs of spaces become one space. Emoji and other Unicode pass through unchanged.
    """
    flat = " ".join(text.split())
    return _ESCAPE.sub(lambda match: _ESCAPES[match.group(0)], flat)


_MARKDOWN = re.compile(r"([\\`*_\[\]|#])")


def escape_markdown(text: str) -> str:
    """Text safe in a Markdown heading or line: HTML's ``& < >`` as entities, markup escaped."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)


def _id(*parts: str) -> str:
    """A Mermaid node id from content ids (lowercase letters, digits, _): never a keyword."""
    safe = ["".join(ch if ch.isalnum() or ch == "_" else "_" for ch in part) for part in parts]
    return "n_" + "__".join(safe)


@dataclass(frozen=True)
class _Edge:
    source: str
    label: str
    target: str



def _node_label(flow: Flow, node_id: str) -> str:
    return escape_label(f"{flow.title} / {node_id}")


def theme_groups(content: Content) -> list[tuple[str, list[Flow]]]:
    """(heading, flows) per menu theme, then "Other" for flows that no theme lists."""
    groups: list[tuple[str, list[Flow]]] = []
    listed: set[str] = set()
    for theme in content.menu:
        flows = [content.flows[f] for f in theme.flows if f in content.flows and f not in listed]
        listed.update(f.id for f in flows)
        if flows:
            groups.append((theme.label, flows))
    rest = [content.flows[f] for f in sorted(content.flows) if f not in listed]
    if rest:
        groups.append((OTHER_THEME, rest))
    return groups


def render_theme(content: Content, flows: list[Flow]) -> str:
    """One Mermaid flowchart: the theme's flows as subgraphs, plus every place their buttons lead."""
    inside = {flow.id for flow in flows}
    lines = ["flowchart LR"]
    edges: list[_Edge] = []
    outside: dict[str, str] = {}  # mermaid id -> its definition, for targets not in this theme
    for flow in flows:
        lines.append(
            f'  subgraph {_id("flow", flow.id)} ["{escape_label(flow.title)} ({flow.id})"]'
        )
        for node in flow.nodes:
            lines.append(f'    {_id(flow.id, node.id)}["{_node_label(flow, node.id)}"]')
        lines.append("  end")
        for node in flow.nodes:
            for button in node.buttons:
                target = content.resolve_goto(flow, button.goto)
                if target is None:
                    target_id = _id("missing", button.goto)
                    outside[target_id] = (
                        f'{target_id}{{{{"missing: {escape_label(button.goto)}"}}}}'
                    )
                elif target[0] == "":
                    target_id = _id("special", target[1])
                    label = escape_label(SPECIAL_LABELS.get(target[1], target[1]))
                    outside[target_id] = f'{target_id}(["{label}"])'
                elif target[0] in inside:
                    target_id = _id(*target)
                else:
                    target_id = _id(*target)
                    other = content.flows[target[0]]
                    outside[target_id] = f'{target_id}[["{_node_label(other, target[1])}"]]'
                edges.append(_Edge(_id(flow.id, node.id), escape_label(button.label), target_id))
    lines += [f"  {outside[key]}" for key in sorted(outside)]
    lines += [f'  {edge.source} -->|"{edge.label}"| {edge.target}' for edge in edges]
    if any(key.startswith("n_special__") for key in outside):
        lines.append("  classDef special fill:#eef6ee,stroke:#6a9a6a")
        lines.append(
            "  class "
            + ",".join(k for k in sorted(outside) if k.startswith("n_special__"))
            + " special"
        )
    return "\n".join(lines)


_INTRO = """\
# Dialog map

Every conversation Feather can have, drawn from `dialogs/*.yaml` and grouped by the themes of
`content/menu.yaml`. Generated by `python run_bot.py --graph`: do not edit by hand; a test fails
when this file and the dialogs disagree.

How to read it: each box is a node, labelled *flow title / node id*; a frame is one flow; an
arrow is a button, labelled with its text. A box with double sides is a node in a flow of
another theme; a rounded box is a place the bot itself handles (main menu, daily reflections,
choosing a country, helplines). Every node also gets a **Menu** button, and a **Sources** button
when it cites sources; they are not drawn.

{summary}
"""


def render_dialog_map(content: Content) -> str:
    """The whole of ``docs/dialog-map.md`` as text."""
    groups = theme_groups(content)
    nodes = sum(len(flow.nodes) for flow in content.flows.values())
    buttons = sum(len(node.buttons) for flow in content.flows.values() for node in flow.nodes)
    summary = (
        f"{len(content.flows)} flows, {nodes} nodes and {buttons} buttons in {len(groups)} groups."
    )
    parts = [_INTRO.format(summary=summary)]
    for heading, flows in groups:
        parts.append(f"## {escape_markdown(heading)}\n")
        parts.append(
            "Flows: "
            + ", ".join(f"`{flow.id}` ({escape_markdown(flow.title)})" for flow in flows)
            + "\n"
        )
        parts.append("```mermaid\n" + render_theme(content, flows) + "\n```\n")
    return "\n".join(parts)


def write_dialog_map(content: Content, path: Path) -> Path:
    """Write the map to ``path`` (creating its folder) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_dialog_map(content), encoding="utf-8")
    return path
