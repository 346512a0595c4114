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
from ..plan.prewarm import event_prewarm_text
from .collector import pages
from .state import site_state


class prewarm_sentence(nodes.Inline, nodes.TextElement):
    """The card's "Pre-warming" sentence for the event ``event_id``; its text is the plan's, before a rehearsal."""


def _sentences(app: Sphinx, env: BuildEnvironment, docname: str) -> dict[str, str]:
    """Each of the page's events' sentence, by event id (the first event of an id wins), as its last rehearsal
    sizes it."""
    data = pages(env).get(docname)
    events = [record.event for record in data.events if record.event is not None] if data else []
    lead = settings(app.config).prewarm_lead_minutes
    return {
        event.id: event_prewarm_text(event, lead, read_rehearsal(app.doctreedir, event.id))
        for event in reversed(events)
    }


def resolve_prewarm_sentences(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: each sentence as :func:`refresh_prewarm_sentences` found it for this build."""
    shown = site_state(app.env).prewarm_shown.get(docname, {})
    for node in list(doctree.findall(prewarm_sentence)):
        node.replace_self(nodes.Text(shown.get(node["event_id"], node.astext())))


def refresh_prewarm_sentences(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: every page's sentences, once per build, and the pages whose cards would now say something
    else (a rehearsal was recorded)."""
    state = site_state(env)
    previous = state.prewarm_shown
    state.prewarm_shown = {docname: _sentences(app, env, docname) for docname in pages(env)}
    return sorted(docname for docname, shown in state.prewarm_shown.items() if shown != previous.get(docname))
