"""The ``event-checklist`` directive: the organizer checklist with due dates and checkboxes.

It is resolved after all pages are read, so it may name an event on another page.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..content.check_evidence import evidence_of
from ..content.rehearsal_record import read_rehearsal, read_ticket
from ..content.store import move_published_rehearsals
from ..model.config import settings, today_for
from ..model.event import Event
from ..plan.attendees import AttendeeMessage
from ..plan.checklist import APPROXIMATED, PHASES, PROVEN, ChecklistItem, Evidence, build_checklist, proof_summaries
from ..plan.rehearsal import rehearsal_proofs
from ..plan.site_layout import event_file
from .attendee_messages import attendee_messages
from .card import button
from .collector import event_for, page, pages
from .nodes import checkbox_label, checklist_item, checklist_placeholder
from .page_urls import page_url
from .state import event_check, site_state
from .ticket_check import ticket_evidence

logger = logging.getLogger(__name__)


class EventChecklistDirective(SphinxDirective):
    """Place the checklist of the page's event, of the event named by ``:event:``, or a generic one."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"event": lambda value: (value or "").strip()}

    def run(self) -> list[nodes.Node]:
        event_id = self.options.get("event", "")
        page(self.env, self.env.docname).checklists.append(event_id)
        placeholder = checklist_placeholder(event_id=event_id)
        self.set_source_info(placeholder)
        return [placeholder]


def _message_row(message: AttendeeMessage, event_id: str) -> nodes.paragraph:
    """The step's message to attendees: a draft in the organizer's mail program, the plain text, and when."""
    row = nodes.paragraph(classes=["event-checklist-message"])
    row += button("Draft the message", message.mailto, outline=True)
    row += nodes.Text(" ")
    row += button("Plain text", event_asset=event_file(event_id, f"attendees/{message.key}.txt"), outline=True)
    row += nodes.Text(f" Send it on {message.send_on.isoformat()} (the attendees in BCC).")
    return row


def _item_node(
    item: ChecklistItem, prefix: str, storage_prefix: str, message: tuple[AttendeeMessage, str] | None = None
) -> checklist_item:
    checkbox_id = f"{prefix}-{item.key}"
    classes = {PROVEN: ["event-checklist-proven"], APPROXIMATED: ["event-checklist-approximated"]}.get(item.state, [])
    node = checklist_item(
        checkbox_id=checkbox_id, storage_key=f"{storage_prefix}:{item.key}", done=item.done, classes=classes
    )
    label = checkbox_label(for_id=checkbox_id)
    label += nodes.strong(item.title, item.title)
    due = f"due {item.due.isoformat()}, {item.due_text}" if item.due else f"due {item.due_text}"
    label += nodes.Text(f" ({due})")
    node += nodes.paragraph("", "", label, classes=["event-checklist-title"])
    node += nodes.paragraph(item.detail, item.detail, classes=["event-checklist-detail"])
    if message:
        node += _message_row(*message)
    if item.done_because:
        proof = nodes.paragraph(classes=["event-checklist-done"])
        proof += nodes.strong(f"Proven by {item.proven_by}", f"Proven by {item.proven_by}", classes=["event-proof"])
        proof += nodes.Text(f": {item.done_because}.")
        node += proof
    elif item.approximated_because:
        note = nodes.paragraph(classes=["event-checklist-approximation"])
        text = "Approximated, not proven, by the content check"
        note += nodes.strong(text, text, classes=["event-approximation"])
        note += nodes.Text(f": {item.approximated_because}.")
        node += note
    if item.unverified_branch is not None:
        scope = nodes.paragraph(classes=["event-checklist-scope"])
        scope += nodes.Text("Link check: checked against the local copy; ")
        if item.unverified_branch:
            scope += nodes.Text("branch ")
            scope += nodes.literal(item.unverified_branch, item.unverified_branch)
        else:
            scope += nodes.Text("the default branch")
        scope += nodes.Text(" not verified.")
        node += scope
    return node


def evidence_for(app: Sphinx, event: Event) -> Evidence:
    """What this build's link check and content check proved about the event."""
    return evidence_of(event_check(app.env, event.id))


def proofs_of(app: Sphinx, event: Event) -> list[dict[str, Any]]:
    """The one-line summary of each proof the event's checklist carries, for ``events.json``."""
    items = build_checklist(event, settings(app.config).notice_days, evidence_for(app, event), proofs_for(app, event))
    return proof_summaries(items, today_for(app.config))


