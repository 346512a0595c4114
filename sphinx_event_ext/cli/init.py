"""``sphinx-event init``: a new event site that passes ``nox -s check`` straight away.

The site's nox sessions install the sphinx-event-ext that ran ``init`` (a release, or the
folder or git URL it was installed from), so the site works before and after a release.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from ..model.config import resolve_today
from ..model.validate import parse_event
from ..plan.notify import DEFAULT_ISSUE_REPO, DEFAULT_SUPPORT_EMAIL, PROVIDER_DOMAIN, is_provider_hub
from ..plan.templates import render_page, render_site
from ..util.atomic import write_atomic
from ..util.install_source import DISTRIBUTION, InstallSource, install_source

EXAMPLE_ID = "example-workshop"
#: The example event starts this many days after ``init``, and records the hub team as told on that day,
#: so the notice rule never fails the new site's check.
EXAMPLE_LEAD_DAYS = 56
EXAMPLE_HUB = "https://hub.example.org"


def example_values(today: dt.date, hub: str = EXAMPLE_HUB) -> dict[str, str]:
    """The example event: two days on a placeholder hub, its content (one notebook) beside the page."""
    start = today + dt.timedelta(days=EXAMPLE_LEAD_DAYS)
    return {
        "title": "Example workshop",
        "id": EXAMPLE_ID,
        "hub": hub,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(days=1)).isoformat(),
        "active_hours": "09:00-17:00",
        "timezone": "America/Denver",
        "attendees": "30",
        "content_path": EXAMPLE_ID,
        "notified": today.isoformat(),
        "contact": "Your Name <you@example.org>",
        "description": "An example event made by sphinx-event init: replace it with your own, "
        "or keep it as a model and add events with sphinx-event new.",
    }


def _git(folder: str, *args: str) -> str | None:
    """A git command's output in ``folder``, or None when it is no git checkout (or git is missing)."""
    try:
        done = subprocess.run(["git", "-C", folder, *args], capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def site_source(source: InstallSource) -> tuple[InstallSource, str | None]:
    """What the new site installs, and a warning when that works on this machine only.

    A local folder that is a git checkout with a remote on another machine becomes that remote at the
    checkout's commit, which works wherever the site is cloned (once the commit is pushed); any other folder
    stays an absolute path."""
    if source.kind != "folder":
        return source, None
    remote = None
    names = (_git(source.location, "remote") or "").split()
    if names:
        remote = _git(source.location, "remote", "get-url", "origin" if "origin" in names else names[0])
    commit = _git(source.location, "rev-parse", "HEAD")
    # A remote given as a folder path (a clone of a local clone) works here only, as the folder does.
    portable = remote is not None and (remote.startswith("git@") or "://" in remote)
    if remote and commit and portable:
        return InstallSource("git", f"git+{remote}@{commit}", repository=remote, revision=commit), None
    return source, (
        f"the new site installs sphinx-event-ext from the folder {source.location} (as this one was installed): "
        "its noxfile, pre-commit hook and workflow work on this machine only. To make a site that works "
        "anywhere, install sphinx-event-ext from a git URL or a release, then run init again"
    )


def _hook(source: InstallSource, version: str) -> tuple[str, str]:
    """The pre-commit repository and revision that hold the ``sphinx-event-validate`` hook: the same source as
    the noxfile's."""
    if source.kind == "git" and source.repository and source.revision:
        return source.repository, source.revision
    if source.kind == "folder":
        commit = _git(source.location, "rev-parse", "HEAD")
        if commit:
            return source.location, commit
    # The release's tag in the project's repository, named in pyproject.toml's [project.urls].
    urls = dict(item.split(", ", 1) for item in metadata.metadata(DISTRIBUTION).get_all("Project-URL") or [])
    return urls["Source"], f"v{version}"


def site_files(project: str, source: InstallSource, today: dt.date, hub: str = EXAMPLE_HUB) -> dict[str, str | bytes]:
    """Every file of the new site, the example event page included, by its relative path."""
    version = metadata.version(DISTRIBUTION)
    repository, revision = _hook(source, version)
    note = {"release": f"release {version}", "folder": "a local folder", "git": "a git URL", "archive": "an archive"}
    files = render_site(
        {
            "project": project,
            "install_check": source.install_args("check"),
            "install_base": source.install_args(),
            "source_note": f"installed from {note[source.kind]}",
            "hook_repository": repository,
            "hook_revision": revision,
            "provider_hub": is_provider_hub(hub),
            "provider_domain": PROVIDER_DOMAIN,
            "support_email": DEFAULT_SUPPORT_EMAIL,
            "issue_repo": DEFAULT_ISSUE_REPO,
        }
    )
    page = f"docs/events/{EXAMPLE_ID}.md"
    files[page] = render_page("workshop", example_values(today, hub))
    return files


def hub_problem(hub: str, today: dt.date) -> str | None:
    """Why ``hub`` cannot be an event's hub, as the event directive would say it, or None."""
    values = {key: value for key, value in example_values(today, hub).items() if key not in ("title", "description")}
    options = {key.replace("_", "-"): value for key, value in values.items()}
    problems = parse_event("Example workshop", options, default_id=EXAMPLE_ID).problems
    return next((problem.message for problem in problems if problem.option == "hub"), None)


def _hub(args: argparse.Namespace, today: dt.date) -> str:
    """``--hub``, else the answer in a terminal (asked again until it is a hub's address), else the example hub."""
    if args.hub:
        return str(args.hub).strip()
    if not sys.stdin.isatty():
        return EXAMPLE_HUB
    while True:
        answer = input(f"hub (the address of the JupyterHub your events use) [{EXAMPLE_HUB}]: ").strip() or EXAMPLE_HUB
        problem = hub_problem(answer, today)
        if problem is None:
            return answer
        print(f"hub: {problem}; please type it again", file=sys.stderr)


def run_init(args: argparse.Namespace) -> int:
    """Create the site skeleton and its example event in an empty or new folder."""
    folder: Path = args.folder
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        print(f"sphinx-event init: error: {folder} is not an empty folder; choose a new one", file=sys.stderr)
        return 2
    blocking = next((parent for parent in folder.parents if parent.exists() and not parent.is_dir()), None)
    if blocking is not None:
        print(f"sphinx-event init: error: {blocking} is a file, not a folder; choose a new folder", file=sys.stderr)
        return 2
    project = args.project or folder.resolve().name
    today = resolve_today(None)
    hub = _hub(args, today)
    problem = hub_problem(hub, today)
    if problem:
        print(f"sphinx-event init: error: --hub: {problem}", file=sys.stderr)
        return 2
    source, warning = site_source(install_source())
    if warning:
        print(f"sphinx-event init: warning: {warning}", file=sys.stderr)
    if args.engine == "myst":
        from .init_myst import PLUGIN_FILE, myst_site_files

        files = myst_site_files(project, source, EXAMPLE_ID, example_values(today, hub))
    else:
        files = site_files(project, source, today, hub)
    try:
        for relative, content in files.items():
            write_atomic(folder / relative, content)
    except OSError as error:
        print(
            f"sphinx-event init: error: cannot write the site in {folder}: {error.strerror or error}", file=sys.stderr
        )
        return 2
    if args.engine == "myst":
        (folder / PLUGIN_FILE).chmod(0o755)  # mystmd runs the plugin's file itself
    print(f"sphinx-event init: made {len(files)} files in {folder}; next: cd {folder} && nox -s check", file=sys.stderr)
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``init``."""
    init = subparsers.add_parser(
        "init",
        help="create an event site with an example event that passes the check",
        description="Create a new Sphinx site for events in an empty folder: conf.py, an index, an example event "
        "with a notebook, a noxfile with 'nox -s check', a pre-commit hook and a GitHub Actions workflow. It "
        "passes 'sphinx-event check' as it is; replace the example with your own events ('sphinx-event new').",
    )
    init.add_argument("folder", type=Path, metavar="DIR", help="the new site's folder (created; must be empty)")
    init.add_argument("--project", help="the site's name (default: the folder's name)")
    init.add_argument(
        "--hub",
        metavar="URL",
        help=f"the JupyterHub your events use (asked for in a terminal; default: {EXAMPLE_HUB}). The hub "
        f"provider's support address and event issue form are written into conf.py only for its own hubs "
        f"(*.{PROVIDER_DOMAIN}); for any other hub they are left commented out, for your hub team's",
    )
    init.add_argument(
        "--engine",
        choices=("sphinx", "myst"),
        default="sphinx",
        help="sphinx (conf.py) or myst: a Jupyter Book 2 / mystmd project (myst.yml) using the event plugin",
    )
    init.set_defaults(func=run_init)
    return init
