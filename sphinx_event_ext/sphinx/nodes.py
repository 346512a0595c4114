"""Docutils nodes for checklists, and how HTML renders them.

Other builders (LaTeX, text, man) render these like the list items and inline text
they subclass, since Sphinx translators dispatch along the node's class hierarchy.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes


class checklist_placeholder(nodes.General, nodes.Element):
    """Where an ``event-checklist`` goes; resolved once every event of the site is known."""


class checklist_item(nodes.list_item):
    """A list item with a checkbox; ``checkbox_id``, ``storage_key`` and ``done`` are attributes."""


class checkbox_label(nodes.inline):
    """The text that labels an item's checkbox."""


def visit_checklist_item_html(self: Any, node: checklist_item) -> None:
    """Open the item and write its checkbox; done items are checked and cannot be unticked."""
    self.body.append(self.starttag(node, "li", "", CLASS="event-checklist-item"))
    state = ' checked="checked" disabled="disabled"' if node["done"] else ""
    self.body.append(
        f'<input type="checkbox" class="event-checkbox" id="{self.attval(node["checkbox_id"])}" '
        f'data-storage-key="{self.attval(node["storage_key"])}"{state} />'
    )


def depart_checklist_item_html(self: Any, node: checklist_item) -> None:
    """Close the item."""
    self.body.append("</li>\n")


def visit_checkbox_label_html(self: Any, node: checkbox_label) -> None:
    """Open a ``label`` tied to the item's checkbox, so a click on the text ticks it."""
    self.body.append(self.starttag(node, "label", "", **{"for": node["for_id"]}))


def depart_checkbox_label_html(self: Any, node: checkbox_label) -> None:
    """Close the label."""
    self.body.append("</label>")
