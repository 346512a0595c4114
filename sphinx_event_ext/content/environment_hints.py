"""What to tell the organizer when a notebook cannot import a module, knowing how its environment was built.

Pure functions. In an approximated environment a missing module is often the approximation's
doing (a conda package's PyPI namesake brings less; another Python lacks a standard module),
and the organizer is told that first, instead of being sent to declare what is declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .environment_files import PACKAGE_NAMES, EnvironmentSpec, conda_as_pip

MISSING_MODULE = re.compile(r"No module named '([^']+)'")
#: Standard-library modules that only some Python 3 versions have: (first minor with it, first minor without it).
STDLIB_CHANGES: dict[str, tuple[int, int]] = {
    **dict.fromkeys(("distutils", "imp", "asynchat", "asyncore", "smtpd"), (0, 12)),
    **dict.fromkeys(
        (
            "aifc",
            "audioop",
            "cgi",
            "cgitb",
            "chunk",
            "crypt",
            "imghdr",
            "lib2to3",
            "mailcap",
            "msilib",
            "nis",
            "nntplib",
            "ossaudiodev",
            "pipes",
            "sndhdr",
            "spwd",
            "sunau",
            "telnetlib",
            "uu",
            "xdrlib",
        ),
        (0, 13),
    ),
    "tomllib": (11, 99),
    "annotationlib": (14, 99),
    "compression": (14, 99),
}


@dataclass(frozen=True)
class Built:
    """How the environment a notebook ran in was built: what the hint needs to know."""

    spec: EnvironmentSpec | None
    where: str  # the source's location, for "binder/requirements.txt in <where>"
    python_used: str
    python_requested: str | None = None
    python_substituted: bool = False
    from_pypi: tuple[str, ...] = ()  # conda specs installed as their PyPI namesakes
    channels: tuple[str, ...] = ()
    unmatched: tuple[tuple[str, str], ...] = ()


def missing_module_hint(built: Built, evalue: str) -> str:
    """What to do about ``No module named 'x'``: the substitution that caused it, or where to declare it."""
    match = MISSING_MODULE.search(evalue)
    if match is None:
        return ""
    module = match.group(1)
    spec = built.spec
    if spec is None:
        return f"module {module} is not installed in the checker's own environment, where the notebooks ran"
    python = _python_cause(built, module)
    if python:
        return python
    declared_in = spec.declaring_file(module)
    message = next((text for name, text in built.unmatched if _same_package(name, module)), "")
    conda = "" if message else _conda_cause(built, module, declared_in)
    if conda:
        return conda
    if declared_in is None:
        hint = (
            f"module {module} is not installed in the event's environment; "
            f"declare it in {spec.declare_in} in {built.where}"
        )
        top = module.split(".")[0]
        return hint + (f" (its package is named {PACKAGE_NAMES[top]})" if top in PACKAGE_NAMES else "")
    if message:
        return f"module {module} is declared in {declared_in} in {built.where} but did not install: {message}"
    hint = (
        f"module {module} is declared in {declared_in} in {built.where} but does not import in the "
        "environment built from it; check the package's name and the module it provides"
    )
    if built.python_substituted:
        hint += (
            f" (or whether it supports Python {built.python_used}, which ran the notebooks here in place of "
            f"Python {built.python_requested})"
        )
    return hint


def _python_cause(built: Built, module: str) -> str:
    """A standard module that the requested Python has and the one used here does not."""
    if not built.python_substituted or built.python_requested is None:
        return ""
    top = module.split(".")[0]
    if top not in STDLIB_CHANGES:
        return ""
    used, requested = _minor(built.python_used), _minor(built.python_requested)
    first, gone = STDLIB_CHANGES[top]
    if used is None or requested is None or not (first <= requested < gone) or first <= used < gone:
        return ""
    return (
        f"module {module} is in the standard library of Python {built.python_requested}, which the environment "
        f"asks for, but not of Python {built.python_used}, which ran the notebooks here in its place: the failure "
        "comes from that substitution, not from the environment files; with the requested Python it imports"
    )


def _conda_cause(built: Built, module: str, declared_in: str | None) -> str:
    """A module missing where conda packages were replaced by their PyPI namesakes."""
    if not built.from_pypi:
        return ""
    names = ", ".join(_name(spec) for spec in built.from_pypi[:6])
    more = ", ..." if len(built.from_pypi) > 6 else ""
    channels = ", ".join(built.channels) or "the conda channels"
    cause = (
        f"this is an approximation of the event's environment: {channels} could not be reached, so the conda "
        f"packages of {built.spec.conda_file if built.spec else 'environment.yml'} ({names}{more}) came from PyPI, "
        "and a conda package often brings modules that its PyPI namesake does not"
    )
    if declared_in is not None:
        return (
            f"module {module} is declared in {declared_in} in {built.where} but does not import: {cause}. "
            f"On the hub, built from {channels}, it may import"
        )
    return (
        f"module {module} is not installed in the approximated environment: {cause}. If none of the conda packages "
        f"brings it, declare it in {built.spec.declare_in if built.spec else 'environment.yml'} in {built.where}; "
        f"only a check that reaches {channels} (or a mirror: event_environment_channel_mirrors) can prove it"
    )


def _name(spec: str) -> str:
    return re.split(r"[^A-Za-z0-9_.-]", conda_as_pip(spec), maxsplit=1)[0]


def _minor(version: str) -> int | None:
    match = re.match(r"3\.(\d+)", version)
    return int(match.group(1)) if match else None


def _same_package(spec: str, module: str) -> bool:
    name = _name(spec).lower().replace("-", "_")
    top = module.split(".")[0]
    return name in (top.lower(), PACKAGE_NAMES.get(top, top).lower().replace("-", "_"))
