"""Where a site's evidence lives: beside the build, in its state folder, never in the published output.

The state folder is Sphinx's doctrees folder (``SOURCE/_build/doctrees`` for the commands, whatever
``-d`` names for a ``sphinx-build``; ``PROJECT/_build/events`` for a mystmd project, see
``cli/myst_site_check.py``); the evidence is ``event-evidence/`` inside it::

    _build/doctrees/event-evidence/
        check-stamp.json          what the last passing check read (cli/check_stamp.py)
        site-check.json           the last build's check (content/check_record.py): per event, the link proof and
                                  what it was proven against, the content run and its environment; the
                                  commit of every branch asked for (None: unreachable)
        written.json              the hash of each page and _events/ file the last check wrote
        validated.json            the pages whose event metadata the last check found clean, by hash
        execution/cache/<key>.json  a notebook's pass, keyed on every input of its result
        execution/logs/<event>/<notebook>.log  a failure's full traceback
        rehearsals/<event>.json   the last ``sphinx-event rehearse`` of the event
        tickets/<event>.json      the hub team's issue as ``sphinx-event ticket`` last read it
    _build/doctrees/event-warnings.json, event-outputs.json  (beside it) what the build reported and wrote
    _build/doctrees/event-templates/  (beside it) the theme's templates compiled by Jinja, for the next build

The published folder carries only each proof's one-line summary, in the pages and ``events.json``.
"""

from __future__ import annotations

from pathlib import Path

from ..plan.site_layout import EVENTS_FOLDER

EVIDENCE = "event-evidence"


def state_folder(source: Path) -> Path:
    """The state folder of a site's build from the commands: ``SOURCE/_build/doctrees``, whatever the output."""
    return source / "_build" / "doctrees"


def myst_state_folder(project: Path) -> Path:
    """The state folder of a mystmd project's check: ``PROJECT/_build/events``, beside mystmd's own output."""
    return project / "_build" / "events"


def evidence_folder(doctrees: str | Path) -> Path:
    """The evidence store inside a build's state folder."""
    return Path(doctrees) / EVIDENCE


def execution_folder(doctrees: str | Path) -> Path:
    """The notebook results' cache and failure logs."""
    return evidence_folder(doctrees) / "execution"


def rehearsal_record(doctrees: str | Path, event_id: str) -> Path:
    """The record of an event's last rehearsal on a hub."""
    return evidence_folder(doctrees) / "rehearsals" / f"{event_id}.json"


def rehearsal_records(doctrees: str | Path) -> list[Path]:
    """Every event's rehearsal record, sorted."""
    return sorted((evidence_folder(doctrees) / "rehearsals").glob("*.json"))


def ticket_record(doctrees: str | Path, event_id: str) -> Path:
    """The record of the last ``sphinx-event ticket`` of an event: the issue as read, and the comparison."""
    return evidence_folder(doctrees) / "tickets" / f"{event_id}.json"


def ticket_records(doctrees: str | Path) -> list[Path]:
    """Every event's ticket record, sorted."""
    return sorted((evidence_folder(doctrees) / "tickets").glob("*.json"))


def move_published_rehearsals(output: str | Path, doctrees: str | Path) -> list[Path]:
    """Move ``rehearsal.json`` files that older versions wrote into the published folder into the store,
    once, so past rehearsals still count; a record already in the store is newer and kept."""
    moved = []
    for old in sorted(Path(output).glob(f"{EVENTS_FOLDER}/*/rehearsal.json")):
        target = rehearsal_record(doctrees, old.parent.name)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            old.replace(target)
            moved.append(target)
        else:
            old.unlink()
    return moved
