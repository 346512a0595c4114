"""``sphinx-event check`` on a mystmd (Jupyter Book 2) project: a folder with ``myst.yml``.

The same steps as for Sphinx, with the same functions: validate every event (all problems at their
option's line), prove each event's content link by pulling it, run the content in the environment it
declares, then write the site's event index and event files and run ``myst build --site --strict``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..content.environment import EnvironmentBuildError, EnvironmentSource, Installer, choose_environment
from ..content.environment_files import EnvironmentFileError
from ..content.pull import PullError, pull_content, verify_link
from ..content.results import FAILED
from ..content.sanitize import one_line
from ..content.select import select_notebooks
from ..model.event import Event
from ..myst.outputs import FOLDER, write_event_files
from ..myst.settings import site_settings, site_today
from ..myst.site_index import IndexedEvent, write_index
from ..plan.checklist import Evidence
from ..plan.links import LinkError, event_nbgitpuller_link
from .myst_project import CONFIG
from .scan import FoundEvent, scan
from .site import relative, report

#: Where to look for the ``myst`` command first (a test or CI names its npm folder), then the PATH.
MYST_ENV = "SPHINX_EVENT_MYST"
#: What mystmd prints when it cannot fetch the site theme (offline): the content is built all the same.
THEME_FAILURES = ("Querying template metadata", "getaddrinfo", "Could not find template", "template")
MYST_TIMEOUT = 900


def myst_command() -> str | None:
    named = os.environ.get(MYST_ENV)
    if named:
        return named
    return shutil.which("myst")


@dataclass
class Proven:
    """What the link and content checks proved about one event, and what stopped them."""

    evidence: Evidence
    notebooks: tuple[str, ...]
    problems: list[str]


def _content_root(project: Path, found: FoundEvent, event: Event) -> Path:
    if event.content_path:
        return found.path.parent / event.content_path
    if event.content_repo is None:
        raise PullError("the event has neither a content-path copy nor a content-repo to pull")
    return pull_content(event.content_repo, event.content_branch).path


def _candidates(project: Path, found: FoundEvent, event: Event):  # type: ignore[no-untyped-def]
    """Where the environment may be declared, as in the Sphinx check: environment repo, then the content."""
    if event.environment_repo:
        checkout = pull_content(event.environment_repo, event.environment_branch)
        yield checkout.path, EnvironmentSource("environment-repo", checkout.repo, checkout.branch, checkout.commit)
    if event.content_path:
        shown = Path(os.path.relpath(found.path.parent / event.content_path, project)).as_posix()
        yield (
            found.path.parent / event.content_path,
            EnvironmentSource("content-path", f"the content-path copy {shown}"),
        )
    elif event.content_repo:
        checkout = pull_content(event.content_repo, event.content_branch)
        yield checkout.path, EnvironmentSource("content-repo", checkout.repo, checkout.branch, checkout.commit)


def prove(project: Path, found: FoundEvent, event: Event, jobs: int, force: bool) -> Proven:
    """Pull and verify the event's hub link, then run its notebooks top to bottom."""
    config = site_settings()
    where = f"{relative(found.path)}:{found.line}"
    problems: list[str] = []
    links_checked = False
    if event.content_repo:
        try:
            verify_link(event_nbgitpuller_link(event))
            links_checked = True
        except (LinkError, PullError, OSError) as error:
            problems.append(f"{where}: content-repo: the hub link does not resolve: {one_line(str(error))}")
    if not event.has_content or problems:
        return Proven(Evidence(links_checked, False), (), problems)
    folder = project / "_build" / "events" / "execution"
    try:
        root = _content_root(project, found, event)
        notebooks = tuple(path.as_posix() for path in select_notebooks(root, event.notebooks))
        if config.environment_build:
            installer = Installer(index=config.environment_index, offline=config.environment_offline)
            environment = choose_environment(_candidates(project, found, event), None, installer)
        else:
            from ..content.environment import checker_environment

            environment = checker_environment(None, None, "event_environment_build is False")
        from ..content.execute import run_event_content

        run = run_event_content(
            root,
            event.notebooks,
            jobs=jobs or None,
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
        )
    except (EnvironmentBuildError, EnvironmentFileError, PullError, OSError, ValueError) as error:
        problems.append(f"{where}: the content of event {event.id!r} cannot be run: {one_line(str(error))}")
        return Proven(Evidence(links_checked, False), (), problems)
    for result in run.failed:
        problems.append(f"{where}: notebook {one_line(result.message)}")
    if run.changed_source:
        problems.append(f"{where}: content of event {event.id!r}: {run.changed_message}")
    ran = bool(run.results) and not run.to_json()["summary"].get(FAILED, 0) and not run.changed_source
    print(f"content of event {event.id!r}: {len(run.results)} notebook(s) in {run.duration:.1f} s", file=sys.stderr)
    return Proven(Evidence(links_checked, ran), notebooks, problems)


def _project_title(project: Path) -> str:
    """The project's title from ``myst.yml`` (the calendar's name), as ``project`` is in ``conf.py``."""
    import yaml

    try:
        data = yaml.safe_load((project / CONFIG).read_text("utf-8")) or {}
        title = (data.get("project") or {}).get("title")
    except (OSError, yaml.YAMLError, AttributeError):
        title = None
    return str(title) if title else "Events"


def build(project: Path, myst: str) -> tuple[int, str]:
    """``myst build --site --strict`` in the project; the plugin's ``python3`` is this one's."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
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
    problems: list[str] = []
    indexed: list[IndexedEvent] = []
    events: list[Event] = []
    for item in found:
        event = item.result.event
        if event is None:
            continue
        proven = prove(project, item, event, jobs, force)
        problems += proven.problems
        page = item.path.relative_to(project).as_posix()
        options = item.options
        indexed.append(IndexedEvent(page, item.line, item.title, options, proven.evidence, proven.notebooks))
        events.append(event)
    write_index(project, indexed)
    write_event_files(
        project / "_build" / "site" / "public" / FOLDER, events, site_settings(), site_today(), _project_title(project)
    )
    status, output = build(project, myst)
    errors = [line for line in output.splitlines() if "⛔" in line or "Site has" in line]
    for line in errors:
        print(one_line(line))
    for line in problems:
        print(line)
    if problems:
        print(f"sphinx-event check: {len(problems)} problem(s) proving the events", file=sys.stderr)
        return 1
    if status and not errors and any(marker in output for marker in THEME_FAILURES):
        print(
            "sphinx-event check: all events valid and proven; the page content was built in "
            f"{relative(project / '_build' / 'site' / 'content')}, but the site theme could not be fetched "
            "(offline?), so no HTML was made. Name a local theme folder in myst.yml (site: template: <path>) "
            "to build HTML here.",
            file=sys.stderr,
        )
        return 0
    if status:
        tail = "see the problems above" if errors else one_line(output.strip()[-400:])
        print(f"sphinx-event check: myst build failed; {tail}", file=sys.stderr)
        return 1
    print(f"sphinx-event check: all events valid, site built in {relative(project / '_build')}", file=sys.stderr)
    return 0
