"""What a check proved, in words, from its record alone: the command line prints it from the evidence store."""

from __future__ import annotations

from .check_record import EventCheck, SiteCheck
from .link_proof import branch_not_verified


def _against(item: EventCheck) -> str:
    """What an event's links were proven against: the repository nbgitpuller pulls, or a local copy whose branch
    the repository was asked for."""
    links = item.links
    branch = f" at {links.branch}" if links.branch else " at its default branch"
    commit = f" ({links.commit[:7]})" if links.commit else ""
    if links.local:
        return f"the local copy {item.content_path} (the branch found in {links.repo}{branch}{commit})"
    return f"{links.repo}{branch}{commit}"


def _cached(item: EventCheck) -> str:
    """``2 from the cache of the check of 2027-04-09``: the passes an earlier check proved, and when."""
    days = [day.isoformat() for day in item.cached_from]
    if not item.cached or not days:
        return f"{item.cached} from the cache of an earlier check"
    when = f"the check of {days[0]}" if len(days) == 1 else f"the checks of {days[0]} to {days[-1]}"
    return f"{item.cached} from the cache of {when}"


#: How many events without content the summary names; a site of 120 event pages gets one short line, not 120 ids.
NAMED = 10


def summary_lines(check: SiteCheck) -> list[str]:
    """Events, links and what they were proven against, notebooks run, taken from an earlier check's cache, or
    failed, the events that have no content to check, and each event's last rehearsal and ticket results."""
    lines = [f"events: {len(check.events)} event(s) checked"]
    for item in check.events:
        if not item.has_content:
            continue
        parts = []
        links = item.links
        if links.proven:
            parts.append(f"{links.links} link(s) proven against {_against(item)}")
        elif links.unverified:
            parts.append(f"{links.links} link(s) {branch_not_verified(links.branch)}")
        elif links.links:
            parts.append(f"{links.links} link(s) not all proven")
        if item.execution is None:
            parts.append("notebooks not run")
        else:
            parts.append(f"{item.ran} notebook(s) ran, {_cached(item)}, {item.failed} failed")
        lines.append(f"  {item.event_id}: " + "; ".join(parts))
    empty = sorted(item.event_id for item in check.events if not item.has_content)
    if empty:
        shown = ", ".join(empty[:NAMED])
        more = f" and {len(empty) - NAMED} more" if len(empty) > NAMED else ""
        lines.append(f"  no content to check (no content-repo or content-path): {len(empty)} event(s), {shown}{more}")
    for item in check.events:  # proven outside the check, by their own commands: what their records say
        if item.rehearsal:
            lines.append(f"  {item.event_id}: last rehearsal (sphinx-event rehearse): {item.rehearsal}")
        if item.ticket:
            lines.append(f"  {item.event_id}: hub team's issue (sphinx-event ticket): {item.ticket}")
    return lines