def render_checklist(
    event: Event | None,
    notice_days: int,
    index: int,
    evidence: Evidence | None = None,
    proofs: dict[str, str] | None = None,
    messages: list[AttendeeMessage] | None = None,
) -> nodes.container:
    """The checklist, by phase; checkbox ids are unique on the page, storage keys per event and item; the steps
    that tell attendees something carry their message."""
    owner = event.id if event else "generic"
    prefix = f"checklist-{owner}" + (f"-{index}" if index else "")
    container = nodes.container(classes=["event-checklist"])
    items = build_checklist(event, notice_days, evidence, proofs)
    by_key = {message.key: message for message in messages or []}
    for phase, heading in PHASES:
        container += nodes.rubric(heading, heading)
        bullets = nodes.bullet_list(classes=["event-checklist-items"])
        bullets.extend(
            _item_node(
                item, prefix, f"sphinx-event-ext:{owner}", (by_key[item.key], owner) if item.key in by_key else None
            )
            for item in items
            if item.phase == phase
        )
        container += bullets
    return container


def resolve_checklists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace placeholders now that every event of the site is known."""
    notice_days = settings(app.config).notice_days
    for index, placeholder in enumerate(doctree.findall(checklist_placeholder)):
        wanted = placeholder["event_id"]
        record = event_for(app.env, docname, wanted)
        if wanted and record is None:
            logger.warning(
                "event-checklist: no valid event with id %r; showing the generic checklist",
                wanted,
                location=placeholder,
                type="event",
                subtype="checklist",
            )
        event = record.event if record else None
        evidence = evidence_for(app, event) if event else None
        proofs = proofs_for(app, event) if event else {}
        messages = attendee_messages(app, record, page_url(app, record)) if record else []
        placeholder.replace_self(render_checklist(event, notice_days, index, evidence, proofs, messages))


def _shown(app: Sphinx, env: BuildEnvironment, docname: str, wanted: str) -> tuple[Any, ...] | None:
    """What decides a checklist's ticks: its event, and what the checks, a rehearsal and the ticket proved."""
    record = event_for(env, docname, wanted)
    if record is None:
        return None
    event = record.event
    return repr(event), evidence_for(app, event), sorted(proofs_for(app, event).items())


def refresh_checklists(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``, after the link, content and ticket checks: the pages whose checklists now show
    something else, so Sphinx writes them again although they were not edited.

    A check's result, a rehearsal's record or the hub team's issue can change with no page
    changing, and a checklist may name an event on another page.
    """
    state = site_state(env)
    previous = state.checklists_shown
    shown = {
        docname: [_shown(app, env, docname, wanted) for wanted in data.checklists]
        for docname, data in pages(env).items()
        if data.checklists
    }
    state.checklists_shown = shown
    return sorted(docname for docname, state in shown.items() if state != previous.get(docname))


def proofs_for(app: Sphinx, event: Event) -> dict[str, str]:
    """The steps proven outside this build's checks: by the last rehearsal, and by the hub team's issue (read
    by this build with ``event_verify_ticket``, else as ``sphinx-event ticket`` last read it)."""
    return {**_rehearsal_proofs(app, event.id), **_kept_ticket_proofs(app, event), **ticket_evidence(app.env, event.id)}


def _kept_ticket_proofs(app: Sphinx, event: Event) -> dict[str, str]:
    """What the issue ``sphinx-event ticket`` last read proves, compared with the page as it is now."""
    record = read_ticket(app.doctreedir, event.id)
    if record is None:
        return {}
    from ..plan.ticket_compare import kept_ticket_proof  # the parser loads only where a record is kept

    proof = kept_ticket_proof(event, record)
    return {"ticket": proof} if proof else {}


def _rehearsal_proofs(app: Sphinx, event_id: str) -> dict[str, str]:
    """What the event's last ``sphinx-event rehearse`` proved, from its record in the evidence store."""
    data = read_rehearsal(app.doctreedir, event_id)
    return rehearsal_proofs(data, event_id) if data is not None else {}


def adopt_published_rehearsals(app: Sphinx) -> None:
    """``builder-inited``: rehearsal records that older versions wrote into the published folder move into the
    evidence store, once, so past rehearsals still count and the published folder holds the site only."""
    move_published_rehearsals(app.outdir, app.doctreedir)
