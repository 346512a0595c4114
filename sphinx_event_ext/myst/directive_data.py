"""What mystmd hands an executable plugin for one directive, read into plain values.

mystmd passes the directive's raw node too: its ``options`` keep every option as written (unknown
names included, so our own validation names them) and each ``mystOption`` child has its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def default_id(title: str | None) -> str:
    """An event's id when ``:id:`` is not given: from its title (a plugin is not told its page's name)."""
    return title or "event"


def _text(value: Any) -> str | None:
    """An option's raw text; a bare flag (``:allow-errors:``) is the empty string, as in Sphinx."""
    if value is None or value is True:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


@dataclass(frozen=True)
class DirectiveCall:
    """One directive of a page: its argument, raw options, parsed body and where each is written."""

    line: int
    arg: str | None
    options: dict[str, str | None]
    body: list[dict[str, Any]] = field(default_factory=list)
    raw_body: str = ""
    option_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, option: str) -> int:
        """The page line of an option, or the directive's own line (a missing option, the title)."""
        return self.option_lines.get(option, self.line)


def read_call(data: dict[str, Any]) -> DirectiveCall:
    """The directive call from mystmd's JSON (``name``, ``node``, ``arg``, ``options``, ``body``)."""
    node = data.get("node") or {}
    line = int(((node.get("position") or {}).get("start") or {}).get("line") or 1)
    raw: dict[str, Any] = {}
    for candidate in (node.get("options"), data.get("options")):
        if isinstance(candidate, dict):
            raw = candidate
            break
    options = {str(name): _text(value) for name, value in raw.items()}
    lines: dict[str, int] = {}
    for child in node.get("children") or []:
        if child.get("type") == "mystOption" and child.get("name"):
            start = ((child.get("position") or {}).get("start") or {}).get("line")
            if isinstance(start, int):
                lines[str(child["name"])] = start
    arg = data.get("arg")
    body = data.get("body")
    return DirectiveCall(
        line=line,
        arg=arg if isinstance(arg, str) else None,
        options=options,
        body=body if isinstance(body, list) else [],
        raw_body=str(node.get("value") or ""),
        option_lines=lines,
    )
