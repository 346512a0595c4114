"""What the hub team's pieces cost: reading support issues' free text, and a board of many feeds.

- the support-issue reader on a real-sized description (about 600 characters) and on bodies of the shapes that
  make backtracking patterns slow (200,000 characters, capped to 20,000 read), per body;
- `sphinx-event board` on 30 feeds of 40 events each (1,200 events, read from files), as one process, with
  the merged calendar written;
- the same board's plan alone (no process start, no file reads).

Each measurement runs `--repeat` times and the median is reported.
Run it with `python benchmarks/bench_hub_team.py [--repeat N] [--write-docs]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sphinx_event_ext.model.validate import parse_event
from sphinx_event_ext.plan.board import board
from sphinx_event_ext.plan.prewarm import events_index, prewarm_request
from sphinx_event_ext.plan.support_issue import read_support_issue
from sphinx_event_ext.plan.ticket_parse import Issue

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks" / "hub-team.md"
DESCRIPTION = (
    "### Short ticket description\n\nJane from the Geo community writes that they are running a workshop on "
    "March 10-12, 2027, from 9am to 5pm PT each day, for about 140 people on https://geo.2i2c.cloud. Last year "
    "they had 85 attendees and a few waited for nodes at 9am. They would like the hub to be ready for the login "
    "rush, and ask whether 10 GB per user is enough for the datasets (about 4 GB each). The notebooks are in "
    "https://github.com/example-org/geo-workshop and use the default image.\n"
)
HOSTILE = {
    "digits": "1" * 200_000,
    "month words": "March " * 33_000,
    "hour ranges": "9:00-" * 40_000,
    "dots": "a." * 100_000,
}


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def feed(number: int, events: int) -> dict[str, object]:
    requests = []
    for index in range(events):
        day = dt.date(2027, 3, 1) + dt.timedelta(days=index % 20)
        options = {
            "hub": f"https://hub{number % 5}.2i2c.cloud",
            "start": day.isoformat(),
            "end": day.isoformat(),
            "active-hours": "09:00-12:00",
            "timezone": "America/Denver",
            "attendees": str(50 + 10 * (index % 20)),
            "id": f"event-{number}-{index}",
            "node-pool": "user-pool",
        }
        event = parse_event(f"Event {number}-{index}", options, default_id="x").event
        assert event is not None
        requests.append(prewarm_request(event, today=dt.date(2026, 12, 1)))
    return events_index(requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    rows = []
    issue = Issue("[Support] Geo", DESCRIPTION, dt.date(2027, 1, 20))
    seconds = median_seconds(lambda: read_support_issue(issue, timezone="America/Los_Angeles"), args.repeat * 20)
    rows.append(("support issue, real-sized description", f"{seconds * 1000:.2f} ms"))
    for name, body in HOSTILE.items():
        hostile = Issue("[Support] x", "### Short ticket description\n\n" + body, dt.date(2027, 1, 20))
        seconds = median_seconds(lambda hostile=hostile: read_support_issue(hostile, timezone="UTC"), args.repeat)
        rows.append((f"support issue, 200,000 characters of {name}", f"{seconds * 1000:.1f} ms"))
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        feeds = []
        for number in range(30):
            data = feed(number, 40)
            path = Path(folder) / f"site{number}.json"
            path.write_text(json.dumps(data), "utf-8")
            paths.append(str(path))
            feeds.append((str(path), data["events"]))
        seconds = median_seconds(lambda: board(feeds, today=dt.date(2026, 12, 1)), args.repeat)
        rows.append(("board plan, 30 feeds x 40 events", f"{seconds * 1000:.0f} ms"))
        command = [sys.executable, "-m", "sphinx_event_ext.cli", "board", *paths, "--ics", f"{folder}/board.ics",
                   "--cache", f"{folder}/cache"]  # fmt: skip
        seconds = median_seconds(lambda: subprocess.run(command, check=True, capture_output=True), args.repeat)
        rows.append(("`sphinx-event board`, 30 feed files x 40 events, calendar written", f"{seconds:.2f} s"))
    table = ["| Measurement | Median |", "| --- | --- |", *[f"| {name} | {value} |" for name, value in rows]]
    print("\n".join(table))
    if args.write_docs:
        machine = f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}"
        DOC.write_text(
            "# Hub team: support issues and the board\n\n"
            "Measured with `python benchmarks/bench_hub_team.py --write-docs` "
            f"({machine}, {args.repeat} repeats, median).\n\n" + "\n".join(table) + "\n\n"
            "The support-issue reader reads at most 20,000 characters (1,000 per line) on tokens, without "
            "backtracking patterns, so a hostile body costs about what a long ordinary one does.\n",
            "utf-8",
        )


if __name__ == "__main__":
    main()
