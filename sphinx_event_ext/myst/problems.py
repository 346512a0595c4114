"""A directive's problems as a visible error block that also makes ``myst build --strict`` fail.

mystmd has no way for an executable plugin to report an error (its stderr is read only when the
plugin fails, and a failing plugin leaves the page unbuilt). So each problem is written as a link
with no address, at the line of its option: mystmd reports "Link has no URL: <the problem>" at that
line as an error, which ``--strict`` counts, and the page shows the block to whoever opens it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..content.sanitize import one_line
from .ast import Node, admonition, paragraph, text


def problem_line(directive_line: int, options_at: dict[str, int], option: str) -> int:
    """The page line of an option (``options_at`` holds offsets below the directive's first line)."""
    return directive_line + 1 + options_at[option] if option in options_at else directive_line


def _at(line: int) -> dict[str, dict[str, int]]:
    return {"start": {"line": line, "column": 1}, "end": {"line": line, "column": 1}}


def reported(line: int, message: str) -> Node:
    """An inline problem that mystmd reports at ``line`` ("Link has no URL: ...")."""
    return {"type": "link", "url": "", "position": _at(line), "children": [text(one_line(message))]}


def error_block(title: str, problems: Sequence[tuple[int, str]]) -> Node:
    """``problems`` are (page line, message); each is reported by mystmd at its line."""
    return admonition("error", title, [paragraph(reported(line, message)) for line, message in problems])
