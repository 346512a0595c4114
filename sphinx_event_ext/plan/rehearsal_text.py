"""A rehearsal record in words: the console's table and lines after ``sphinx-event rehearse``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .rehearsal import mib_text


def _seconds(value: Any) -> str:
    return "-" if value is None else f"{value:.1f} s"


def console_table(data: Mapping[str, Any]) -> list[str]:
    """A line per server of a ``rehearsal.json``: start and pull times, its notebooks' outcome, its failure."""
    notebooks = (data.get("execution") or {}).get("notebooks", [])
    status = {notebook["path"]: notebook["status"] for notebook in notebooks}
    rows = [("server", "start", "pull", "notebooks", "result")]
    for server in data["servers"]:
        label = f"{server['user']}/{server['server']}" if server["server"] else server["user"]
        mine = [status[path] for path, where in data["placement"].items() if where == label and path in status]
        counts = ", ".join(f"{mine.count(name)} {name}" for name in sorted(set(mine))) or "-"
        failure = server["failure"]
        result = f"failed at {failure['step']}" if failure else "ok"
        rows.append((label, _seconds(server["start_seconds"]), _seconds(server["pull_seconds"]), counts, result))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def _size(value: Any) -> str:
    return mib_text(value) if isinstance(value, int) else "not reported"


def wave_lines(data: Mapping[str, Any]) -> list[str]:
    """The wave, the spawn limit, the measured resources, the server and the advice, a line each, from a record."""
    wave = data["wave"]
    times = wave["start_seconds"]
    lines = [
        f"wave     {wave['started']} of {wave['servers']} server(s) started; start time median {times['median']} s, "
        f"90th percentile {times['p90']} s, 95th {times.get('p95')} s, max {times['max']} s; "
        f"{wave.get('slow', 0)} ({wave.get('slow_share', 0):.0%}) took {wave.get('slow_after_seconds', 60):.0f} s "
        "or more (the provider's guidance: at most 30%)"
    ]
    finding = (data.get("spawn_limit") or {}).get("finding")
    if finding:
        lines.append(f"limit    {finding}")
    resources = data.get("resources") or {}
    heaviest = resources.get("heaviest")
    if heaviest:
        lines.append(
            f"memory   heaviest notebook {heaviest['path']}: peak {_size(heaviest['peak_rss_bytes'])}, "
            f"CPU {heaviest['cpu_seconds']:.1f} s; planned per attendee "
            f"{_size(resources.get('planned_memory_per_user_bytes'))}"
        )
    server = data.get("server")
    if server:
        lines.append(
            f"server   image {server['image'] or 'not reported'}; memory limit {_size(server['memory_limit_bytes'])}, "
            f"guarantee {_size(server['memory_guarantee_bytes'])}; content {_size(server['content_bytes'])} on disk, "
            f"home volume {_size(server['home_volume']['free_bytes'])} free of {_size(server['home_volume']['total_bytes'])}"
        )
    advice = data["recommendation"]
    capacity = advice["capacity"]
    lines.append(
        f"pre-warm {'ask for it' if advice['prewarm'] else 'not needed by this evidence'}: {advice['reason']}; "
        f"{capacity['users_per_node']} attendees per node, {capacity['nodes_to_prewarm']} node(s) to pre-warm"
    )
    return lines
