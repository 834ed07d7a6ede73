"""The loader: every structural problem is reported with its file and exact line, and loading
goes on after each one, so a single ``--check`` run shows all of them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.content.yamlsrc import YDict, YList, load_yaml
from tests.feather_testkit import (
    HEAD,
    TODAY,
    default_dialogs,
    errors,
    find,
    flow_yaml,
    line_of,
    make_root,
)
from tests.feather_testkit import load as load_root


def load(tmp_path: Path, dialogs: dict[str, str], today: date = TODAY, **content: str):
    return load_root(make_root(tmp_path, dialogs, content, slim=True), today)


# ---------------------------------------------------------------------------- the YAML reader


def test_yaml_reader_remembers_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nitems:\n  - one\n  - key: two\n    other: 3\n", encoding="utf-8")
    data = load_yaml(path, "x.yaml")
    assert isinstance(data, YDict) and isinstance(data["items"], YList)
    assert str(data.at("items")) == "x.yaml:2"
    assert data["items"].at(1).line == 4
    assert data["items"][1].at("other").line == 5
    assert data["items"].at(99) == data["items"].where


def test_dates_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("last_reviewed: 2026-11-25\n", encoding="utf-8")
    assert load_yaml(path)["last_reviewed"] == "2026-11-25"


def test_not_utf8_is_reported_at_line_1(tmp_path: Path) -> None:
    root = make_root(tmp_path, {"bad.yaml": ""}, slim=True)
    (root / "dialogs" / "bad.yaml").write_bytes(b"last_reviewed: 2026-11-25\nflows: \xff\xfe\n")
    problems = load_root(root).problems
    find(problems, "dialogs/bad.yaml", 1, "not UTF-8")


# ---------------------------------------------------------------------------- the real layout


def test_valid_content_loads_without_problems(tmp_path: Path) -> None:
    loaded = load(tmp_path, default_dialogs())
    assert errors(loaded.problems) == []
    content = loaded.content
    duration = content.flows["mc_duration"]
    assert duration.where.file == "dialogs/core.yaml" and duration.where.line == 3
    assert [n.id for n in duration.nodes] == ["start", "more"]
    assert len(duration.start.texts) == 3
    assert duration.node("more").buttons[0].goto == "mc_where/start"
    assert len(duration.examples) == 12
    assert content.main_flow("mc_duration") is duration
    assert "welcome" in content.messages and "GB" in content.countries
    assert [t.id for t in content.menu] == ["theme_mc", "theme_loss", "theme_grief"]


# ---------------------------------------------------------------------------- YAML-level mistakes


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    text = HEAD + "  - id: hello_flow\n   topic: greeting\n"
    problems = load(tmp_path, {**default_dialogs(), "broken.yaml": text}).problems
    find(problems, "dialogs/broken.yaml", line_of(text, "   topic: greeting"), "not valid YAML")


def test_invalid_yaml_unclosed_bracket(tmp_path: Path) -> None:
    text = HEAD + flow_yaml(extra="    note: [never closed\n")
    problems = load(tmp_path, {"broken.yaml": text}).problems
    # The parser notices at the next line, where a ':' cannot be inside the [ ... ].
    find(problems, "dialogs/broken.yaml", line_of(text, "never closed") + 1, "not valid YAML")


def test_invalid_yaml_in_content_file(tmp_path: Path) -> None:
    menu = "last_reviewed: 2026-11-25\nthemes:\n\t- id: theme_mc\n"
    problems = load(tmp_path, default_dialogs(), **{"menu.yaml": menu}).problems
    find(problems, "content/menu.yaml", 3, "not valid YAML")


def test_duplicate_key(tmp_path: Path) -> None:
    text = HEAD + flow_yaml(extra="    title: Hello again\n")
    problems = load(tmp_path, {"dup.yaml": text}).problems
    find(problems, "dialogs/dup.yaml", line_of(text, "Hello again"), "the key 'title' appears twice")


def test_a_list_as_a_key_is_reported_not_a_crash(tmp_path: Path) -> None:
    text = HEAD + flow_yaml(extra="    [oops]: 1\n")
    problems = load(tmp_path, {"key.yaml": text}).problems
    find(problems, "dialogs/key.yaml", line_of(text, "[oops]"), "a key must be a plain word")


def test_loading_goes_on_after_a_broken_file(tmp_path: Path) -> None:
    loaded = load(tmp_path, {**default_dialogs(), "aaa.yaml": "flows: [\n"})
    find(loaded.problems, "dialogs/aaa.yaml", 2, "not valid YAML")
    assert "mc_duration" in loaded.content.flows


# ---------------------------------------------------------------------------- keys


def test_unknown_keys(tmp_path: Path) -> None:
    nodes = ("      - id: start\n"
             "        text: Hello.\n"
             "        txet: typo\n"
             "        buttons:\n"
             "          - label: Menu\n"
             "            goto: menu\n"
             "            colour: blue\n")
    text = HEAD + flow_yaml(extra="    tilte: typo\n", nodes=nodes)
    problems = load(tmp_path, {"keys.yaml": text}).problems
    find(problems, "dialogs/keys.yaml", line_of(text, "tilte"), "unknown key 'tilte' in flow 'hello_flow'")
    find(problems, "dialogs/keys.yaml", line_of(text, "txet"), "unknown key 'txet' in node 'hello_flow/start'")
    find(problems, "dialogs/keys.yaml", line_of(text, "colour"), "unknown key 'colour' in a button")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    text = HEAD + flow_yaml() + "extra: 1\n"
    problems = load(tmp_path, {"top.yaml": text}).problems
    find(problems, "dialogs/top.yaml", line_of(text, "extra: 1"), "unknown key 'extra' in this file")


def test_missing_required_keys(tmp_path: Path) -> None:
    text = HEAD + flow_yaml().replace("    title: Hello there\n", "")
    text += flow_yaml("second_flow", nodes="      - id: start\n        text: Hi.\n        buttons:\n"
                                           "          - label: No goto here\n")
    problems = load(tmp_path, {"missing.yaml": text}).problems
    find(problems, "dialogs/missing.yaml", line_of(text, "id: hello_flow"), "flow 'hello_flow' needs 'title'")
    find(problems, "dialogs/missing.yaml", line_of(text, "No goto here"), "needs 'goto'")


def test_missing_file_header(tmp_path: Path) -> None:
    text = "flows:\n" + flow_yaml()
    problems = load(tmp_path, {"nohead.yaml": text}).problems
    find(problems, "dialogs/nohead.yaml", 1, "this file needs 'last_reviewed'")


def test_flow_without_nodes(tmp_path: Path) -> None:
    text = HEAD + flow_yaml(nodes="")
    problems = load(tmp_path, {"empty.yaml": text}).problems
    find(problems, "dialogs/empty.yaml", line_of(text, "    nodes:"), "needs at least one node")


def test_node_with_empty_text(tmp_path: Path) -> None:
    nodes = ('      - id: start\n'
             '        text: ""\n'
             '        buttons:\n'
             '          - label: Menu\n'
             '            goto: menu\n')
    text = HEAD + flow_yaml(nodes=nodes)
    problems = load(tmp_path, {"empty.yaml": text}).problems
    find(problems, "dialogs/empty.yaml", line_of(text, 'text: ""'), "has an empty text")


def test_bad_id(tmp_path: Path) -> None:
    text = HEAD + flow_yaml(flow_id="Hello-Flow")
    problems = load(tmp_path, {"ids.yaml": text}).problems
    find(problems, "dialogs/ids.yaml", line_of(text, "Hello-Flow"), "must be lowercase letters")


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    problems = load(tmp_path, {"list.yaml": "- just\n- a list\n"}).problems
    find(problems, "dialogs/list.yaml", 1, "must be a mapping")


def test_missing_content_file(tmp_path: Path) -> None:
    root = make_root(tmp_path, default_dialogs(), slim=True)
    (root / "content" / "sources.yaml").unlink()
    find(load_root(root).problems, "content/sources.yaml", 1, "file is missing")


def test_no_dialog_files(tmp_path: Path) -> None:
    find(load(tmp_path, {}).problems, "dialogs/", 1, "no dialog files")


# ---------------------------------------------------------------------------- ids


def test_duplicate_flow_id_in_one_file(tmp_path: Path) -> None:
    text = HEAD + flow_yaml() + flow_yaml()
    problems = load(tmp_path, {"twice.yaml": text}).problems
    first = line_of(text, "id: hello_flow", 1)
    problem = find(problems, "dialogs/twice.yaml", line_of(text, "id: hello_flow", 2),
                   "flow id 'hello_flow' is already used")
    assert f"dialogs/twice.yaml:{first}" in problem.message


def test_duplicate_flow_id_across_files(tmp_path: Path) -> None:
    text = HEAD + flow_yaml(flow_id="mc_duration", topic="mc_duration")
    problems = load(tmp_path, {**default_dialogs(), "zz_again.yaml": text}).problems
    problem = find(problems, "dialogs/zz_again.yaml", 3, "flow id 'mc_duration' is already used")
    assert "dialogs/core.yaml:3" in problem.message


def test_duplicate_source_id(tmp_path: Path) -> None:
    sources = ("last_reviewed: 2026-11-25\nsources:\n"
               "  - id: one_source\n    authors: A\n    title: T\n    url: https://example.org\n"
               "  - id: one_source\n    authors: B\n    title: U\n    url: https://example.org\n"
               "  - id: no_link\n    authors: C\n    title: V\n")
    problems = load(tmp_path, default_dialogs(), **{"sources.yaml": sources}).problems
    find(problems, "content/sources.yaml", 7, "source id 'one_source' is already used at content/sources.yaml:3")
    find(problems, "content/sources.yaml", 11, "needs a 'doi' or a 'url'")


# ---------------------------------------------------------------------------- review dates


def test_last_reviewed_older_than_a_year_is_a_warning(tmp_path: Path) -> None:
    text = "# a comment first\nlast_reviewed: 2025-11-24\nflows:\n" + flow_yaml()
    problems = load(tmp_path, {"old.yaml": text}, today=date(2026, 11, 25)).problems
    find(problems, "dialogs/old.yaml", 2, "more than a year ago", severity="warning")
    assert not [p for p in errors(problems) if p.where.file == "dialogs/old.yaml"]


def test_last_reviewed_within_a_year_is_fine(tmp_path: Path) -> None:
    text = "last_reviewed: 2025-11-25\nflows:\n" + flow_yaml()
    problems = load(tmp_path, {"recent.yaml": text}, today=date(2026, 11, 25)).problems
    assert not [p for p in problems if p.where.file == "dialogs/recent.yaml"]


def test_injected_today_ages_every_file(tmp_path: Path) -> None:
    problems = load(tmp_path, default_dialogs(), today=date(2030, 1, 1)).problems
    warned = {p.where.file for p in problems if "more than a year ago" in p.message}
    assert {"dialogs/core.yaml", "content/menu.yaml", "content/messages.yaml"} <= warned
    assert all(p.severity == "warning" for p in problems if "more than a year ago" in p.message)


def test_last_reviewed_not_a_date(tmp_path: Path) -> None:
    text = "last_reviewed: last tuesday\nflows:\n" + flow_yaml()
    problems = load(tmp_path, {"when.yaml": text}).problems
    find(problems, "dialogs/when.yaml", 1, "is not a date")
