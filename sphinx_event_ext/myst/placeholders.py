"""Placeholder nodes that directives and roles leave for the page transform (tiny: loaded by every such call)."""

from __future__ import annotations

from typing import Any

#: Placeholder node types, filled by the ``event-page`` transform with the page's event.
CHECKLIST = "eventChecklist"
LINK = "eventLink"
LINKS = "eventLinks"
KINDS = (CHECKLIST, LINK, LINKS)


def placeholder(node_type: str, line: int, **fields: Any) -> dict[str, Any]:
    return {"type": node_type, "line": line, **fields}
