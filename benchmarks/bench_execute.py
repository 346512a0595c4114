"""How long checking a workshop's notebooks takes: our check, cold and warm, against MyST-NB and nbmake.

Builds a workshop of 12 realistic teaching notebooks (pure Python and the standard library:
small computations, sleeps that stand for downloads, and three notebooks that demonstrate
exceptions with the error outputs saved, as teaching notebooks do), then times, each as its
own process from a cold start and on its own copy of the content:

- the cold check: ``run_event_content`` with ``jobs=2`` and an empty cache;
- the warm check: the same again, nothing changed;
- a MyST-NB build with ``nb_execution_mode = "force"``, serial and with ``-j 2``;
- ``pytest --nbmake -n 2``.

Each tool runs ``--repeat`` times, interleaved, and the median is reported, since other
work on the machine makes single timings noisy. Run it with
``python benchmarks/bench_execute.py [--repeat N] [--write-docs]``; it needs nbmake and
pytest-xdist besides the test dependencies.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

DOCS_PAGE = Path(__file__).resolve().parents[1] / "docs" / "benchmarks" / "execution.md"
COLD_TARGET = 0.6
WARM_TARGET = 0.15

Lesson = list[tuple[str, str]]

LESSONS: dict[str, Lesson] = {
    "01-welcome.ipynb": [
        ("md", "# Welcome\nCheck that your environment works."),
        ("code", "import sys\nprint(sys.version_info[:2])"),
        ("code", "total = sum(i * i for i in range(200_000))\ntotal"),
        ("md", "If you see a number above, you are ready."),
    ],
    "02-variables-and-types.ipynb": [
        ("md", "# Variables and types"),
        ("code", "name, count, ratio = 'workshop', 80, 0.75\ntype(name), type(count), type(ratio)"),
        ("code", "values = [str(n) for n in range(50_000)]\nlen(''.join(values))"),
        ("code", "int('42') + float('0.5')"),
    ],
    "03-lists-and-loops.ipynb": [
        ("md", "# Lists and loops\nA sieve of Eratosthenes."),
        (
            "code",
            "def primes(limit):\n"
            "    sieve = [True] * (limit + 1)\n"
            "    sieve[0:2] = [False, False]\n"
            "    for n in range(2, int(limit ** 0.5) + 1):\n"
            "        if sieve[n]:\n"
            "            sieve[n * n :: n] = [False] * len(sieve[n * n :: n])\n"
            "    return [n for n, is_prime in enumerate(sieve) if is_prime]",
        ),
        ("code", "found = primes(300_000)\nlen(found), found[-3:]"),
        ("code", "squares = []\nfor n in range(100_000):\n    squares.append(n * n)\nsum(squares) % 97"),
    ],
    "04-dictionaries.ipynb": [
        ("md", "# Dictionaries\nCounting words."),
        (
            "code",
            "import random\nrandom.seed(1)\nwords = [random.choice(['hub', 'kernel', 'cell', 'data']) for _ in range(100_000)]",
        ),
        ("code", "counts = {}\nfor word in words:\n    counts[word] = counts.get(word, 0) + 1\nsorted(counts.items())"),
        ("code", "from collections import Counter\nCounter(words).most_common(2)"),
    ],
    "05-functions.ipynb": [
        ("md", "# Functions"),
        (
            "code",
            "from functools import lru_cache\n\n@lru_cache(maxsize=None)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\nfib(300) % 1000",
        ),
        ("code", "def mean(values):\n    return sum(values) / len(values)\n\nmean(range(1_000_000))"),
    ],
    "06-files.ipynb": [
        ("md", "# Reading and writing files\nThis notebook writes `cities.csv` next to itself."),
        (
            "code",
            "import csv\nrows = [('city', 'population')] + [(f'city-{n}', n * 1000) for n in range(5_000)]\n"
            "with open('cities.csv', 'w', newline='') as handle:\n    csv.writer(handle).writerows(rows)",
        ),
        ("code", "with open('cities.csv') as handle:\n    loaded = list(csv.DictReader(handle))\nlen(loaded)"),
    ],
    "07-errors-and-exceptions.ipynb": [
        ("md", "# Errors and exceptions\nThe next cell fails on purpose: read the message."),
        ("code", "int('forty-two')"),
        ("md", "Looking up a missing key raises `KeyError`."),
        ("code", "ages = {'ada': 36}\nages['grace']"),
        ("md", "Handle it instead:"),
        ("code", "try:\n    ages['grace']\nexcept KeyError:\n    print('not found')"),
    ],
    "08-downloading-data.ipynb": [
        ("md", "# Downloading data\nEach page takes a moment to arrive (simulated)."),
        ("code", "import time\n\ndef fetch(page):\n    time.sleep(0.2)\n    return [page * 10 + n for n in range(10)]"),
        ("code", "pages = [fetch(page) for page in range(4)]\nsum(len(page) for page in pages)"),
        ("code", "time.sleep(0.2)\nprint('saved')"),
    ],
    "09-debugging.ipynb": [
        ("md", "# Debugging\nThree classic mistakes, each on purpose."),
        ("code", "print(undefined_variable)"),
        ("code", "'total: ' + 3"),
        ("md", "Fixed:"),
        ("code", "undefined_variable = 3\nprint('total: ' + str(undefined_variable))"),
    ],
    "10-json-and-apis.ipynb": [
        ("md", "# JSON and web APIs (simulated)"),
        (
            "code",
            "import json, time\n\ndef call_api(query):\n    time.sleep(0.2)\n    return json.dumps({'query': query, 'results': list(range(100))})",
        ),
        (
            "code",
            "responses = [json.loads(call_api(q)) for q in ('hub', 'kernel', 'binder')]\n[len(r['results']) for r in responses]",
        ),
    ],
    "11-dates-and-times.ipynb": [
        ("md", "# Dates and times"),
        (
            "code",
            "import datetime as dt\nfrom zoneinfo import ZoneInfo\nstart = dt.datetime(2027, 3, 10, 9, tzinfo=ZoneInfo('America/Denver'))",
        ),
        ("code", "start.astimezone(dt.timezone.utc).isoformat()"),
        (
            "code",
            "days = [start + dt.timedelta(days=n) for n in range(10_000)]\nsum(day.weekday() < 5 for day in days)",
        ),
    ],
    "12-common-mistakes.ipynb": [
        ("md", "# Common mistakes\nIndexing past the end of a list:"),
        ("code", "letters = ['a', 'b', 'c']\nletters[3]"),
        ("md", "Dividing by zero:"),
        ("code", "1 / 0"),
        ("code", "import statistics\nstatistics.mean([1, 2, 3, 4])"),
    ],
}
TOOLS = ("check, cold", "check, warm", "MyST-NB force", "MyST-NB force, -j 2", "pytest --nbmake -n 2")
IMPORT = "python -c 'import sphinx_event_ext.content.execute'"
TEACHING = ("07-errors-and-exceptions.ipynb", "09-debugging.ipynb", "12-common-mistakes.ipynb")


@dataclass
class Timing:
    """One tool's timings, and how many notebooks it reported as failed."""

    tool: str
    seconds: list[float]
    failed: str
    inside: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def build_workshop(root: Path) -> None:
    """Write the lessons and save their outputs by running each once, errors allowed, as an author would."""
    root.mkdir(parents=True)
    for name, cells in LESSONS.items():
        made = [new_markdown_cell(text) if kind == "md" else new_code_cell(text) for kind, text in cells]
        notebook = new_notebook(cells=made)
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        NotebookClient(notebook, allow_errors=True, resources={"metadata": {"path": str(root)}}).execute()
        nbformat.write(notebook, root / name)
    (root / "requirements.txt").write_text("# the standard library is enough\n", "utf-8")
    for name in TEACHING:
        saved = nbformat.read(root / name, as_version=4)
        assert any(o.output_type == "error" for c in saved.cells for o in c.get("outputs", [])), name
    for leftover in root.glob("*.csv"):
        leftover.unlink()


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, result


