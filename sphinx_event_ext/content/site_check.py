"""The check core: one call proves a site's links and runs its content, and returns one :class:`SiteCheck`.

Free of Sphinx: the Sphinx glue and the command line both consume it, the glue by calling it once per build
and drawing the pages from its result, the command line by reading the record it keeps in the evidence store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from .check_record import (
    CheckSettings,
    EventCheck,
    EventSite,
    Finding,
    LinkSite,
    SiteCheck,
    write_record,
)
from .content_run import run_content
from .link_proof import prove_links
from .live_progress import Write
from .pulls import Pulls
from .store import execution_folder


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
