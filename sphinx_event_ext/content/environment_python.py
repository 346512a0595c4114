"""The Python an environment is built with: the one its files ask for, installed by uv when this machine lacks it.

uv finds a Python already on the machine, or downloads the requested one into its own cache
(``uv python install``), as the hub's image would have it. Only when that fails is another
Python used: the nearest one uv knows here, and the environment is then an approximation.
"""

from __future__ import annotations

import json
import platform
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from ..model.config import PYTHON_POLICIES

__all__ = ["PYTHON_POLICIES", "PythonChoice", "choose_python", "nearest_version"]
_MINORS = range(6, 20)
_MESSAGE_CHARS = 300
# The download URLs uv names are long, unbreakable, and say nothing an organizer can act on.
_URL = re.compile(r"https?://\S{1,2000}")

#: Runs uv with these arguments and returns its output, raising ``RuntimeError`` (or a subclass) on failure.
RunUv = Callable[..., str]


@dataclass(frozen=True)
class PythonChoice:
    """The interpreter to build with, and when it is not the requested one, why."""

    interpreter: str
    requested: str | None = None
    unavailable: str = ""  # uv's reason when the requested Python could not be had here

    @property
    def substituted(self) -> bool:
        """Whether another Python stands in for the requested one."""
        return bool(self.unavailable)


def choose_python(run_uv: RunUv, requested: str | None, *, offline: bool = False) -> PythonChoice:
    """The requested Python, found or installed by uv; else the nearest one uv has, with the reason."""
    if requested is None:
        return PythonChoice(sys.executable)
    found = _find(run_uv, requested)
    if found:
        return PythonChoice(found, requested)
    try:
        run_uv(*(["--offline"] if offline else []), "python", "install", requested, downloads=True)
    except RuntimeError as error:
        reason = _reason(str(error))
    else:
        found = _find(run_uv, requested)
        if found:
            return PythonChoice(found, requested)
        reason = "uv installed it but cannot find it"
    nearest = nearest_version(requested, _installed(run_uv))
    interpreter = (_find(run_uv, nearest) if nearest else None) or sys.executable
    return PythonChoice(interpreter, requested, reason)


def nearest_version(requested: str, available: list[str]) -> str | None:
    """The available version closest to what is asked: a matching one, else the fewest minor versions away
    (the newer of two equally near)."""
    allowed = _allowed_minors(requested)
    if not available or not allowed:
        return None

    def distance(version: str) -> tuple[int, int, Version]:
        parsed = Version(version)
        if parsed.major != 3:
            return (1, 99, parsed)
        return (0, min(abs(parsed.minor - minor) for minor in allowed), _negated(parsed))

    return min(available, key=distance)


def _negated(version: Version) -> Version:
    """A sort key that puts newer versions first."""
    return Version(f"{999 - version.major}.{999 - version.minor}.{999 - version.micro}")


def _allowed_minors(requested: str) -> list[int]:
    """The Python 3 minor versions a request allows: ``3.10`` → [10]; ``>=3.12`` → [12, 13, ...]."""
    try:
        version = Version(requested)
    except InvalidVersion:
        try:
            specifier = SpecifierSet(requested)
        except InvalidSpecifier:
            return []
        return [minor for minor in _MINORS if specifier.contains(f"3.{minor}", prereleases=True)]
    return [version.minor] if version.major == 3 else []


def _find(run_uv: RunUv, version: str) -> str | None:
    try:
        return run_uv("python", "find", "--no-python-downloads", version).strip() or None
    except RuntimeError:
        return None


def _installed(run_uv: RunUv) -> list[str]:
    """The Python versions uv can use here without a download; the checker's own when it cannot tell."""
    try:
        listed = json.loads(run_uv("python", "list", "--only-installed", "--output-format", "json"))
    except (RuntimeError, ValueError):
        return [platform.python_version()]
    versions = {str(item.get("version", "")) for item in listed if isinstance(item, dict)}
    return sorted(version for version in versions if _valid(version)) or [platform.python_version()]


def _valid(version: str) -> bool:
    try:
        Version(version)
    except InvalidVersion:
        return False
    return True


def _reason(message: str) -> str:
    """uv's own words, shortened: the first line and the last cause."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return "uv could not install it"
    causes = [line.removeprefix("cause:").strip() for line in lines if line.startswith("cause:")]
    text = lines[0].removeprefix("error:").strip() + (f": {causes[-1]}" if causes else "")
    return _URL.sub("", text).rstrip(" :")[:_MESSAGE_CHARS]
