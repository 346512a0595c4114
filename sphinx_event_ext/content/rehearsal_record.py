"""The last rehearsal's record of an event, where ``sphinx-event rehearse`` leaves it, read for the pre-warm advice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def rehearsal_path(outdir: str | Path, event_id: str) -> Path:
    """Where ``sphinx-event rehearse`` writes the event's ``rehearsal.json``: beside the build's other outputs."""
    return Path(outdir) / "_events" / event_id / "rehearsal.json"


def read_rehearsal(outdir: str | Path, event_id: str) -> dict[str, Any] | None:
    """The event's last ``rehearsal.json``, or None when there is none or it is not a JSON object."""
    try:
        data = json.loads(rehearsal_path(outdir, event_id).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
