"""``sphinx-event check``: validate, then run the one Sphinx build that proves links and runs content.

The command line reaches Sphinx only here, through ``sphinx.cmd.build``, as a user's own
``sphinx-build`` would; it never imports the extension's glue.
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from ..content.check_record import SiteCheck, read_record, record_path
from ..content.check_summary import summary_lines
from ..content.extra import INSTALL_LINE, missing_modules
from ..content.inputs import FileState, file_state
from ..content.store import (
    evidence_folder,
    move_published_rehearsals,
    rehearsal_records,
    state_folder,
    ticket_records,
)
from . import check_stamp, check_validated, check_written, workflow_commands
from .myst_project import find_myst_project
from .site import annotate_metadata, conf_values, find_confdir, located_problems, relative, report

if TYPE_CHECKING:
    from .scan import FoundEvent


def run_check(args: argparse.Namespace) -> int:
    """Validate every event, then build the site with warnings as errors, proving links and running the content."""
    from sphinx.cmd.build import build_main

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
    # The build's state (doctrees, evidence, logs) stays beside the source, never in the published folder.
    doctrees = state_folder(source)
    evidence = evidence_folder(doctrees)
    flags = ["-b", "html", "-W", "--keep-going", "-q", "-D", "event_verify_links=1", "-D", "event_execute=1"]
    flags += ["-D", f"event_execute_jobs={args.jobs}", "-D", f"event_execute_force={int(args.force)}"]
    move_published_rehearsals(out, doctrees)
    rehearsals = rehearsal_records(doctrees) + ticket_records(doctrees)  # by sphinx-event rehearse and ticket
    roots, skip, base = _roots(source, confdir), [out, doctrees], source.resolve()
    stamp_path = evidence / check_stamp.STAMP_NAME
    # --fresh and --force ask for a new run; a ticket can change with no trace here.
    if not (args.fresh or args.force or args.verify_ticket) and out.is_dir():
        passed = check_stamp.unchanged(base, stamp_path, flags, out, roots, skip, rehearsals)
        if passed is not None:
            print(
                f"sphinx-event check: nothing changed since the check that passed at {passed.checked} (pages, "
                f"content, conf.py, installed packages, pulled branches); site in {relative(out)}. "
                "Run with --fresh to check again.",
                file=sys.stderr,
            )
            for repo, branch, commit in passed.remotes:
                if not commit:
                    shown = f"branch {branch}" if branch else "the default branch"
                    print(
                        f"sphinx-event check: {shown} of {repo} is still not verified: it could not be reached at "
                        "that check (--fresh asks again)",
                        file=sys.stderr,
                    )
            return 0
    previous = check_stamp.Stamp.load(stamp_path)
    validated_path = evidence / check_validated.VALIDATED_NAME
    known = {**check_validated.load(validated_path), **(previous.files if previous else {})}
    found, pages = _scan_changed(source, known, base)
    check_validated.save(validated_path, _clean_pages(found, pages))
    lines = report(found)
    for line in lines:
        print(line)
    annotate_metadata(found)
    if lines:
        print(f"sphinx-event check: {len(lines)} problem(s) in event metadata; not building", file=sys.stderr)
        return 1
    stamp_path.unlink(missing_ok=True)
    content = sorted({*_content_folders(found, base), *(previous.content if previous else ())})
    before = check_stamp.file_inputs(base, roots, skip, content, (), rehearsals, known)
    # Incremental: Sphinx re-reads what changed, and the extension gives again the warnings
    # of the pages it skipped, so -W fails on an unchanged broken page as a fresh build does.
    build_flags = list(flags)
    if args.fresh:
        build_flags.append("-E")
    elif out.is_dir():
        _rewrite_replaced(evidence, out, build_flags)
    if args.verify_ticket:
        build_flags += ["-D", "event_verify_ticket=1"]
    warnings = evidence / "check-warnings.txt"
    evidence.mkdir(parents=True, exist_ok=True)
    record_path(doctrees).unlink(missing_ok=True)
    with _interrupts() as interrupted, redirect_stderr(_Until(interrupted)), _imports_frozen():
        status = build_main(
            [*build_flags, "-w", str(warnings), "-c", str(confdir), "-d", str(doctrees), str(source), str(out)]
        )
    if interrupted:
        check_written.forget(evidence)
    elif out.is_dir():
        check_written.record(evidence, out)
    if interrupted:
        name = signal.Signals(interrupted[0]).name
        print(f"sphinx-event check: the check was interrupted ({name}); its kernels were ended", file=sys.stderr)
        return 128 + interrupted[0]
    record = read_record(doctrees)  # what the check core proved, as the build kept it
    _say_what_was_proven(record)
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
    variables = None if args.verify_ticket else _execute_env(confdir)
    if variables is not None and record is not None:
        resolved = record.resolved
        check_stamp.passed(base, stamp_path, before, content, flags, variables, out, roots, skip, rehearsals, resolved)
    print(f"sphinx-event check: passed; site built in {relative(out)}", file=sys.stderr)
    return 0


def _say_what_was_proven(record: SiteCheck | None) -> None:
    """The check's closing summary, from the record the check core kept in the evidence store."""
    if record is not None and record.verify_links and record.execute:
        for line in summary_lines(record):
            print(line, file=sys.stderr)


