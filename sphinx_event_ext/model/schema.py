"""The event JSON Schema: loading it and a validator that knows our formats.

The schema file is the single source of truth for the event's options: the directive,
the CLI and the reference table in the docs all read it from here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from .formats import FORMAT_CHECKS


@cache
def load_schema(name: str = "event") -> dict[str, Any]:
    """The schema shipped in the package, by its short name (``event``)."""
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema


def schema_text(name: str) -> str:
    """The shipped schema file as it is, for publishing beside the files it describes."""
    return resources.files(__package__).joinpath(f"schemas/{name}.schema.json").read_text("utf-8")


def _strings_only(check: Callable[[str], Any]) -> Callable[[Any], bool]:
    """Formats apply to strings only, as JSON Schema says; other types are the ``type`` keyword's job."""

    def checked(value: Any) -> bool:
        return not isinstance(value, str) or check(value) is not None

    return checked


@cache
def validator(name: str = "event") -> Draft202012Validator:
    """A Draft 2020-12 validator with the project's formats enforced."""
    checker = FormatChecker(formats=())
    for format_name, check in FORMAT_CHECKS.items():
        checker.checks(format_name, raises=ValueError)(_strings_only(check))
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=checker)


def option_properties() -> dict[str, dict[str, Any]]:
    """The properties that are directive options (everything but the title argument)."""
    return {name: spec for name, spec in load_schema()["properties"].items() if name != "title"}


def required_options() -> list[str]:
    """Required option names, in schema order, without the title argument."""
    return [name for name in load_schema()["required"] if name != "title"]
