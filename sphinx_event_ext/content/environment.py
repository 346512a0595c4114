"""Build the kernel environment an event's notebooks run in, from the files its repository declares.

The hub builds its image from an environment repository with repo2docker; the check builds the
same thing where it can, and labels what it could only approximate. ``requirements.txt`` gives a
virtual environment made by uv, with the Python that ``runtime.txt`` asks for (uv installs it
when this machine lacks it). ``environment.yml`` gives a conda environment solved and installed
by rattler from its channels, then its pip section by uv; when no channel can be reached, its
conda packages are approximated by their PyPI namesakes. Each distinct environment is built
once into a cache folder named by the hash of its files and how it is built, and reused by
every later check. Nothing is ever installed into the checker's own environment: its
interpreter runs the notebooks only when nothing is declared, and the record says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ..util.atomic import dumps, write_atomic
from .environment_cache import LAST_USED, RECORD
from .environment_cache import SHARED_CACHE as CONDA_CACHE
from .environment_conda import ChannelUnreachable, CondaSolveError, channel_urls, solve_and_install
from .environment_files import DEFAULT_CHANNELS, EnvironmentSpec, conda_as_pip, read_environment
from .environment_hints import Built, missing_module_hint
from .environment_python import PYTHON_POLICIES, PythonChoice, choose_python

CONDA_SOLVERS = ("micromamba", "conda", "pixi")
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
    """Where packages come from and what the site accepts: uv's index (or ``UV_*`` settings), another index,
    local wheels, conda channel mirrors, and whether the nearest Python may stand in for the requested one."""

    index: str | None = None
    find_links: tuple[str, ...] = ()
    offline: bool = False
    channel_mirrors: Mapping[str, str] = field(default_factory=dict)
    python_policy: str = "exact"

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
    python_requested: str | None = None
    python_substituted: bool = False
    from_pypi: tuple[str, ...] = ()  # conda specs installed as their PyPI namesakes
    channels: tuple[str, ...] = ()
    substitutions: tuple[str, ...] = ()

    @property
    def kernel_argv(self) -> list[str] | None:
        """The command that starts a Python kernel in this environment; None for the checker's own."""
        if self.python is None:
            return None
        return [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]

    @property
    def approximations(self) -> tuple[str, ...]:
        """Everything in which this environment differs from the hub's: substitutions, then files not reproduced.
        Empty when it is built as the hub builds it (or nothing is declared)."""
        if self.python is None or self.spec is None:
            return ()
        return (*self.substitutions, *(f"not reproduced: {item}" for item in self.spec.unreproduced_files))

    @property
    def approximated(self) -> bool:
        """Whether a pass here proves less than a pass on the hub: the environment is an approximation."""
        return bool(self.approximations)

    @property
    def identity(self) -> str:
        """A stable digest of what the notebooks ran in: the interpreter's version, what built it, every package
        and version. The same environment gives the same identity wherever and whenever it is built; whether it
        approximates the hub's is said beside it (``approximated``), as it depends on the declaring files."""
        data = {
            "declared": self.python is not None,
            "python": self.python_version,
            "solver": self.solver if self.python is not None else None,
            "packages": sorted(self.packages),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def missing_module_hint(self, evalue: str) -> str:
        """What to do about ``No module named 'x'``: the substitution that caused it, or where to declare it."""
        built = Built(
            spec=self.spec if self.source is not None and self.python is not None else None,
            where=self.source.location if self.source else "",
            python_used=self.python_version,
            python_requested=self.python_requested,
            python_substituted=self.python_substituted,
            from_pypi=self.from_pypi,
            channels=self.channels,
            unmatched=self.unmatched,
        )
        return missing_module_hint(built, evalue)

    def to_json(self) -> dict[str, Any]:
        """The record of ``execution.json``: the same files and lock give the same record."""
        return {
            "source": self.source.to_json() if self.source else None,
            "declared": self.python is not None,
            "files": list(self.spec.files) if self.spec else [],
            "solver": self.solver if self.python is not None else None,
            "python": self.python_version,
            "python_requested": self.python_requested if self.python is not None else None,
            "packages": dict(self.packages),
            "unmatched": dict(self.unmatched),
            "not_reproduced": list(self.spec.not_reproduced) if self.spec else [],
            "notes": list(self.notes),
            "approximated": self.approximated,
            "approximations": list(self.approximations),
            "identity": self.identity,
        }


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
    """The environment ``spec`` declares, built once into ``cache_dir`` and reused while its files stay the same.

    An ``environment.yml`` is solved and installed from its channels (rattler, else a conda solver on
    PATH); when no channel answers, or nothing can solve it here, its conda packages are approximated
    from the package index, and the environment lists the substitutions.
    """
    uv = find_uv()
    installer = installer or Installer()
    if installer.python_policy not in PYTHON_POLICIES:
        raise ValueError(f"python_policy must be one of {PYTHON_POLICIES}, got {installer.python_policy!r}")
    cache = (cache_dir or default_cache_dir()).resolve()
    if not spec.conda_file:
        return _uv_environment(uv, spec, source, cache, installer)
    named = spec.channels or DEFAULT_CHANNELS
    channels = tuple(channel_urls(named, installer.channel_mirrors))
    solver = "rattler" if find_spec("rattler") else next((name for name in CONDA_SOLVERS if shutil.which(name)), "")
    if not solver:
        problem = "no conda solver is installed (py-rattler, micromamba, conda or pixi)"
        return _uv_environment(uv, spec, source, cache, installer, named, problem)
    if installer.offline and not all(name in installer.channel_mirrors for name in named):
        problem = "event_environment_offline is True and not every channel has a mirror, so none was queried"
        return _uv_environment(uv, spec, source, cache, installer, named, problem)
    folder = cache / spec.digest("\0".join([solver, *channels]))[:32]
    record = _read_record(folder)
    if record is not None:
        return _from_record(record, source, spec, folder, PythonChoice(""), reused=True)
    cache.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder, ignore_errors=True)  # an unfinished build: conda prefixes cannot be moved into place
    if solver != "rattler":
        python = _build_with_conda(solver, spec, source, folder)
        return _finish(uv, folder, python, source, spec, {"solver": solver}, PythonChoice(""))
    try:
        python, conda = _build_with_rattler(spec, source, folder, cache, channels)
    except ChannelUnreachable as error:
        shutil.rmtree(folder, ignore_errors=True)
        mirrored = [
            f"{name} (mirrored at {url})" if url != name else name for name, url in zip(named, channels, strict=True)
        ]
        problem = f"{', '.join(mirrored)} could not be reached ({error})"
        return _uv_environment(uv, spec, source, cache, installer, named, problem)
    install_pip_section(uv, python, spec, source, installer)
    return _finish(uv, folder, python, source, spec, {"solver": solver, "conda": conda}, PythonChoice(""))


