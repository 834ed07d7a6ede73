"""YAML reading that remembers where each value came from, so every problem names file and line."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Where:
    """A place in a content file (1-based line)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class YDict(dict):  # type: ignore[type-arg]
    """A mapping that knows the line of itself and of each key."""

    where: Where
    key_where: dict[Any, Where]

    def at(self, key: Any) -> Where:
        return self.key_where.get(key, self.where)


class YList(list):  # type: ignore[type-arg]
    """A sequence that knows the line of itself and of each item."""

    where: Where
    item_where: list[Where]

    def at(self, index: int) -> Where:
        return self.item_where[index] if index < len(self.item_where) else self.where


class YamlError(Exception):
    """The file is not valid YAML; carries the place the parser stopped."""

    def __init__(self, where: Where, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster


def _make_loader(file: str) -> type[yaml.SafeLoader]:
    class Loader(_BASE):  # type: ignore[valid-type,misc]
        pass

    def where(node: yaml.Node) -> Where:
        return Where(file, node.start_mark.line + 1)

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> YDict:
        loader.flatten_mapping(node)
        result = YDict()
        result.where = where(node)
        result.key_where = {}
        duplicates: list[tuple[Any, Where]] = []
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):  # "[oops]: 1" would crash the dict below
                raise YamlError(where(key_node), "a key must be a plain word, not a list or mapping")
            if key in result:
                duplicates.append((key, where(key_node)))
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_where[key] = where(key_node)
        if duplicates:
            key, at = duplicates[0]
            raise YamlError(at, f"the key '{key}' appears twice in the same block")
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> YList:
        result = YList(loader.construct_object(child, deep=True) for child in node.value)
        result.where = where(node)
        result.item_where = [where(child) for child in node.value]
        return result

    def construct_date_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        return str(loader.construct_scalar(node))

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_date_as_text)
    return Loader


def load_yaml(path: Path, display_name: str | None = None) -> Any:
    """Parse ``path``; mappings become :class:`YDict`, lists :class:`YList`, dates stay text."""
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(Where(name, 1), f"the file is not UTF-8 text ({exc.reason})") from exc
    try:
        return yaml.load(text, Loader=_make_loader(name))  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(Where(name, line), f"not valid YAML: {exc.problem or exc}") from exc
