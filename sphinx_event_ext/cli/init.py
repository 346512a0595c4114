"""``sphinx-event init``: a new event site that passes ``nox -s check`` straight away.

The site's nox sessions install the sphinx-event-ext that ran ``init`` (a release, or the
folder or git URL it was installed from), so the site works before and after a release.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from importlib import metadata
from pathlib import Path

from ..model.config import resolve_today
from ..plan.templates import render_page, render_site
from ..util.atomic import write_atomic
from ..util.install_source import DISTRIBUTION, InstallSource, install_source

EXAMPLE_ID = "example-workshop"
#: The example event starts this many days after ``init``, and records the hub team as told on that day,
#: so the notice rule never fails the new site's check.
EXAMPLE_LEAD_DAYS = 56


def example_values(today: dt.date) -> dict[str, str]:
    """The example event: two days on a placeholder hub, its content (one notebook) beside the page."""
    start = today + dt.timedelta(days=EXAMPLE_LEAD_DAYS)
    return {
        "title": "Example workshop",
        "id": EXAMPLE_ID,
        "hub": "https://hub.example.org",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(days=1)).isoformat(),
        "active_hours": "09:00-17:00",
        "timezone": "America/Denver",
        "attendees": "30",
        "content_path": EXAMPLE_ID,
        "notified": today.isoformat(),
        "contact": "Your Name <you@example.org>",
        "description": "An example event made by `sphinx-event init`: replace it with your own, "
        "or keep it as a model and add events with `sphinx-event new`.",
    }


def _hook(source: InstallSource, version: str) -> tuple[str, str]:
    """The pre-commit repository and revision that hold the ``sphinx-event-validate`` hook."""
    if source.kind == "git" and source.repository and source.revision:
        return source.repository, source.revision
    # The release's tag in the project's repository, named in pyproject.toml's [project.urls].
    urls = dict(item.split(", ", 1) for item in metadata.metadata(DISTRIBUTION).get_all("Project-URL") or [])
    return urls["Source"], f"v{version}"


def site_files(project: str, source: InstallSource, today: dt.date) -> dict[str, str | bytes]:
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
        }
    )
    page = f"docs/events/{EXAMPLE_ID}.md"
    files[page] = render_page("workshop", example_values(today))
    return files


def run_init(args: argparse.Namespace) -> int:
    """Create the site skeleton and its example event in an empty or new folder."""
    folder: Path = args.folder
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        print(f"sphinx-event init: error: {folder} is not an empty folder; choose a new one", file=sys.stderr)
        return 2
    project = args.project or folder.resolve().name
    if args.engine == "myst":
        from .init_myst import PLUGIN_FILE, myst_site_files

        files = myst_site_files(project, install_source(), EXAMPLE_ID, example_values(resolve_today(None)))
    else:
        files = site_files(project, install_source(), resolve_today(None))
    for relative, content in files.items():
        write_atomic(folder / relative, content)
    if args.engine == "myst":
        (folder / PLUGIN_FILE).chmod(0o755)  # mystmd runs the plugin's file itself
    print(f"sphinx-event init: made {len(files)} files in {folder}; next: cd {folder} && nox -s check", file=sys.stderr)
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``init``."""
    init = subparsers.add_parser("init", help="create an event site with an example event that passes the check")
    init.add_argument("folder", type=Path, metavar="DIR", help="the new site's folder (created; must be empty)")
    init.add_argument("--project", help="the site's name (default: the folder's name)")
    init.add_argument(
        "--engine",
        choices=("sphinx", "myst"),
        default="sphinx",
        help="sphinx (conf.py) or myst: a Jupyter Book 2 / mystmd project (myst.yml) using the event plugin",
    )
    init.set_defaults(func=run_init)
    return init
