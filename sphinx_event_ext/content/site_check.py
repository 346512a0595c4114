"""The check core: one call proves a site's links and runs its content, and returns one :class:`SiteCheck`.

Free of Sphinx: the Sphinx glue and the command line both consume it, the glue by calling it once per build
and drawing the pages from its result, the command line by reading the record it keeps in the evidence store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from ..util.sanitize import one_line
from .check_record import (
    CheckSettings,
    EventCheck,
    EventSite,
    Finding,
    LinkSite,
    SiteCheck,
    write_record,
)
from .link_proof import prove_links
from .live_progress import Write
from .pulls import Pulls
from .rehearsal_record import read_rehearsal, read_ticket
from .store import execution_folder


def _summary(record: Mapping[str, Any] | None, event_id: str) -> str | None:
    """A ``rehearse`` or ``ticket`` record's one-line result, when the record is this event's and has one."""
    if record is None or record.get("event") != event_id or not isinstance(record.get("summary"), str):
        return None
    return one_line(record["summary"])[:300]


def check_site(
    source: Path,
    events: Sequence[EventSite],
    links: Sequence[LinkSite],
    settings: CheckSettings,
    write: Write,
    *,
    terminal: TextIO | None = None,
    report: Callable[[Finding], None] | None = None,
    keep: bool = True,
) -> SiteCheck:
    """Prove ``links`` (every one into a local copy; with ``verify_links``, those into pulled content and each
    copy's branch too) and, with ``execute``, run every event's notebooks. Each repository is pulled once and said
    once through ``write``; progress is live on ``terminal`` when there is one. Each problem goes to ``report`` as
    it is found, and into the result. With ``keep``, the result is written into the evidence store."""
    findings: list[Finding] = []

    def found(finding: Finding) -> None:
        findings.append(finding)
        if report is not None:
            report(finding)

    pulls = Pulls(settings.content_cache, write, terminal)
    proved = prove_links(events, links, pulls, settings.verify_links, found)
    checks = []
    execution_failures = 0
    for site in events:
        event = site.event
        execution, failures = None, 0
        skipped = site.content_folder is None and (event.content_repo, event.content_branch) in proved.unpulled
        # Content that cannot be pulled is one problem, reported and counted by the link proof.
        if settings.execute and event.has_content and not skipped:
            from .content_run import run_content  # environments and kernels load only for content to run

            execution, failures = run_content(site, settings, pulls, source, write, terminal, found)
        execution_failures += failures
        checks.append(
            EventCheck(
                event_id=event.id,
                has_content=event.has_content,
                content_path=event.content_path,
                links=proved.proofs[event.id],
                execution=execution,
                failures=failures,
                logs=execution_folder(settings.state_folder) / "logs" / event.id if execution else None,
                rehearsal=_summary(read_rehearsal(settings.state_folder, event.id), event.id),
                ticket=_summary(read_ticket(settings.state_folder, event.id), event.id),
            )
        )
    check = SiteCheck(
        checked=settings.today,
        verify_links=settings.verify_links,
        execute=settings.execute,
        events=tuple(checks),
        remotes=tuple((repo, branch, commit) for (repo, branch), commit in pulls.remotes.items()),
        pulls=pulls.record(),
        unpulled=tuple(proved.unpulled),
        link_failures=proved.failures,
        execution_failures=execution_failures,
        findings=tuple(findings),
    )
    if keep:
        write_record(settings.state_folder, check)
    return check
