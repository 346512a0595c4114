"""The packages an environment declares, and how a hub's installed versions measure up to them.

Pure text in, data out: ``requirements.txt`` and ``environment.yml`` (conda's ``name=1.2``
means any 1.2.x, its ``pip:`` list is requirements lines). The interpreter itself and
package managers are not packages an attendee imports, so they are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

_NOT_PACKAGES = {"python", "pip", "conda", "mamba", "setuptools", "wheel"}


@dataclass(frozen=True)
class Declared:
    """A package the environment declares, with its version specifier (``""``: any version)."""

    name: str
    specifier: str
    file: str


def _requirement(line: str, file: str) -> Declared | None:
    text = line.split(" #")[0].strip()
    if not text or text.startswith(("#", "-", "git+", "http:", "https:", "file:", ".")):
        return None
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    name = canonicalize_name(requirement.name)
    return None if name in _NOT_PACKAGES else Declared(name, str(requirement.specifier), file)


def _conda(spec: str, file: str) -> Declared | None:
    """``numpy=1.26`` (conda's prefix match: 1.26, 1.26.x), ``numpy==1.26.4``, ``numpy>=1.2``, ``conda-forge::numpy``."""
    text = spec.split("::")[-1].split("[")[0].strip()
    for operator in ("==", ">=", "<=", "!=", ">", "<"):
        if operator in text:
            name, _, version = text.partition(operator)
            return _requirement(f"{name.strip()}{operator}{version.strip().split('=')[0]}", file)
    name, _, version = text.partition("=")
    version = version.split("=")[0].strip()
    if not version:
        return _requirement(name, file)
    return _requirement(f"{name}=={version.rstrip('*').rstrip('.')}.*", file)


def declared_packages(file: str, text: str) -> list[Declared]:
    """The packages one declaration file lists, in its order; lines that name no package are skipped."""
    found: list[Declared | None] = []
    if file.endswith(".txt"):
        found = [_requirement(line, file) for line in text.splitlines()]
    elif file.endswith((".yml", ".yaml")):
        data = yaml.safe_load(text) or {}
        for entry in data.get("dependencies") or [] if isinstance(data, dict) else []:
            if isinstance(entry, str):
                found.append(_conda(entry, file))
            elif isinstance(entry, dict):
                found.extend(_requirement(str(line), file) for line in entry.get("pip") or [])
    return [item for item in found if item is not None]


def version_problems(declared: Sequence[Declared], installed: Mapping[str, Any]) -> list[str]:
    """One sentence per declared package the hub lacks, or has in a version its specifier refuses."""
    problems = []
    for item in declared:
        version = installed.get(item.name)
        if not isinstance(version, str):
            problems.append(f"{item.name} is declared in {item.file} but is not installed in the hub's environment")
            continue
        if not item.specifier:
            continue
        try:
            accepted = SpecifierSet(item.specifier).contains(Version(version), prereleases=True)
        except (InvalidSpecifier, InvalidVersion):
            accepted = True  # a version scheme packaging cannot read: nothing to compare
        if not accepted:
            problems.append(f"{item.name} is declared as {item.specifier} in {item.file}; the hub has {version}")
    return problems