CHECK = textwrap.dedent(
    """
    import json, sys
    from sphinx_event_ext.content.execute import run_event_content
    report = run_event_content(sys.argv[1], jobs=int(sys.argv[2]), cache_dir=sys.argv[3], log_dir=sys.argv[4])
    print(json.dumps({"counts": report.counts, "inside": report.duration}))
    """
)


def run_check(work: Path, content: Path, cache: Path, jobs: int) -> tuple[float, str, float]:
    seconds, result = timed(
        [sys.executable, "-c", CHECK, str(content), str(jobs), str(cache), str(work / "logs")], work
    )
    if result.returncode != 0:
        raise RuntimeError(f"the check crashed:\n{result.stderr}")
    output = json.loads(result.stdout.strip().splitlines()[-1])
    counts = output["counts"]
    detail = f"{counts['failed']} failed; {counts['expected-errors']} with expected errors"
    if counts["cached"]:
        detail += f"; {counts['cached']} cached"
    return seconds, detail, output["inside"]


def run_import(work: Path) -> tuple[float, str, float]:
    """What every check process pays before executing anything: Python's start and the imports."""
    seconds, result = timed([sys.executable, "-c", "import sphinx_event_ext.content.execute"], work)
    if result.returncode != 0:
        raise RuntimeError(f"the import failed:\n{result.stderr}")
    return seconds, "", 0.0


