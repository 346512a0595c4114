"""Which cells' fresh outputs differ from the saved ones, with pytest-notebook's regression machinery.

The notebook is compared as pytest-notebook's ``NBRegressionFixture`` does (its simplified
nbdime diff, its regex replacements, its ignored paths), but on the run the check already
made, so nothing executes twice.
"""

from __future__ import annotations

from typing import Any

from pytest_notebook.diffing import diff_notebooks, filter_diff
from pytest_notebook.nb_regression import DEFAULT_DIFF_IGNORE
from pytest_notebook.notebook import regex_replace_nb

#: Parts of outputs that change from run to run without the content changing.
NORMALISE = (
    ("/cells/*/outputs", r"0x[0-9a-fA-F]{6,16}", "0xADDRESS"),
    ("/cells/*/outputs", r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?", "TIMESTAMP"),
    ("/cells/*/outputs", r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID"),
    ("/cells/*/outputs", r"\d+(?:\.\d+)? ?(?:ms|µs|us|ns|s) ± \d+(?:\.\d+)? ?(?:ms|µs|us|ns|s)", "TIMING"),
)
#: What never counts as a changed output: tracebacks (as pytest-notebook), counters and metadata.
IGNORE = (
    *DEFAULT_DIFF_IGNORE,
    "/metadata",
    "/cells/*/metadata",
    "/cells/*/execution_count",
    "/cells/*/outputs/*/execution_count",
    "/cells/*/outputs/*/metadata",
)


def changed_output_cells(saved: Any, fresh: Any) -> tuple[int, ...]:
    """1-based numbers of the cells whose normalised outputs differ between two nbformat notebooks."""
    diff = diff_notebooks(regex_replace_nb(saved, NORMALISE), regex_replace_nb(fresh, NORMALISE))
    changed: set[int] = set()
    for entry in filter_diff(diff, list(IGNORE)):
        if entry["key"] == "cells":
            changed.update(cell["key"] + 1 for cell in entry.get("diff", []))
    return tuple(sorted(changed))