def _build_with_rattler(
    spec: EnvironmentSpec, source: EnvironmentSource, prefix: Path, cache: Path, channels: tuple[str, ...]
) -> tuple[Path, dict[str, str]]:
    """The conda packages of ``environment.yml``, with Python and ipykernel, solved and installed into ``prefix``."""
    specs = [*spec.conda, f"python {spec.python}.*" if spec.python else "python", "ipykernel"]
    if spec.pip:
        specs.append("pip")
    try:
        installed = solve_and_install(specs, channels, prefix, cache / CONDA_CACHE)
    except CondaSolveError as error:
        where = source.where(spec.conda_file or "")
        raise EnvironmentBuildError(f"rattler could not solve {where} from {', '.join(channels)}: {error}") from None
    return prefix / "bin" / "python", {package.name: package.version for package in installed}


def install_pip_section(
    uv: str, python: Path, spec: EnvironmentSpec, source: EnvironmentSource, installer: Installer
) -> None:
    """``environment.yml``'s ``pip:`` section, installed with uv into the conda environment, after its packages."""
    if not spec.pip:
        return
    args = [arg for line in spec.pip for arg in shlex.split(line, comments=True)]
    try:
        _uv(uv, "pip", "install", "--python", str(python), *installer.args(), *args, cwd=_base(spec))
    except EnvironmentBuildError as error:
        where = source.where(spec.conda_file or "")
        raise EnvironmentBuildError(f"uv could not install the pip section of {where}: {error}") from None


