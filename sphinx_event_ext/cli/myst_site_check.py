"""The check core (``content/site_check.py``) on a mystmd project: its inputs from the scanned pages, and what its
one :class:`SiteCheck` means for the project (problem lines, each event's evidence and notebooks for the index).

The state folder is ``<project>/_build/events/``, beside mystmd's own output (``_build/site``, the published
site, which never holds evidence), and the evidence store is inside it as in a Sphinx build's doctrees::

    _build/events/
        site-index.json                 what the plugin reads during ``myst build`` (myst/site_index.py)
        event-evidence/
            site-check.json             the check's record (content/check_record.py)
            execution/cache/<key>.json  a notebook's pass, reused by the next check
            execution/logs/<event>/     a failure's full traceback
            rehearsals/, tickets/       the records of ``rehearse`` and ``ticket`` the summary names
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..content.check_evidence import evidence_of
from ..content.check_record import ERROR, INFO, WARNING, CheckSettings, EventSite, Finding, LinkSite, SiteCheck
from ..content.check_settings import check_settings
from ..content.live_progress import terminal
from ..content.store import myst_state_folder
from ..model.event import Event
from ..myst.settings import site_settings, site_today
from ..myst.site_index import IndexedEvent
from ..util.sanitize import one_line
from .scan import FoundEvent
from .site import relative


def _site(found: FoundEvent, event: Event) -> EventSite:
    """The event as the check core reads it: the event, its page and the lines of its options."""
    return EventSite(event, found.docname, found.path, found.line, tuple(found.options_at.items()))


def _settings(project: Path, jobs: int, force: bool) -> CheckSettings:
    """The site's settings (mystmd has no ``conf.py``: the defaults), with links verified and content run, as
    ``sphinx-event check`` asks of a Sphinx build, and the command line's ``--jobs`` and ``--force``."""
    settings = check_settings(
        site_settings(),
        project,
        myst_state_folder(project),
        site_today(),
        protect=(project,),
        unprotected=(project / "_build",),
    )
    return replace(settings, verify_links=True, execute=True, jobs=jobs or settings.jobs, force=force)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def located(project: Path, finding: Finding) -> list[str]:
    """``FILE:LINE: message``, a message of several lines (a traceback's tail) one sanitized line each."""
    first, *rest = finding.message.splitlines() or [""]
    if finding.docname is None:
        where = ""
    else:
        page = relative(project / f"{finding.docname}.md")
        where = f"{page}:{finding.lineno}: " if finding.lineno is not None else f"{page}: "
    return [f"{where}{one_line(first)}", *(one_line(line) for line in rest)]


def _information(project: Path) -> Callable[[Finding], None]:
    """Information is said as it is found (an environment used, a branch not verified); problems wait for the
    build's output, after which they are printed one per finding."""

    def report(finding: Finding) -> None:
        if finding.level == INFO:
            for line in located(project, finding):
                _say(line)

    return report


def check_events(
    project: Path, valid: list[tuple[FoundEvent, Event]], links: list[LinkSite], jobs: int, force: bool
) -> SiteCheck:
    """Prove the links and run the content with the check core, once, as a Sphinx build does; the record is
    kept in the state folder's evidence store."""
    from ..content.site_check import check_site  # the pulls and the runner load only for a check

    return check_site(
        project,
        [_site(item, event) for item, event in valid],
        links,
        _settings(project, jobs, force),
        _say,
        terminal=terminal(),
        report=_information(project),
    )


def problem_lines(project: Path, check: SiteCheck) -> list[str]:
    """Every error and warning of the check (a Sphinx check fails on both, with ``-W``); information is not one."""
    lines = []
    for finding in check.findings:
        if finding.level in (ERROR, WARNING):
            lines.extend(located(project, finding))
    return lines


def problem_count(check: SiteCheck) -> int:
    return sum(finding.level in (ERROR, WARNING) for finding in check.findings)


def indexed_events(project: Path, valid: list[tuple[FoundEvent, Event]], check: SiteCheck) -> list[IndexedEvent]:
    """The site index the plugin reads: each event with what the check proved and the notebooks it ran."""
    indexed = []
    for item, event in valid:
        checked = check.event(event.id)
        notebooks = (checked.execution or {}).get("notebooks", []) if checked else []
        indexed.append(
            IndexedEvent(
                item.path.relative_to(project).as_posix(),
                item.line,
                item.title,
                item.options,
                evidence_of(checked),
                tuple(str(notebook["path"]) for notebook in notebooks),
            )
        )
    return indexed
