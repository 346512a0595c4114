"""Build the kernel environment an event's notebooks run in, from the files its repository declares.

The hub builds its image from an environment repository; the check builds the nearest thing
that runs here: a virtual environment made by uv (fast, and it caches wheels), or by a conda
solver for an ``environment.yml`` when one is on PATH. Each distinct environment is built once
into a cache folder named by the hash of its files and Python, and reused by every later check
and every event that declares the same files. Nothing is ever installed into the checker's own
environment: its interpreter runs the notebooks only when nothing is declared, and the record
says so.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..util.atomic import dumps, write_atomic
from .environment_files import PACKAGE_NAMES, EnvironmentSpec, conda_as_pip, read_environment

#: The file in a built environment that records what it holds; written last, so its presence means complete.
RECORD = "sphinx-event-environment.json"
CONDA_SOLVERS = ("micromamba", "conda", "pixi")
_MISSING_MODULE = re.compile(r"No module named '([^']+)'")
_TIMEOUT = 1800
_CHATTER = re.compile(
    r"^(Using Python|Using CPython|Creating virtual environment|Resolved|Prepared|Installed|Audited) "
)
_MESSAGE_LINES = 12


class EnvironmentBuildError(RuntimeError):
    """The environment could not be built; the message carries the installer's own error."""


@dataclass(frozen=True)
class EnvironmentSource:
    """Where an environment is declared: a repository at a branch and commit, or a local folder."""

    kind: str  # "environment-repo", "content-repo" or "content-path"
    location: str
    branch: str | None = None
    commit: str | None = None

    def where(self, path: str) -> str:
        """``binder/requirements.txt in https://github.com/org/env``: a file as the organizer finds it."""
        return f"{path} in {self.location}"

    def to_json(self) -> dict[str, Any]:
        """The source as the record shows it."""
        return {"kind": self.kind, "location": self.location, "branch": self.branch, "commit": self.commit}


@dataclass(frozen=True)
class Installer:
    """Where packages come from: uv's default index (or its ``UV_*`` settings), another index, local wheels."""

    index: str | None = None
    find_links: tuple[str, ...] = ()
    offline: bool = False

    def args(self) -> list[str]:
        """The ``uv pip install`` options that say so."""
        args = ["--index-url", self.index] if self.index else []
        for folder in self.find_links:
            args += ["--find-links", folder]
        return [*args, "--offline"] if self.offline else args


@dataclass(frozen=True)
class KernelEnvironment:
    """A built environment (or the checker's own when nothing is declared) and what it holds."""

    source: EnvironmentSource | None
    spec: EnvironmentSpec | None
    python: Path | None
    python_version: str
    packages: tuple[tuple[str, str], ...] = ()
    unmatched: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    solver: str = "uv"
    reused: bool = False

    @property
    def kernel_argv(self) -> list[str] | None:
        """The command that starts a Python kernel in this environment; None for the checker's own."""
        if self.python is None:
            return None
        return [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]

    def missing_module_hint(self, evalue: str) -> str:
        """What to do about ``No module named 'x'``: declare it, in which file, or why the declared one failed."""
        match = _MISSING_MODULE.search(evalue)
        if match is None:
            return ""
        module = match.group(1)
        if self.spec is None or self.source is None:
            return f"module {module} is not installed in the checker's own environment, where the notebooks ran"
        declared_in = self.spec.declaring_file(module)
        if declared_in is None:
            hint = (
                f"module {module} is not installed in the event's environment; "
                f"declare it in {self.source.where(self.spec.declare_in)}"
            )
            top = module.split(".")[0]
            return hint + (f" (its package is named {PACKAGE_NAMES[top]})" if top in PACKAGE_NAMES else "")
        failed = dict(self.unmatched)
        message = next((text for spec, text in failed.items() if _same_package(spec, module)), "")
        if message:
            return f"module {module} is declared in {self.source.where(declared_in)} but did not install: {message}"
        return (
            f"module {module} is declared in {self.source.where(declared_in)} but does not import in the "
            "environment built from it; check the package's name and the module it provides"
        )

    def to_json(self) -> dict[str, Any]:
        """The record of ``execution.json``: the same files and lock give the same record."""
        return {
            "source": self.source.to_json() if self.source else None,
            "declared": self.python is not None,
            "files": list(self.spec.files) if self.spec else [],
            "solver": self.solver if self.python is not None else None,
            "python": self.python_version,
            "packages": dict(self.packages),
            "unmatched": dict(self.unmatched),
            "not_reproduced": list(self.spec.not_reproduced) if self.spec else [],
            "notes": list(self.notes),
        }


