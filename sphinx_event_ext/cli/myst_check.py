"""``sphinx-event check`` on a mystmd (Jupyter Book 2) project: a folder with ``myst.yml``.

The same steps as for Sphinx, with the same functions: validate every event (all problems at their
option's line), prove every link into event content (the card's, the roles', ``event-links``') and run
the content with the check core, once (``myst_site_check.py``, which names the state folder), then write
the site's event index and event files, run ``myst build --site --strict`` and say what was proven.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..content.check_summary import summary_lines
from ..model.event import Event
from ..myst.outputs import SITE_FILES, write_event_files
from ..myst.settings import site_settings, site_today
from ..myst.site_index import write_index
from ..plan.timing import late_notice_advice, notice
from ..util.sanitize import one_line
from .myst_links import project_links
from .myst_project import CONFIG
from .myst_site_check import check_events, indexed_events, located, problem_count, problem_lines
from .scan import FoundEvent, scan
from .site import relative, report

#: Where to look for the ``myst`` command first (a test or CI names its npm folder), then the PATH.
MYST_ENV = "SPHINX_EVENT_MYST"
#: What mystmd prints when it cannot fetch the site theme (offline): the content is built all the same.
THEME_FAILURES = ("Querying template metadata", "api.mystmd.org/templates", "Could not find template")
MYST_TIMEOUT = 900


def myst_command() -> str | None:
    return os.environ.get(MYST_ENV) or shutil.which("myst")


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
    """The check of a mystmd project; exit 0 when every event is valid, the check found no problem (information,
    such as a branch not verified, is none) and the build passed."""
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
    links = project_links(project, found)
    problems = late_notices(valid)
    problems += [line for orphan in links.orphans for line in located(project, orphan)]
    check = check_events(project, valid, links.links, jobs, force)
    indexed = indexed_events(project, valid, check)
    write_index(project, indexed)
    events = [event for _, event in valid]
    reports = {item.event_id: item.execution for item in check.events if item.execution is not None}
    evidence = {event.id: item.evidence for event, item in zip(events, indexed, strict=True)}
    outputs = project / SITE_FILES
    write_event_files(outputs, events, site_settings(), site_today(), _project_title(project), reports, evidence)
    status, output = myst_build(project, myst)
    # mystmd prints each error as it happens and again in its summary: once is enough.
    errors = list(dict.fromkeys(one_line(line.strip()) for line in output.splitlines() if "⛔" in line))
    for line in [*errors, *problems, *problem_lines(project, check)]:
        print(line)
    for line in summary_lines(check):
        print(line, file=sys.stderr)
    failed = len(problems) + problem_count(check)
    if failed:
        print(f"sphinx-event check: {failed} problem(s) proving the events", file=sys.stderr)
        return 1
    if status and not errors and any(marker in output for marker in THEME_FAILURES):
        print(
            "sphinx-event check: passed, and mystmd built every page's content into "
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
        f"sphinx-event check: passed; site built in {relative(project / '_build')}",
        file=sys.stderr,
    )
    return 0
