"""Docutils tables and inline code, shared by the reference, the links table and the reports."""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes


def _cell(content: str | nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    if isinstance(content, nodes.Node):
        entry += nodes.paragraph("", "", content)
    else:
        entry += nodes.paragraph(content, content)
    return entry


def table(headers: Sequence[str], rows: Sequence[Sequence[str | nodes.Node]], widths: Sequence[int]) -> nodes.container:
    """A docutils table with a header row, in a box that scrolls sideways on its own, so a wide
    table never makes the whole page scroll on a phone."""
    group = nodes.tgroup(cols=len(headers))
    group.extend(nodes.colspec(colwidth=width) for width in widths)
    head = nodes.thead()
    head += nodes.row("", *(_cell(header) for header in headers))
    body = nodes.tbody()
    body.extend(nodes.row("", *(_cell(value) for value in row)) for row in rows)
    group += head
    group += body
    return nodes.container("", nodes.table("", group, classes=["event-reference"]), classes=["event-table-scroll"])


def literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def inline_code(text: str) -> nodes.inline:
    """Text whose `backquoted` parts are shown as code, as they are written in the schema."""
    node = nodes.inline()
    for index, part in enumerate(text.split("`")):
        if part:
            node += literal(part) if index % 2 else nodes.Text(part)
    return node
