"""What the check core reads and what it returns: plain, typed data, free of Sphinx.

The renderers build the inputs (:class:`EventSite`, :class:`LinkSite`, :class:`CheckSettings`) from their own
state; the core returns one frozen :class:`SiteCheck`, kept in the evidence store, so the command line reads the
same record from disk that the pages were drawn from.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.config import EventConfig
from ..model.event import Event
from ..plan.site_layout import event_file
from ..util.atomic import dumps, write_atomic
from .results import CACHED, EXPECTED_ERRORS, FAILED, PASSED
from .store import evidence_folder

RECORD_VERSION = 2  # 2: each event's last rehearsal and ticket, in one line each
_DEFAULTS = EventConfig()
ERROR, WARNING, INFO = "error", "warning", "info"

Key = tuple[str, str | None]


@dataclass(frozen=True)
class EventSite:
    """A valid event and where it is written: ``docname`` and ``lineno`` for messages, ``page`` the file whose
    folder a ``content-path`` is relative to."""

    event: Event
    docname: str
    page: Path
    lineno: int
    option_lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, option: str) -> int:
        """The line of an option, or the directive's line when the option is not written."""
        return dict(self.option_lines).get(option, self.lineno)

    @property
    def content_folder(self) -> Path | None:
        """The local copy of the content (``content-path``, beside the page), or None."""
        return self.page.parent / self.event.content_path if self.event.content_path else None


@dataclass(frozen=True)
class LinkSite:
    """A link into an event's content (a card button, a role, an ``event-links`` row): ``path`` inside the
    content, or None for the content folder."""

    event_id: str
    docname: str
    lineno: int
    kind: str
    path: str | None


@dataclass(frozen=True)
class EnvironmentSettings:
    """The ``event_environment_*`` options, with paths already made absolute from ``conf.py``'s folder."""

    build: bool = True
    index: str | None = None
    find_links: Path | None = None
    offline: bool = False
    channel_mirrors: tuple[tuple[str, str], ...] = ()
    python_policy: str = "exact"
    cache: Path | None = None


@dataclass(frozen=True)
class CheckSettings:
    """The ``event_*`` options the check needs, and the folders it reads and writes."""

    state_folder: Path  # the build's doctrees folder; the evidence store is inside it
    today: dt.date
    verify_links: bool = False
    execute: bool = False
    jobs: int | None = None
    timeout: int = _DEFAULTS.execute_timeout
    force: bool = False
    output_limit: int = _DEFAULTS.execute_output_limit
    execute_env: tuple[str, ...] = ()
    content_cache: Path | None = None
    environment: EnvironmentSettings = field(default_factory=EnvironmentSettings)
    protect: tuple[Path, ...] = ()  # folders a notebook must not change (the source)
    unprotected: tuple[Path, ...] = ()  # folders inside those it may (the build's output and state)


@dataclass(frozen=True)
class Finding:
    """A problem (or a note) the check found, at a page's line when it has one; the renderer reports it."""

    level: str
    subtype: str
    message: str
    docname: str | None = None
    lineno: int | None = None


@dataclass(frozen=True)
class Pull:
    """A branch the check pulled once, and where its copy is."""

    repo: str
    branch: str | None
    resolved_branch: str
    commit: str
    path: Path


@dataclass(frozen=True)
class LinkProof:
    """What an event's links were proven against: the repository nbgitpuller pulls (``local`` False), or the
    local ``content-path`` copy, whose branch was asked of the repository (``commit``) or could not be
    (``branch_verified`` False: "local copy only; branch not verified")."""

    links: int
    broken: int
    checked: bool  # whether this build checked them at all (a plain build skips pulled content)
    local: bool
    repo: str | None
    branch: str | None
    commit: str | None
    branch_verified: bool

    @property
    def proven(self) -> bool:
        """Every link resolved, against the repository the attendees' links name."""
        return self.checked and not self.broken and self.branch_verified

    @property
    def unverified(self) -> bool:
        """Every link resolved in the local copy, whose branch could not be verified."""
        return self.checked and not self.broken and not self.branch_verified


@dataclass(frozen=True)
class EventCheck:
    """One event's results: its links, its content run (the ``execution.json`` data with the environment used,
    None when it was not run), where the run's logs are (the evidence store) and where the published site
    carries its report (:attr:`report_file`)."""

    event_id: str
    has_content: bool
    content_path: str | None
    links: LinkProof
    execution: dict[str, Any] | None = None
    failures: int = 0
    logs: Path | None = None
    #: The one-line results of the event's last ``sphinx-event rehearse`` and ``ticket``, from their records in
    #: the evidence store (None when there is none for this event).
    rehearsal: str | None = None
    ticket: str | None = None

    def notebooks(self, *statuses: str) -> int:
        """How many notebooks ended in one of ``statuses``."""
        notebooks = (self.execution or {}).get("notebooks", [])
        return sum(notebook["status"] in statuses for notebook in notebooks)

    @property
    def ran(self) -> int:
        return self.notebooks(PASSED, EXPECTED_ERRORS)

    @property
    def cached(self) -> int:
        return self.notebooks(CACHED)

    @property
    def failed(self) -> int:
        return self.notebooks(FAILED)

    @property
    def cached_from(self) -> tuple[dt.date, ...]:
        """The days of the checks whose passes the cache gave (UTC), each once, in order."""
        notebooks = (self.execution or {}).get("notebooks", [])
        stamps = [notebook.get("ran_at") for notebook in notebooks if notebook["status"] == CACHED]
        days = {dt.datetime.fromisoformat(stamp).astimezone(dt.timezone.utc).date() for stamp in stamps if stamp}
        return tuple(sorted(days))

    @property
    def report_file(self) -> str | None:
        """Where the published site carries the content report (``execution.json``), relative to the output
        folder; None when the content was not run."""
        return event_file(self.event_id, "execution.json") if self.execution is not None else None

    @property
    def environment(self) -> dict[str, Any] | None:
        """The environment the notebooks ran in, as the report records it."""
        return (self.execution or {}).get("environment")