def _content_folders(found: list[FoundEvent], base: Path) -> list[str]:
    """The content copies (``content-path``) of the site's events, relative to the source folder ``base``: read
    whole, whatever their folders' names."""
    folders = set()
    for item in found:
        event = item.result.event
        if event is not None and event.content_path:
            folders.add(check_stamp.portable(str((item.path.parent / event.content_path).resolve()), base))
    return sorted(folders)


def _scan_changed(
    source: Path, known: dict[str, FileState], base: Path
) -> tuple[list[FoundEvent], dict[str, tuple[Path, FileState]]]:
    """Validate the pages changed since they were last found clean or read by a passing check (``known``), and
    those naming a ``content-path`` (its folder can go without the page changing); the others validated then,
    and the build reports any problem again at its line. Also every page's state, by its name in the stamp."""
    from .scan import markdown_files, scan_text  # the MyST parser loads only when a page is validated

    found = []
    pages = {}
    for path, folder in markdown_files([source]):
        real = str(path.resolve())
        key = check_stamp.portable(real, base)
        state = file_state(real, known, key)
        text = path.read_text("utf-8")
        if state is not None:
            pages[key] = (path, state)
            if key in known and state[4] == known[key][4] and _CONTENT_PATH not in text:
                continue
        docname = path.relative_to(folder).with_suffix("").as_posix()
        found.extend(scan_text(text, path, docname))
    return found, pages


def _clean_pages(found: list[FoundEvent], pages: dict[str, tuple[Path, FileState]]) -> dict[str, FileState]:
    """The pages validated clean (now or before) whose result depends on their bytes alone: not those with a
    problem, a duplicate id, or a ``content-path`` (its folder can go without the page changing)."""
    unclean = {file for file, _, _ in located_problems(found)}
    unclean.update(relative(item.path) for item in found if item.result.event and item.result.event.content_path)
    return {key: state for key, (path, state) in pages.items() if relative(path) not in unclean}


_CONTENT_PATH = "content-path"  # as an option line or in a directive's YAML block
_NAMED = 8  # files named in the message about another build's


def _rewrite_replaced(evidence: Path, out: Path, build_flags: list[str]) -> None:
    """Have the build write again the pages another build (a plain ``sphinx-build``, ``nox -s docs``) wrote
    over: only those, or every page when no check recorded what it wrote."""
    replaced = check_written.replaced(evidence, out)
    if replaced is None:
        build_flags.append("-a")
    elif replaced:
        shown = ", ".join(replaced[:_NAMED]) + (f" and {len(replaced) - _NAMED} more" if len(replaced) > _NAMED else "")
        print(f"sphinx-event check: another build wrote over {shown}; writing them again", file=sys.stderr)
        check_written.mark_outdated(out, replaced)


def _execute_env(confdir: Path) -> list[str] | None:
    """The site's ``event_execute_env``: the variables its results also depend on, for the stamp; None when
    ``conf.py`` cannot be run again here, and then the check's result is not stamped."""
    try:
        value = conf_values(confdir).get("event_execute_env", ())
    except Exception:  # whatever a second run of the organizer's conf.py raises, it only costs the stamp
        return None
    return [str(name) for name in value] if isinstance(value, (list, tuple)) else []


def _roots(source: Path, confdir: Path) -> list[Path]:
    """The folders a check reads: the one with conf.py, and the source folder when it is elsewhere.

    Content copies (``content-path``) are inside the folder of their page, so inside these.
    """
    roots = [confdir.resolve()]
    if not source.resolve().is_relative_to(roots[0]):
        roots.append(source.resolve())
    return roots


@contextmanager
def _imports_frozen() -> Iterator[None]:
    """The objects loaded so far (modules, classes: they live as long as the process) are left out of the
    garbage collector's full passes during the build, which otherwise walk them again and again (a twentieth of a
    warm check). They go back afterwards, so a process that goes on (a test's) collects as before."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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
