"""The records of what was proven about an event beside the build's outputs (the last rehearsal, the content
check), read back for the pre-warm request by the command line, as the build reads them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..plan.site_layout import event_file

#: The most of a record read: a wave of thousands of servers stays far below it.
_MAX_BYTES = 20_000_000


def rehearsal_path(outdir: str | Path, event_id: str) -> Path:
    """Where ``sphinx-event rehearse`` writes the event's ``rehearsal.json``: beside the build's other outputs."""
    return Path(outdir) / event_file(event_id, "rehearsal.json")


def _read_object(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as stream:
            data = json.loads(stream.read(_MAX_BYTES + 1)[:_MAX_BYTES])
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_rehearsal(outdir: str | Path, event_id: str) -> dict[str, Any] | None:
    """The event's last ``rehearsal.json``, or None when there is none or it is not a JSON object."""
    return _read_object(rehearsal_path(outdir, event_id))


def read_execution(outdir: str | Path, event_id: str) -> dict[str, Any] | None:
    """The event's ``execution.json`` written by the last build that ran its content, or None."""
    return _read_object(Path(outdir) / event_file(event_id, "execution.json"))
