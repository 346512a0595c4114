"""Executing workshop notebooks in real ipykernel kernels: passes, failures, hangs, crashes, expected errors, cache."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from gitrepos import GIT_ENV, make_bare_repo
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from sphinx_event_ext.content.execute import (
    CACHED,
    EXPECTED_ERRORS,
    FAILED,
    PASSED,
    SKIPPED,
    ExecutionReport,
    environment_file,
    run_event_content,
    run_notebook,
)
from sphinx_event_ext.content.pull import pull_content
from sphinx_event_ext.content.select import select_notebooks


def cell(source: str, *, tags: tuple[str, ...] = (), error: str | None = None) -> nbformat.NotebookNode:
    """A code cell; ``error`` saves an error output of that exception type, as a taught notebook keeps it."""
    made = new_code_cell(source)
    if tags:
        made.metadata["tags"] = list(tags)
    if error:
        made.outputs = [new_output("error", ename=error, evalue="as taught", traceback=[f"{error}: as taught"])]
    return made


def notebook_text(*cells: nbformat.NotebookNode, metadata: dict[str, Any] | None = None) -> str:
    made = new_notebook(cells=[new_markdown_cell("# Lesson"), *cells])
    made.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    made.metadata.update(metadata or {})
    return nbformat.writes(made)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return root


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(root).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
    }


WORKSHOP = {
    "01-passing.ipynb": notebook_text(cell("total = sum(range(10))"), cell("print(total)")),
    "02-failing.ipynb": notebook_text(cell("values = [1, 2, 3]"), cell("values[10]\nprint('unreached')")),
    "03-taught-error.ipynb": notebook_text(
        cell("int('three')", error="ValueError"), cell("print('the lesson goes on')")
    ),
    "04-other-error.ipynb": notebook_text(cell("1 / 0", error="ValueError")),
    "05-tagged.ipynb": notebook_text(cell("{}['missing']", tags=("raises-exception",)), cell("x = 1")),
    "06-skipped-cell.ipynb": notebook_text(
        cell("import time\ntime.sleep(60)", tags=("skip-execution",)), cell("y = 2")
    ),
    "07-allowed.ipynb": notebook_text(cell("None.attribute"), metadata={"execution": {"allow_errors": True}}),
    "lessons/08-writes.ipynb": notebook_text(
        cell("text = open('data.txt').read()"),
        cell("open('result.txt', 'w').write(text.upper())\nopen('data.txt', 'w').write('overwritten')"),
    ),
    "lessons/data.txt": "input data",
    "09-missing.ipynb": notebook_text(cell("import numpy_that_is_not_there")),
    "10-nothing-to-run.ipynb": notebook_text(cell("raise SystemExit", tags=("skip-execution",))),
    "lessons/.ipynb_checkpoints/08-writes-checkpoint.ipynb": notebook_text(cell("1 / 0")),
}
EXPECTED_STATUS = {
    "01-passing.ipynb": PASSED,
    "02-failing.ipynb": FAILED,
    "03-taught-error.ipynb": EXPECTED_ERRORS,
    "04-other-error.ipynb": FAILED,
    "05-tagged.ipynb": EXPECTED_ERRORS,
    "06-skipped-cell.ipynb": PASSED,
    "07-allowed.ipynb": EXPECTED_ERRORS,
    "09-missing.ipynb": FAILED,
    "10-nothing-to-run.ipynb": SKIPPED,
    "lessons/08-writes.ipynb": PASSED,
}


@pytest.fixture(scope="module")
def workshop(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, tuple[int, int]], Path, ExecutionReport]:
    """The workshop run once in parallel; tests read its report."""
    root = write(tmp_path_factory.mktemp("workshop") / "content", WORKSHOP)
    before = snapshot(root)
    logs = tmp_path_factory.mktemp("logs")
    report = run_event_content(root, jobs=2, timeout=60, log_dir=logs)
    return root, before, logs, report


def result_of(report: ExecutionReport, path: str) -> Any:
    return next(result for result in report.results if result.path == path)


def test_selects_notebooks_sorted_without_checkpoints(tmp_path: Path) -> None:
    root = write(tmp_path, WORKSHOP)
    assert [path.as_posix() for path in select_notebooks(root)] == sorted(EXPECTED_STATUS)
    assert select_notebooks(root, ["lessons/*.ipynb", "0[12]-*.ipynb"]) == [
        Path("01-passing.ipynb"),
        Path("02-failing.ipynb"),
        Path("lessons/08-writes.ipynb"),
    ]
    with pytest.raises(ValueError, match="relative"):
        select_notebooks(root, ["/etc/*.ipynb"])


def test_every_notebook_gets_its_status(workshop: Any) -> None:
    _, _, _, report = workshop
    assert {result.path: result.status for result in report.results} == EXPECTED_STATUS
    assert not report.ok
    assert report.counts == {PASSED: 3, EXPECTED_ERRORS: 3, FAILED: 3, SKIPPED: 1, CACHED: 0}


def test_failure_names_notebook_cell_first_line_and_exception(workshop: Any) -> None:
    _, _, logs, report = workshop
    failing = result_of(report, "02-failing.ipynb")
    assert failing.message == (
        "02-failing.ipynb: cell 3 of 3, Markdown included (code cell 2), `values[10]` "
        "raised IndexError: list index out of range"
    )
    assert failing.code_cells == 2
    assert failing.duration > 0
    assert "\x1b[" not in failing.failure.traceback
    assert "IndexError" in failing.failure.traceback_tail
    assert len(failing.failure.traceback_tail.splitlines()) <= 10
    log = (logs / "02-failing.log").read_text("utf-8")
    assert failing.log == "02-failing.log"
    assert "values[10]" in log
    assert "IndexError: list index out of range" in log
    assert any("02-failing.ipynb" in line and "IndexError" in line for line in report.console_lines())


def test_saved_error_of_same_type_is_expected_and_the_run_goes_on(workshop: Any) -> None:
    _, _, _, report = workshop
    taught = result_of(report, "03-taught-error.ipynb")
    assert taught.status == EXPECTED_ERRORS
    assert taught.expected_errors == (2,)
    assert result_of(report, "05-tagged.ipynb").expected_errors == (2,)
    assert result_of(report, "07-allowed.ipynb").expected_errors == (2,)


def test_saved_error_of_another_type_fails(workshop: Any) -> None:
    _, _, _, report = workshop
    failure = result_of(report, "04-other-error.ipynb").failure
    assert failure.ename == "ZeroDivisionError"
    assert "the saved output shows ValueError instead" in failure.evalue


def test_skip_execution_skips_cells_and_empty_notebooks(workshop: Any) -> None:
    _, _, _, report = workshop
    assert result_of(report, "06-skipped-cell.ipynb").skipped_cells == (2,)
    nothing = result_of(report, "10-nothing-to-run.ipynb")
    assert (nothing.status, nothing.reason) == (SKIPPED, "no code cell to run")


def test_notebook_runs_in_its_folder_of_a_copy_and_the_source_stays_unchanged(workshop: Any) -> None:
    root, before, _, report = workshop
    assert result_of(report, "lessons/08-writes.ipynb").status == PASSED
    assert snapshot(root) == before
    assert (root / "lessons/data.txt").read_text("utf-8") == "input data"


def test_missing_module_says_where_to_declare_it(workshop: Any) -> None:
    _, _, _, report = workshop
    failure = result_of(report, "09-missing.ipynb").failure
    assert failure.ename == "ModuleNotFoundError"
    assert failure.hint == (
        "module numpy_that_is_not_there is not installed in the event's environment; add it to requirements.txt"
    )
    assert failure.hint in result_of(report, "09-missing.ipynb").message


def test_environment_file_follows_repo2docker(tmp_path: Path) -> None:
    assert environment_file(tmp_path) == "requirements.txt"
    write(tmp_path, {"environment.yml": "dependencies: []\n", "pyproject.toml": ""})
    assert environment_file(tmp_path) == "environment.yml"
    (tmp_path / "binder").mkdir()
    assert environment_file(tmp_path) == "binder/requirements.txt"


def test_report_json_is_deterministic(workshop: Any) -> None:
    _, _, _, report = workshop
    data = report.to_json()
    assert list(data) == [
        "schema_version",
        "jobs",
        "duration",
        "summary",
        "unmatched_globs",
        "changed_source",
        "notebooks",
    ]
    assert [entry["path"] for entry in data["notebooks"]] == sorted(EXPECTED_STATUS)
    assert json.loads(report.dumps()) == data


def test_parallel_and_serial_runs_agree(workshop: Any) -> None:
    root, _, _, parallel = workshop
    serial = run_event_content(root, jobs=1, timeout=60)
    assert serial.jobs == 1
    assert [(r.path, r.status, r.expected_errors) for r in serial.results] == [
        (r.path, r.status, r.expected_errors) for r in parallel.results
    ]


def test_hanging_cell_times_out_without_hanging_the_run(tmp_path: Path) -> None:
    path = write(tmp_path, {"hang.ipynb": notebook_text(cell("x = 1"), cell("import time\ntime.sleep(60)"))})
    started = time.monotonic()
    result = run_notebook(path / "hang.ipynb", timeout=2)
    assert time.monotonic() - started < 30
    assert result.status == FAILED
    assert result.failure.kind == "timeout"
    assert (
        result.message == "hang.ipynb: cell 3 of 3, Markdown included (code cell 2), `import time`: timed out after 2 s"
    )
    assert "----> 2 time.sleep(60)" in result.failure.traceback


def test_notebook_metadata_overrides_the_timeout(tmp_path: Path) -> None:
    metadata = {"execution": {"timeout": 1}}
    path = write(tmp_path, {"slow.ipynb": notebook_text(cell("import time\ntime.sleep(30)"), metadata=metadata)})
    result = run_notebook(path / "slow.ipynb", timeout=300)
    assert result.failure.evalue == "timed out after 1 s"


def test_dead_kernel_is_reported_at_its_cell(tmp_path: Path) -> None:
    path = write(tmp_path, {"crash.ipynb": notebook_text(cell("import os\nos._exit(1)"))})
    result = run_notebook(path / "crash.ipynb")
    assert result.status == FAILED
    assert result.failure.kind == "dead-kernel"
    assert result.failure.ename == "DeadKernelError"
    assert result.failure.cell == 2
    assert "the kernel died while running it" in result.message


def test_allow_errors_option_allows_every_error(tmp_path: Path) -> None:
    path = write(tmp_path, {"demo.ipynb": notebook_text(cell("1 / 0"), cell("print('after')"))})
    assert run_notebook(path / "demo.ipynb", allow_errors=True).status == EXPECTED_ERRORS


def test_unknown_kernel_lists_installed_ones(tmp_path: Path) -> None:
    path = write(tmp_path, {"k.ipynb": notebook_text(cell("x = 1"))})
    result = run_notebook(path / "k.ipynb", kernel_name="no-such-kernel")
    assert result.failure.kind == "kernel"
    assert "no kernel named 'no-such-kernel' is installed; installed kernels:" in result.message
    assert "python3" in result.message


@pytest.fixture
def kernel_starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every kernel started, by notebook working directory."""
    started: list[str] = []
    original = NotebookClient.async_start_new_kernel

    async def counting(self: NotebookClient, **kwargs: Any) -> None:
        started.append(Path(kwargs["cwd"]).name)
        await original(self, **kwargs)

    monkeypatch.setattr(NotebookClient, "async_start_new_kernel", counting)
    return started


