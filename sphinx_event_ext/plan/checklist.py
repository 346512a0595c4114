"""The organizer checklist: what to do before, during and after an event, and by when.

The steps follow the hub provider's "Events and workshops" guidance. Due dates come
from the event's dates; steps that the metadata or this build's checks prove are marked done,
with what proved them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..model.event import Event
from .binder import uses_mybinder

PHASES = (("before", "Before the event"), ("during", "During the event"), ("after", "After the event"))
METADATA = "the metadata"
LINK_CHECK = "the link check"
CONTENT_CHECK = "the content check"


@dataclass(frozen=True)
class Evidence:
    """What this build proved about an event beyond its metadata."""

    links_checked: bool = False  # every hub and Binder link into its content resolved
    content_checked: bool = False  # every notebook ran top to bottom, in the environment the hub builds
    # Every notebook ran, but in an environment that only approximates the hub's: how it differs.
    content_approximated: tuple[str, ...] = ()
    #: Links resolved in the local ``content-path`` copy only: the branch it stands for, not verified
    #: (``""`` for the default branch); None when that is not the case.
    unverified_branch: str | None = None


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
    proof: Callable[[Event, Evidence], str | None] | None = None
    notice_offset: bool = False
    proven_by: str = METADATA
    approximation: Callable[[Event, Evidence], str | None] | None = None


#: A step's three states: proven (ticked, with what proved it), approximated (a check passed, but in
#: conditions that only approximate the hub's: not ticked, and says how), or open.
PROVEN, APPROXIMATED, OPEN = "proven", "approximated", "open"


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
    proven_by: str | None = None
    approximated_because: str | None = None
    #: What a check proved of this step short of proving it (a local copy checked, its branch not).
    unverified_branch: str | None = None

    @property
    def done(self) -> bool:
        """Whether the metadata or this build's checks prove this step."""
        return self.done_because is not None

    @property
    def state(self) -> str:
        """``proven``, ``approximated`` (a check passed in an approximation: not a proof) or ``open``."""
        if self.done:
            return PROVEN
        return APPROXIMATED if self.approximated_because else OPEN


def _notified(event: Event, evidence: Evidence) -> str | None:
    return f"the hub team was told on {event.notified.isoformat()}" if event.notified else None


def _preinit(event: Event, evidence: Evidence) -> str | None:
    return None if event.pre_initialize else "not requested for this event"


def _environment(event: Event, evidence: Evidence) -> str | None:
    if event.environment_repo:
        return "the environment repository is recorded"
    return "the image is recorded" if event.image else None


def is_public_url(url: str) -> bool:
    """Whether a repository URL can be public: never a ``file:`` URL, a loopback, private-range,
    link-local or otherwise non-global address, or a ``localhost`` name."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme == "file" or not host or host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return True  # a name: whether it is public only the network can tell


def _binder_request(event: Event, evidence: Evidence) -> str | None:
    return None if uses_mybinder(event) else "attendees do not launch on mybinder.org"


def _content(event: Event, evidence: Evidence) -> str | None:
    if event.content_repo:
        return "the content repository is recorded" if is_public_url(event.content_repo) else None
    return "the content is kept in this docs repository" if event.content_path else None


def _links(event: Event, evidence: Evidence) -> str | None:
    return "every hub and Binder link into the content resolved" if evidence.links_checked else None


def _ran(event: Event, evidence: Evidence) -> str | None:
    return "every notebook ran top to bottom in a fresh kernel" if evidence.content_checked else None


def _ran_approximately(event: Event, evidence: Evidence) -> str | None:
    differences = evidence.content_approximated
    if not differences:
        return None
    listed = "; ".join(differences[:4]) + ("; ..." if len(differences) > 4 else "")
    return (
        "every notebook ran top to bottom, but in an environment that only approximates the hub's. "
        f"It differs in: {listed}. A rehearsal on the hub, or a check that can build the hub's environment, proves it"
    )


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
        "binder-request",
        "before",
        "Ask mybinder.org for resources, if attendees launch there",
        "mybinder.org gives a repository 100 users at once by default. Ask for more with its resource request "
        "form two weeks ahead; requests less than 48 hours before the event are refused.",
        14,
        proof=_binder_request,
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
        "click",
        "before",
        "Click the link yourself",
        "Open the nbgitpuller link as an attendee would, and check that it pulls the content and opens the notebook.",
        7,
        proof=_links,
        proven_by=LINK_CHECK,
    ),
    Step(
        "test",
        "before",
        "Run the content top to bottom in the event's environment",
        "Run every notebook from the first cell to the last, as an attendee would.",
        7,
        proof=_ran,
        proven_by=CONTENT_CHECK,
        approximation=_ran_approximately,
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
REHEARSAL_STEPS = ("click", "test")
REHEARSAL = "a rehearsal on the hub"
#: What proved a step given in ``proofs``, when it is not a rehearsal.
PROOF_SOURCES = {"ticket": "reading the hub team's issue back"}


#: The steps a check or a rehearsal can prove, whose result the published site summarises.
PROVABLE_STEPS = ("click", "test", "ticket")


def proof_summaries(items: Iterable[ChecklistItem], checked_on: dt.date) -> list[dict[str, Any]]:
    """One line per provable step, for ``events.json``: what, by what, the result, and the build's date.

    Never a log, a traceback or a path: the summary is the checklist's own sentence.
    """
    summaries = []
    for item in items:
        if item.key not in PROVABLE_STEPS:
            continue
        if item.done_because:
            result, summary = "proven", item.done_because
        elif item.unverified_branch is not None:
            branch = f"branch `{item.unverified_branch}`" if item.unverified_branch else "the default branch"
            result, summary = "not proven", f"checked against the local copy; {branch} not verified"
        else:
            result, summary = "not proven", "not proven in this build"
        summaries.append(
            {
                "step": item.key,
                "what": item.title,
                "result": result,
                "proven_by": item.proven_by,
                "summary": summary,
                "checked_on": checked_on.isoformat(),
            }
        )
    return summaries


def build_checklist(
    event: Event | None,
    notice_days: int,
    evidence: Evidence | None = None,
    proofs: Mapping[str, str] | None = None,
) -> list[ChecklistItem]:
    """The checklist for an event, or the generic one (relative due dates) for ``None``.

    ``evidence`` is what this build's checks proved; ``proofs`` maps step keys to what proved them
    outside the metadata, such as a rehearsal on the hub or the hub team's issue read back (``ticket``).
    """
    items = []
    for step in STEPS:
        days = notice_days if step.notice_offset else step.offset_days
        due_text = _relative_text(days, step.from_end)
        due = None
        done_because = proven_by = approximated_because = None
        if event is not None:
            due = event.end + dt.timedelta(days=days) if step.from_end else event.start - dt.timedelta(days=days)
            done_because = step.proof(event, evidence or Evidence()) if step.proof else None
            proven_by = step.proven_by if done_because else None
            if done_because is None and step.key in (proofs or {}):
                done_because = (proofs or {})[step.key]
                proven_by = PROOF_SOURCES.get(step.key, REHEARSAL)
            if done_because is None and step.approximation:
                approximated_because = step.approximation(event, evidence or Evidence())
        unverified = (evidence or Evidence()).unverified_branch if step.key == "click" and not done_because else None
        items.append(
            ChecklistItem(
                step.key,
                step.phase,
                step.title,
                step.detail,
                due,
                due_text,
                done_because,
                proven_by,
                approximated_because,
                unverified,
            )
        )
    return items
