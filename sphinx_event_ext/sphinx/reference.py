"""Reference tables generated from the single sources of truth: the schema and the config.

``event-options-reference`` documents the ``event`` directive's options from
``event.schema.json``; ``event-config-reference`` documents the ``event_*`` settings;
``event-secret-parameters`` states the secret-parameter rule from the words the validator uses.
"""

from __future__ import annotations

import argparse
import importlib
import json
from collections.abc import Iterator
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..model.config import config_values
from ..model.formats import SECRET_ENDINGS, SECRET_WORDS
from ..model.schema import load_schema
from ..util.commands import subcommands
from .tables import inline_code, literal, table

#: The parser factory ``event-cli-reference`` documents when given no argument.
DEFAULT_CLI = "sphinx_event_ext.cli.main:parser"


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
                literal(shown),
                "yes" if name in required else "no",
                _type(spec),
                default_text,
                inline_code(spec.get("description", "")),
                literal(_example(spec)),
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
        rows: list[list[str | nodes.Node]] = [
            [literal(name), literal(repr(default)), kind, inline_code(help_text)]
            for name, default, kind, help_text in config_values()
        ]
        return [table(["Setting", "Default", "Type", "Description"], rows, [16, 10, 10, 50])]


def _words(words: Iterator[str] | tuple[str, ...] | frozenset[str]) -> list[nodes.Node]:
    shown: list[nodes.Node] = []
    for word in sorted(words):
        shown += [nodes.literal(word, word), nodes.Text(", ")]
    return shown[:-1]


class SecretParametersDirective(SphinxDirective):
    """State which query and fragment parameters every URL option refuses, from the validator's own words."""

    def run(self) -> list[nodes.Node]:
        rule = nodes.paragraph()
        rule += nodes.Text(
            "A URL option is refused when a parameter of its query or fragment has a name that, "
            "lower case with every character but letters and digits removed, is or ends in "
        )
        rule += _words(SECRET_ENDINGS)
        rule += nodes.Text("; or when one whole word of the name (split at separators and capitals) is ")
        rule += _words(SECRET_WORDS)
        rule += nodes.Text(
            ". So accesstoken, authtoken, clientsecret and X-Amz-Signature are refused, while "
            "design, author and monkey are allowed: key, auth and sig count only as whole words."
        )
        return [rule]


class CliReferenceDirective(SphinxDirective):
    """Document a command from its own argument parser, named as ``module:factory``.

    Like sphinx-argparse, the parser is imported by name when the directive runs, so the
    Sphinx glue never imports the command line (which runs Sphinx builds) statically.
    """

    optional_arguments = 1
    final_argument_whitespace = False

    def run(self) -> list[nodes.Node]:
        target = self.arguments[0] if self.arguments else DEFAULT_CLI
        module_name, _, factory = target.partition(":")
        try:
            build_parser = getattr(importlib.import_module(module_name), factory or "parser")
        except (ImportError, AttributeError) as error:
            raise self.error(f"event-cli-reference: cannot import {target!r} (module:factory): {error}") from None
        command: argparse.ArgumentParser = build_parser()
        return list(_command_sections(command, command.prog))


def _command_sections(parser: argparse.ArgumentParser, name: str) -> Iterator[nodes.Node]:
    """A heading and the help text of a command, then of each of its sub-commands, at every depth."""
    help_text = parser.format_help()
    yield nodes.rubric(name, name)
    yield nodes.literal_block(help_text, help_text, language="text")
    for sub_name, sub in subcommands(parser):
        yield from _command_sections(sub, f"{name} {sub_name}")