def _uv_environment(
    uv: str,
    spec: EnvironmentSpec,
    source: EnvironmentSource,
    cache: Path,
    installer: Installer,
    channels: tuple[str, ...] = (),
    channel_problem: str = "",
) -> KernelEnvironment:
    """A virtual environment made by uv; for an ``environment.yml``, an approximation of its conda packages."""
    choice = choose_python(partial(_uv, uv), spec.python, offline=installer.offline)
    folder = cache / spec.digest(f"{choice.interpreter}\0uv")[:32]
    record = _read_record(folder)
    if record is not None:
        return _from_record(record, source, spec, folder, choice, reused=True, policy=installer.python_policy)
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=cache))
    try:
        venv = staging / "env"
        _uv(uv, "venv", "--quiet", "--relocatable", "--no-python-downloads", "--python", choice.interpreter, str(venv))
        python = venv / "bin" / "python"
        try:
            _uv(uv, "pip", "install", "--python", str(python), *installer.args(), *_pip_args(spec), cwd=_base(spec))
        except EnvironmentBuildError as error:
            files = ", ".join(spec.files)
            raise EnvironmentBuildError(f"uv could not install {files} of {source.location}: {error}") from None
        unmatched = _install_by_name(uv, python, spec, installer)
        extra = {
            "solver": "uv",
            "unmatched": [list(pair) for pair in unmatched],
            "from_pypi": [conda for conda in spec.conda if conda not in dict(unmatched)],
            "channels": list(channels),
            "channel_problem": channel_problem,
        }
        _finish(uv, venv, python, source, spec, extra, choice)
        try:
            venv.rename(folder)
        except OSError:
            if _read_record(folder) is None:
                raise EnvironmentBuildError(f"cannot store the environment in {folder}") from None
        record = _read_record(folder)
        assert record is not None
        return _from_record(record, source, spec, folder, choice, reused=False, policy=installer.python_policy)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _base(spec: EnvironmentSpec) -> Path:
    return spec.root / spec.folder


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
    extra: dict[str, Any],
    choice: PythonChoice,
) -> KernelEnvironment:
    """Record what the environment holds, last, so a record means the build finished."""
    listed = json.loads(_uv(uv, "pip", "list", "--python", str(python), "--format", "json"))
    packages = {item["name"].lower(): item["version"] for item in listed}
    packages.update(extra.pop("conda", {}))
    version = _command([str(python), "-c", "import platform; print(platform.python_version())"]).strip()
    record = {
        "python": version,
        "packages": sorted([name, version] for name, version in packages.items()),
        "unmatched": [],
        "interpreter": os.path.relpath(python, folder),
        "built_from": f"{', '.join(spec.files)} in {source.location}",
        **extra,
    }
    write_atomic(folder / RECORD, dumps(record))
    return _from_record(record, source, spec, folder, choice, reused=False)


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
    choice: PythonChoice,
    *,
    reused: bool,
    policy: str = "exact",
) -> KernelEnvironment:
    """The environment a record describes, with its substitutions said in words, and its last use noted."""
    (folder / LAST_USED).touch()
    unmatched = tuple((str(conda), str(message)) for conda, message in record["unmatched"])
    packages = tuple((str(name), str(version)) for name, version in record["packages"])
    from_pypi = tuple(str(conda) for conda in record.get("from_pypi", []))
    channels = tuple(str(channel) for channel in record.get("channels", []))
    substitutions: list[str] = []
    notes: list[str] = []
    warnings: list[str] = []
    if choice.substituted:
        asked = source.where(spec.python_file or "")
        substitutions.append(
            f"Python {record['python']} in place of Python {choice.requested}, which {asked} asks for "
            f"({choice.unavailable})"
        )
        if policy == "exact":
            warnings.append(
                f"{asked} asks for Python {choice.requested}, which could not be had here ({choice.unavailable}); "
                f"the notebooks ran with Python {record['python']} instead "
                '(event_environment_python = "nearest" accepts that)'
            )
    if record.get("channel_problem"):
        notes.append(
            f"{record['channel_problem']}: the conda packages of {spec.conda_file} were approximated from PyPI"
        )
    versions = dict(packages)
    for conda in from_pypi:
        name = conda_as_pip(conda).split(";")[0]
        pip_name = re.split(r"[^A-Za-z0-9_.-]", name, maxsplit=1)[0].lower()
        found = versions.get(pip_name) or versions.get(pip_name.replace("_", "-"), "")
        got = f"{pip_name} {found}" if found else pip_name
        substitutions.append(f"{conda}: PyPI's {got} in place of the conda package from {', '.join(channels)}")
    substitutions.extend(f"{conda}: no package of that name on PyPI ({message})" for conda, message in unmatched)
    return KernelEnvironment(
        source,
        spec,
        folder / record["interpreter"],
        record["python"],
        packages=packages,
        unmatched=unmatched,
        notes=tuple(notes),
        warnings=tuple(warnings),
        solver=record["solver"],
        reused=reused,
        python_requested=spec.python,
        python_substituted=choice.substituted,
        from_pypi=from_pypi,
        channels=channels,
        substitutions=tuple(substitutions),
    )


def _uv(uv: str, *args: str, cwd: Path | None = None, downloads: bool = False) -> str:
    """uv, allowed to download a Python (into its own cache) only when asked to install one."""
    env = {"UV_PYTHON_DOWNLOADS": "automatic" if downloads else "never", "NO_COLOR": "1"}
    return _command([uv, *args], cwd=cwd, env=env)


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
