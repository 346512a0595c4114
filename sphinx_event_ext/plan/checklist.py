"""The organizer checklist: what to do before, during and after an event, and by when.

The steps follow the hub provider's "Events and workshops" guidance. Due dates come
from the event's dates; items the metadata already proves are marked done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..model.event import Event

PHASES = (("before", "Before the event"), ("during", "During the event"), ("after", "After the event"))


@dataclass(frozen=True)
class Step:
    """One step of the guidance, due ``offset_days`` before the start (after the end with ``from_end``;
    ``event_notice_days`` before the start with ``notice_offset``)."""

    key: str
    phase: str
    title: str
    detail: str
    offset_days: int
    from_end: bool = False
    proof: Callable[[Event], str | None] | None = None
    notice_offset: bool = False


@dataclass(frozen=True)
class ChecklistItem:
    """A step applied to one event (or to no event, for the generic checklist)."""

    key: str
    phase: str
    title: str
    detail: str
    due: dt.date | None
    due_text: str
    done_because: str | None

    @property
    def done(self) -> bool:
        """Whether the metadata already proves this step."""
        return self.done_because is not None


def _notified(event: Event) -> str | None:
    return f"the hub team was told on {event.notified.isoformat()}" if event.notified else None


def _preinit(event: Event) -> str | None:
    return None if event.pre_initialize else "not requested for this event"


def _environment(event: Event) -> str | None:
    if event.environment_repo:
        return "the environment repository is recorded"
    return "the image is recorded" if event.image else None


def _content(event: Event) -> str | None:
    if event.content_repo:
        return "the content repository is recorded"
    return "the content is kept in this docs repository" if event.content_path else None


STEPS: tuple[Step, ...] = (
    Step(
        "notify",
        "before",
        "Tell the hub team about the event",
        "Send the start and end dates, the active hours, the number of attendees, whether pre-initialization "
        "is needed, and anything else unusual about the event.",
        0,
        proof=_notified,
        notice_offset=True,
    ),
    Step(
        "ticket",
        "before",
        "Check the hub team's issue",
        "The hub team opens an issue for the event from your message; check that its dates, hours, attendee "
        "count and hub say what this page says (sphinx-event ticket compares them).",
        14,
    ),
    Step(
        "pre-initialize",
        "before",
        "Ask for pre-initialization only if you need it",
        "Pre-warming capacity costs money; it helps when many attendees start their servers at the same time.",
        0,
        proof=_preinit,
        notice_offset=True,
    ),
    Step(
        "environment",
        "before",
        "Define the hub's environment in a repository",
        "Keep the software environment (an image or a repository that builds one) under version control.",
        14,
        proof=_environment,
    ),
    Step(
        "content",
        "before",
        "Put the content in a public repository",
        "Attendees get the content from it with nbgitpuller links, and can build on it afterwards.",
        14,
        proof=_content,
    ),
    Step(
        "test",
        "before",
        "Run the content top to bottom in the event's environment",
        "Click the nbgitpuller link yourself and run every notebook, as an attendee would.",
        7,
    ),
    Step(
        "triage",
        "before",
        "Optionally, let attendees try the content on Binder",
        "A Binder link lets attendees check the material, and you triage problems, before the day.",
        7,
    ),
    Step(
        "heads-up",
        "before",
        "Send the hub team a heads-up shortly before the event",
        "Confirm the dates, hours and attendee count, and say what changed since the first notice.",
        2,
    ),
    Step(
        "distribute",
        "during",
        "Distribute the content with nbgitpuller links",
        "One click pulls the content into each attendee's home on the hub, without overwriting their changes.",
        0,
    ),
    Step(
        "log-in-early",
        "during",
        "Ask attendees to log in at the start of the day",
        "Starting servers before code is needed spreads out the login spike.",
        0,
    ),
    Step(
        "share",
        "after",
        "Send attendees links to the source materials",
        "Share the content repository and the Binder link so they can keep working.",
        1,
        from_end=True,
    ),
    Step(
        "binder-ready",
        "after",
        "Keep the repository Binder-ready",
        "Attendees can rebuild the environment and build on the material after the hub access ends.",
        7,
        from_end=True,
    ),
)


def _relative_text(days: int, from_end: bool) -> str:
    anchor = "end" if from_end else "start"
    if days == 0:
        return f"on the {anchor} day"
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {'after' if from_end else 'before'} the {anchor}"


#: The steps a passing rehearsal on the hub proves (``sphinx-event rehearse``): the link clicked, the content run.
REHEARSAL_STEPS = ("test",)


def build_checklist(
    event: Event | None, notice_days: int, proofs: Mapping[str, str] | None = None
) -> list[ChecklistItem]:
    """The checklist for an event, or the generic one (relative due dates) for ``None``.

    ``proofs`` maps step keys to what proved them outside the metadata, such as a rehearsal or the
    hub team's issue read back (``ticket``).
    """
    items = []
    for step in STEPS:
        days = notice_days if step.notice_offset else step.offset_days
        due_text = _relative_text(days, step.from_end)
        due = None
        done_because = None
        if event is not None:
            due = event.end + dt.timedelta(days=days) if step.from_end else event.start - dt.timedelta(days=days)
            done_because = step.proof(event) if step.proof else None
            done_because = done_because or (proofs or {}).get(step.key)
        items.append(ChecklistItem(step.key, step.phase, step.title, step.detail, due, due_text, done_because))
    return items
