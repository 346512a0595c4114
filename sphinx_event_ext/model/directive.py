"""The shape of the ``event`` directive: one optional title argument, content, any option name.

Shared by the Sphinx directive and by the scanner behind ``sphinx-event validate``, which
parses directives with MyST's own option parser and no Sphinx build.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from .event import Problem

#: How MyST's warning starts when it cannot read a directive's options block (a quote left open...).
OPTIONS_FORMAT_WARNING = "Invalid options format"


def _text(argument: str | None) -> str:
    """An option's raw text (docutils' ``unchanged``): validation reads every value itself."""
    return "" if argument is None else argument


class AnyOption(dict[str, Callable[[str], Any]]):
    """An option spec that accepts every name, so unknown options reach our own validation.

    Docutils and MyST both look options up with ``spec[name]``; we keep the raw strings
    and report unknown names ourselves, all at once and with a "did you mean".
    """

    def __missing__(self, key: str) -> Callable[[str], Any]:
        return _text

    def __contains__(self, key: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


class EventDirectiveShape:
    """Arguments, content and options of ``event``; its options are the properties of ``event.schema.json``."""

    has_content = True
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]] | None] = AnyOption()


def options_format_problem(warnings: Iterable[tuple[str, int | None]]) -> Problem | None:
    """MyST's own "Invalid options format" warning, as the event's one problem.

    When MyST cannot read the options block it passes on no option at all, so every required
    option would look missing; the one thing to fix is the mistake MyST names, at its line.
    """
    for message, line in warnings:
        if message.startswith(OPTIONS_FORMAT_WARNING):
            where = f" at line {line}" if line is not None else ""
            return Problem(
                "options",
                f"MyST could not read the options block ({message}{where}), so no option was read; "
                "look for a quote that is not closed, or a value that starts with a quote and goes on after it",
            )
    return None


_FIELD_OPTION = re.compile(r"^\s*:([^:\s]+):")
_YAML_OPTION = re.compile(r"^([A-Za-z0-9_-]+)\s*:")


def option_lines(body: str) -> dict[str, int]:
    """Where each option is written, as a line offset into ``body`` (the directive's text after its
    opening line), so a problem can point at the option's own line.

    Reads the two option blocks MyST accepts, ``:name: value`` lines and a YAML block between
    ``---`` lines, and reStructuredText's indented ``:name: value`` lines; an indented line that is
    not an option continues the option above it.
    """
    lines = body.splitlines()
    found: dict[str, int] = {}
    if lines and lines[0].strip() == "---":
        for index, line in enumerate(lines[1:], 1):
            if line.strip() == "---":
                break
            match = _YAML_OPTION.match(line)
            if match:
                found[match.group(1)] = index
        return found
    for index, line in enumerate(lines):
        match = _FIELD_OPTION.match(line)
        if match:
            found[match.group(1)] = index  # a repeated option: the last one counts, as in MyST
        elif not (line[:1].isspace() and line.strip() and found):
            break
    return found
