"""What a content check found: per-notebook results and the event's report.

Plain data with no kernel machinery, so the Sphinx glue and the report writers can read
results without importing the runner or its optional dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..util.atomic import dumps
from .sanitize import one_line, printable_lines

PASSED = "passed"
EXPECTED_ERRORS = "expected-errors"
FAILED = "failed"
SKIPPED = "skipped"
CACHED = "cached"
STATUSES = (PASSED, EXPECTED_ERRORS, FAILED, SKIPPED, CACHED)
REPORT_VERSION = "2"  # 2: environment.python_requested, approximated, approximations, identity

_TAIL_LINES = 10
_SHOWN_CHANGES = 10


@dataclass(frozen=True)
class Failure:
    """Where and how a notebook broke, with enough to act on without opening it.

    ``cell`` counts every cell from 1, Markdown included, as Jupyter's cell list shows
    them; ``code_cell`` counts code cells only. Both are None when no cell ran at all
    (the notebook could not be read or its kernel did not start).
    """

    kind: str  # "error", "timeout", "output", "dead-kernel", "kernel", "notebook", "internal", "outside"
    ename: str
    evalue: str
    cell: int | None = None
    code_cell: int | None = None
    cells: int = 0
    first_line: str = ""
    traceback: str = ""
    hint: str = ""

    @property
    def where(self) -> str:
        """``cell 4 of 9, Markdown included (code cell 2), `x = 1 / 0```, or "before the first cell"."""
        if self.cell is None:
            return "before the first cell"
        line = one_line(self.first_line)
        return f"cell {self.cell} of {self.cells}, Markdown included (code cell {self.code_cell}), `{line}`"

    @property
    def description(self) -> str:
        """One line that says what went wrong where, control characters shown escaped."""
        if self.kind == "outside":  # found after the run, at no cell in particular
            return one_line(self.evalue)
        if self.kind == "error":
            return f"{self.where} raised {one_line(self.ename)}: {one_line(self.hint or self.evalue)}"
        return f"{self.where}: {one_line(self.evalue)}"

    @property
    def traceback_tail(self) -> str:
        """The last lines of the traceback, what a console has room for; control characters shown escaped."""
        lines = printable_lines(self.traceback.rstrip()).split("\n")
        return "\n".join(lines[-_TAIL_LINES:])

    def to_json(self) -> dict[str, Any]:
        """The failure as ``execution.json`` records it."""
        return {
            "kind": self.kind,
            "cell": self.cell,
            "code_cell": self.code_cell,
            "first_line": self.first_line,
            "ename": self.ename,
            "evalue": self.evalue,
            "hint": self.hint or None,
            "message": self.description,
            "traceback_tail": self.traceback_tail,
        }


@dataclass(frozen=True)
class NotebookResult:
    """The outcome of one notebook; ``path`` is relative to the content folder, with ``/``."""

    path: str
    status: str
    duration: float
    code_cells: int
    cells: int
    expected_errors: tuple[int, ...] = ()
    skipped_cells: tuple[int, ...] = ()
    changed_outputs: tuple[int, ...] = ()
    failure: Failure | None = None
    reason: str = ""
    log: str | None = None
    ran_at: str | None = None  # when the run that proved this result happened (UTC, ISO 8601)
    proven_duration: float | None = None  # for a cached result, how long that run took
    probe_output: str | None = None  # what the run's probe printed in the kernel afterwards (not recorded here)

    @property
    def ok(self) -> bool:
        """Whether the build can go on: anything but a failure."""
        return self.status != FAILED

    @property
    def message(self) -> str:
        """``path: what happened``, the one line a console or a Sphinx error shows."""
        if self.failure is not None:
            return f"{one_line(self.path)}: {self.failure.description}"
        detail = f" ({one_line(self.reason)})" if self.reason else ""
        return f"{one_line(self.path)}: {self.status}{detail}"

    def to_json(self) -> dict[str, Any]:
        """The result as ``execution.json`` records it."""
        return {
            "path": self.path,
            "status": self.status,
            "duration": round(self.duration, 2),
            "cells": self.cells,
            "code_cells": self.code_cells,
            "expected_errors": list(self.expected_errors),
            "skipped_cells": list(self.skipped_cells),
            "changed_outputs": list(self.changed_outputs),
            "reason": self.reason or None,
            "failure": self.failure.to_json() if self.failure else None,
            "log": self.log,
            "ran_at": self.ran_at,
            "proven_duration": None if self.proven_duration is None else round(self.proven_duration, 2),
        }


@dataclass(frozen=True)
class ExecutionReport:
    """Every selected notebook's result, in path order, and how the run went overall."""

    results: tuple[NotebookResult, ...]
    jobs: int
    duration: float
    unmatched_globs: tuple[str, ...] = ()
    changed_source: tuple[str, ...] = ()  # files under the source or content folders that the run changed

    @property
    def failed(self) -> list[NotebookResult]:
        """The notebooks that make the check fail."""
        return [result for result in self.results if not result.ok]

    @property
    def ok(self) -> bool:
        """Whether every notebook passed, was cached, skipped or raised only expected errors, and the source is intact."""
        return not self.failed and not self.changed_source

    @property
    def changed_message(self) -> str:
        """What the run changed outside its copy, on one line; empty when it changed nothing."""
        if not self.changed_source:
            return ""
        shown = [one_line(path) for path in self.changed_source[:_SHOWN_CHANGES]]
        more = len(self.changed_source) - len(shown)
        listed = ", ".join(shown) + (f" and {more} more" if more else "")
        return (
            f"the notebooks changed {len(self.changed_source)} file(s) outside their temporary copy, "
            f"in the source or content folders: {listed}; a notebook must write only beside itself, by relative path"
        )

    @property
    def counts(self) -> dict[str, int]:
        """How many notebooks ended in each status, every status listed."""
        return {status: sum(result.status == status for result in self.results) for status in STATUSES}

    def console_lines(self) -> list[str]:
        """A line per notebook, and for each failure its traceback's tail and where the full one is."""
        lines = []
        for result in self.results:
            lines.append(f"{result.status:>15}  {result.duration:6.1f} s  {result.message}")
            if result.failure is not None and result.failure.traceback:
                lines.extend(f"{'':>17}| {line}" for line in result.failure.traceback_tail.splitlines())
            if result.log:
                lines.append(f"{'':>17}full traceback: {one_line(result.log)}")
        if self.changed_source:
            lines.append(f"{'failed':>15}  {self.changed_message}")
        return lines

    def to_json(self) -> dict[str, Any]:
        """``execution.json``: the same data in a fixed key order, notebooks sorted by path."""
        return {
            "schema_version": REPORT_VERSION,
            "jobs": self.jobs,
            "duration": round(self.duration, 2),
            "summary": self.counts,
            "unmatched_globs": list(self.unmatched_globs),
            "changed_source": list(self.changed_source),
            "notebooks": [result.to_json() for result in self.results],
        }

    def dumps(self) -> str:
        """``execution.json``'s text."""
        return dumps(self.to_json())
