"""The folders no command reads events or inputs from: tools' caches, environments and build outputs.

In a module of its own, without the MyST parser the scan needs, so a check that finds nothing changed
does not load it.
"""

SKIP_FOLDERS = {
    "_build",
    ".git",
    ".nox",
    ".tox",
    ".venv",
    "node_modules",
    ".ipynb_checkpoints",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
}
