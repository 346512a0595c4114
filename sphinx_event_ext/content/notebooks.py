"""Read a notebook and prove its structure before anything relies on it.

Notebooks are written by many hands and tools; a file that is valid JSON can still hold
``cells: null`` or ``kernelspec: "python3"``. Every notebook is checked against the nbformat
schema by nbformat itself, and the execution settings the runner reads from its metadata
are checked here, so a malformed notebook becomes a failure that names the reason instead
of an exception somewhere in the runner.
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

# nbformat imports jsonschema, which takes a while: imported when the first notebook is read.

MAX_TIMEOUT = 24 * 3600  # a cell timeout beyond a day is a mistake, and too big for the event loop
_REASON_LENGTH = 200


class NotebookProblem(ValueError):
    """A notebook the runner cannot use, with the reason in words."""


def load_notebook(path: Path) -> NotebookNode:
    """The notebook at ``path`` as nbformat 4, validated; raises :class:`NotebookProblem` with the reason."""
    nbformat = _module("nbformat")
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NotebookProblem(f"the file cannot be read: {error}") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise NotebookProblem(f"the file is not JSON: {_short(str(error))}") from None
    if not isinstance(data, dict):
        raise NotebookProblem(f"the JSON is {_kind(data)}, not a notebook object")
    major = data.get("nbformat")
    if not isinstance(major, int) or isinstance(major, bool) or not 1 <= major <= 4:
        raise NotebookProblem(f"nbformat is {_short(repr(major))}, not a notebook format version from 1 to 4")
    if major < 4:
        try:
            data = json.loads(nbformat.writes(nbformat.reads(text, as_version=4)))
        except Exception as error:
            raise NotebookProblem(f"the nbformat {major} notebook cannot be converted: {_short(str(error))}") from None
    _validate(data)
    rwbase = _module("nbformat.v4.rwbase")
    notebook: NotebookNode = rwbase.strip_transient(rwbase.rejoin_lines(nbformat.from_dict(data)))
    notebook_settings(notebook)
    return notebook


def _validate(data: dict[str, Any]) -> None:
    """nbformat's own schema check, with its clearest error, located by its path in the notebook."""
    validator = _module("nbformat.validator")
    minor = data.get("nbformat_minor")
    minor = minor if _is_int(minor) else None
    checked = _with_cell_ids(data, minor)
    fast = validator.get_validator(version=4, version_minor=minor)
    if fast is None:
        raise NotebookProblem(f"no nbformat schema for version 4.{minor}")
    try:
        if not any(True for _ in fast.iter_errors(checked)):
            return
        # jsonschema is slower but says where and what; nbformat does the same.
        exact = validator.get_validator(version=4, version_minor=minor, name="jsonschema")
        error = next(iter(exact.iter_errors(checked)), None)
    except RecursionError:
        raise NotebookProblem("the notebook is nested too deeply to be checked") from None
    if error is None:
        return
    better = validator.better_validation_error(error, 4, minor)
    where = _path(list(better.absolute_path)) or "the notebook"
    raise NotebookProblem(f"not a valid notebook: at {where}: {_short(better.message)}")


def _with_cell_ids(data: dict[str, Any], minor: int | None) -> dict[str, Any]:
    """Cells of a 4.5 notebook without ids get them, as nbformat's reader gives them, before the check."""
    cells = data.get("cells")
    if minor is None or minor < 5 or not isinstance(cells, list):
        return data
    filled = [
        {**cell, "id": f"cell-{index}"} if isinstance(cell, dict) and "id" not in cell else cell
        for index, cell in enumerate(cells)
    ]
    return {**data, "cells": filled}


def notebook_settings(notebook: Mapping[str, Any]) -> dict[str, Any]:
    """Per-notebook overrides, so one slow or demonstrative notebook needs no event-wide setting.

    Read from the notebook metadata ``execution`` (``timeout``, ``allow_errors``, ``skip``),
    or MyST-NB's ``mystnb`` spelling (``execution_timeout``, ``execution_allow_errors``,
    ``execution_mode: off``) so notebooks written for MyST-NB keep their meaning. A timeout
    of zero or less means the event's own. Raises :class:`NotebookProblem` for a wrong type.
    """
    metadata = notebook.get("metadata") or {}
    execution = _section(metadata, "execution")
    mystnb = _section(metadata, "mystnb")
    if "timeout" in execution:
        timeout = _timeout(execution["timeout"], "metadata.execution.timeout")
    else:
        timeout = _timeout(mystnb.get("execution_timeout"), "metadata.mystnb.execution_timeout")
    if "allow_errors" in execution:
        allow = _flag(execution["allow_errors"], "metadata.execution.allow_errors")
    else:
        allow = _flag(mystnb.get("execution_allow_errors", False), "metadata.mystnb.execution_allow_errors")
    mode = mystnb.get("execution_mode")
    if mode is not None and not isinstance(mode, str):
        raise NotebookProblem(f"metadata.mystnb.execution_mode must be text, not {_kind(mode)}")
    skip = _flag(execution.get("skip", False), "metadata.execution.skip") or mode == "off"
    return {"timeout": timeout, "allow_errors": allow, "skip": skip}


def _section(metadata: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = metadata.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise NotebookProblem(f"metadata.{key} must be an object, not {_kind(value)}")
    return value


def _timeout(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise NotebookProblem(f"{where} must be a number of seconds, not {_kind(value)}")
    if value > MAX_TIMEOUT:
        raise NotebookProblem(f"{where} must be at most {MAX_TIMEOUT} seconds, not {_short(repr(value))}")
    return math.ceil(value) if value > 0 else None


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise NotebookProblem(f"{where} must be true or false, not {_kind(value)}")
    return value


def _module(name: str) -> Any:
    """nbformat, imported when first needed; it has no type hints."""
    return importlib.import_module(name)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    """What a wrong value is, in words, short even when the value is huge."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    return _short(repr(value))


def _path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _short(text: str) -> str:
    return text if len(text) <= _REASON_LENGTH else text[: _REASON_LENGTH - 3] + "..."
