"""Hostile content and careless input, end to end through the ``sphinx-event`` command line (issue #20).

Each case drives the real command in a subprocess, with real kernels and real Sphinx builds:
output a kernel writes straight to its file descriptors, a notebook writing relative paths
above its folder, an interrupt, a conf.py that imports ``idna``, a dirhtml site's page
addresses, an ``init`` into a path under a file.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gitrepos import make_bare_repo
from sites import GOOD_OPTIONS, TODAY_EPOCH, event_block, write_notebook

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
CONF += "event_today = '2026-12-01'\n"
#: Control characters a terminal acts on: ESC, BEL and the other C0 controls but newline and tab, and C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sphinx_event_ext.cli", *args]


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH, **(env or {})}
    return subprocess.run(_command(*args), cwd=cwd, capture_output=True, check=False, timeout=timeout, env=environment)


def _content_site(root: Path, notebooks: dict[str, tuple[str, ...]], conf: str = CONF) -> Path:
    src = root / "docs"
    for name, sources in notebooks.items():
        write_notebook(src / "content" / name, *sources)
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(conf)
    (src / "index.md").write_text("# Event\n\n" + event_block(options=GOOD_OPTIONS + ":content-path: content\n"))
    return src


FLOOD = """\
import os, subprocess
os.write(1, b"\\x1b]0;owned-title\\x07\\x1b[2J\\x1b]8;;https://evil.example/\\x1b\\\\link\\x1b]8;;\\x1b\\\\\\n")
subprocess.run(["printf", "\\\\033]0;child-title\\\\007\\\\033[2Jchild\\\\n"], check=True)
chunk = b"y" * 65536
for _ in range(160):
    os.write(1, chunk)
    os.write(2, chunk)
