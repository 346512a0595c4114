"""What each call of the mystmd plugin costs: mystmd starts one process per directive, role and page.

Times, each as its own process fed the JSON mystmd sends (the shape captured from mystmd 1.8):

- ``python -c pass`` (the interpreter's own start) and ``python -S -c pass``;
- the spec (``event_plugin.py`` with no argument, once per build);
- ``--directive event`` on a valid event and on an invalid one;
- ``--directive event-checklist`` and ``--directive event-links`` (placeholders for the page transform);
- ``--directive event-list`` with a site index of 50 events;
- ``--role nbgitpuller``;
- ``--transform event-page`` on a page with a card, a checklist and a role link;

and, for each call, how many modules it imported and whether jsonschema was among them. Each
measurement runs ``--repeat`` times and the median is reported. Python writes its bytecode caches.
Run it with ``python benchmarks/bench_myst_plugin.py [--repeat N] [--write-docs]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS_PAGE = ROOT / "docs" / "benchmarks" / "myst-plugin.md"
OPTIONS = {
    "id": "geo",
    "hub": "https://geo.2i2c.cloud",
    "start": "2027-03-02",
    "end": "2027-03-03",
    "active-hours": "09:00-17:00",
    "timezone": "America/Denver",
    "attendees": "40",
    "content-repo": "https://github.com/org/geo-content",
    "notified": "2027-01-10",
}
PLUGIN = [sys.executable, "-m", "sphinx_event_ext.myst"]
#: Prints, after the call, how many modules the process imported and whether jsonschema was one.
PROBE = (
    "import sys, runpy, io, json, contextlib\n"
    "sys.argv = ['event_plugin.py', *sys.argv[1:]]\n"
    "out = io.StringIO()\n"
    "with contextlib.redirect_stdout(out):\n"
    "    try:\n"
    "        runpy.run_module('sphinx_event_ext.myst', run_name='__main__')\n"
    "    except SystemExit:\n"
    "        pass\n"
    "print(json.dumps([len(sys.modules), 'jsonschema' in sys.modules]))\n"
)


def directive(name: str, options: dict[str, str], arg: str | None = None, value: str = "") -> dict[str, Any]:
    children = [
        {"type": "mystOption", "name": key, "value": raw, "position": {"start": {"line": 2 + index}}}
        for index, (key, raw) in enumerate(options.items())
    ]
    node = {
        "type": "mystDirective",
        "name": name,
        "options": options,
        "value": value,
        "children": children,
        "position": {"start": {"line": 1}},
    }
    return {"name": name, "node": node, "arg": arg, "options": options, "body": []}


def page_tree(work: Path) -> dict[str, Any]:
    card = subprocess.run(
        [*PLUGIN, "--directive", "event"],
        input=json.dumps(directive("event", OPTIONS, "Geo")),
        capture_output=True,
        text=True,
        check=True,
        cwd=work,
    ).stdout
    return {
        "type": "root",
        "children": [
            *json.loads(card),
            {
                "type": "paragraph",
                "children": [
                    {"type": "eventLink", "kind": "nbgitpuller", "shown": "intro", "path": "intro.ipynb", "line": 20}
                ],
            },
            {"type": "eventChecklist", "line": 22},
        ],
    }


def calls(work: Path) -> list[tuple[str, list[str], str]]:
    index = {
        "schema_version": "1",
        "events": [
            {
                "page": f"events/e{n}.md",
                "line": 3,
                "title": f"Event {n}",
                "options": {**OPTIONS, "id": f"e{n}"},
                "links_checked": True,
                "content_checked": True,
                "notebooks": [],
            }
            for n in range(50)
        ],
    }
    (work / "_build" / "events").mkdir(parents=True)
    (work / "_build" / "events" / "site-index.json").write_text(json.dumps(index), "utf-8")
    invalid = {**OPTIONS, "start": "2027-13-02", "attendees": "many"}
    return [
        ("spec (no argument, once per build)", [], ""),
        ("`event` directive, valid", ["--directive", "event"], json.dumps(directive("event", OPTIONS, "Geo"))),
        ("`event` directive, two problems", ["--directive", "event"], json.dumps(directive("event", invalid, "Geo"))),
        (
            "`event-checklist` directive",
            ["--directive", "event-checklist"],
            json.dumps(directive("event-checklist", {})),
        ),
        (
            "`event-links` directive",
            ["--directive", "event-links"],
            json.dumps(directive("event-links", {}, value="intro.ipynb")),
        ),
        (
            "`event-list` directive, 50 events in the index",
            ["--directive", "event-list"],
            json.dumps(directive("event-list", {})),
        ),
        (
            "`nbgitpuller` role",
            ["--role", "nbgitpuller"],
            json.dumps({"name": "nbgitpuller", "node": {"position": {"start": {"line": 5}}}, "body": "intro.ipynb"}),
        ),
        ("`event-page` transform (card, checklist, link)", ["--transform", "event-page"], json.dumps(page_tree(work))),
    ]


def timed(command: list[str], stdin: str, cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, input=stdin, capture_output=True, text=True, check=True, cwd=cwd)
    return time.perf_counter() - started


def modules(args: list[str], stdin: str, cwd: Path) -> tuple[int, bool]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], input=stdin, capture_output=True, text=True, check=True, cwd=cwd
    )
    count, jsonschema = json.loads(done.stdout.splitlines()[-1])
    return int(count), bool(jsonschema)


def measure(repeat: int) -> list[tuple[str, float, str]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-myst-") as temporary:
        work = Path(temporary)
        base = statistics.median(timed([sys.executable, "-c", "pass"], "", work) for _ in range(repeat))
        rows.append(("`python -c pass` (the interpreter's start)", base, ""))
        for name, args, stdin in calls(work):
            timed([*PLUGIN, *args], stdin, work)  # bytecode caches written
            seconds = statistics.median(timed([*PLUGIN, *args], stdin, work) for _ in range(repeat))
            count, jsonschema = modules(args, stdin, work)
            rows.append((name, seconds, f"{count} modules{', jsonschema' if jsonschema else ''}"))
    return rows


def table(rows: list[tuple[str, float, str]]) -> str:
    lines = ["| call | seconds | imported |", "| --- | ---: | --- |"]
    lines += [f"| {name} | {seconds:.3f} | {note} |" for name, seconds, note in rows]
    return "\n".join(lines)


def write_docs(text: str, repeat: int) -> None:
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    DOCS_PAGE.write_text(
        "# Benchmark: the mystmd plugin's start-up\n\n"
        "Generated by `python benchmarks/bench_myst_plugin.py --write-docs`; do not edit by hand.\n\n"
        "mystmd runs an executable plugin once per directive, role and page transform, each a new "
        "process; a page with an event card, a checklist and two links costs five starts. The plugin "
        "imports only `json` and `sys` at the top and each handler imports what it uses, so a "
        "placeholder directive loads no validation code. "
        f"Each number is the median of {repeat} runs on {machine}.\n\n{text}\n",
        "utf-8",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    text = table(measure(args.repeat))
    print(text)
    if args.write_docs:
        write_docs(text, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
