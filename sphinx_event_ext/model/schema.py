"""The event JSON Schema: loading it and a validator that knows our formats.

The schema file is the single source of truth for the event's options: the directive,
the CLI and the reference table in the docs all read it from here.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from functools import cache
from importlib import resources
from importlib.machinery import ModuleSpec
from importlib.util import find_spec
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .formats import FORMAT_CHECKS

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

#: The back-end that is slow to import, and the function jsonschema takes from it at its own import.
SLOW_FORMAT_BACKEND = ("rfc3987_syntax", "is_valid_syntax")


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


class _DeferredModule(ModuleType):
    """Stands in for a module, which is imported when one of its names is first used.

    The names listed are functions that import the module on their first call, so that
    ``from module import name`` does not load it; any other name loads it at once.
    """

    def __init__(self, spec: ModuleSpec, functions: tuple[str, ...]) -> None:
        super().__init__(spec.name)
        self.__spec__ = spec
        if spec.submodule_search_locations is not None:
            self.__path__ = list(spec.submodule_search_locations)
        for function in functions:
            setattr(self, function, self._deferred(function))

    def _load(self) -> ModuleType:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return importlib.import_module(self.__name__)

    def _deferred(self, function: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(self._load(), function)(*args, **kwargs)

        call.__name__ = function
        return call

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._load(), name)


def defer_slow_format_backend() -> None:
    """Let jsonschema import without compiling rfc3987-syntax's grammars (about a second).

    jsonschema takes ``rfc3987_syntax.is_valid_syntax`` when it is imported, for "iri" formats
    that the event schema does not use. Until jsonschema is imported, a stand-in module takes
    the real one's place; its function imports the real module on the first call, so the IRI
    checks of any other schema in the process still work, in a plain ``sphinx-build`` too.
    """
    module, function = SLOW_FORMAT_BACKEND
    if "jsonschema" in sys.modules or module in sys.modules:
        return
    spec = find_spec(module)
    if spec is not None:
        sys.modules[module] = _DeferredModule(spec, (function,))


@cache
def validator(name: str = "event") -> Draft202012Validator:
    """A Draft 2020-12 validator with the project's formats enforced.

    jsonschema is imported here, when events are first validated, so commands and builds
    that validate nothing do not load it.
    """
    defer_slow_format_backend()
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    for format_name, check in FORMAT_CHECKS.items():
        checker.checks(format_name, raises=ValueError)(_strings_only(check))
    # The shipped schemas are checked against the meta-schema by the tests, not again in every build.
    return Draft202012Validator(load_schema(name), format_checker=checker)


def option_properties() -> dict[str, dict[str, Any]]:
    """The properties that are directive options (everything but the title argument)."""
    return {name: spec for name, spec in load_schema()["properties"].items() if name != "title"}


def required_options() -> list[str]:
    """Required option names, in schema order, without the title argument."""
    return [name for name in load_schema()["required"] if name != "title"]