"""
DIES = """\
import os
os.write(2, b"\\x1b[2Jlast words of the kernel\\n")
os._exit(3)
"""


#: Sphinx's own colours (select graphic rendition), which it prints when ``CI`` or ``FORCE_COLOR`` is set.
COLOURS = re.compile("\x1b\\[[0-9;]{0,12}m")
NO_COLOUR = {"NO_COLOR": "1", "CI": "", "FORCE_COLOR": ""}


@pytest.mark.parametrize("colour", [NO_COLOUR, {"CI": "true"}], ids=["plain", "ci-colours"])
def test_what_a_kernel_writes_to_its_file_descriptors_stays_out_of_the_check_output(
    tmp_path: Path, colour: dict[str, str]
) -> None:
    """In CI (``CI=true``) Sphinx colours its own messages; nothing the kernel wrote may reach the terminal."""
    src = _content_site(tmp_path, {"flood.ipynb": (FLOOD,), "dies.ipynb": (DIES,)})
    environment = {name: value for name, value in {**os.environ, **colour}.items() if value}
    result = subprocess.run(
        _command("check", str(src), "--jobs", "1"),
        cwd=tmp_path,
        capture_output=True,
        check=False,
        timeout=300,
        env={**environment, "SOURCE_DATE_EPOCH": TODAY_EPOCH},
    )
    output = result.stdout + result.stderr
    text = output.decode("utf-8", "replace")
    assert len(output) < 64 * 1024, f"{len(output)} bytes: {text[:300]!a}"
    if colour is NO_COLOUR:
        assert COLOURS.findall(text) == [], ascii(text[:300])
    assert CONTROL.findall(COLOURS.sub("", text)) == [], ascii(text[:300])
    assert "owned-title" not in text and "child-title" not in text
    assert result.returncode == 1, text
    assert "dies.ipynb" in text
    # The dead kernel's own last words are kept, escaped, for its failure's log.
    logs = "\n".join(path.read_text("utf-8") for path in (src / "_build").rglob("dies.log"))
    assert "\\x1b[2Jlast words of the kernel" in logs


def test_relative_writes_above_the_content_stay_in_the_run_and_fail_the_notebook(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c" / "d" / "e" / "f" / "g" / "h"
    temporary = deep / "tmp"
    temporary.mkdir(parents=True)
    writes = "\n".join(
        f"open({'../' * levels + f'escaped-{levels}.txt'!r}, 'a').write('written by a notebook')"
        for levels in range(2, 9)
    )
    src = _content_site(tmp_path / "site", {"lesson.ipynb": (writes,)})
    result = _run("check", str(src), "--jobs", "1", cwd=tmp_path, env={"TMPDIR": str(temporary)})
    text = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert sorted(path.name for path in tmp_path.rglob("escaped-*")) == []
    assert list(temporary.iterdir()) == []
    assert result.returncode == 1, text
    assert "lesson.ipynb" in text
    assert "outside its copy of the content" in text
    assert "escaped-8.txt" in text


SLEEPS = "import time\ntime.sleep(600)"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupt_prints_one_line_and_nothing_else(tmp_path: Path, signum: int) -> None:
    src = _content_site(tmp_path, {"lesson.ipynb": ("open('started', 'w').close()", SLEEPS)})
    environment = {**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH, "TMPDIR": str(tmp_path)}
    with open(tmp_path / "stderr.txt", "wb") as stderr:
        check = subprocess.Popen(
            _command("check", str(src), "--jobs", "1"), env=environment, stdout=subprocess.DEVNULL, stderr=stderr
        )
    deadline = time.monotonic() + 120
    while not any(tmp_path.glob("sphinx-event-run-*/**/started")):
        assert check.poll() is None and time.monotonic() < deadline, (tmp_path / "stderr.txt").read_text()
        time.sleep(0.1)
    check.send_signal(signum)
    check.wait(timeout=60)
    stderr_text = (tmp_path / "stderr.txt").read_text("utf-8", "replace")
    name = signal.Signals(signum).name
    assert stderr_text == f"sphinx-event check: the check was interrupted ({name}); its kernels were ended\n"
    assert check.returncode == 128 + signum


IDNA_CONF = CONF + "import idna\nevent_idna_seen = idna.encode('bücher.example').decode()\n"


def test_a_conf_py_that_imports_idna_works_in_prewarm_and_link(tmp_path: Path) -> None:
    """The commands run conf.py in a process that did not import jsonschema before (unlike the test session)."""
    pytest.importorskip("idna")
    remote = make_bare_repo(tmp_path / "remotes", "lesson.git", {"main": {"lesson.ipynb": "{}"}})
    src = tmp_path / "docs"
    src.mkdir()
    (src / "conf.py").write_text(IDNA_CONF + f"event_content_cache = {str(tmp_path / 'cache')!r}\n")
    options = GOOD_OPTIONS + f":id: geo\n:content-repo: {remote}\n"
    (src / "index.md").write_text("# Event\n\n" + event_block(options=options))
    prewarm = _run("prewarm", str(src), "--id", "geo", cwd=tmp_path)
    assert prewarm.returncode == 0, prewarm.stderr.decode()
    assert json.loads(prewarm.stdout)["event_id"] == "geo"
    link = _run("link", "--event", "geo", str(src), "--path", "lesson.ipynb", cwd=tmp_path)
    assert link.returncode == 0, link.stderr.decode()
    assert link.stdout.decode().startswith("https://geo.hub.example.org/hub/user-redirect/git-pull?repo=")


def test_init_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    result = _run("init", "a-file/sub", cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert "a-file is a file, not a folder" in stderr
    assert (tmp_path / "a-file").read_text() == "not a folder"


@pytest.mark.parametrize(
    ("option", "value"),
    [("content-repo", "https://github.com/o/."), ("target-path", "."), ("target-path", "%")],
)
def test_validate_refuses_what_the_link_builders_refuse(tmp_path: Path, option: str, value: str) -> None:
    options = GOOD_OPTIONS + ":content-repo: https://github.com/o/lesson\n"
    options = "".join(line for line in options.splitlines(keepends=True) if not line.startswith(f":{option}:"))
    (tmp_path / "event.md").write_text("# Event\n\n" + event_block(options=options + f":{option}: {value}\n"))
    result = _run("validate", "event.md", cwd=tmp_path)
    stdout = result.stdout.decode()
    assert result.returncode == 1, stdout + result.stderr.decode()
    assert option in stdout


def test_page_addresses_of_a_dirhtml_site_agree_between_the_build_and_the_command_line(tmp_path: Path) -> None:
    src = tmp_path / "docs"
    (src / "events").mkdir(parents=True)
    (src / "conf.py").write_text(CONF + "html_baseurl = 'https://events.example.org/site/'\n")
    (src / "index.md").write_text("# Site\n\n```{toctree}\nevents/hackathon\n```\n")
    (src / "events" / "hackathon.md").write_text("# Hackathon\n\n" + event_block(options=GOOD_OPTIONS + ":id: hack\n"))
    for builder in ("dirhtml", "html"):
        out = tmp_path / f"out-{builder}"
        build = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", builder, "-q", str(src), str(out)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH},
        )
        assert build.returncode == 0, build.stderr
        built = json.loads((out / "_events" / "hack" / "prewarm.json").read_text("utf-8"))["page_url"]
        printed = _run("prewarm", str(src), "--id", "hack", "--builder", builder, cwd=tmp_path)
        assert printed.returncode == 0, printed.stderr.decode()
        assert json.loads(printed.stdout)["page_url"] == built
        expected = {"dirhtml": "events/hackathon/", "html": "events/hackathon.html"}[builder]
        assert built == f"https://events.example.org/site/{expected}#event-hack"
    default = _run("prewarm", str(src), "--id", "hack", cwd=tmp_path)
    assert json.loads(default.stdout)["page_url"].endswith("/events/hackathon.html#event-hack")


def test_the_capture_keeps_the_first_and_last_part_and_counts_the_rest() -> None:
    """The pipe a kernel writes to, fed by a real child process: bounded whatever is written."""
    from sphinx_event_ext.content.kernel_output import KernelOutput

    output = KernelOutput(keep=1024)
    script = "import os\nos.write(1, b'START\\x1b]0;t\\x07')\nfor _ in range(2000): os.write(2, b'm' * 4096)\nos.write(1, b'END')"
    child = subprocess.Popen([sys.executable, "-c", script], stdout=output.fd, stderr=output.fd)
    output.started()
    assert child.wait(timeout=60) == 0
    report = output.report()
    assert report.startswith("The kernel process wrote:\nSTART\\x1b]0;t\\x07")
    assert report.endswith("END")
    assert "of the kernel's output left out here" in report
    assert len(report) < 3 * 1024
    assert CONTROL.findall(report.replace("\n", "")) == []
