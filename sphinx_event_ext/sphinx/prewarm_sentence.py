"""The card's pre-warm sentence, drawn at write time so it is sized as ``prewarm.json`` is.

The card is made when its page is read, but a ``sphinx-event rehearse`` record (which may raise the
memory per attendee, hence the nodes to pre-warm) can arrive with no page changing: the sentence is a
placeholder with the plan's text, replaced when the page is written, and its page is written again
when the sentence would change.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..content.rehearsal_record import read_rehearsal
from ..model.config import settings
from ..model.event import Event
from ..plan.prewarm import event_prewarm_text
from .collector import pages
from .state import site_state


class prewarm_sentence(nodes.Inline, nodes.TextElement):
    """The card's "Pre-warming" sentence for the event ``event_id``; its text is the plan's, before a rehearsal."""


def _sentence(app: Sphinx, event: Event) -> str:
    rehearsal = read_rehearsal(app.doctreedir, event.id)
    return event_prewarm_text(event, settings(app.config).prewarm_lead_minutes, rehearsal)


def _page_events(env: BuildEnvironment, docname: str) -> list[Event]:
    data = pages(env).get(docname)
    return [record.event for record in data.events if record.event is not None] if data else []


def resolve_prewarm_sentences(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: each sentence as the event's last rehearsal sizes it."""
    events = {event.id: event for event in reversed(_page_events(app.env, docname))}  # the first of an id wins
    for node in list(doctree.findall(prewarm_sentence)):
        event = events.get(node["event_id"])
        node.replace_self(nodes.Text(_sentence(app, event) if event else node.astext()))


def refresh_prewarm_sentences(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages whose cards would now say something else (a rehearsal was recorded)."""
    state = site_state(env)
    previous = state.prewarm_shown
    shown = {docname: [_sentence(app, event) for event in _page_events(env, docname)] for docname in pages(env)}
    state.prewarm_shown = shown
    return sorted(docname for docname, sentences in shown.items() if sentences != previous.get(docname))
