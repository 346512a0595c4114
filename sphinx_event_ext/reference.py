"""Reference tables generated from the single sources of truth: the schema and the config.

``event-options-reference`` documents the ``event`` directive's options from
``event.schema.json``; ``event-config-reference`` documents the ``event_*`` settings.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .config import config_values
from .schema import load_schema


def _cell(content: str | nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    if isinstance(content, nodes.Node):
        entry += nodes.paragraph("", "", content)
    else:
        entry += nodes.paragraph(content, content)
    return entry


def table(headers: Sequence[str], rows: Sequence[Sequence[str | nodes.Node]], widths: Sequence[int]) -> nodes.table:
    """A docutils table with a header row."""
    group = nodes.tgroup(cols=len(headers))
    group.extend(nodes.colspec(colwidth=width) for width in widths)
    head = nodes.thead()
    head += nodes.row("", *(_cell(header) for header in headers))
    body = nodes.tbody()
    body.extend(nodes.row("", *(_cell(value) for value in row)) for row in rows)
    group += head
    group += body
    return nodes.table("", group, classes=["event-reference"])


def _literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def inline_code(text: str) -> nodes.inline:
    """Text whose `backquoted` parts are shown as code, as they are written in the schema."""
    node = nodes.inline()
    for index, part in enumerate(text.split("`")):
        if part:
            node += _literal(part) if index % 2 else nodes.Text(part)
    return node


def _type(spec: dict[str, Any]) -> str:
    if "enum" in spec:
        return "one of " + ", ".join(spec["enum"])
    kind = spec.get("type", "string")
    if kind == "array":
        return "list of " + spec["items"].get("format", spec["items"].get("type", "string"))
    return f"{kind} ({spec['format']})" if "format" in spec else kind


def _example(spec: dict[str, Any]) -> str:
    examples = spec.get("examples") or [""]
    value = examples[0]
    if isinstance(value, list):
        return ", ".join(value)
    return json.dumps(value) if isinstance(value, bool) else str(value)


def option_rows() -> list[list[str | nodes.Node]]:
    """One row per directive option, in the schema's order."""
    schema = load_schema()
    required = set(schema["required"])
    rows: list[list[str | nodes.Node]] = []
    for name, spec in schema["properties"].items():
        shown = "(argument)" if name == "title" else f":{name}:"
        default = spec.get("default")
        default_text = (
            ", ".join(default) if isinstance(default, list) else json.dumps(default) if default is not None else ""
        )
        rows.append(
            [
                _literal(shown),
                "yes" if name in required else "no",
                _type(spec),
                default_text,
                inline_code(spec.get("description", "")),
                _literal(_example(spec)),
            ]
        )
    return rows


class OptionsReferenceDirective(SphinxDirective):
    """Document the ``event`` directive's options from the shipped schema."""

    def run(self) -> list[nodes.Node]:
        headers = ["Option", "Required", "Type", "Default", "Description", "Example"]
        return [table(headers, option_rows(), [14, 6, 14, 10, 40, 16])]


class ConfigReferenceDirective(SphinxDirective):
    """Document the ``event_*`` settings from the configuration dataclass."""

    def run(self) -> list[nodes.Node]:
        rows = [
            [_literal(name), _literal(repr(default)), kind, inline_code(help_text)]
            for name, default, kind, help_text in config_values()
        ]
        return [table(["Setting", "Default", "Type", "Description"], rows, [16, 10, 10, 50])]


class CliReferenceDirective(SphinxDirective):
    """Document the ``sphinx-event`` command from its own argument parser."""

    def run(self) -> list[nodes.Node]:
        from .cli import parser  # the CLI imports the extension; importing it lazily keeps the package import acyclic

        return list(_command_sections(parser(), "sphinx-event"))


def _command_sections(parser: argparse.ArgumentParser, name: str) -> Iterator[nodes.Node]:
    """A heading and the help text of a command, then of each of its sub-commands, at every depth."""
    from .cli import subcommands

    help_text = parser.format_help()
    yield nodes.rubric(name, name)
    yield nodes.literal_block(help_text, help_text, language="text")
    for sub_name, sub in subcommands(parser):
        yield from _command_sections(sub, f"{name} {sub_name}")
