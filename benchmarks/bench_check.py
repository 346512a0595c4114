"""What a warm `sphinx-event check` costs: cold, warm with nothing changed, and one page edited.

Builds a site of 200 pages (120 of them event pages with a checklist, as `init` and `new` write
them, without content; 80 prose pages), then times, each as its own process, as an organizer's
pre-commit hook or CI job runs it:

- the cold check (no `_build` folder);
- the warm check, nothing changed (the last passing check's result stands);
- the same with that check's record removed, so Sphinx's incremental build runs (and the pages it
  wrote again are counted: none is the target);
- the check after one prose page, and after one event page, was edited;
- `sphinx-event validate` on the same site, beside `python -c pass` (the interpreter's own start);
- the same on 500 pages (300 events, 200 prose): cold, and one event page edited;
- a plain `sphinx-build` of 300 event pages (card and checklist), beside the same facts as plain text.

Also a workshop-sized site (one event page whose 19 notebooks run, as in a real workshop),
cold, warm and with one notebook edited, and the cold and warm check of this repository's
own `docs/`. Each measurement runs `--repeat` times and the median is reported. Python writes
its bytecode caches as on an organizer's machine (PYTHONDONTWRITEBYTECODE is removed).
Run it with `python benchmarks/bench_check.py [--repeat N] [--write-docs]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sphinx_event_ext.cli.check_stamp import STAMP_NAME
from sphinx_event_ext.content.store import evidence_folder
from sphinx_event_ext.plan.checklist import STEPS

ROOT = Path(__file__).resolve().parent.parent
DOCS_PAGE = ROOT / "docs" / "benchmarks" / "check.md"
CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build"]\nevent_today = "2027-01-01"\n'
OPTIONS = """:hub: https://hub{n}.example.org
:start: 2027-0{month}-1{day}
:end: 2027-0{month}-1{day}
:active-hours: 09:00-17:00
:timezone: America/Denver
:attendees: {attendees}
:notified: 2026-12-01
"""


def event_page(n: int) -> str:
    options = OPTIONS.format(n=n, month=3 + n % 6, day=n % 9, attendees=20 + n)
    return (
        f"# Workshop {n}\n\n```{{event}} Workshop {n}\n{options}\nA day of Python for workshop {n}.\n```\n\n"
        "## Organizer checklist\n\n```{event-checklist}\n```\n"
    )


def plain_page(n: int) -> str:
    """The same facts as an event page, as a person would write them without the extension: the card's facts,
    and the checklist under the same heading as a list of its steps, each with its detail."""
    steps = "".join(f"- [ ] **{step.title}**: {step.detail}\n" for step in STEPS)
    return (
        f"# Workshop {n}\n\n**Workshop {n}**\n\n- Hub: https://hub{n}.example.org\n"
        f"- Dates: 2027-0{3 + n % 6}-1{n % 9}\n- Hours: 09:00-17:00 America/Denver\n"
        f"- Attendees: {20 + n}\n\nA day of Python for workshop {n}.\n\n## Organizer checklist\n\n{steps}"
    )


def write_site(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "conf.py").write_text(CONF, "utf-8")
    toctree = "\n".join(sorted(pages))
    (folder / "index.md").write_text(f"# Site\n\n```{{toctree}}\n:maxdepth: 1\n{toctree}\n```\n", "utf-8")
    for name, text in pages.items():
        (folder / f"{name}.md").write_text(text, "utf-8")
    return folder


#: As an organizer's shell runs the commands: Python keeps its bytecode caches.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=ENVIRONMENT)
    seconds = time.perf_counter() - start
    if result.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds


def median(repeat: int, run: Callable[[], float]) -> float:
    return statistics.median(run() for _ in range(repeat))


CHECK = [sys.executable, "-m", "sphinx_event_ext.cli", "check"]


def check_edited(src: Path, path: Path, changed: str) -> float:
    """The check's time after ``path`` was edited to ``changed``; then the edit is undone and checked again."""
    original = path.read_text("utf-8")
    path.write_text(changed, "utf-8")
    seconds = timed([*CHECK, str(src)])
    path.write_text(original, "utf-8")
    timed([*CHECK, str(src)])
    return seconds


def pages_written(src: Path, run: Callable[[], float]) -> tuple[float, int]:
    """The time of ``run`` and how many pages it wrote again (Sphinx's index and search pages aside)."""
    out = src / "_build" / "html"

    def stamps() -> dict[Path, int]:
        return {path: path.stat().st_mtime_ns for path in out.glob("*.html") if path.stem not in ("genindex", "search")}

    before = stamps()
    seconds = run()
    after = stamps()
    return seconds, sum(1 for path, written in after.items() if before.get(path) != written)


