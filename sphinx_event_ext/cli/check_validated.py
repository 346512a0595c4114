"""The pages whose event metadata the last check found clean, so the next one validates only what changed.

A check validates every page's events before it builds (so an organizer sees every problem at
its line, without a build). A page found clean is kept here with its state (hash, and size,
times and inode as the shortcut to skip re-hashing); the next check, passed or not, skips it
while its bytes are the same. A page with a problem, or whose event names a ``content-path``
(whose folder can go away without the page changing), is always validated again. The record
stands for one version of this extension in one environment (interpreter and packages).
The build reads a changed page again anyway and reports its problems at their lines.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from .._version import __version__
from ..content.inputs import FileState, environment_identity, stored_state
from ..util.atomic import dumps, write_atomic

VALIDATED_NAME = "validated.json"


def load(path: Path) -> dict[str, FileState]:
    """The clean pages of the last check, by their name in the stamp; none when there is no record for this
    version and environment."""
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("version") != __version__ or data.get("environment") != environment_identity():
            return {}
        return {str(name): stored_state(value) for name, value in data["pages"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def save(path: Path, pages: Mapping[str, FileState]) -> None:
    """Keep the clean pages, written atomically."""
    data = {
        "version": __version__,
        "environment": environment_identity(),
        "pages": {name: list(state) for name, state in sorted(pages.items())},
    }
    write_atomic(path, dumps(data))