def run_myst_nb(work: Path, content: Path, parallel: int) -> tuple[float, str, float]:
    source = work / f"myst-src-{parallel}"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(content, source)
    (source / "conf.py").write_text(
        'extensions = ["myst_nb"]\nexclude_patterns = ["_build"]\nnb_execution_mode = "force"\n'
        "nb_execution_raise_on_error = False\nnb_execution_timeout = 300\n",
        "utf-8",
    )
    toctree = "\n".join(Path(name).stem for name in LESSONS)
    (source / "index.md").write_text(f"# Workshop\n\n```{{toctree}}\n{toctree}\n```\n", "utf-8")
    out = work / f"myst-out-{parallel}"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-j", str(parallel), str(source), str(out)]
    seconds, result = timed(command, work)
    failed = len(re.findall(r"Executing notebook failed", result.stderr))
    return seconds, f"{failed} reported as failed; build exits {result.returncode}", 0.0


def run_nbmake(work: Path, content: Path) -> tuple[float, str, float]:
    copy = work / "nbmake-content"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(content, copy)
    command = [sys.executable, "-m", "pytest", "--nbmake", "-n", "2", "-q", "-p", "no:cacheprovider"]
    seconds, result = timed([*command, "--rootdir", str(copy), str(copy)], copy)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-200:]
    failed = re.search(r"(\d+) failed", summary)
    return seconds, f"{failed.group(1) if failed else 0} failed; pytest exits {result.returncode}", 0.0


def measure(repeat: int, jobs: int) -> list[Timing]:
    """Time every tool ``repeat`` times, interleaved so background load spreads over all of them."""
    with tempfile.TemporaryDirectory(prefix="bench-execute-") as temporary:
        work = Path(temporary)
        content = work / "workshop"
        print(f"building the workshop in {content} ...", file=sys.stderr)
        build_workshop(content)
        names = [*TOOLS, IMPORT]
        timings = {name: Timing(name, [], "") for name in names}
        for round_number in range(repeat):
            cache = work / f"cache-{round_number}"
            runs: list[tuple[str, Callable[[], tuple[float, str, float]]]] = [
                ("check, cold", lambda cache=cache: run_check(work, content, cache, jobs)),
                ("check, warm", lambda cache=cache: run_check(work, content, cache, jobs)),
                ("MyST-NB force", lambda: run_myst_nb(work, content, 1)),
                ("MyST-NB force, -j 2", lambda: run_myst_nb(work, content, 2)),
                ("pytest --nbmake -n 2", lambda: run_nbmake(work, content)),
                (IMPORT, lambda: run_import(work)),
            ]
            for name, run in runs:
                seconds, detail, inside = run()
                timings[name].seconds.append(seconds)
                timings[name].inside.append(inside)
                timings[name].failed = detail
                print(f"round {round_number + 1}: {name}: {seconds:.2f} s ({detail})", file=sys.stderr)
        return list(timings.values())


def table(timings: list[Timing]) -> str:
    reference = next(timing for timing in timings if timing.tool == "MyST-NB force").median
    lines = [
        "| Tool | Wall time (s) | Ratio to MyST-NB | Notebooks failed / reported |",
        "| --- | ---: | ---: | --- |",
    ]
    for timing in timings:
        if timing.tool == IMPORT:
            continue
        lines.append(f"| {timing.tool} | {timing.median:.2f} | {timing.median / reference:.2f} | {timing.failed} |")
    return "\n".join(lines)