def site(work: Path, repeat: int, events: int, prose: int, full: bool = True) -> dict[str, float]:
    pages = {f"event-{n:03d}": event_page(n) for n in range(events)}
    pages.update({f"page-{n:03d}": plain_page(n) for n in range(prose)})
    src = write_site(work / f"site{events + prose}", pages)

    def cold() -> float:
        shutil.rmtree(src / "_build", ignore_errors=True)
        return timed([*CHECK, str(src)])

    results = {"cold": median(repeat, cold)}
    timed([*CHECK, str(src)])
    event = src / "event-007.md"
    changed = event.read_text("utf-8").replace("A day of Python", "A day of Python and maps")
    results["edited"] = median(repeat, lambda: check_edited(src, event, changed))
    if not full:
        return results
    results["warm"] = median(repeat, lambda: timed([*CHECK, str(src)]))

    written: list[int] = []

    def incremental() -> float:
        (evidence_folder(src / "_build" / "doctrees") / STAMP_NAME).unlink()
        seconds, count = pages_written(src, lambda: timed([*CHECK, str(src)]))
        written.append(count)
        return seconds

    results["incremental"] = median(repeat, incremental)
    results["incremental_written"] = max(written)
    prose_page = src / "page-011.md"
    edited_prose = prose_page.read_text("utf-8").replace("A day of Python", "A day of Python and rivers")
    results["prose"] = median(repeat, lambda: check_edited(src, prose_page, edited_prose))
    results["validate"] = median(
        repeat, lambda: timed([sys.executable, "-m", "sphinx_event_ext.cli", "validate", str(src)])
    )
    results["python"] = median(repeat, lambda: timed([sys.executable, "-c", "pass"]))
    return results


def pages_300(work: Path, repeat: int) -> dict[str, float]:
    events = write_site(work / "events300", {f"p{n:03d}": event_page(n) for n in range(300)})
    plain = write_site(work / "plain300", {f"p{n:03d}": plain_page(n) for n in range(300)})

    def build(src: Path) -> Callable[[], float]:
        def run() -> float:
            shutil.rmtree(src / "_build", ignore_errors=True)
            return timed([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(src / "_build")])

        return run

    return {"events": median(repeat, build(events)), "plain": median(repeat, build(plain))}


WORKSHOP_CONF = (
    'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "workshop"]\n'
    'event_today = "2027-01-01"\n'
)
WORKSHOP_PAGE = """# Python workshop

```{event} Python workshop
:hub: https://hub.example.org
:start: 2027-03-10
:end: 2027-03-11
:active-hours: 09:00-17:00
:timezone: America/Denver
:attendees: 40
:notified: 2026-12-01
:content-repo: https://github.com/example-org/workshop
:content-path: workshop
```
"""
NOTEBOOKS = 19


