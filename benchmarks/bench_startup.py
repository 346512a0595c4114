"""How long the commands that build nothing take to start: `--version`, `validate`, `prewarm`, `link`.

Each runs as its own process, as an organizer or a pre-commit hook runs it, on a site of one
event page whose conf.py imports `idna` (as one that imports `requests` does): the commands
run conf.py, and no module may be kept from it. Reported: the median wall time and CPU time
(user and system, of the process and its children) over `--repeat` runs, beside
`python -c pass` (the interpreter's own start) and `python -c "import jsonschema"` (what
validating costs at least). CPU time is the steadier figure on a shared machine.
Run it with `python benchmarks/bench_startup.py [--repeat N] [--write-docs]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS_PAGE = ROOT / "docs" / "benchmarks" / "startup.md"
CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nevent_today = "2027-01-01"\nimport idna\n'
PAGE = """# Workshop

```{event} Workshop
:id: workshop
:hub: https://hub.example.org
:start: 2027-03-10
:end: 2027-03-11
:active-hours: 09:00-17:00
:timezone: America/Denver
:attendees: 40
:content-repo: https://github.com/org/workshop
```
"""
CLI = [sys.executable, "-m", "sphinx_event_ext.cli"]
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=ENVIRONMENT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(command: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    timed(command, cwd)  # warm the bytecode caches and the file system, as a second run on a machine is
    runs = [timed(command, cwd) for _ in range(repeat)]
    return statistics.median(wall for wall, _ in runs), statistics.median(cpu for _, cpu in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write-docs", action="store_true", help=f"write the results to {DOCS_PAGE}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch)
        (site / "docs").mkdir()
        (site / "docs" / "conf.py").write_text(CONF)
        (site / "docs" / "index.md").write_text(PAGE)
        commands = {
            "`python -c pass`": [sys.executable, "-c", "pass"],
            '`python -c "import jsonschema"`': [sys.executable, "-c", "import jsonschema"],
            "`sphinx-event --version`": [*CLI, "--version"],
            "`sphinx-event validate docs`": [*CLI, "validate", "docs"],
            "`sphinx-event prewarm docs --id workshop`": [*CLI, "prewarm", "docs", "--id", "workshop"],
            "`sphinx-event link --event workshop --no-verify`": [*CLI, "link", "--event", "workshop", "--no-verify"],
        }
        rows = []
        for name, command in commands.items():
            wall, cpu = measure(command, site, args.repeat)
            rows.append(f"| {name} | {wall:.2f} s | {cpu:.2f} s |")
            print(rows[-1], flush=True)
    table = "\n".join(["| command | wall time (median) | CPU time (median) |", "| --- | ---: | ---: |", *rows])
    if args.write_docs:
        DOCS_PAGE.write_text(page(table, args.repeat), "utf-8")


def page(table: str, repeat: int) -> str:
    return f"""# Start-up of the commands that build nothing

`benchmarks/bench_startup.py` (`nox -s benchmark -- --write-docs` regenerates this page) runs each
command {repeat} times as its own process, after one run that warms the bytecode caches, on a site of
one event page whose `conf.py` imports `idna`. CPU time counts the process and its children, and is the
steadier figure on a shared machine; wall time includes waiting for the CPU.

{table}

What it shows: `--version` loads nothing of the event machinery. `validate`, `prewarm` and
`link` validate the event with jsonschema, which imports its format back-ends (`idna`, `fqdn`,
`webcolors` and others, a few hundredths of a second); only `rfc3987-syntax`, which compiles
its grammars at import (about a second), is deferred until an IRI is checked, which the event
schema never asks for. Nothing is kept from the site's own `conf.py`: it may import any of them.

Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs (shared).
"""


if __name__ == "__main__":
    main()
