"""``sphinx-event check`` on a mystmd (Jupyter Book 2) project: a folder with ``myst.yml``.

The same steps as for Sphinx, with the same functions: validate every event (all problems at their
option's line), prove every link into event content (the card's, the roles', ``event-links``'), run
the content in the environment it declares, then write the site's event index and event files and
run ``myst build --site --strict``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.check_record import EventSite
from ..content.content_source import content_and_commit, environment_candidates
from ..content.environment import (
    EnvironmentBuildError,
    Installer,
    KernelEnvironment,
    checker_environment,
    choose_environment,
)
from ..content.environment_files import EnvironmentFileError
from ..content.pull import PullError
from ..content.pulls import Pulls
from ..content.results import FAILED
from ..content.sanitize import one_line
from ..content.select import select_notebooks
from ..model.event import Event
from ..myst.outputs import SITE_FILES, write_event_files
from ..myst.settings import site_settings, site_today
from ..myst.site_index import IndexedEvent, write_index
from ..plan.checklist import Evidence
from ..plan.links import LinkError
from ..plan.timing import late_notice_advice, notice
from .myst_links import LinkProver, PageLink, page_links
from .myst_project import CONFIG
from .scan import FoundEvent, markdown_files, scan
from .site import relative, report

#: Where to look for the ``myst`` command first (a test or CI names its npm folder), then the PATH.
MYST_ENV = "SPHINX_EVENT_MYST"
#: What mystmd prints when it cannot fetch the site theme (offline): the content is built all the same.
THEME_FAILURES = ("Querying template metadata", "api.mystmd.org/templates", "Could not find template")
MYST_TIMEOUT = 900


def myst_command() -> str | None:
    return os.environ.get(MYST_ENV) or shutil.which("myst")


@dataclass
class Proof:
    """What the checks proved about one event, and what they found wrong (``FILE:LINE: ...`` lines)."""

    links: int = 0
    links_failed: int = 0
    content_checked: bool = False
    notebooks: tuple[str, ...] = ()
    problems: list[str] = field(default_factory=list)
    #: The content check's report, as ``_events/<id>/execution.json`` holds it (the Sphinx check's shape).
    report: dict[str, Any] | None = None

    @property
    def evidence(self) -> Evidence:
        return Evidence(links_checked=bool(self.links) and not self.links_failed, content_checked=self.content_checked)


def _links_of(project: Path, found: list[FoundEvent]) -> Iterator[tuple[Path, PageLink, FoundEvent | None]]:
    """Every content link of the project with the event it links to (``None`` when there is none)."""
    by_id = {item.result.event.id: item for item in found if item.result.event is not None}
    first_on_page: dict[Path, FoundEvent] = {}
    for item in found:
        if item.result.event is not None:
            first_on_page.setdefault(item.path, item)
    for item in first_on_page.values():
        if item.result.event is not None and item.result.event.content_repo:
            yield item.path, PageLink(item.line, "card", None, None), item
    for path, _ in markdown_files([project]):
        text = path.read_text("utf-8")
        if not any(f"{{{name}}}" in text for name in ("nbgitpuller", "binder", "event-links")):
            continue
        for link in page_links(text):
            owner = by_id.get(link.event_id) if link.event_id else first_on_page.get(path)
            yield path, link, owner


def prove_links(project: Path, found: list[FoundEvent], proofs: dict[str, Proof]) -> list[str]:
    """Prove each link where it resolves (the ``content-path`` copy, else the pulled branch); the problems
    of links with no event to link to are returned, the others are counted in the event's proof."""
    prover, orphans = LinkProver(), []
    for path, link, owner in _links_of(project, found):
        where = f"{relative(path)}:{link.line}"
        if owner is None or owner.result.event is None:
            named = f"no valid event with id {link.event_id!r}" if link.event_id else "the page has no valid event"
            orphans.append(f"{where}: {link.kind}: {named} to link to")
            continue
        event = owner.result.event
        proof = proofs[event.id]
        proof.links += 1
        try:
            prover.prove(event, owner.path, link.target)
        except (LinkError, PullError, OSError) as error:
            proof.links_failed += 1
            proof.problems.append(f"{where}: {link.kind}: {one_line(str(error))}")
    return orphans


def late_notices(valid: list[tuple[FoundEvent, Event]]) -> list[str]:
    """The notice rule, as the Sphinx check applies it (a warning there, which ``-W`` makes fail)."""
    config, today = site_settings(), site_today()
    problems = []
    for item, event in valid:
        verdict = notice(event, today, config.notice_days)
        if verdict.warn:
            advice = late_notice_advice(event, verdict, config.notice_days, today)
            problems.append(f"{relative(item.path)}:{item.line}: event {event.id!r} starts on {event.start}: {advice}")
    return problems


def _site(found: FoundEvent, event: Event) -> EventSite:
    """The event as the check core reads it: the event, its page and the lines of its options."""
    return EventSite(event, found.docname, found.path, found.line, tuple(found.options_at.items()))


def _environment(project: Path, site: EventSite, pulls: Pulls) -> KernelEnvironment:
    """The environment the Sphinx check would build, from the same candidates (environment repo, then content)."""
    config = site_settings()
    if not config.environment_build:
        return checker_environment(None, None, "event_environment_build is False")
    installer = Installer(index=config.environment_index, offline=config.environment_offline)
    return choose_environment(environment_candidates(site, pulls, project), None, installer)


