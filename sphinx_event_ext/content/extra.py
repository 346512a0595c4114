"""The ``check`` extra: what pulling and running content need beyond rendering event pages.

A site that only renders event pages (a hosted docs build, say) installs the base package;
the commands and settings that pull or run content say which install line they need
instead of failing on an import.
"""

from __future__ import annotations

from importlib.util import find_spec

#: Modules the ``check`` extra brings, as they are imported.
CHECK_MODULES = ("nbgitpuller", "nbclient", "nbformat", "jupyter_client", "ipykernel", "psutil")
INSTALL_LINE = 'pip install "sphinx-event-ext[check]"'


class MissingExtra(RuntimeError):
    """A feature needs the ``check`` extra, which is not installed."""


def missing_modules() -> list[str]:
    """The ``check`` extra's modules that cannot be imported here."""
    return [name for name in CHECK_MODULES if find_spec(name) is None]


def require_check_extra(feature: str) -> None:
    """Raise ``MissingExtra`` naming the feature, the missing modules and the install line."""
    missing = missing_modules()
    if missing:
        raise MissingExtra(
            f"{feature} needs the 'check' extra ({', '.join(missing)} missing); install it with: {INSTALL_LINE}"
        )
