"""The organizer checklist as a mystmd task list, by phase, with due dates and what proved each step."""

from __future__ import annotations

from ..model.event import Event
from ..plan.checklist import PHASES, ChecklistItem, Evidence, build_checklist
from . import ast


def _item(item: ChecklistItem) -> list[ast.Node]:
    due = f"due {item.due.isoformat()}, {item.due_text}" if item.due else f"due {item.due_text}"
    body = [ast.paragraph(ast.strong(item.title), f" ({due})"), ast.paragraph(item.detail)]
    if item.done_because:
        body.append(ast.paragraph(ast.strong(f"Proven by {item.proven_by}"), f": {item.done_because}."))
    return body


def checklist(event: Event | None, notice_days: int, evidence: Evidence | None = None) -> list[ast.Node]:
    """The checklist of ``event`` (the generic one, with relative due dates, for ``None``)."""
    items = build_checklist(event, notice_days, evidence)
    nodes: list[ast.Node] = []
    for phase, heading in PHASES:
        nodes.append(ast.paragraph(ast.strong(heading)))
        nodes.append(ast.task_list([(item.done, _item(item)) for item in items if item.phase == phase]))
    return nodes
