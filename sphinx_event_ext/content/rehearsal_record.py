"""The records of what was proven about an event beside the build's outputs (the last rehearsal, the content
check), read back for the pre-warm request by the command line, as the build reads them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def rehearsal_path(outdir: str | Path, event_id: str) -> Path:
    """Where ``sphinx-event rehearse`` writes the event's ``rehearsal.json``: beside the build's other outputs."""
    return Path(outdir) / "_events" / event_id / "rehearsal.json"


def _read_object(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_rehearsal(outdir: str | Path, event_id: str) -> dict[str, Any] | None:
    """The event's last ``rehearsal.json``, or None when there is none or it is not a JSON object."""
    return _read_object(rehearsal_path(outdir, event_id))


def read_execution(outdir: str | Path, event_id: str) -> dict[str, Any] | None:
    """The event's ``execution.json`` written by the last build that ran its content, or None."""
    return _read_object(Path(outdir) / "_events" / event_id / "execution.json")
