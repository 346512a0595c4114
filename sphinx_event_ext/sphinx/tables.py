"""Docutils tables and inline code, shared by the reference, the links table and the reports."""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes


def _cell(content: str | nodes.Node, label: str | None = None) -> nodes.entry:
    entry = nodes.entry()
    paragraph = nodes.paragraph()
    if label:
        # Shown only when the table is stacked (a phone), where the header row is not.
        paragraph += nodes.inline(label, label, classes=["event-cell-label"])
        paragraph += nodes.Text(" ")
    paragraph += content if isinstance(content, nodes.Node) else nodes.Text(content)
    entry += paragraph
    return entry


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str | nodes.Node]],
    widths: Sequence[int],
    *,
    stack: Sequence[str | None] | None = None,
) -> nodes.container:
    """A docutils table with a header row, in a box that scrolls sideways on its own, so a wide
    table never makes the whole page scroll on a phone.

    With ``stack`` (one label per column, None for a column that needs none) the table becomes one block per
    row on a narrow screen, each cell on its own line after its label, so no cell is squeezed into breaking
    words."""
    labels = list(stack) if stack is not None else [None] * len(headers)
    group = nodes.tgroup(cols=len(headers))
    group.extend(nodes.colspec(colwidth=width) for width in widths)
    head = nodes.thead()
    head += nodes.row("", *(_cell(header) for header in headers))
    body = nodes.tbody()
    body.extend(nodes.row("", *(_cell(value, label) for value, label in zip(row, labels, strict=True))) for row in rows)
    group += head
    group += body
    classes = ["event-reference", "event-stack"] if stack is not None else ["event-reference"]
    return nodes.container("", nodes.table("", group, classes=classes), classes=["event-table-scroll"])


def nowrap(text: str) -> nodes.inline:
    """Text that never breaks across lines (a date: ``2027-05-10`` must not break at its hyphens)."""
    return nodes.inline(text, text, classes=["event-nowrap"])


def literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def inline_code(text: str) -> nodes.inline:
    """Text whose `backquoted` parts are shown as code, as they are written in the schema."""
    node = nodes.inline()
    for index, part in enumerate(text.split("`")):
        if part:
            node += literal(part) if index % 2 else nodes.Text(part)
    return node
