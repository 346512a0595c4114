"""``sphinx-event check``: validate, then run the one Sphinx build that proves links and runs content.

The command line reaches Sphinx only here, through ``sphinx.cmd.build``, as a user's own
``sphinx-build`` would; it never imports the extension's glue.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from pathlib import Path
from types import FrameType
from typing import Any

from ..content.extra import INSTALL_LINE, missing_modules
from ..plan.site_layout import EVENTS_FOLDER
from . import check_stamp, workflow_commands
from .myst_project import find_myst_project
from .scan import scan
from .site import annotate_metadata, find_confdir, relative, report


def run_check(args: argparse.Namespace) -> int:
    """Validate every event, then build the site with warnings as errors, proving links and running the content."""
    from sphinx.cmd.build import build_main

    from ..content.pull import recording_resolutions

    source: Path = args.source
    missing = missing_modules()
    if missing:
        print(
            f"sphinx-event check: error: pulling and running content needs the 'check' extra "
            f"({', '.join(missing)} missing); install it with: {INSTALL_LINE}",
            file=sys.stderr,
        )
        return 2
    if not source.is_dir():
        print(f"sphinx-event check: error: {source} is not a folder", file=sys.stderr)
        return 2
    project = find_myst_project(source)  # a myst.yml nearer than any conf.py: a mystmd project
    if project is not None:
        from .myst_check import run_myst_check

        return run_myst_check(project, jobs=args.jobs, force=args.force)
    confdir = find_confdir(source)
    if confdir is None:
        print(f"sphinx-event check: error: no conf.py or myst.yml in {source} or the folders above it", file=sys.stderr)
        return 2
    out: Path = args.out or source / "_build" / "html"
    doctrees = out.parent / "doctrees" if args.out is None else out / ".doctrees"
    flags = ["-b", "html", "-W", "--keep-going", "-q", "-D", "event_verify_links=1", "-D", "event_execute=1"]
    flags += ["-D", f"event_execute_jobs={args.jobs}", "-D", f"event_execute_force={int(args.force)}"]
    rehearsals = sorted((out / EVENTS_FOLDER).glob("*/rehearsal.json"))  # written by sphinx-event rehearse
    key = check_stamp.inputs_key(_roots(source, confdir), [out, doctrees], flags, rehearsals)
    stamp_path = doctrees / check_stamp.STAMP_NAME
    # --fresh and --force ask for a new run; a ticket can change with no trace here.
    if not (args.fresh or args.force or args.verify_ticket) and out.is_dir():
        passed = check_stamp.unchanged(stamp_path, key)
        if passed is not None:
            print(
                f"sphinx-event check: nothing changed since the check that passed at {passed.checked} (pages, "
                f"content, conf.py, installed packages, pulled branches); site in {relative(out)}. "
                "Run with --fresh to check again.",
                file=sys.stderr,
            )
            return 0
    found = scan([source])
    lines = report(found)
    for line in lines:
        print(line)
    annotate_metadata(found)
    if lines:
        print(f"sphinx-event check: {len(lines)} problem(s) in event metadata; not building", file=sys.stderr)
        return 1
    stamp_path.unlink(missing_ok=True)
    # Incremental: Sphinx re-reads what changed, and the extension gives again the warnings
    # of the pages it skipped, so -W fails on an unchanged broken page as a fresh build does.
    if args.fresh:
        flags.append("-E")
    if args.verify_ticket:
        flags += ["-D", "event_verify_ticket=1"]
    warnings = doctrees / "check-warnings.txt"
    doctrees.mkdir(parents=True, exist_ok=True)
    with _interrupts() as interrupted, recording_resolutions() as resolved, redirect_stderr(_Until(interrupted)):
        status = build_main(
            [*flags, "-w", str(warnings), "-c", str(confdir), "-d", str(doctrees), str(source), str(out)]
        )
    if interrupted:
        name = signal.Signals(interrupted[0]).name
        print(f"sphinx-event check: the check was interrupted ({name}); its kernels were ended", file=sys.stderr)
        return 128 + interrupted[0]
    if status:
        reported = warnings.is_file() and warnings.read_text("utf-8", "replace").strip()
        if reported and workflow_commands.enabled():
            for line in workflow_commands.commands(workflow_commands.from_sphinx_warnings(reported, Path.cwd())):
                print(line)
        problem = (
            "see the problems above" if reported else f"Sphinx stopped with status {status} and reported no problem"
        )
        print(f"sphinx-event check: the build failed; {problem}", file=sys.stderr)
        return 1
    if not args.verify_ticket:
        check_stamp.passed(stamp_path, key, resolved)
    print(f"sphinx-event check: passed; site built in {relative(out)}", file=sys.stderr)
    return 0


def _roots(source: Path, confdir: Path) -> list[Path]:
    """The folders a check reads: the one with conf.py, and the source folder when it is elsewhere.

    Content copies (``content-path``) are inside the folder of their page, so inside these.
    """
    roots = [confdir.resolve()]
    if not source.resolve().is_relative_to(roots[0]):
        roots.append(source.resolve())
    return roots


@contextmanager
def _interrupts() -> Iterator[list[int]]:
    """SIGINT and SIGTERM (what CI sends to cancel a job) both interrupt the build, which then cleans up.

    The list names the signals that came, so the message can say the check was interrupted
    rather than that it failed.
    """
    came: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        came.append(signum)
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield came
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class _Until:
    """The checker's stderr until a signal came: then the one-line message about it is all there is to say.

    Sphinx prints ``Interrupted!`` as it unwinds from the interrupt; the check says it itself.
    """

    def __init__(self, came: list[int]) -> None:
        self._came = came
        self._stream = sys.stderr

    def write(self, text: str) -> int:
        return len(text) if self._came else self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
