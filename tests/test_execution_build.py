"""The content check inside real builds and ``sphinx-event check``: real notebooks in real kernels."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
from sites import GOOD_OPTIONS, event_block
from sites import write_notebook as _notebook

CONF = "event_execute = True\nexclude_patterns = ['_build', 'content']\nevent_today = '2026-12-01'\n"


def _site(src: Path, *, failing: bool) -> dict[str, str]:
    _notebook(src / "content" / "01-ok.ipynb", "total = sum(range(10))", "print(total)")
    if failing:
        _notebook(src / "content" / "02-broken.ipynb", "values = [1, 2, 3]", "values[10]")
    return {"index": "# Event\n\n" + event_block(options=GOOD_OPTIONS + ":content-path: content\n")}


def test_a_failing_notebook_fails_the_build_at_the_event(build_site, tmp_path):
    src = tmp_path / "src"
    result = build_site(_site(src, failing=True), conf=CONF, src=src)
    assert result.status != 0
    assert re.search(
        r"index\.md:3: ERROR: notebook 02-broken\.ipynb: cell 3 of 3.*\(code cell 2\), `values\[10\]` raised "
        r"IndexError: list index out of range",
        result.warnings,
    ), result.warnings
    assert "    | IndexError: list index out of range" in result.warnings
    log = re.search(r"full traceback: (\S+\.log)", result.warnings).group(1)
    assert "IndexError" in Path(log).read_text()
    assert "01-ok.ipynb" not in result.warnings


def test_report_in_the_card_and_execution_json(build_site, tmp_path):
    src = tmp_path / "src"
    result = build_site(_site(src, failing=False), conf=CONF, src=src)
    assert result.status == 0, result.warnings
    card = result.soup().select_one(".event-card")
    # One line for attendees, dated with the build's today; the report is in a closed organizers' section.
    assert card.select_one("p.event-status").get_text() == "Content checked 2026-12-01: 1 notebook ran"
    section = card.select_one(".sd-card-footer details.event-report")
    assert section is not None and not section.has_attr("open")
    assert "content check report" in section.select_one("summary").get_text()
    assert [badge.get_text() for badge in section.select("table .sd-badge")] == ["passed"]
    report = json.loads((result.out / "_events" / "index" / "execution.json").read_text())
    assert [(n["path"], n["status"], n["code_cells"]) for n in report["notebooks"]] == [("01-ok.ipynb", "passed", 2)]
    everything = json.loads((result.out / "_events" / "execution.json").read_text())
    assert list(everything["events"]) == ["index"]


def _row(result) -> list[str]:
    return [cell.get_text(" ", strip=True) for cell in result.soup().select(".event-report table tbody tr td")]


def test_unchanged_notebooks_are_not_run_again(build_site, tmp_path):
    src = tmp_path / "src"
    pages = _site(src, failing=False)
    first = build_site(pages, conf=CONF, src=src)
    ran = json.loads((first.out / "_events" / "index" / "execution.json").read_text())["notebooks"][0]
    second = build_site(pages, conf=CONF, src=src, args=("-E",))
    assert second.status == 0, second.warnings
    # A cached notebook shows the run that proved it: its duration and when it ran, not "0.0 s".
    path, status, duration, _cells, details = _row(second)
    assert (path, status) == ("01-ok.ipynb", "passed (cached)")
    assert "sd-bg-success" in second.soup().select_one(".event-report table tbody tr .sd-badge")["class"]
    assert duration == ("under 0.1 s" if ran["duration"] < 0.05 else f"{ran['duration']:.1f} s")
    stamp = dt.datetime.fromisoformat(ran["ran_at"]).astimezone(dt.timezone.utc)
    assert details == f"unchanged since it ran on {stamp:%Y-%m-%d %H:%M} UTC"
    assert second.soup().select_one("p.event-status").get_text() == (
        f"Content checked 2026-12-01: 1 notebook passed (from the check of {stamp:%Y-%m-%d})"
    )
    forced = build_site(pages, conf=CONF + "event_execute_force = True\n", src=src, args=("-E",))
    assert _row(forced)[1] == "passed"


def test_report_inline_or_hidden(build_site, tmp_path):
    src = tmp_path / "src"
    pages = _site(src, failing=False)
    inline = build_site(pages, conf=CONF + "event_execution_report = 'inline'\n", src=src)
    assert inline.soup().select_one(".event-card details.event-report").has_attr("open")
    hidden = build_site(pages, conf=CONF + "event_execution_report = 'hidden'\n", src=src, args=("-E",))
    card = hidden.soup().select_one(".event-card")
    assert card.select_one("details") is None and card.select_one("table") is None
    # The second build took the first one's result.
    assert card.select_one("p.event-status").get_text().startswith("Content checked 2026-12-01: 1 notebook passed (")
    bad = build_site(pages, conf=CONF + "event_execution_report = 'sideways'\n", src=src, args=("-E",))
    assert "event_execution_report: expected one of 'collapsed', 'inline', 'hidden', got 'sideways'" in bad.warnings


def test_without_execute_nothing_runs(build_site, tmp_path):
    src = tmp_path / "src"
    result = build_site(_site(src, failing=True), conf=CONF.replace("True", "False"), src=src)
    assert result.status == 0, result.warnings
    assert "Content check" not in result.html()
    assert not (result.out / "_events" / "index" / "execution.json").exists()


def test_check_command_runs_the_content(tmp_path):
    src = tmp_path / "docs"
    pages = _site(src, failing=True)
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_event_ext"]\n' + CONF.replace("event_execute = True\n", "")
    )
    (src / "index.md").write_text(pages["index"])
    command = [sys.executable, "-m", "sphinx_event_ext.cli", "check", str(src), "--jobs", "1"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "02-broken.ipynb: cell 3 of 3" in result.stderr
    (src / "content" / "02-broken.ipynb").unlink()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def _saved(source: str, text: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return cell


def test_compare_outputs_warns_about_changed_cells_only(build_site, tmp_path):
    src = tmp_path / "src"
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Outputs"),
        _saved("print(1 + 1)", "2\n"),  # unchanged
        _saved("print(object())", "<object object at 0x7f0000000000>\n"),  # only the address differs
        _saved("import datetime; print(datetime.datetime.now().isoformat())", "2020-01-01T00:00:00.000001\n"),
        _saved("print(6 * 7)", "41\n"),  # the saved output is wrong: cell 5 differs
    ]
    (src / "content").mkdir(parents=True)
    nbformat.write(notebook, src / "content" / "outputs.ipynb")
    page = "# Event\n\n" + event_block(options=GOOD_OPTIONS + ":content-path: content\n:compare-outputs: true\n")
    result = build_site({"index": page}, conf=CONF, src=src)
    warnings = [line for line in result.warnings.splitlines() if "[event.outputs]" in line]
    assert len(warnings) == 1, result.warnings
    assert (
        "index.md:3: WARNING: notebook outputs.ipynb: the outputs of cell(s) 5 differ from the saved ones"
        in warnings[0]
    )
    report = json.loads((result.out / "_events" / "index" / "execution.json").read_text())
    assert report["notebooks"][0]["changed_outputs"] == [5]