def workshop(work: Path, repeat: int) -> dict[str, float]:
    """One event page whose 19 notebooks (the execute benchmark's lessons, some twice) run in the check."""
    from bench_execute import build_workshop

    lessons = work / "lessons"
    build_workshop(lessons)
    src = work / "workshop-site"
    (src / "workshop").mkdir(parents=True)
    names = sorted(path.name for path in lessons.glob("*.ipynb"))
    for number in range(NOTEBOOKS):
        shutil.copy(
            lessons / names[number % len(names)], src / "workshop" / f"{number:02d}-{names[number % len(names)]}"
        )
    shutil.copy(lessons / "requirements.txt", src / "workshop")
    (src / "conf.py").write_text(WORKSHOP_CONF, "utf-8")
    (src / "index.md").write_text(WORKSHOP_PAGE, "utf-8")

    def cold() -> float:
        shutil.rmtree(src / "_build", ignore_errors=True)
        return timed([*CHECK, str(src)])

    results = {"cold": median(repeat, cold)}
    timed([*CHECK, str(src)])
    results["warm"] = median(repeat, lambda: timed([*CHECK, str(src)]))
    notebook = next((src / "workshop").glob("00-*.ipynb"))
    data = json.loads(notebook.read_text("utf-8"))
    data["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "One more note."})
    results["edited"] = median(repeat, lambda: check_edited(src, notebook, json.dumps(data)))
    return results


def own_docs(work: Path, repeat: int) -> dict[str, float]:
    docs = work / "repo"
    shutil.copytree(ROOT, docs, ignore=shutil.ignore_patterns("_build", ".nox", ".git", "__pycache__"))

    def cold() -> float:
        shutil.rmtree(docs / "docs" / "_build", ignore_errors=True)
        return timed([*CHECK, "docs"], cwd=docs)

    results = {"cold": median(repeat, cold)}
    timed([*CHECK, "docs"], cwd=docs)
    results["warm"] = median(repeat, lambda: timed([*CHECK, "docs"], cwd=docs))
    return results


def table(
    site: dict[str, float],
    large: dict[str, float],
    pages: dict[str, float],
    shop: dict[str, float],
    docs: dict[str, float],
) -> str:
    def ratio(value: float, cold: float) -> str:
        return f"{value / cold:.2f} x cold"

    rows = [
        ("200 pages (120 events with checklists, 80 prose): cold check", site["cold"], "1.00", ""),
        ("200 pages: warm check, nothing changed (stamp)", site["warm"], ratio(site["warm"], site["cold"]), "≤ 0.05"),
        (
            "200 pages: nothing changed, no stamp (incremental build)",
            site["incremental"],
            f"{ratio(site['incremental'], site['cold'])}; {site['incremental_written']:.0f} page(s) written",
            "≤ 0.1, none written",
        ),
        ("200 pages: one prose page edited", site["prose"], ratio(site["prose"], site["cold"]), "≤ 0.1"),
        ("200 pages: one event page edited", site["edited"], ratio(site["edited"], site["cold"]), "≤ 0.1"),
        (
            "200 pages: `sphinx-event validate`",
            site["validate"],
            f"{site['validate'] - site['python']:.2f} s beyond Python's start ({site['python']:.2f} s)",
            "",
        ),
        ("500 pages (300 events, 200 prose): cold check", large["cold"], "1.00", ""),
        ("500 pages: one event page edited", large["edited"], ratio(large["edited"], large["cold"]), "≤ 0.05"),
        (
            "300 event pages (card and checklist): `sphinx-build`",
            pages["events"],
            f"{pages['events'] / pages['plain']:.2f} x plain",
            "≤ 1.2",
        ),
        ("300 pages of the same facts as plain text: `sphinx-build`", pages["plain"], "1.00", ""),
        (f"workshop ({NOTEBOOKS} notebooks, one page): cold check", shop["cold"], "1.00", ""),
        ("workshop: warm check, nothing changed", shop["warm"], ratio(shop["warm"], shop["cold"]), ""),
        ("workshop: one notebook edited", shop["edited"], ratio(shop["edited"], shop["cold"]), ""),
        ("this repository's docs: cold check", docs["cold"], "1.00", ""),
        ("this repository's docs: warm check", docs["warm"], ratio(docs["warm"], docs["cold"]), ""),
    ]
    lines = ["| measurement | seconds | ratio | target |", "| --- | ---: | --- | --- |"]
    lines += [f"| {name} | {seconds:.2f} | {ratio} | {target} |" for name, seconds, ratio, target in rows]
    return "\n".join(lines)


def write_docs(text: str, repeat: int) -> None:
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    DOCS_PAGE.write_text(
        "# Benchmark: warm checks\n\n"
        "Generated by `nox -s benchmark` (`benchmarks/bench_check.py --write-docs`); do not edit by hand.\n\n"
        f"Each number is the median of {repeat} runs, each run a whole process as an organizer starts it, "
        f"on {machine}, shared with other jobs (the timings are noisy: compare the ratios, taken in the same "
        f"minutes).\n\n{text}\n\n"
        "When nothing changed since the last check that passed (the contents of every file it read, the "
        "environment's packages, options, today, and the commit of every pulled branch, asked with one "
        "`git ls-remote` each), that result stands and no build runs. Otherwise a check reads and writes only the pages that changed, and gives again the "
        "warnings of the pages it skipped, so it fails exactly where a fresh check (`--fresh`) fails; "
        "unchanged notebooks that passed come from the cache. The runs keep Python's bytecode caches, as "
        "an organizer's machine does.\n\n"
        "An edited page costs the incremental build's fixed part (the interpreter's and Sphinx's start and "
        "loading its environment: the no-stamp row, where nothing is read or written) plus the pages read and "
        "written again, which are only the edited page and the pages that list or link to its event; so on a "
        "small site the ratio to a cold check is bounded by that fixed part, and on a large one it falls. "
        "The fixed part is kept small: only the pages that changed are validated before the build, the theme's "
        "templates stay compiled in the state folder, the settings and each event's pre-warm request are made "
        "once per build, and the command leaves what it loaded out of the garbage collector's passes "
        '({doc}`../developer`, "What a warm check costs").\n',
        "utf-8",
    )


def shown(name: str, results: dict[str, float]) -> dict[str, float]:
    """Print a part's results as soon as they are measured, so a long run shows its progress."""
    print(f"{name}: " + ", ".join(f"{key} {value:.2f}" for key, value in results.items()), file=sys.stderr, flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-check-") as temporary:
        work = Path(temporary)
        small = shown("200 pages", site(work, args.repeat, 120, 80))
        large = shown("500 pages", site(work, args.repeat, 300, 200, full=False))
        pages = shown("300 pages", pages_300(work, args.repeat))
        shop = shown("workshop", workshop(work, args.repeat))
        docs = shown("docs", own_docs(work, args.repeat))
    text = table(small, large, pages, shop, docs)
    print(text)
    if args.write_docs:
        write_docs(text, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
