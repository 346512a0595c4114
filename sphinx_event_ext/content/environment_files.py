"""Read a repository's environment files the way repo2docker does, so the check installs what the hub installs.

Pure reading, no installing: a ``binder/`` or ``.binder/`` folder replaces the root; then
``environment.yml`` (the Conda buildpack, which ignores ``requirements.txt``), or
``requirements.txt`` and the repository as a package (the Python buildpack); ``runtime.txt``
pins Python (else ``python=`` in ``environment.yml``, else the project's ``requires-python``). What only a container build can do (``apt.txt``, ``postBuild``, a Dockerfile...)
is listed as not reproduced, so the report can say so.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

#: Folders that repo2docker reads instead of the repository's root.
BINDER_FOLDERS = ("binder", ".binder")
CONDA_FILES = ("environment.yml", "environment.yaml")
#: Files that shape the environment but that a virtual environment cannot reproduce, and why.
NOT_REPRODUCED = {
    "apt.txt": "Debian packages installed into the image",
    "postBuild": "a script run after the install",
    "start": "a script run when the server starts",
    "Dockerfile": "a Dockerfile builds the image instead of the files below",
    "Pipfile": "Pipenv environments",
    "Project.toml": "Julia environments",
    "default.nix": "Nix environments",
    "DESCRIPTION": "R packages",
    "install.R": "R packages",
}
#: The channel repo2docker's conda environments come from when ``environment.yml`` names none.
DEFAULT_CHANNELS = ("conda-forge",)
# Bumped when the way an environment is built changes, so cached environments are rebuilt.
_BUILD_VERSION = "2"
_CONDA_ONLY = {"python", "pip"}
_CONDA_SPEC = re.compile(r"^(?:[\w.-]+::)?([A-Za-z0-9_.-]+)\s*(.*)$")
_RUNTIME = re.compile(r"^python-(\d+(?:\.\d+)*)\s*$")
# Import names whose package on PyPI is named differently, the usual surprise in a requirements file.
PACKAGE_NAMES = {
    "PIL": "pillow",
    "bs4": "beautifulsoup4",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "yaml": "pyyaml",
    "dateutil": "python-dateutil",
}


class EnvironmentFileError(ValueError):
    """An environment file that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class EnvironmentSpec:
    """What a repository declares for its environment, with paths relative to the repository's root."""

    root: Path
    folder: str = ""
    files: tuple[str, ...] = ()
    requirement_files: tuple[str, ...] = ()
    pip: tuple[str, ...] = ()
    conda: tuple[str, ...] = ()
    conda_file: str | None = None
    channels: tuple[str, ...] = ()
    project: bool = False
    python: str | None = None
    python_file: str | None = None
    not_reproduced: tuple[str, ...] = ()
    declared: dict[str, str] = field(default_factory=dict)

    @property
    def unreproduced_files(self) -> tuple[str, ...]:
        """What the hub's image does that no environment built here does (``apt.txt``, ``postBuild``...):
        an environment built without them is an approximation."""
        return tuple(item for item in self.not_reproduced if item.split(":")[0].rsplit("/", 1)[-1] in NOT_REPRODUCED)

    @property
    def installs_anything(self) -> bool:
        """Whether there is anything to install: else the checker's own environment runs the content."""
        return bool(self.requirement_files or self.pip or self.conda or self.project or self.python)

    @property
    def declare_in(self) -> str:
        """The file a missing package belongs in, as a path in the repository (existing or to create)."""
        if self.conda_file:
            return self.conda_file
        if self.requirement_files:
            return self.requirement_files[0]
        return _join(self.folder, "requirements.txt")

    def declaring_file(self, module: str) -> str | None:
        """The file that declares the package importing as ``module``, if any does."""
        top = module.split(".")[0]
        for name in (top, PACKAGE_NAMES.get(top, top)):
            found = self.declared.get(canonicalize_name(name))
            if found:
                return found
        return None

    def digest(self, python: str) -> str:
        """The hash naming a built environment: every file read, and the Python it is built for."""
        digest = hashlib.sha256(f"{_BUILD_VERSION}\0{python}".encode())
        for name in self.files:
            digest.update(f"\0{name}\0".encode())
            digest.update((self.root / name).read_bytes())
        return digest.hexdigest()


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def read_environment(root: Path) -> EnvironmentSpec:
    """The environment a repository declares, read as repo2docker reads it."""
    root = root.resolve()
    folders = [name for name in BINDER_FOLDERS if (root / name).is_dir()]
    if len(folders) > 1:
        raise EnvironmentFileError(f"{root} has both binder/ and .binder/; repo2docker refuses that, keep one of them")
    folder = folders[0] if folders else ""
    base = root / folder

    def present(name: str) -> str | None:
        return _join(folder, name) if (base / name).is_file() else None

    files: list[str] = []
    declared: dict[str, str] = {}
    requirement_files: tuple[str, ...] = ()
    pip: tuple[str, ...] = ()
    conda: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    python = python_file = None
    conda_file = next((found for found in map(present, CONDA_FILES) if found), None)
    not_reproduced = [f"{path}: {why}" for name, why in NOT_REPRODUCED.items() if (path := present(name))]
    if conda_file:
        files.append(conda_file)
        conda, pip, conda_python, channels = _read_conda(root / conda_file, conda_file)
        declared.update(dict.fromkeys(_names(pip) + _names(_conda_as_pip(conda)), conda_file))
        if conda_python:
            python, python_file = conda_python, conda_file
        ignored = present("requirements.txt")
        if ignored:
            not_reproduced.append(f"{ignored}: not read when {conda_file} exists (repo2docker's Conda buildpack)")
    elif requirements := present("requirements.txt"):
        files.append(requirements)
        requirement_files = (requirements,)
        declared.update(dict.fromkeys(_requirement_names(root / requirements), requirements))
    project = False
    if not folder:
        for name in ("setup.py", "pyproject.toml"):
            if (root / name).is_file() and (name == "setup.py" or _is_package(root / name)):
                project = True
        if project:
            files.extend(name for name in ("setup.py", "pyproject.toml", "setup.cfg") if (root / name).is_file())
            declaring = "pyproject.toml" if (root / "pyproject.toml").is_file() else "setup.py"
            declared.update(dict.fromkeys(_project_names(root), declaring))
            requires = _requires_python(root)
            if requires and python is None:
                python, python_file = requires, "pyproject.toml"
    runtime = present("runtime.txt")
    if runtime:
        files.append(runtime)
        text = (root / runtime).read_text("utf-8").strip()
        match = _RUNTIME.match(text)
        if match:
            python, python_file = match.group(1), runtime
        else:
            not_reproduced.append(f"{runtime}: {text!r} is not a Python version (python-3.X)")
    return EnvironmentSpec(
        root=root,
        folder=folder,
        files=tuple(files),
        requirement_files=requirement_files,
        pip=pip,
        conda=conda,
        conda_file=conda_file,
        channels=channels,
        project=project,
        python=python,
        python_file=python_file,
        not_reproduced=tuple(not_reproduced),
        declared=declared,
    )


