"""The records of what was proven about an event, read back for the checklist, the pre-warm request and mail,
by the build and by the command line alike: the last rehearsal from the evidence store (content/store.py), the
content check's ``execution.json`` from the build's outputs, and the hub team's issue as ``sphinx-event ticket``
last read it from the evidence store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..plan.site_layout import event_file
from .store import rehearsal_record, ticket_record

#: The most of a record read: a wave of thousands of servers stays far below it.
_MAX_BYTES = 20_000_000


def _read_object(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as stream:
            data = json.loads(stream.read(_MAX_BYTES + 1)[:_MAX_BYTES])
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_rehearsal(doctrees: str | Path, event_id: str, outdir: str | Path | None = None) -> dict[str, Any] | None:
    """The event's last rehearsal record in the evidence store of the state folder ``doctrees``; else, when
    ``outdir`` is given, a ``rehearsal.json`` an older version wrote into that published folder (until the next
    check or build moves it into the store); None when there is none or it is not a JSON object."""
    found = _read_object(rehearsal_record(doctrees, event_id))
    if found is None and outdir is not None:
        found = _read_object(Path(outdir) / event_file(event_id, "rehearsal.json"))
    return found


def read_execution(outdir: str | Path, event_id: str) -> dict[str, Any] | None:
    """The event's ``execution.json`` written by the last build that ran its content, or None."""
    return _read_object(Path(outdir) / event_file(event_id, "execution.json"))


def read_ticket(doctrees: str | Path, event_id: str) -> dict[str, Any] | None:
    """The event's last ``sphinx-event ticket`` record in the evidence store, or None when there is none or it
    is not valid against ``ticket.schema.json`` (a record edited by hand, or broken, proves nothing)."""
    from ..model.schema import validator

    found = _read_object(ticket_record(doctrees, event_id))
    return found if found is not None and validator("ticket").is_valid(found) else None
