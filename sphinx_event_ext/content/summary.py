"""How a content check's report reads to people: the card's one-line status and the report's cells.

Pure functions of ``execution.json``'s data, so the Sphinx glue only places what they say.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .results import CACHED, EXPECTED_ERRORS, FAILED, PASSED


def _ran(notebooks: list[dict[str, Any]]) -> int:
    return sum(notebook["status"] in (PASSED, EXPECTED_ERRORS) for notebook in notebooks)


def _checks_of(notebooks: list[dict[str, Any]]) -> str:
    """``the check of 2027-04-09`` (or ``the checks of 2027-04-01 to 2027-04-09``): when cached results ran."""
    days = sorted({_day(notebook.get("ran_at")) for notebook in notebooks})
    if len(days) == 1:
        return f"the check of {days[0]}"
    return f"the checks of {days[0]} to {days[-1]}"


def _day(stamp: str | None) -> str:
    if not stamp:
        return "an earlier build"
    return dt.datetime.fromisoformat(stamp).astimezone(dt.timezone.utc).date().isoformat()


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def status_text(report: dict[str, Any], today: dt.date) -> str:
    """The card's one line: ``Content checked 2027-04-10: 19 notebooks ran``, ``... 3 notebooks passed (from the
    check of 2027-04-09)`` for results a cache kept, or what failed; an environment that only approximates the
    hub's is said, so the line never reads as a proof."""
    notebooks = report["notebooks"]
    failed = [notebook["path"] for notebook in notebooks if notebook["status"] == FAILED]
    if failed:
        shown = ", ".join(failed[:3]) + (", ..." if len(failed) > 3 else "")
        return f"Content check failed {today.isoformat()}: {len(failed)} of {len(notebooks)} notebooks failed ({shown})"
    if not notebooks:
        return f"Content checked {today.isoformat()}: no notebooks to run"
    ran = _ran(notebooks)
    cached = [notebook for notebook in notebooks if notebook["status"] == CACHED]
    parts = [f"{_plural(ran, 'notebook')} ran"] if ran else []
    if cached:
        noun = _plural(len(cached), "notebook") if not ran else str(len(cached))
        parts.append(f"{noun} passed (from {_checks_of(cached)})")
    skipped = len(notebooks) - ran - len(cached)
    if skipped:
        parts.append(f"{skipped} skipped")
    text = f"Content checked {today.isoformat()}: " + ", ".join(parts)
    if (report.get("environment") or {}).get("approximated"):
        text += " in an approximated environment (not proven for the hub's)"
    return text


def shown_status(notebook: dict[str, Any]) -> tuple[str, str]:
    """The report's status for a notebook, and the status whose colour it takes: a cached result keeps the status
    of the run that proved it (passed, or expected errors), marked as cached."""
    if notebook["status"] != CACHED:
        return notebook["status"], notebook["status"]
    proven = EXPECTED_ERRORS if notebook.get("expected_errors") else PASSED
    return f"{proven} (cached)", proven


def _when(stamp: str | None) -> str:
    """``2027-04-09 14:03 UTC`` from the run's ISO time stamp."""
    if not stamp:
        return "an earlier build"
    moment = dt.datetime.fromisoformat(stamp).astimezone(dt.timezone.utc)
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def duration_text(notebook: dict[str, Any]) -> str:
    """How long the notebook ran; for a cached one, how long the run that proved it took."""
    if notebook["status"] == CACHED and notebook.get("proven_duration") is not None:
        return _seconds(notebook["proven_duration"])
    return _seconds(notebook["duration"])


def _seconds(value: float) -> str:
    """A duration to a tenth of a second; a run shorter than that is not shown as "0.0 s", as if nothing ran."""
    return "under 0.1 s" if value < 0.05 else f"{value:.1f} s"


def details_text(notebook: dict[str, Any]) -> str:
    """The failure, why it was skipped, or when the run that proved a cached notebook happened."""
    if notebook["status"] == CACHED:
        return f"unchanged since it ran on {_when(notebook.get('ran_at'))}"
    return (notebook["failure"] or {}).get("message") or notebook["reason"] or ""


def progress_text(notebook: dict[str, Any]) -> str:
    """A notebook's end in the check's log: ``passed (1.2 s)``, or for a cached result ``passed (from the check of
    2027-04-09)``, never a "0.0 s" run that did not happen."""
    shown, proven = shown_status(notebook)
    if notebook["status"] == CACHED:
        return f"{proven} (from {_checks_of([notebook])})"
    return f"{shown} ({_seconds(notebook['duration'])})"
