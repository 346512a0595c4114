"""How a content check's report reads to people: the card's one-line status and the report's cells.

Pure functions of ``execution.json``'s data, so the Sphinx glue only places what they say.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .results import CACHED, EXPECTED_ERRORS, FAILED, PASSED


def _ran(notebooks: list[dict[str, Any]]) -> int:
    return sum(notebook["status"] in (PASSED, EXPECTED_ERRORS, CACHED) for notebook in notebooks)


def status_text(report: dict[str, Any], today: dt.date) -> str:
    """The card's one line: ``Content checked 2027-04-10: 19 notebooks ran``, or what failed; an environment that
    only approximates the hub's is said, so the line never reads as a proof."""
    notebooks = report["notebooks"]
    failed = [notebook["path"] for notebook in notebooks if notebook["status"] == FAILED]
    if failed:
        shown = ", ".join(failed[:3]) + (", ..." if len(failed) > 3 else "")
        return f"Content check failed {today.isoformat()}: {len(failed)} of {len(notebooks)} notebooks failed ({shown})"
    if not notebooks:
        return f"Content checked {today.isoformat()}: no notebooks to run"
    ran = _ran(notebooks)
    text = f"Content checked {today.isoformat()}: {ran} notebook{'s' if ran != 1 else ''} ran"
    if (report.get("environment") or {}).get("approximated"):
        text += " in an approximated environment (not proven for the hub's)"
    skipped = len(notebooks) - ran
    return text + (f", {skipped} skipped" if skipped else "")


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