def _same_package(spec: str, module: str) -> bool:
    name = re.split(r"[^A-Za-z0-9_.-]", conda_as_pip(spec), maxsplit=1)[0].lower().replace("-", "_")
    top = module.split(".")[0]
    return name in (top.lower(), PACKAGE_NAMES.get(top, top).lower().replace("-", "_"))


def default_cache_dir() -> Path:
    """Where built environments are kept between checks: the user's cache folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sphinx-event-ext" / "environments"


def find_uv() -> str:
    """The uv executable: on PATH, or the one the ``uv`` package (in the ``check`` extra) ships."""
    found = shutil.which("uv")
    if found:
        return found
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        raise EnvironmentBuildError(
            'uv is needed to build the event\'s environment; install it with: pip install "sphinx-event-ext[check]"'
        ) from None


def checker_environment(
    source: EnvironmentSource | None, spec: EnvironmentSpec | None, reason: str = ""
) -> KernelEnvironment:
    """The checker's own environment, used when nothing is declared; the note says so."""
    reason = reason or f"no environment is declared {f'in {source.location}' if source else 'for the event'}"
    note = f"{reason}; the notebooks ran in the checker's own environment"
    return KernelEnvironment(source, spec, None, platform.python_version(), notes=(note,))


def choose_environment(
    candidates: Iterable[tuple[Path, EnvironmentSource]],
    cache_dir: Path | None = None,
    installer: Installer | None = None,
) -> KernelEnvironment:
    """The first candidate that declares an environment, built; the checker's own when none declares one."""
    first: tuple[EnvironmentSource, EnvironmentSpec] | None = None
    for root, source in candidates:
        spec = read_environment(root)
        if spec.installs_anything:
            return build_environment(spec, source, cache_dir, installer)
        first = first or (source, spec)
    return checker_environment(*first) if first else checker_environment(None, None)


def build_environment(
    spec: EnvironmentSpec,
    source: EnvironmentSource,
    cache_dir: Path | None = None,
    installer: Installer | None = None,
) -> KernelEnvironment:
    """The environment ``spec`` declares, built once into ``cache_dir`` and reused while its files stay the same."""
    uv = find_uv()
    installer = installer or Installer()
    interpreter, version_warning = _interpreter(uv, spec, source)
    cache = (cache_dir or default_cache_dir()).resolve()
    solver = next((name for name in CONDA_SOLVERS if spec.conda_file and shutil.which(name)), "uv")
    folder = cache / spec.digest(f"{interpreter}\0{solver}")[:32]
    warnings = (version_warning,) if version_warning else ()
    record = _read_record(folder)
    if record is not None:
        return _from_record(record, source, spec, folder, warnings, reused=True)
    cache.mkdir(parents=True, exist_ok=True)
    if solver != "uv":
        shutil.rmtree(folder, ignore_errors=True)  # an unfinished build: conda prefixes cannot be moved into place
        python = _build_with_conda(solver, spec, source, folder)
        return _finish(uv, folder, python, source, spec, (), solver, warnings)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=cache))
    try:
        venv = staging / "env"
        _uv(uv, "venv", "--quiet", "--relocatable", "--no-python-downloads", "--python", interpreter, str(venv))
        python = venv / "bin" / "python"
        try:
            _uv(uv, "pip", "install", "--python", str(python), *installer.args(), *_pip_args(spec), cwd=_base(spec))
        except EnvironmentBuildError as error:
            files = ", ".join(spec.files)
            raise EnvironmentBuildError(f"uv could not install {files} of {source.location}: {error}") from None
        unmatched = _install_by_name(uv, python, spec, installer)
        _finish(uv, venv, python, source, spec, unmatched, solver, warnings)
        try:
            venv.rename(folder)
        except OSError:
            if _read_record(folder) is None:
                raise EnvironmentBuildError(f"cannot store the environment in {folder}") from None
        record = _read_record(folder)
        assert record is not None
        return _from_record(record, source, spec, folder, warnings, reused=False)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _base(spec: EnvironmentSpec) -> Path:
    return spec.root / spec.folder


def _interpreter(uv: str, spec: EnvironmentSpec, source: EnvironmentSource) -> tuple[str, str]:
    """The Python to build with, and a warning when the declared version is not on this machine."""
    if spec.python is None:
        return sys.executable, ""
    try:
        found = _uv(uv, "python", "find", "--no-python-downloads", spec.python).strip()
    except EnvironmentBuildError:
        ours = platform.python_version()
        return sys.executable, (
            f"{source.where(spec.python_file or '')} asks for Python {spec.python}, which this machine does not "
            f"have; the notebooks ran with Python {ours} instead"
        )
    return found, ""


def _pip_args(spec: EnvironmentSpec) -> list[str]:
    """Everything uv installs in one go: ipykernel, the requirements files, the pip section, the project."""
    args = ["ipykernel"]
    for name in spec.requirement_files:
        args += ["-r", str(spec.root / name)]
    for line in spec.pip:
        args += shlex.split(line, comments=True)
    if spec.project:
        args.append(str(spec.root))
    return args