def run_content(
    project: Path, found: FoundEvent, event: Event, proof: Proof, jobs: int, force: bool, pulls: Pulls
) -> None:
    """Run the event's notebooks top to bottom with the Sphinx check's runner, in the environment it declares;
    ``pulls`` pulls each repository once for the whole check."""
    config = site_settings()
    where = f"{relative(found.path)}:{found.line}"
    folder = project / "_build" / "events" / "execution"
    site = _site(found, event)
    try:
        root, commit = content_and_commit(site, pulls)
        proof.notebooks = tuple(path.as_posix() for path in select_notebooks(root, event.notebooks))
        environment = _environment(project, site, pulls)
        for warning in environment.warnings:
            print(f"{where}: environment: {one_line(warning)}", file=sys.stderr)
        from ..content.execute import run_event_content

        run = run_event_content(
            root,
            event.notebooks,
            jobs=jobs or config.execute_jobs or None,
            timeout=event.timeout or config.execute_timeout,
            kernel_name=event.kernel,
            allow_errors=event.allow_errors,
            cache_dir=folder / "cache",
            force=force,
            log_dir=folder / "logs" / event.id,
            compare_outputs=event.compare_outputs,
            output_limit=config.execute_output_limit,
            protect=[project],
            unprotected=[project / "_build"],
            kernel_argv=environment.kernel_argv,
            module_hint=environment.missing_module_hint,
            proven_against=commit,
        )
    except (EnvironmentBuildError, EnvironmentFileError, PullError, OSError, ValueError) as error:
        proof.problems.append(f"{where}: the content of event {event.id!r} cannot be run: {one_line(str(error))}")
        return
    for pattern in run.unmatched_globs:
        proof.problems.append(f"{where}: notebooks: {one_line(repr(pattern))} matches no notebook")
    for result in run.failed:
        proof.problems.append(f"{where}: notebook {one_line(result.message)}")
    if run.changed_source:
        proof.problems.append(f"{where}: content of event {event.id!r}: {run.changed_message}")
    proof.report = {**run.to_json(), "environment": environment.to_json()}
    summary = proof.report["summary"]
    proof.content_checked = bool(run.results) and not summary.get(FAILED, 0) and not run.changed_source
    print(f"content of event {event.id!r}: {len(run.results)} notebook(s) in {run.duration:.1f} s", file=sys.stderr)


def _project_title(project: Path) -> str:
    """The project's title from ``myst.yml`` (the calendar's name), as ``project`` is in ``conf.py``."""
    import yaml

    try:
        data = yaml.safe_load((project / CONFIG).read_text("utf-8")) or {}
        title = (data.get("project") or {}).get("title")
    except (OSError, yaml.YAMLError, AttributeError):
        title = None
    return str(title) if title else "Events"


def myst_build(project: Path, myst: str) -> tuple[int, str]:
    """``myst build --site --strict`` in the project; the plugin's ``python3`` is this one's."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        done = subprocess.run(
            [myst, "build", "--site", "--strict"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=MYST_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return 1, f"⛔ myst build could not run: {error}"
    return done.returncode, done.stdout + done.stderr


def run_myst_check(project: Path, jobs: int = 0, force: bool = False) -> int:
    """The check of a mystmd project; exit 0 when every event is valid and proven and the build passed."""
    myst = myst_command()
    if myst is None:
        print(
            "sphinx-event check: error: this is a mystmd project (myst.yml) and the `myst` command was not found; "
            "install it with: npm install -g mystmd (or pip install mystmd)",
            file=sys.stderr,
        )
        return 2
    found = scan([project], ids_from_titles=True)
    lines = report(found)
    for line in lines:
        print(line)
    if lines:
        print(f"sphinx-event check: {len(lines)} problem(s) in event metadata; not building", file=sys.stderr)
        return 1
    valid = [(item, item.result.event) for item in found if item.result.event is not None]
    proofs = {event.id: Proof() for _, event in valid}
    problems = late_notices(valid)
    problems += prove_links(project, found, proofs)
    pulls = Pulls(None, lambda line: print(line, file=sys.stderr, flush=True))
    for item, event in valid:
        if event.has_content and not proofs[event.id].links_failed:
            run_content(project, item, event, proofs[event.id], jobs, force, pulls)
        problems += proofs[event.id].problems
    indexed = [
        IndexedEvent(
            item.path.relative_to(project).as_posix(),
            item.line,
            item.title,
            item.options,
            proofs[event.id].evidence,
            proofs[event.id].notebooks,
        )
        for item, event in valid
    ]
    write_index(project, indexed)
    outputs = project / SITE_FILES
    events = [event for _, event in valid]
    reports = {event_id: proof.report for event_id, proof in proofs.items() if proof.report is not None}
    evidence = {event_id: proof.evidence for event_id, proof in proofs.items()}
    write_event_files(outputs, events, site_settings(), site_today(), _project_title(project), reports, evidence)
    status, output = myst_build(project, myst)
    # mystmd prints each error as it happens and again in its summary: once is enough.
    errors = list(dict.fromkeys(one_line(line.strip()) for line in output.splitlines() if "⛔" in line))
    for line in [*errors, *problems]:
        print(line)
    if problems:
        print(f"sphinx-event check: {len(problems)} problem(s) proving the events", file=sys.stderr)
        return 1
    if status and not errors and any(marker in output for marker in THEME_FAILURES):
        print(
            "sphinx-event check: all events valid and proven, and mystmd built every page's content into "
            f"{relative(project / '_build' / 'site' / 'content')} with --strict; the site theme could not be "
            "fetched (no web here?), so no HTML was made. Name a local theme folder in myst.yml "
            "(site: template: <path>) to build HTML offline.",
            file=sys.stderr,
        )
        return 0
    if status:
        tail = "see the problems above" if errors else one_line(output.strip()[-400:])
        print(f"sphinx-event check: myst build failed; {tail}", file=sys.stderr)
        return 1
    print(
        f"sphinx-event check: all events valid and proven, site built in {relative(project / '_build')}",
        file=sys.stderr,
    )
    return 0