def test_cache_skips_unchanged_passes_only(tmp_path: Path, kernel_starts: list[str]) -> None:
    root = write(
        tmp_path / "content",
        {
            "good/lesson.ipynb": notebook_text(cell("import time\ntime.sleep(0.5)")),
            "bad/lesson.ipynb": notebook_text(cell("1 / 0")),
        },
    )
    cache = tmp_path / "cache"

    def check(**options: Any) -> dict[str, str]:
        kernel_starts.clear()
        report = run_event_content(root, cache_dir=cache, jobs=2, **options)
        return {result.path: result.status for result in report.results}

    assert check() == {"bad/lesson.ipynb": FAILED, "good/lesson.ipynb": PASSED}
    assert len(list(cache.glob("*.json"))) == 1

    assert check() == {"bad/lesson.ipynb": FAILED, "good/lesson.ipynb": CACHED}
    assert kernel_starts == ["bad"]

    write(root, {"bad/lesson.ipynb": notebook_text(cell("1 / 1"))})
    assert check() == {"bad/lesson.ipynb": PASSED, "good/lesson.ipynb": CACHED}
    started = time.monotonic()
    assert check() == {"bad/lesson.ipynb": CACHED, "good/lesson.ipynb": CACHED}
    assert kernel_starts == []
    assert time.monotonic() - started < 2

    write(root, {"good/lesson.ipynb": notebook_text(cell("import time\ntime.sleep(0.1)"))})
    assert check() == {"bad/lesson.ipynb": CACHED, "good/lesson.ipynb": PASSED}
    assert kernel_starts == ["good"]

    assert check(force=True) == {"bad/lesson.ipynb": PASSED, "good/lesson.ipynb": PASSED}
    assert sorted(kernel_starts) == ["bad", "good"]


