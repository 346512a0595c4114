"""The notebook runner against hostile content: malformed notebooks, output floods, odd names, failing kernels."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from sphinx_event_ext.content.execute import FAILED, PASSED, SKIPPED, run_event_content


def notebook_json(*sources: str, skip: bool = False) -> dict[str, Any]:
    made = new_notebook(cells=[new_markdown_cell("# Lesson"), *(new_code_cell(source) for source in sources)])
    made.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if skip:
        for cell in made.cells[1:]:
            cell.metadata["tags"] = ["skip-execution"]
    return json.loads(nbformat.writes(made))


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), "utf-8")  # json.dumps writes inf as Infinity, as a careless tool does


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


# Each of the issue's cases: where in the notebook, what is put there, and what the reason must name.
ISSUE_CASES = {
    "metadata-null": (("metadata",), None, "at metadata: None is not of type 'object'"),
    "kernelspec-null": (("metadata", "kernelspec"), None, "at metadata.kernelspec: None is not of type 'object'"),
    "kernelspec-string": (("metadata", "kernelspec"), "python3", "at metadata.kernelspec: 'python3' is not of type"),
    "name-number": (("metadata", "kernelspec", "name"), 3, "at metadata.kernelspec.name: 3 is not of type 'string'"),
    "cells-null": (("cells",), None, "at cells: None is not of type 'array'"),
    "cell-string": (("cells", 1), "print(1)", "at cells[1]: 'print(1)' is not of type 'object'"),
    "outputs-null": (("cells", 1, "outputs"), None, "at cells[1].outputs: None is not of type 'array'"),
    "execution-yes": (("metadata", "execution"), "yes", "metadata.execution must be an object, not 'yes'"),
    "timeout-infinity": (
        ("metadata", "execution"),
        {"timeout": math.inf},
        "metadata.execution.timeout must be a number of seconds, not inf",
    ),
}


def test_each_malformed_notebook_fails_by_name_and_the_others_still_run(tmp_path: Path) -> None:
    root = tmp_path / "content"
    for name, (path, value, _) in ISSUE_CASES.items():
        data = notebook_json("x = 1")
        _set(path, value)(data)
        write_json(root / f"{name}.ipynb", data)
    write_json(root / "zz-good.ipynb", notebook_json("print(sum(range(4)))"))
    report = run_event_content(root, timeout=60)
    by_name = {result.path: result for result in report.results}
    assert by_name["zz-good.ipynb"].status == PASSED
    for name, (_, _, reason) in ISSUE_CASES.items():
        result = by_name[f"{name}.ipynb"]
        assert result.status == FAILED, result
        assert result.failure.kind == "notebook"
        assert result.message.startswith(f"{name}.ipynb: before the first cell: the notebook cannot be read: ")
        assert reason in result.message, result.message


# Where a wrong value can go, and values of every JSON type: most are wrong there.
PLACES = [
    ("metadata",),
    ("metadata", "kernelspec"),
    ("metadata", "kernelspec", "name"),
    ("metadata", "execution"),
    ("metadata", "execution", "timeout"),
    ("metadata", "execution", "skip"),
    ("metadata", "mystnb"),
    ("metadata", "mystnb", "execution_timeout"),
    ("cells",),
    ("cells", 0),
    ("cells", 1),
    ("cells", 1, "source"),
    ("cells", 1, "outputs"),
    ("cells", 1, "metadata"),
    ("cells", 1, "metadata", "tags"),
    ("cells", 1, "cell_type"),
    ("nbformat",),
    ("nbformat_minor",),
]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()  # nan and both infinities included
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.sampled_from(PLACES), JSON_VALUES), min_size=1, max_size=4))
def test_no_notebook_structure_raises_out_of_the_check(tmp_path_factory: Any, changes: list[Any]) -> None:
    root = tmp_path_factory.mktemp("sweep")
    data = notebook_json("x = 1", skip=True)
    for place, value in changes:
        try:
            _set(place, value)(data)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change took away the place of this one
    write_json(root / "swept.ipynb", data)
    # A notebook that stays valid asks for a kernel that is not there: it fails fast, without starting one.
    report = run_event_content(root, timeout=30, kernel_name="no-such-kernel")
    (result,) = report.results
    assert result.status in (FAILED, SKIPPED)
    if result.status == FAILED:
        assert result.failure.kind in ("notebook", "kernel"), result
        if result.failure.kind == "notebook":
            assert result.message.startswith("swept.ipynb: before the first cell: the notebook cannot be read: ")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# Places and the values that are right there; any other value must fail its notebook.
RIGHT = {
    ("metadata",): lambda value: isinstance(value, dict),
    ("metadata", "kernelspec"): lambda value: isinstance(value, dict),
    ("metadata", "kernelspec", "name"): lambda value: isinstance(value, str),
    ("cells",): lambda value: isinstance(value, list),
    ("cells", 1): lambda value: isinstance(value, dict),
    ("cells", 1, "outputs"): lambda value: isinstance(value, list),
    ("metadata", "execution"): lambda value: value is None or isinstance(value, dict),
    ("metadata", "execution", "timeout"): lambda value: value is None or (_number(value) and value <= 86400),
    ("metadata", "execution", "skip"): lambda value: isinstance(value, bool),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_value_of_the_wrong_type_always_fails_its_notebook(tmp_path_factory: Any, data: Any) -> None:
    place = data.draw(st.sampled_from(sorted(RIGHT)))
    value = data.draw(JSON_VALUES.filter(lambda drawn: not RIGHT[place](drawn)))
    root = tmp_path_factory.mktemp("wrong")
    notebook = notebook_json("x = 1", skip=True)
    notebook["metadata"]["execution"] = {}
    _set(place, value)(notebook)
    write_json(root / "wrong.ipynb", notebook)
    (result,) = run_event_content(root, timeout=30, kernel_name="no-such-kernel").results
    assert result.status == FAILED, (place, value, result)
    assert result.failure.kind == "notebook"


FLOOD_SCRIPT = """
import json, sys
from pathlib import Path
import nbformat
from sphinx_event_ext.content.execute import run_event_content

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

