"""No import circles in bot/: every import counts, at the top, inside functions and under
TYPE_CHECKING, between modules and between bot/'s top-level packages."""

from __future__ import annotations

import ast
from pathlib import Path

from bot import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(BOT.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The bot module an imported name lives in (``bot.engine.callbacks``, not its attribute)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    """Every bot module ``module`` imports, wherever the import statement stands."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
        for name in names:
            target = _resolve(name) if name.startswith("bot") else None
            if target and target != module:
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_import_cycle_among_bot_modules() -> None:
    assert cycles(GRAPH) == []


def test_no_import_cycle_among_bot_packages() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        if module == "bot":
            continue
        edges = packages.setdefault(package_of(module), set())
        edges.update(package_of(t) for t in targets if t != "bot" and package_of(t) != package_of(module))
    assert cycles(packages) == []


def test_the_checker_sees_imports_inside_functions_and_under_type_checking(tmp_path: Path) -> None:
    assert "bot.engine.engine" in imports_of("bot.conversations")
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.app import Core\n"
              "def f():\n    from bot.cli import main\n")
    tree_imports = {n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)}
    assert {"bot.app", "bot.cli"} <= tree_imports
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_daily_and_safety_know_nothing_of_telegram_or_the_engine_replies() -> None:
    for module, targets in GRAPH.items():
        if module.startswith(("bot.daily", "bot.safety", "bot.engine", "bot.content")):
            source = MODULES[module].read_text(encoding="utf-8")
            assert "import telegram" not in source and "from telegram" not in source, module
            assert not any(t.startswith("bot.frontends") for t in targets), module
        if module.startswith("bot.safety"):
            assert not any(t.startswith(("bot.engine", "bot.daily", "bot.app")) for t in targets), module


def test_the_folder_list_in_docs_architecture_matches_bot() -> None:
    text = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("## Folders", 1)[1].split("```", 2)[1]
    listed = {line.split()[0].rstrip("/") for line in block.splitlines()[1:] if line.startswith("  ")}
    actual = {p.name for p in BOT.iterdir() if not p.name.startswith("__") and (p.suffix == ".py" or p.is_dir())}
    assert listed == actual
