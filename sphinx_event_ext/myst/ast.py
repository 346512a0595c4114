"""Small builders of mystmd's own AST nodes (myst-spec): every text goes into a ``text`` node's value,
which mystmd's renderers escape, so a title such as ``<b>x</b>`` shows literally."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Node = dict[str, Any]


def text(value: str) -> Node:
    return {"type": "text", "value": value}


def _kids(children: Sequence[Node | str]) -> list[Node]:
    return [text(child) if isinstance(child, str) else child for child in children]


def paragraph(*children: Node | str) -> Node:
    return {"type": "paragraph", "children": _kids(children)}


def strong(*children: Node | str) -> Node:
    return {"type": "strong", "children": _kids(children)}


def code(value: str) -> Node:
    return {"type": "inlineCode", "value": value}


def link(url: str, *children: Node | str) -> Node:
    return {"type": "link", "url": url, "children": _kids(children or (url,))}


def button(label: str, url: str) -> Node:
    """mystmd's button: a link with the ``button`` class (what the ``{button}`` role makes)."""
    return {"type": "link", "url": url, "class": "button", "children": [text(label)]}


def button_row(label: str, buttons: Sequence[Node]) -> Node:
    children: list[Node | str] = [strong(label)]
    for node in buttons:
        children += [" ", node]
    return paragraph(*children)


def heading(depth: int, value: str) -> Node:
    return {"type": "heading", "depth": depth, "children": [text(value)]}


def admonition(kind: str, title: str, children: Sequence[Node]) -> Node:
    return {
        "type": "admonition",
        "kind": kind,
        "children": [{"type": "admonitionTitle", "children": [text(title)]}, *children],
    }


def definitions(items: Sequence[tuple[str, Sequence[Node | str]]]) -> Node:
    """A definition list: the facts of an event, one term and its description each."""
    children: list[Node] = []
    for term, description in items:
        children.append({"type": "definitionTerm", "children": [strong(term)]})
        children.append({"type": "definitionDescription", "children": [paragraph(*description)]})
    return {"type": "definitionList", "children": children}


def table(headers: Sequence[str], rows: Sequence[Sequence[Node | str]]) -> Node:
    def row(cells: Sequence[Node | str], header: bool = False) -> Node:
        made = []
        for cell in cells:
            node: Node = {"type": "tableCell", "children": _kids([cell])}
            if header:
                node["header"] = True
            made.append(node)
        return {"type": "tableRow", "children": made}

    return {"type": "table", "children": [row(headers, header=True), *(row(cells) for cells in rows)]}


def task_list(items: Sequence[tuple[bool, Sequence[Node]]]) -> Node:
    """A list of checkbox items (mystmd's task list: ``listItem`` with ``checked``)."""
    return {
        "type": "list",
        "ordered": False,
        "children": [{"type": "listItem", "checked": done, "children": list(body)} for done, body in items],
    }


def card(identifier: str, title: Sequence[Node | str], body: Sequence[Node], footer: Sequence[Node]) -> Node:
    """mystmd's card: header, body and footer, with an id to link to (``#event-<id>``)."""
    return {
        "type": "card",
        "identifier": identifier,
        "label": identifier,
        "children": [
            {"type": "header", "children": [paragraph(*title)]},
            *body,
            {"type": "footer", "children": list(footer)},
        ],
    }


def badge(label: str) -> Node:
    """A notice badge; mystmd has no badge node, so an emphasised label in brackets."""
    return {"type": "emphasis", "children": [text(f"[{label}]")]}
