"""The event JSON Schema: loading it and a validator that knows our formats.

The schema file is the single source of truth for the event's options: the directive,
the CLI and the reference table in the docs all read it from here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .formats import FORMAT_CHECKS

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

#: Optional back-ends of format checks that jsonschema loads when it is imported, none of
#: which the event schema uses (it names only the project's own formats). They come with
#: Jupyter's dependencies; rfc3987-syntax alone compiles its grammars at import, about a second.
UNUSED_FORMAT_BACKENDS = (
    "rfc3987_syntax",
    "rfc3987",
    "rfc3986_validator",
    "rfc3339_validator",
    "isoduration",
    "fqdn",
    "idna",
    "jsonpointer",
    "uri_template",
    "webcolors",
)
#: The back-ends that no Sphinx builder imports: safe to skip in a process that builds.
BUILD_SAFE_SKIPS = ("rfc3987_syntax",)


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


def skip_unused_format_backends(building: bool) -> None:
    """Keep jsonschema from loading format back-ends the schema does not use, in the
    ``sphinx-event`` process (a plain ``sphinx-build`` never calls this).

    Marking a module absent in ``sys.modules`` is how Python records one that cannot be
    imported, which jsonschema already handles: those formats are then not checked. A
    process that runs a Sphinx build (``building``) skips only rfc3987-syntax, which nothing
    but jsonschema uses; the others (idna among them) serve Sphinx's own builders too.
    """
    if "jsonschema" in sys.modules:
        return
    for module in BUILD_SAFE_SKIPS if building else UNUSED_FORMAT_BACKENDS:
        sys.modules.setdefault(module, None)  # type: ignore[arg-type]


@cache
def validator(name: str = "event") -> Draft202012Validator:
    """A Draft 2020-12 validator with the project's formats enforced.

    jsonschema is imported here, when events are first validated, so commands and builds
    that validate nothing do not load it.
    """
    from jsonschema import Draft202012Validator, FormatChecker

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
