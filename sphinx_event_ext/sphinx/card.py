"""The event's summary card, built from sphinx-design components and docutils nodes.

All text goes into ``nodes.Text``, so the HTML writer escapes it: a title such as
``<b>x</b>`` shows literally.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes
from sphinx.application import Sphinx
from sphinx_design.shared import create_component

from ..model.event import Event
from ..plan.timing import Notice, NoticeState, format_utc_hours

BADGE_COLOURS = {
    NoticeState.NOTIFIED: "success",
    NoticeState.PENDING: "info",
    NoticeState.NOTIFIED_LATE: "warning",
    NoticeState.LATE: "danger",
    NoticeState.OVER: "secondary",
}


def badge(text: str, colour: str) -> nodes.inline:
    """A sphinx-design badge."""
    return nodes.inline(
        text, text, classes=["sd-sphinx-override", "sd-badge", f"sd-bg-{colour}", f"sd-bg-text-{colour}"]
    )


def button(text: str, url: str = "", *, outline: bool = False, **late: str) -> nodes.reference:
    """A sphinx-design button.

    ``late`` attributes (``event_asset``: a path in the build output; ``event_action`` with
    ``event_id``: a message to the hub team) are turned into the URL when the page is written,
    where the page's address and the site's settings are known.
    """
    style = "sd-btn-outline-primary" if outline else "sd-btn-primary"
    classes = ["sd-sphinx-override", "sd-btn", "sd-text-wrap", style, "event-button"]
    node = nodes.reference(text, text, refuri=url, classes=classes)
    node.attributes.update(late)
    return node


def button_row(label: str, buttons: Sequence[nodes.Node]) -> nodes.paragraph:
    """A labelled row of buttons."""
    row = nodes.paragraph(classes=["event-actions"])
    row += nodes.strong(label, label)
    for node in buttons:
        row += nodes.Text(" ")
        row += node
    return row


def _link(url: str, text: str | None = None) -> nodes.reference:
    return nodes.reference(text or url, text or url, refuri=url)


def _field(name: str, *body: nodes.Node | str) -> nodes.field:
    paragraph = nodes.paragraph()
    paragraph.extend(nodes.Text(part) if isinstance(part, str) else part for part in body)
    return nodes.field("", nodes.field_name(name, name), nodes.field_body("", paragraph))


def _dates(event: Event) -> str:
    count = len(event.days)
    if count == 1:
        return f"{event.start:%A} {event.start.isoformat()} (one day)"
    return f"{event.start.isoformat()} to {event.end.isoformat()} ({count} days)"


def _content(event: Event) -> list[nodes.Node | str]:
    if event.content_repo:
        parts: list[nodes.Node | str] = [_link(event.content_repo)]
        if event.content_branch:
            parts.append(f" (branch {event.content_branch})")
        return parts
    return [f"in this repository: {event.content_path}"]


def summary_fields(event: Event, prewarm: nodes.Node | str) -> nodes.field_list:
    """The facts the hub team and attendees need, as a field list."""
    fields = nodes.field_list(classes=["event-facts"], support_smartquotes=False)
    if event.cancelled:
        fields += _field("Status", "cancelled")
    fields += _field("Dates", _dates(event))
    utc = format_utc_hours(event)
    fields += _field(
        "Active hours",
        f"{event.active_hours_text} {event.timezone}",
        nodes.inline(utc, utc, classes=["event-utc"]),
    )
    fields += _field("Attendees", str(event.attendees))
    fields += _field("Hub", _link(event.hub))
    fields += _field("Pre-warming", prewarm)
    if event.has_content:
        fields += _field("Content", *_content(event))
    if event.environment_repo:
        fields += _field("Environment", _link(event.environment_repo))
    if event.image:
        fields += _field("Image", nodes.literal(event.image, event.image))
    if event.contact:
        fields += _field("Contact", event.contact)
    if event.notified:
        fields += _field("Hub team notified", event.notified.isoformat())
    if event.ticket:
        fields += _field("Ticket", _link(event.ticket))
    if event.notes:
        fields += _field("Notes", event.notes)
    return fields


def event_card(
    event: Event,
    notice: Notice,
    attend: nodes.Node,
    body: list[nodes.Node],
    organize: list[nodes.Node],
    prewarm: nodes.Node | str,
) -> nodes.container:
    """The card: the title and notice badge; the attendees' buttons first, where a phone shows them without
    scrolling, then the facts and the directive's own text; the organizers' buttons and report at the foot."""
    title = nodes.paragraph(classes=["sd-card-title", "sd-font-weight-bold", "event-title"], support_smartquotes=False)
    title += nodes.inline(event.title + " ", event.title + " ", classes=["event-title-text"])
    title += badge("Cancelled", "danger") if event.cancelled else badge(notice.label, BADGE_COLOURS[notice.state])
    header = create_component("card-header", ["sd-card-header"], children=[title])
    content = create_component("card-body", ["sd-card-body"], children=[attend, summary_fields(event, prewarm), *body])
    footer = create_component("card-footer", ["sd-card-footer"], children=organize)
    return create_component(
        "card",
        ["sd-card", "sd-sphinx-override", "sd-mb-3", "sd-shadow-sm", "event-card"],
        children=[header, content, footer],
        ids=[f"event-{event.id}"],
    )


def _words(text: str) -> str:
    return " ".join(text.split())


def drop_repeated_titles(app: Sphinx, doctree: nodes.document) -> None:
    """A card under a heading that already says the event's title (as ``new`` writes pages) shows it once."""
    for text in list(doctree.findall(nodes.inline)):
        if "event-title-text" not in text["classes"]:
            continue
        section = text.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        if section is None or not section.children or not isinstance(section[0], nodes.title):
            continue
        if _words(section[0].astext()) == _words(text.astext()):
            text.parent.remove(text)
