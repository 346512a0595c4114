"""The shape of the ``event`` directive: one optional title argument, content, any option name.

Shared by the Sphinx directive and by the scanner behind ``sphinx-event validate``, which
parses directives with MyST's own option parser and no Sphinx build.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from .event import Problem
from .validate import ParseResult

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


def _option_names(body: str) -> list[tuple[str, int]]:
    """(name, line offset) of every option line of ``body``, in order, repeats included."""
    lines = body.splitlines()
    found: list[tuple[str, int]] = []
    if lines and lines[0].strip() == "---":
        for index, line in enumerate(lines[1:], 1):
            if line.strip() == "---":
                break
            match = _YAML_OPTION.match(line)
            if match:
                found.append((match.group(1), index))
        return found
    for index, line in enumerate(lines):
        match = _FIELD_OPTION.match(line)
        if match:
            found.append((match.group(1), index))
        elif not (line[:1].isspace() and line.strip() and found):
            break
    return found


def repeated_options(body: str) -> list[tuple[Problem, int]]:
    """A problem for each option written again after its first line, with the line offset of the repeat.

    MyST and docutils keep the last of two ``:hub:`` lines without a word, so a page could name one hub
    to a reader of its source and send the pre-warm request to another: a repeat is refused.
    """
    first: dict[str, int] = {}
    problems: list[tuple[Problem, int]] = []
    for name, index in _option_names(body):
        if name not in first:
            first[name] = index
            continue
        if any(problem.option == name for problem, _ in problems):
            continue  # one problem per option, at its second line
        message = f"expected each option once, got :{name}: again (first written {index - first[name]} line(s) above)"
        problems.append((Problem(name, message), index))
    return problems


def with_repeats(result: ParseResult, body: str) -> tuple[ParseResult, dict[str, int]]:
    """``result`` refused when ``body`` repeats an option, and where each repeat is (line offsets by option)."""
    repeats = repeated_options(body)
    if not repeats:
        return result, {}
    problems = [problem for problem, _ in repeats]
    return ParseResult(None, [*problems, *result.problems]), {problem.option: index for problem, index in repeats}


def option_lines(body: str) -> dict[str, int]:
    """Where each option is written, as a line offset into ``body`` (the directive's text after its
    opening line), so a problem can point at the option's own line.

    Reads the two option blocks MyST accepts, ``:name: value`` lines and a YAML block between
    ``---`` lines, and reStructuredText's indented ``:name: value`` lines; an indented line that is
    not an option continues the option above it.
    """
    return dict(_option_names(body))  # a repeated option: the last one counts, as in MyST