def _install_by_name(uv: str, python: Path, spec: EnvironmentSpec, installer: Installer) -> tuple[tuple[str, str], ...]:
    """Conda dependencies without a conda solver: the package of the same name, each one that has none listed."""
    if not spec.conda:
        return ()
    wanted = {conda: conda_as_pip(conda) for conda in spec.conda}
    try:
        _uv(uv, "pip", "install", "--python", str(python), *installer.args(), *wanted.values(), cwd=_base(spec))
        return ()
    except EnvironmentBuildError:
        pass
    unmatched = []
    for conda, requirement in wanted.items():
        try:
            _uv(uv, "pip", "install", "--python", str(python), *installer.args(), requirement, cwd=_base(spec))
        except EnvironmentBuildError as error:
            unmatched.append((conda, str(error)))
    return tuple(unmatched)


def _build_with_conda(solver: str, spec: EnvironmentSpec, source: EnvironmentSource, prefix: Path) -> Path:
    """A conda environment from ``environment.yml`` (pip section included), with ipykernel."""
    file = str(spec.root / (spec.conda_file or ""))
    if solver == "pixi":
        commands = [
            ["pixi", "init", "--import", file, str(prefix)],
            ["pixi", "add", "--manifest-path", str(prefix / "pixi.toml"), "ipykernel"],
            ["pixi", "install", "--manifest-path", str(prefix / "pixi.toml")],
        ]
        python = prefix / ".pixi" / "envs" / "default" / "bin" / "python"
    else:
        create = ["env", "create"] if solver == "conda" else ["create", "--yes"]
        commands = [
            [solver, *create, "--prefix", str(prefix), "--file", file],
            [solver, "install", "--yes", "--prefix", str(prefix), "ipykernel"],
        ]
        python = prefix / "bin" / "python"
    for command in commands:
        try:
            _command(command, cwd=_base(spec))
        except EnvironmentBuildError as error:
            raise EnvironmentBuildError(f"{solver} could not build {source.where(file)}: {error}") from None
    return python


def _finish(
    uv: str,
    folder: Path,
    python: Path,
    source: EnvironmentSource,
    spec: EnvironmentSpec,
    unmatched: tuple[tuple[str, str], ...],
    solver: str,
    warnings: tuple[str, ...],
) -> KernelEnvironment:
    """Record what the environment holds, last, so a record means the build finished."""
    listed = json.loads(_uv(uv, "pip", "list", "--python", str(python), "--format", "json"))
    version = _command([str(python), "-c", "import platform; print(platform.python_version())"]).strip()
    record = {
        "python": version,
        "solver": solver,
        "packages": sorted([item["name"].lower(), item["version"]] for item in listed),
        "unmatched": [list(pair) for pair in unmatched],
        "interpreter": os.path.relpath(python, folder),
    }
    write_atomic(folder / RECORD, dumps(record))
    return _from_record(record, source, spec, folder, warnings, reused=False)


def _read_record(folder: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((folder / RECORD).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and (folder / record.get("interpreter", "")).exists() else None


def _from_record(
    record: dict[str, Any],
    source: EnvironmentSource,
    spec: EnvironmentSpec,
    folder: Path,
    warnings: tuple[str, ...],
    *,
    reused: bool,
) -> KernelEnvironment:
    unmatched = tuple((str(conda), str(message)) for conda, message in record["unmatched"])
    notes = tuple(
        f"{conda} (conda) has no package of the same name to install: {message}" for conda, message in unmatched
    )
    return KernelEnvironment(
        source,
        spec,
        folder / record["interpreter"],
        record["python"],
        packages=tuple((str(name), str(version)) for name, version in record["packages"]),
        unmatched=unmatched,
        notes=notes,
        warnings=warnings,
        solver=record["solver"],
        reused=reused,
    )


def _uv(uv: str, *args: str, cwd: Path | None = None) -> str:
    return _command([uv, *args], cwd=cwd, env={"UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1"})


def _command(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run an installer; its own last lines of error output are the message when it fails."""
    try:
        result = subprocess.run(
            argv,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            env={**os.environ, **(env or {})},
            check=False,
        )
    except FileNotFoundError:
        raise EnvironmentBuildError(f"{argv[0]} is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise EnvironmentBuildError(f"{Path(argv[0]).name} took longer than {_TIMEOUT} s") from None
    if result.returncode != 0:
        lines = [line.rstrip() for line in result.stderr.splitlines() if line.strip() and not _CHATTER.match(line)]
        raise EnvironmentBuildError("\n".join(lines[-_MESSAGE_LINES:]) or f"exit status {result.returncode}")
    return result.stdout
