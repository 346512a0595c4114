"""``sphinx-event check`` run in this process, as the tests of its stamp and its proofs run it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinx_event_ext.cli.main import main

UNCHANGED = "nothing changed since the check that passed"
BUILT = "site built in"


def check(src: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    """The exit status and everything the check printed."""
    status = main(["check", str(src), "--jobs", "1", *extra])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def passing(src: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """``built`` or ``unchanged``: how a check that must pass passed."""
    status, output = check(src, capsys, *extra)
    assert status == 0, output
    assert (UNCHANGED in output) != (BUILT in output), output
    return "unchanged" if UNCHANGED in output else "built"