def test_cache_ignores_prose_but_not_the_environment(tmp_path: Path, kernel_starts: list[str]) -> None:
    root = write(tmp_path / "content", {"lesson.ipynb": notebook_text(cell("x = 1"))})
    cache = tmp_path / "cache"
    assert run_event_content(root, cache_dir=cache).results[0].status == PASSED
    lesson = nbformat.read(root / "lesson.ipynb", as_version=4)
    lesson.cells[0].source = "# A better title"
    nbformat.write(lesson, root / "lesson.ipynb")
    assert run_event_content(root, cache_dir=cache).results[0].status == CACHED
    write(root, {"requirements.txt": "numpy\n"})
    assert run_event_content(root, cache_dir=cache).results[0].status == PASSED
    assert len(kernel_starts) == 2


def test_content_pulled_like_the_hub_runs_and_stays_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    files = {key: WORKSHOP[key] for key in ("lessons/08-writes.ipynb", "lessons/data.txt")}
    remote = make_bare_repo(tmp_path / "remotes", "workshop.git", {"main": files})
    checkout = pull_content(remote, "main", tmp_path / "pulled")
    before = snapshot(checkout.path)
    report = run_event_content(checkout.path, ["lessons/*.ipynb", "solutions/*.ipynb"], cache_dir=tmp_path / "cache")
    assert [(result.path, result.status) for result in report.results] == [("lessons/08-writes.ipynb", PASSED)]
    assert report.unmatched_globs == ("solutions/*.ipynb",)
    assert snapshot(checkout.path) == before


def test_unreadable_and_switched_off_notebooks_start_no_kernel(tmp_path: Path, kernel_starts: list[str]) -> None:
    off = {"mystnb": {"execution_mode": "off"}}
    root = write(
        tmp_path / "content",
        {"broken.ipynb": "{not json", "off.ipynb": notebook_text(cell("1 / 0"), metadata=off)},
    )
    report = run_event_content(root, log_dir=tmp_path / "logs")
    broken, off_result = report.results
    assert (broken.status, broken.failure.kind) == (FAILED, "notebook")
    assert broken.message.startswith("broken.ipynb: before the first cell: the notebook cannot be read:")
    assert (tmp_path / "logs" / "broken.log").is_file()
    assert (off_result.status, off_result.reason) == (SKIPPED, "the notebook's metadata turns execution off")
    assert kernel_starts == []