def _read_conda(path: Path, name: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None, tuple[str, ...]]:
    """The conda dependencies, the pip section, the Python version and the channels of an ``environment.yml``."""
    import yaml  # PyYAML comes with myst-parser

    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as error:
        raise EnvironmentFileError(f"{name} is not valid YAML: {error}") from None
    dependencies: Any = data.get("dependencies", []) if isinstance(data, dict) else None
    if not isinstance(dependencies, list):
        raise EnvironmentFileError(f"{name}: 'dependencies' must be a list, got {type(dependencies).__name__}")
    channels: Any = data.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(channel, str) for channel in channels):
        raise EnvironmentFileError(f"{name}: 'channels' must be a list of channel names or URLs, got {channels!r}")
    conda: list[str] = []
    pip: list[str] = []
    python = None
    for entry in dependencies:
        if isinstance(entry, dict) and isinstance(entry.get("pip"), list):
            pip.extend(str(line) for line in entry["pip"])
        elif isinstance(entry, (str, int, float)):
            spec = str(entry).strip()
            match = _CONDA_SPEC.match(spec)
            package = match.group(1).lower() if match else spec
            if package == "python" and match:
                version = re.search(r"\d+(?:\.\d+)?", match.group(2))
                python = version.group(0) if version else None
            elif package not in _CONDA_ONLY:
                conda.append(spec)
        else:
            raise EnvironmentFileError(f"{name}: cannot read the dependency {entry!r}; expected a package or 'pip:'")
    return tuple(conda), tuple(pip), python, tuple(channel.strip() for channel in channels if channel.strip())


def conda_as_pip(spec: str) -> str:
    """A conda match spec as the pip requirement of the same name: ``numpy=1.26`` becomes ``numpy==1.26.*``."""
    match = _CONDA_SPEC.match(spec.strip())
    if match is None:
        return spec
    name, version = match.group(1), match.group(2).split()[0] if match.group(2).split() else ""
    if not version:
        return name
    if version.startswith("=") and not version.startswith("=="):
        version = version[1:]
    if version[0].isdigit():
        return f"{name}=={version}" if version.endswith("*") or version.count(".") >= 2 else f"{name}=={version}.*"
    return f"{name}{version}"


def _conda_as_pip(specs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(conda_as_pip(spec) for spec in specs)


def _names(lines: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for line in lines:
        try:
            names.append(canonicalize_name(Requirement(line.split("#", 1)[0].strip()).name))
        except InvalidRequirement:
            continue
    return names


def _requirement_names(path: Path) -> list[str]:
    """The package names a requirements file declares, following ``-r`` includes."""
    lines = []
    for raw in path.read_text("utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line.startswith(("-r ", "--requirement ")):
            included = path.parent / shlex.split(line)[1]
            if included.is_file():
                lines.extend(_requirement_names(included))
        elif line and not line.startswith(("#", "-")):
            lines.append(line)
    return _names(tuple(lines))


def _is_package(pyproject: Path) -> bool:
    """Whether repo2docker would ``pip install .``: a ``[project]`` and a ``[build-system]`` table."""
    data = _toml(pyproject)
    return "project" in data and "build-system" in data


def _project_names(root: Path) -> list[str]:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return []
    project = _toml(pyproject).get("project", {})
    names = _names(tuple(str(line) for line in project.get("dependencies", [])))
    if project.get("name"):
        names.append(canonicalize_name(str(project["name"])))
    return names


def _requires_python(root: Path) -> str | None:
    """The project's ``requires-python`` (``>=3.10``), which repo2docker checks the Python against."""
    pyproject = root / "pyproject.toml"
    value = _toml(pyproject).get("project", {}).get("requires-python") if pyproject.is_file() else None
    return str(value).strip() or None if value else None


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return dict(tomllib.loads(path.read_text("utf-8")))
    except tomllib.TOMLDecodeError as error:
        raise EnvironmentFileError(f"{path.name} is not valid TOML: {error}") from None