root = Path(sys.argv[1])
run_event_content(root / "warm", timeout=60)  # imports and a first kernel: what every check has anyway
before = peak()
report = run_event_content(root / "flood", timeout=15, jobs=1)
print(json.dumps({"growth": peak() - before, "message": report.results[0].message,
                  "kind": report.results[0].failure.kind if report.results[0].failure else None}))
"""


STOPPED = "the check stopped this cell"
# ipykernel sends what was printed in the last 0.2 s as one message: how large depends on the machine's speed,
# so a loop is stopped by whichever bound it meets first, the notebook's total or one message's size.
TOTAL = "the notebook printed more than 32 MB of output, so the check stopped this cell"
AT_ONCE = "the notebook sent more than 16 MB of output at once, so the check stopped this cell"
FLOODS = {
    "print-loop": ("while True:\n    print('x' * 1000)", (TOTAL, AT_ONCE)),
    "stderr-loop": ("import sys\nwhile True:\n    sys.stderr.write('x' * 1000)", (TOTAL, AT_ONCE)),
    "one-message": ("print('x' * 20_000_000)", (AT_ONCE,)),
}


@pytest.mark.parametrize("case", sorted(FLOODS))
def test_an_output_flood_stops_its_cell_and_the_checker_memory_stays_flat(tmp_path: Path, case: str) -> None:
    source, reasons = FLOODS[case]
    write_json(tmp_path / "warm" / "warm.ipynb", notebook_json("x = 1"))
    write_json(tmp_path / "flood" / "flood.ipynb", notebook_json("x = 1", source))
    script = tmp_path / "flood.py"
    script.write_text(FLOOD_SCRIPT, "utf-8")
    # A process of its own, so the peak measured is the check's alone.
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert outcome["kind"] == "output", outcome
    head = f"flood.ipynb: cell 3 of 3, Markdown included (code cell 2), `{source.splitlines()[0]}`: "
    assert any(outcome["message"].startswith(head + reason) for reason in reasons), outcome
    # Kept whole, the flood grows the checker by tens of MB a second until the 15 s timeout, and each
    # message of it is held two or three times over while it is decoded.
    assert outcome["growth"] < 200 * 10**6, outcome


def test_a_large_output_under_both_bounds_passes_with_its_ends_kept(tmp_path: Path) -> None:
    write_json(tmp_path / "big.ipynb", notebook_json("print('a' * 5_000_000 + 'b' * 5_000_000)"))
    report = run_event_content(tmp_path, timeout=60)
    (result,) = report.results
    assert result.status == PASSED, result.message


def test_a_long_output_keeps_its_first_and_last_part_with_a_marker() -> None:
    from sphinx_event_ext.content.client import BoundedClient
    from sphinx_event_ext.content.output_limits import OutputBudget

    loud = "for i in range(20000):\n    print(f'line {i:05d} ' + 'y' * 40)"
    notebook = nbformat.reads(json.dumps(notebook_json(loud, loud, "print('done')")), as_version=4)
    budget = OutputBudget(limit=10**9, keep=30_000, cell_keep=20_000)
    BoundedClient(notebook, budget, timeout=60, kernel_name="python3").execute()
    first, second, last = (cell.outputs for cell in notebook.cells[1:])
    texts = [output.get("text", "") for output in first]
    assert texts[0].startswith("line 00000 yyy")
    (marker,) = [text for text in texts if "of output dropped here by the check" in text]
    dropped = int(re.search(r"\[\.\.\. 1 MB \((\d+) characters\) of output dropped", marker).group(1))
    assert texts[-1].endswith("line 19999 " + "y" * 40 + "\n")
    kept = sum(len(text) for text in texts) - len(marker)
    assert kept <= 20_000
    assert kept + dropped == 20000 * len("line 00000 " + "y" * 40 + "\n")  # every character kept or counted
    # The second cell keeps what is left of the notebook's share; the last cell's short output is whole.
    second_texts = [output.get("text", "") for output in second]
    second_kept = sum(len(text) for text in second_texts if "dropped here by the check" not in text)
    assert 0 < second_kept <= 30_000 - kept
    assert [output.text for output in last] == ["done\n"]


EVIL_NAME = "evil\nERROR: fake message [event.execution]\x1b[31m.ipynb"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def test_names_cell_lines_and_messages_print_escaped_one_message_one_line(tmp_path: Path) -> None:
    root = tmp_path / "content"
    source = "raise ValueError('\x1b[2J' + chr(10) + 'ERROR: forged too')  # \x1b[31mred\u202e"
    write_json(root / EVIL_NAME, notebook_json(source))
    report = run_event_content(root, timeout=60, log_dir=tmp_path / "logs")
    (result,) = report.results
    assert result.path == EVIL_NAME  # the data keeps the real name; what is printed is escaped
    assert result.message == (
        "evil\\nERROR: fake message [event.execution]\\x1b[31m.ipynb: cell 2 of 2, Markdown included (code cell 1), "
        "`raise ValueError('\\x1b[2J' + chr(10) + 'ERROR: forged too')  # \\x1b[31mred\\u202e` raised ValueError: "
        "\\nERROR: forged too"  # colour and cursor codes in error values are removed, as before
    )
    lines = report.console_lines()
    assert not any(line.startswith("ERROR") for line in lines), lines
    assert not any(CONTROL.search(line) for line in lines), lines
    log = (tmp_path / "logs" / EVIL_NAME).with_suffix(".log").read_text("utf-8")
    assert log.startswith("notebook: evil\\nERROR: fake message [event.execution]\\x1b[31m.ipynb\n")
    assert not CONTROL.search(log)


def test_a_memory_error_says_so() -> None:
    from sphinx_event_ext.content.sanitize import error_text

    assert error_text(MemoryError()) == "out of memory (MemoryError)"
    assert error_text(RuntimeError("")) == "RuntimeError with no message"


def test_a_memory_error_in_a_cell_is_reported_with_a_message(tmp_path: Path) -> None:
    write_json(tmp_path / "memory.ipynb", notebook_json("raise MemoryError()"))
    (result,) = run_event_content(tmp_path, timeout=60).results
    assert result.message.endswith("`raise MemoryError()` raised MemoryError: out of memory"), result.message


WRAPPER = """
import os, sys
marker = sys.argv[1]
if not os.path.exists(marker):
    sys.stderr.write("flaky kernel: no marker yet, this start fails on purpose\\n")
    if marker.endswith("flaky"):
        open(marker, "w").close()
    sys.exit(3)
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[2:]])
"""


def _kernelspec(root: Path, name: str, marker: Path) -> None:
    """A kernel whose start fails until ``marker`` exists; a marker named ``flaky`` is made by the first start."""
    spec = root / "kernels" / name
    spec.mkdir(parents=True)
    wrapper = root / "wrapper.py"
    wrapper.write_text(WRAPPER, "utf-8")
    argv = [sys.executable, str(wrapper), str(marker), "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": name, "language": "python"}))


def test_a_kernel_that_fails_its_first_start_is_started_again(tmp_path: Path, monkeypatch: Any) -> None:
    _kernelspec(tmp_path / "jupyter", "flaky", tmp_path / "flaky")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    write_json(tmp_path / "content" / "lesson.ipynb", notebook_json("print('hello')"))
    (result,) = run_event_content(tmp_path / "content", timeout=60, kernel_name="flaky").results
    assert result.status == PASSED, result.message
    assert (tmp_path / "flaky").exists()


def test_a_kernel_that_fails_twice_is_reported_with_its_stderr(tmp_path: Path, monkeypatch: Any) -> None:
    _kernelspec(tmp_path / "jupyter", "broken", tmp_path / "never")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    write_json(tmp_path / "content" / "lesson.ipynb", notebook_json("print('hello')"))
    (result,) = run_event_content(tmp_path / "content", timeout=60, kernel_name="broken").results
    assert (result.status, result.failure.kind) == (FAILED, "kernel")
    assert result.message.startswith("lesson.ipynb: before the first cell: the kernel 'broken' did not start, twice: ")
    assert result.message.endswith("flaky kernel: no marker yet, this start fails on purpose"), result.message
    assert "flaky kernel: no marker yet" in result.failure.traceback


def test_a_run_that_changes_the_source_fails_and_names_the_files(tmp_path: Path, monkeypatch: Any) -> None:
    docs = tmp_path / "docs"
    root = docs / "content"
    (docs / "_build").mkdir(parents=True)
    write_json(root / "lesson.ipynb", notebook_json("import os\nopen(os.environ['TARGET'], 'a').write('changed')"))
    (root / "data.txt").write_text("data")
    (docs / "index.md").write_text("# Docs")
    monkeypatch.setenv("TARGET", str(docs / "index.md"))
    report = run_event_content(root, timeout=60, protect=[docs], unprotected=[docs / "_build"])
    assert [result.status for result in report.results] == [PASSED]
    assert report.changed_source == (str(docs / "index.md"),)
    assert not report.ok
    assert (
        f"the notebooks changed 1 file(s) outside their temporary copy, in the source or content folders: "
        f"{docs / 'index.md'}" in report.console_lines()[-1]
    )
    monkeypatch.setenv("TARGET", str(docs / "_build" / "out.txt"))  # the build's own output is not the source
    assert run_event_content(root, timeout=60, protect=[docs], unprotected=[docs / "_build"]).ok


def test_links_are_copied_as_what_they_point_to_and_links_out_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "content"
    write_json(root / "lesson.ipynb", notebook_json("open('link.txt', 'w').write('through the link')"))
    (root / "data.txt").write_text("data")
    (root / "link.txt").symlink_to(root / "data.txt")  # absolute: in a plain copy it still leads to the source
    report = run_event_content(root, timeout=60)
    assert report.ok, report.console_lines()
    assert (root / "data.txt").read_text() == "data"
    (tmp_path / "private").mkdir()
    (root / "shared").symlink_to(tmp_path / "private")
    with pytest.raises(
        ValueError, match=f"the content has links that leave its folder.*: shared -> {tmp_path}/private"
    ):
        run_event_content(root, timeout=60)


def test_in_a_build_a_changed_source_fails_at_the_event_and_a_name_forges_no_line(
    build_site: Any, tmp_path: Path
) -> None:
    from sites import GOOD_OPTIONS, event_block

    src = tmp_path / "src"
    writes = "import os\nopen(os.environ['SOURCE_PAGE'], 'a').write(' ')"
    write_json(src / "content" / "writes.ipynb", notebook_json(writes))
    write_json(src / "content" / EVIL_NAME, notebook_json("1 / 0"))
    page = "# Event\n\n" + event_block(options=GOOD_OPTIONS + ":content-path: content\n")
    conf = "event_execute = True\nexclude_patterns = ['_build', 'content']\nevent_today = '2026-12-01'\n"
    os.environ["SOURCE_PAGE"] = str(src / "index.md")  # the kernel inherits the build's environment
    try:
        result = build_site({"index": page}, conf=conf, src=src)
    finally:
        del os.environ["SOURCE_PAGE"]
    assert result.status != 0
    assert (
        f"index.md:3: ERROR: content of event 'index': the notebooks changed 1 file(s) "
        f"outside their temporary copy, in the source or content folders: {src / 'index.md'}" in result.warnings
    ), result.warnings
    assert "ERROR: notebook evil\\nERROR: fake message [event.execution]\\x1b[31m.ipynb: cell 2 of 2" in result.warnings
    assert not [line for line in result.warnings.splitlines() if line.startswith("ERROR: fake")]
    assert "\x1b" not in result.warnings
