"""The event's last rehearsal record (``sphinx-event rehearse``), as the build reads it: one reader for the
checklist's proofs and the hub team's request and mail."""

from __future__ import annotations

import json
from typing import Any

from sphinx.application import Sphinx

from ..content.store import rehearsal_record

#: The most of a record read: a wave of thousands of servers stays far below it.
_MAX_BYTES = 20_000_000


def read_rehearsal(app: Sphinx, event_id: str) -> dict[str, Any] | None:
    """The record in the evidence store, or None when there is none or it is not a JSON object."""
    path = rehearsal_record(app.doctreedir, event_id)
    try:
        with path.open("rb") as stream:
            data = json.loads(stream.read(_MAX_BYTES + 1)[:_MAX_BYTES])
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
