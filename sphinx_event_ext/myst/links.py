"""Links into an event's content: the ``{nbgitpuller}`` and ``{binder}`` roles and the ``event-links`` table."""

from __future__ import annotations

from collections.abc import Sequence

from ..model.event import Event
from ..plan.links import LinkError, event_binder_link, event_nbgitpuller_link
from . import ast

BUILDERS = {"nbgitpuller": event_nbgitpuller_link, "binder": event_binder_link}
BADGE = "https://mybinder.org/badge_logo.svg"


def split_role_text(body: str) -> tuple[str, str | None]:
    """``text <path>`` or ``path``: the shown text and the path (``None`` for the content folder, ``.``)."""
    body = body.strip()
    if body.endswith(">") and "<" in body:
        shown, _, target = body[:-1].rpartition("<")
        target = target.strip()
        return shown.strip() or target, None if target in ("", ".") else target
    return body, None if body in ("", ".") else body


def role_link(kind: str, event: Event, shown: str, path: str | None) -> ast.Node:
    """The role's link; its text alone (and the reason, for the check to report) when no link can be made."""
    return ast.link(BUILDERS[kind](event, path), shown)


def links_table(event: Event, paths: Sequence[str]) -> list[ast.Node]:
    """One row per notebook with its hub (and Binder, when Binder can reach the content) button."""
    try:
        launch: str | None = event_binder_link(event)
    except LinkError:
        launch = None
    headers = ["Notebook", "Hub", "Binder"] if launch else ["Notebook", "Hub"]
    rows: list[list[ast.Node | str]] = []
    for path in paths:
        row: list[ast.Node | str] = [ast.code(path), ast.button("Open on the hub", event_nbgitpuller_link(event, path))]
        if launch:
            row.append(ast.button("Try on Binder", event_binder_link(event, path)))
        rows.append(row)
    result = [ast.table(headers, rows)]
    if launch:
        markdown = f"[![Binder]({BADGE})]({launch})"
        result += [
            ast.paragraph("Binder badge for a README, in Markdown:"),
            {"type": "code", "lang": "markdown", "value": markdown},
        ]
    return result