@dataclass(frozen=True)
class SiteCheck:
    """One check of a site: what was asked, each event's results, the branches asked for and their commits
    (None: the repository could not be reached), and every problem found."""

    checked: dt.date
    verify_links: bool
    execute: bool
    events: tuple[EventCheck, ...] = ()
    remotes: tuple[tuple[str, str | None, str | None], ...] = ()
    pulls: tuple[Pull, ...] = ()
    unpulled: tuple[Key, ...] = ()
    link_failures: int = 0
    execution_failures: int = 0
    findings: tuple[Finding, ...] = ()

    def event(self, event_id: str) -> EventCheck | None:
        return next((item for item in self.events if item.event_id == event_id), None)

    def pulled(self, repo: str, branch: str | None) -> Pull | None:
        """The copy this check pulled of ``repo`` at ``branch``, if it did."""
        return next((item for item in self.pulls if (item.repo, item.branch) == (repo, branch)), None)

    @property
    def resolved(self) -> dict[tuple[str, str | None], str | None]:
        """Every branch asked for, with its commit (None: unreachable)."""
        return {(repo, branch): commit for repo, branch, commit in self.remotes}

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": RECORD_VERSION,
            "checked": self.checked.isoformat(),
            "verify_links": self.verify_links,
            "execute": self.execute,
            "events": [_event_json(item) for item in self.events],
            "remotes": [list(remote) for remote in self.remotes],
            "pulls": [[p.repo, p.branch, p.resolved_branch, p.commit, str(p.path)] for p in self.pulls],
            "unpulled": [list(key) for key in self.unpulled],
            "link_failures": self.link_failures,
            "execution_failures": self.execution_failures,
            "findings": [_finding_json(item) for item in self.findings],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SiteCheck:
        return cls(
            checked=dt.date.fromisoformat(data["checked"]),
            verify_links=bool(data["verify_links"]),
            execute=bool(data["execute"]),
            events=tuple(_event_from(item) for item in data["events"]),
            remotes=tuple((str(repo), branch, commit) for repo, branch, commit in data["remotes"]),
            pulls=tuple(Pull(r, b, str(rb), str(c), Path(p)) for r, b, rb, c, p in data["pulls"]),
            unpulled=tuple((str(repo), branch) for repo, branch in data["unpulled"]),
            link_failures=int(data["link_failures"]),
            execution_failures=int(data["execution_failures"]),
            findings=tuple(Finding(**item) for item in data["findings"]),
        )


def _event_json(item: EventCheck) -> dict[str, Any]:
    links = item.links
    return {
        "event_id": item.event_id,
        "has_content": item.has_content,
        "content_path": item.content_path,
        "links": {
            "links": links.links,
            "broken": links.broken,
            "checked": links.checked,
            "local": links.local,
            "repo": links.repo,
            "branch": links.branch,
            "commit": links.commit,
            "branch_verified": links.branch_verified,
        },
        "execution": dict(item.execution) if item.execution is not None else None,
        "failures": item.failures,
        "logs": str(item.logs) if item.logs else None,
        "rehearsal": item.rehearsal,
        "ticket": item.ticket,
    }


def _event_from(data: Mapping[str, Any]) -> EventCheck:
    return EventCheck(
        event_id=str(data["event_id"]),
        has_content=bool(data["has_content"]),
        content_path=data["content_path"],
        links=LinkProof(**data["links"]),
        execution=data["execution"],
        failures=int(data["failures"]),
        logs=Path(data["logs"]) if data["logs"] else None,
        rehearsal=data["rehearsal"],
        ticket=data["ticket"],
    )


def _finding_json(item: Finding) -> dict[str, Any]:
    return {
        "level": item.level,
        "subtype": item.subtype,
        "message": item.message,
        "docname": item.docname,
        "lineno": item.lineno,
    }


def record_path(state_folder: str | Path) -> Path:
    """Where the last check's record is, in the evidence store."""
    return evidence_folder(state_folder) / "site-check.json"


def write_record(state_folder: str | Path, check: SiteCheck) -> None:
    """Keep the check's record, written atomically."""
    write_atomic(record_path(state_folder), dumps(check.to_json()))


def read_record(state_folder: str | Path) -> SiteCheck | None:
    """The last check's record; None when there is none, or one this version cannot read."""
    try:
        data = json.loads(record_path(state_folder).read_text("utf-8"))
        if data.get("schema_version") != RECORD_VERSION:
            return None
        return SiteCheck.from_json(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