def verdict(timings: list[Timing]) -> list[str]:
    """Whether the targets were met: on whole processes, and on ``run_event_content``'s own time."""
    by_tool = {timing.tool: timing for timing in timings}
    cold, warm = by_tool["check, cold"], by_tool["check, warm"]
    serial, parallel = by_tool["MyST-NB force"].median, by_tool["MyST-NB force, -j 2"].median
    inside_cold, inside_warm = statistics.median(cold.inside), statistics.median(warm.inside)

    def met(ok: bool) -> str:
        return "met" if ok else "**not met**"

    return [
        f"- Cold check at most {COLD_TARGET} x the MyST-NB build: {cold.median / serial:.2f} x,"
        f" {met(cold.median <= COLD_TARGET * serial)} (against MyST-NB with `-j 2`: {cold.median / parallel:.2f} x).",
        f"- Warm check at most {WARM_TARGET} x the cold check, whole processes: {warm.median / cold.median:.2f} x,"
        f" {met(warm.median <= WARM_TARGET * cold.median)}.",
        f"- Warm check at most {WARM_TARGET} x the cold check, time inside `run_event_content`:"
        f" {inside_warm:.2f} s against {inside_cold:.2f} s, {inside_warm / inside_cold:.3f} x,"
        f" {met(inside_warm <= WARM_TARGET * inside_cold)}.",
    ]


def page(timings: list[Timing], repeat: int, jobs: int) -> str:
    """The docs page: method, machine, table and verdict."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    startup = next(timing for timing in timings if timing.tool == IMPORT).median
    return f"""---
orphan: true
---

# Notebook execution benchmark

How long checking a workshop's notebooks takes with `sphinx-event check`'s execution
service, compared with the tools people use today. Generated by
`python benchmarks/bench_execute.py --write-docs`; re-run it to refresh this page.

## Method

The script builds a workshop of {len(LESSONS)} teaching notebooks in pure Python and the
standard library: small computations, 0.2 s sleeps that stand for downloads, a notebook
that writes a file, and {len(TEACHING)} notebooks that demonstrate exceptions with their
error outputs saved (as real teaching notebooks do). Every tool runs as its own process,
from a cold start, on its own copy of the content, {repeat} times interleaved; the table
shows the median wall time.

- **check, cold**: `run_event_content(content, jobs={jobs})` with an empty cache.
- **check, warm**: the same again with nothing changed, so every notebook comes from the cache.
- **MyST-NB force**: `python -m sphinx -b html` with `nb_execution_mode = "force"` and
  `nb_execution_raise_on_error = False` so the build finishes: MyST-NB reports the teaching
  notebooks as failed in warnings, and the build does not fail on them. Also with `-j 2`.
- **pytest --nbmake -n 2**: nbmake with two pytest-xdist workers; it fails on the teaching
  notebooks, whose errors are intended.

## Machine

{os.cpu_count()} CPUs (`nproc`), Python {platform.python_version()} on {platform.system()}
{platform.machine()}; load average {load} when the run ended (other jobs shared the machine).

## Results

{table(timings)}

{chr(10).join(verdict(timings))}

Every process above first pays Python's start and its imports: `{IMPORT}` alone takes
{startup:.2f} s here, most of it `jsonschema` (imported by nbformat, so by every tool in
the table) building the `rfc3987-syntax` grammar at import time. A warm check is that
fixed cost plus a few milliseconds; inside `sphinx-event check`, which imports all this
once anyway to validate events and build the site, the warm execution step costs only its
own time.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tool; the median is reported")
    parser.add_argument("--jobs", type=int, default=2, help="workers of the check (default 2)")
    parser.add_argument("--write-docs", action="store_true", help=f"also write the page {DOCS_PAGE}")
    args = parser.parse_args()
    timings = measure(args.repeat, args.jobs)
    print(table(timings))
    print("\n".join(verdict(timings)))
    if args.write_docs:
        DOCS_PAGE.parent.mkdir(parents=True, exist_ok=True)
        DOCS_PAGE.write_text(page(timings, args.repeat, args.jobs), "utf-8")
        print(f"wrote {DOCS_PAGE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
