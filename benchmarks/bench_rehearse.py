"""What a 10-user login wave costs on loopback: its time, and the checker's own memory while it drives it.

A real JupyterHub on 127.0.0.1 (the tests' hub, tests/hubs.py: configurable-http-proxy, local
process spawner with a profile list) with the provider's default spawn limit (100, so the
wave is not throttled), and the content served by ``git daemon``. ``sphinx-event rehearse``
runs as organizers run it, a process: it creates 10 users, starts their servers at once,
pulls the content into each, runs the three notebooks on the hub's kernels, reads the
memory they used, and removes everything. Each run is timed from the process's start to its
end; its peak resident memory is the kernel's own count (``wait4``'s ``ru_maxrss``).

Run it with ``python benchmarks/bench_rehearse.py [--repeat N] [--users N] [--write-docs]``.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the tests' real hub and git daemon

import nbformat  # noqa: E402
from gitrepos import git_daemon, make_bare_repo  # noqa: E402
from hubs import start_hub  # noqa: E402

DOCS_PAGE = ROOT / "docs" / "benchmarks" / "rehearse.md"
TOKEN_ENV = "BENCH_HUB_TOKEN"
PROVIDER_SPAWN_LIMIT = 100


def _notebook(*cells: str) -> str:
    return nbformat.writes(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(cell) for cell in cells],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        )
    )


CONTENT = {
    "01-intro.ipynb": _notebook("print('hello from the hub')"),
    "02-data.ipynb": _notebook("rows = [list(range(100)) for _ in range(1000)]", "len(rows)"),
    "03-more.ipynb": _notebook("import json", "json.dumps({'ok': True})"),
}


def _site(folder: Path, hub: str, git: str) -> Path:
    docs = folder / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text('extensions = ["myst_parser", "sphinx_event_ext"]\nevent_today = "2027-03-01"\n')
    (docs / "index.md").write_text(
        "# Workshop\n\n```{event} Benchmark workshop\n"
        f":id: bench\n:hub: {hub}\n:start: 2027-03-10\n:end: 2027-03-10\n:active-hours: 09:00-17:00\n"
        f":timezone: UTC\n:attendees: 60\n:content-repo: {git}/content.git\n:target-path: workshop\n```\n"
    )
    return docs


def one_wave(docs: Path, token: str, users: int, prefix: str) -> dict:
    """One rehearsal: its seconds in all and per phase (from the moments its lines were printed), the checker's
    peak resident memory in bytes, and its record."""
    command = [sys.executable, "-m", "sphinx_event_ext.cli", "rehearse", str(docs), "--hub-token-env", TOKEN_ENV]
    command += ["--users", str(users), "--user-prefix", prefix]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, TOKEN_ENV: token}, text=True
    )
    assert process.stdout is not None
    last: dict[str, float] = {}  # when the last line starting with each word was printed
    first: dict[str, float] = {}
    for line in process.stdout:
        word = line.split(" ", 1)[0]
        last[word] = time.perf_counter() - started
        first.setdefault(word, last[word])
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the rehearsal failed")
    record = json.loads((docs / "_build" / "html" / "_events" / "bench" / "rehearsal.json").read_text())
    wave, content = last["pull"], first["server"]  # the first "server" line: the server's image and limits
    phases = {"wave": wave, "content": content - wave, "clean-up": seconds - content}
    return {"seconds": seconds, "phases": phases, "peak": usage.ru_maxrss * 1024, "wave": record["wave"]}


def measure(repeat: int, users: int) -> list[dict]:
    """Each run's time, peak memory and the wave's start times."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-rehearse-") as temporary:
        base = Path(temporary)
        (base / "repos").mkdir()
        make_bare_repo(base / "repos", "content.git", {"main": CONTENT})
        with git_daemon(base / "repos", wait=30) as git:
            (base / "hub").mkdir()
            hub = start_hub(base / "hub", spawn_limit=PROVIDER_SPAWN_LIMIT)
            try:
                docs = _site(base, hub.url, git)
                for round_ in range(repeat):
                    run = one_wave(docs, hub.token, users, f"bench{round_}-")
                    runs.append(run)
                    print(f"run {round_ + 1}: {run['seconds']:.1f} s, peak {run['peak'] / 2**20:.0f} MiB", flush=True)
            finally:
                hub.stop()
    return runs


def table(runs: list[dict], users: int) -> str:
    """A Markdown table: each run and the median."""
    lines = [
        "| Run | Users | Total time | Wave | Content | Clean-up | Checker's peak memory | Start median | Start p90 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for number, run in enumerate(runs, start=1):
        times, phases = run["wave"]["start_seconds"], run["phases"]
        lines.append(
            f"| {number} | {users} | {run['seconds']:.1f} s | {phases['wave']:.1f} s | {phases['content']:.1f} s | "
            f"{phases['clean-up']:.1f} s | {run['peak'] / 2**20:.0f} MiB | {times['median']:.1f} s | "
            f"{times['p90']:.1f} s |"
        )
    seconds = statistics.median(run["seconds"] for run in runs)
    peak = statistics.median(run["peak"] for run in runs)
    lines.append(f"| median | {users} | {seconds:.1f} s | | | | {peak / 2**20:.0f} MiB | | |")
    return "\n".join(lines)


def page(runs: list[dict], users: int) -> str:
    return f"""# Rehearsal benchmark

What a {users}-user login wave of `sphinx-event rehearse` ({{doc}}`../howto/rehearse`) costs on
loopback. Generated by `python benchmarks/bench_rehearse.py --write-docs`; re-run it to
refresh this page.

## Method

A real JupyterHub on 127.0.0.1 (the tests' hub: configurable-http-proxy, the local process
spawner with a profile list, the provider's spawn limit of {PROVIDER_SPAWN_LIMIT}), the content
(three small notebooks) served by `git daemon`. Each run is one `sphinx-event rehearse --users
{users}` process, as an organizer runs it: it creates {users} users, starts their servers at once,
clicks the link on each (nbgitpuller pulls into a folder of the run), runs the notebooks on
the hub's kernels and reads their memory there, reads the server's image and limits, then
stops every server, removes the run's folders and deletes the users. *Total time* is the
process from start to end: *wave* until the last server pulled the content (users
created, servers started, link clicked), *content* until the notebooks ran and the
server was read, *clean-up* the rest (each home's run folder removed through a kernel,
servers stopped, users deleted, the record written); *checker's peak memory* is its peak resident memory as the
kernel counts it (`wait4`'s `ru_maxrss`): the rehearsal itself, not the hub's servers. The
start times are the wave's own, from the record.

Every server runs on the same machine as the hub and the checker, so start times here are
the machine's, not a cloud hub's: a hub that must add a node starts in minutes.

## Machine

{os.cpu_count()} CPUs, Python {platform.python_version()} on {platform.system()}

## Results

{table(runs, users)}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--write-docs", action="store_true", help=f"also write the page {DOCS_PAGE}")
    args, _ = parser.parse_known_args()  # nox passes the other benchmarks' options too
    runs = measure(args.repeat, args.users)
    print(table(runs, args.users))
    if args.write_docs:
        DOCS_PAGE.write_text(page(runs, args.users), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
