"""The notebook runner against hostile content: malformed notebooks, output floods, odd names, failing kernels."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import nbformat
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
