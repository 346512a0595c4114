"""What a check proved about one event, as its checklist reads it: the same rule for both renderers."""

from __future__ import annotations

from ..plan.checklist import Evidence
from .check_record import EventCheck
from .results import FAILED


def evidence_of(checked: EventCheck | None) -> Evidence:
    """Links proven against the branch the attendees pull, notebooks that all ran in the hub's environment (or one
    that approximates it, said), and a local copy whose branch could not be verified (said, never ticked)."""
    report = checked.execution if checked else None
    passed = bool(report and report["notebooks"] and not report["summary"].get(FAILED, 0))
    environment = (report or {}).get("environment") or {}
    approximations = tuple(environment.get("approximations", ())) if environment.get("approximated") else ()
    links = checked.links if checked else None
    return Evidence(
        links_checked=bool(links and links.proven),
        content_checked=passed and not approximations,
        content_approximated=approximations if passed else (),
        unverified_branch=(links.branch or "") if links and links.unverified else None,
    )
