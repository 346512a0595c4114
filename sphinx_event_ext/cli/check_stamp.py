"""When nothing has changed since the last check that passed, its result stands without a build.

A check's result depends on the site's files, ``conf.py`` and the modules it imports from
outside the installed packages, the content copies (every folder of them, since any may hold
a notebook the check runs), the environment's identity (interpreter and resolved packages,
this extension's files included), the kernels' environment variables, the command's options,
"today", the commits of the branches it pulled, and the published folder it wrote. After a
check passes, the contents of every file it read are hashed and kept beside Sphinx's own
records; the next check re-hashes only files whose size, times or inode moved, asks each
remote branch for its commit (one ``git ls-remote`` each, as a build does), and when all are
the same says so instead of starting Sphinx. Anything it cannot tell leads to the ordinary
incremental build, and ``--fresh`` always builds.

The stamp names files relative to the source folder (this extension's own files relative to
its package), never by the absolute path of a checkout or a virtual environment, so a check
started another way (``nox -s check``, ``sphinx-event check``, another environment with the
same packages) finds it standing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import sysconfig
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..content.inputs import (
    FileState,
    environment_identity,
    file_state,
    kernel_environment,
    stored_state,
    walk_files,
)
from ..content.select import NEVER_RUN
from ..plan.templates import template_root
from ..util.atomic import dumps, write_atomic
from .skipped import SKIP_FOLDERS

STAMP_NAME = "check-stamp.json"
#: Options that steer how a check runs, not what it concludes: a check passed with them stands for one without.
CHECK_ONLY = ("event_execute_jobs=", "event_execute_force=")
_PACKAGE = Path(__file__).resolve().parents[1]
#: The templates: inside the installed package, or ``event_templates/`` beside it in a source checkout.
_TEMPLATES = Path(str(template_root())).resolve()
#: How the stamp names this extension's own files: no relative path of a site's file starts so.
_PACKAGE_NAME = "<sphinx_event_ext>/"


@dataclass(frozen=True)
class Stamp:
    """What the last passing check read: the fingerprint of its settings, every file with its hash, the
    content folders and outside modules it read whole, the remote commits it pulled, and the site it wrote."""

    key: str
    files: dict[str, FileState]
    remotes: tuple[tuple[str, str | None, str], ...]
    checked: str
    content: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    output: str = ""

    @classmethod
    def load(cls, path: Path) -> Stamp | None:
        """The stamp at ``path``, or None when there is none or it is not one this version wrote."""
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("version") != __version__:
                return None
            remotes = tuple((str(repo), branch, str(commit)) for repo, branch, commit in data["remotes"])
            files = {str(name): stored_state(value) for name, value in data["files"].items()}
            return cls(
                str(data["key"]),
                files,
                remotes,
                str(data["checked"]),
                tuple(map(str, data["content"])),
                tuple(map(str, data["modules"])),
                tuple(map(str, data["variables"])),
                str(data["output"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def save(self, path: Path) -> None:
        """Keep the stamp, written atomically."""
        data: dict[str, Any] = {
            "version": __version__,
            "checked": self.checked,
            "key": self.key,
            "remotes": [list(remote) for remote in self.remotes],
            "content": list(self.content),
            "modules": list(self.modules),
            "variables": list(self.variables),
            "output": self.output,
            "files": {name: list(state) for name, state in sorted(self.files.items())},
        }
        write_atomic(path, dumps(data))


def portable(path: str, base: Path) -> str:
    """A file's name in the stamp: relative to the source folder ``base``, or to this extension's package (as
    its wheel lays it out, wherever a source checkout keeps the templates)."""
    if path.startswith(str(_TEMPLATES) + os.sep):
        return f"{_PACKAGE_NAME}templates/{Path(path).relative_to(_TEMPLATES).as_posix()}"
    if path.startswith(str(_PACKAGE) + os.sep):
        return _PACKAGE_NAME + Path(path).relative_to(_PACKAGE).as_posix()
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # on another drive (Windows): no relative name
        return Path(path).as_posix()


def located(name: str, base: Path) -> str:
    """The file a stamp's ``name`` is, here: :func:`portable` undone."""
    if name.startswith(f"{_PACKAGE_NAME}templates/"):
        return str(_TEMPLATES / name[len(_PACKAGE_NAME) + len("templates/") :])
    if name.startswith(_PACKAGE_NAME):
        return str(_PACKAGE / name[len(_PACKAGE_NAME) :])
    return os.path.normpath(base / name)


def settings_key(flags: Sequence[str], output: Path, base: Path, variables: Iterable[str] = ()) -> str:
    """The fingerprint of what a check reads besides files: options, environment, variables, today, output
    (relative to the source folder ``base``)."""
    data = {
        "flags": [flag for flag in _pairs(flags) if not flag.startswith(CHECK_ONLY)],
        "environment": environment_identity(),
        "variables": kernel_environment(variables),
        "today": dt.date.today().isoformat(),
        "output": portable(str(output.resolve()), base),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def _pairs(flags: Sequence[str]) -> list[str]:
    """The flags with each ``-D`` joined to its value, so a setting is kept or left out whole."""
    joined: list[str] = []
    for flag in flags:
        if joined and joined[-1] == "-D":
            joined[-1] = flag
        else:
            joined.append(flag)
    return joined


def file_inputs(
    base: Path,
    roots: Sequence[Path],
    skip: Iterable[Path],
    content: Iterable[str] = (),
    modules: Iterable[str] = (),
    files: Iterable[Path] = (),
    known: Mapping[str, FileState] | None = None,
) -> dict[str, FileState]:
    """Every file a check reads, by its :func:`portable` name, with its hash: the site's folders (less tools'
    folders and the output), the content folders whole (a notebook may be anywhere in them, ``node_modules``
    included), this extension, the outside modules ``conf.py`` imported, and single ``files``. ``content`` and
    ``modules`` are named relative to the source folder ``base``; ``known`` spares re-hashing."""
    skipped = list(skip)
    paths: list[str] = []
    for root in roots:
        paths.extend(walk_files(root, SKIP_FOLDERS, skipped))
    for folder in content:
        paths.extend(walk_files(Path(located(folder, base)), NEVER_RUN, skipped))
    paths.extend(walk_files(_PACKAGE, ("__pycache__",)))
    paths.extend(walk_files(_TEMPLATES, ("__pycache__",)))
    paths.extend(str(path) for path in files)
    paths.extend(located(module, base) for module in modules)
    states = {}
    for path in dict.fromkeys(paths):
        name = portable(path, base)
        state = file_state(path, known, name)
        if state is not None:
            states[name] = state
    return states


def output_fingerprint(output: Path) -> str:
    """A fingerprint of the published folder as written (names, sizes, times, inodes): any build that
    rewrites a page changes it, so a plain build over a checked site is never taken for the check."""
    digest = hashlib.sha256()
    prefix = len(str(output)) + 1  # walk_files joins onto ``output`` as given
    for path in walk_files(output):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        name = path[prefix:]
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}\0".encode())
    return digest.hexdigest()


def outside_modules(roots: Sequence[Path]) -> tuple[str, ...]:
    """The files of the modules loaded now (after a build: those ``conf.py`` and its extensions imported)
    that are neither installed packages, the standard library, this extension, nor inside the site."""
    prefixes = [
        path
        for path in (
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            *(sysconfig.get_paths().get(name, "") for name in ("stdlib", "platstdlib", "purelib", "platlib")),
        )
        if path
    ]
    installed = {*prefixes, *map(os.path.realpath, prefixes)}
    known = tuple(prefix + os.sep for prefix in (*installed, *(str(root.resolve()) for root in roots), str(_PACKAGE)))
    packages = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")
    found = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        # Most modules are installed or the standard library: told apart by their path as loaded, cheaply.
        if not isinstance(path, str) or path.startswith(known) or any(folder in path for folder in packages):
            continue
        real = os.path.realpath(path)
        if real.startswith(known) or any(folder in real for folder in packages) or not os.path.isfile(real):
            continue
        found.add(real)
    return tuple(sorted(found))


def same_contents(now: Mapping[str, FileState], then: Mapping[str, FileState]) -> bool:
    """Whether the same files have the same hashes (their times and inodes differ in another checkout or
    environment: they only spare re-hashing)."""
    return now.keys() == then.keys() and all(state[4] == then[name][4] for name, state in now.items())


def unchanged(
    base: Path,
    path: Path,
    flags: Sequence[str],
    output: Path,
    roots: Sequence[Path],
    skip: Iterable[Path],
    files: Iterable[Path] = (),
) -> Stamp | None:
    """The stamp of the last passing check when nothing it read has changed since; else None."""
    stamp = Stamp.load(path)
    if stamp is None or stamp.key != settings_key(flags, output, base, stamp.variables):
        return None
    if not output.is_dir() or output_fingerprint(output) != stamp.output:
        return None
    now = file_inputs(base, roots, skip, stamp.content, stamp.modules, files, stamp.files)
    if not same_contents(now, stamp.files):
        return None
    return stamp if remotes_unmoved(stamp.remotes) else None


def passed(
    base: Path,
    path: Path,
    before: Mapping[str, FileState],
    content: Sequence[str],
    flags: Sequence[str],
    variables: Sequence[str],
    output: Path,
    roots: Sequence[Path],
    skip: Iterable[Path],
    files: Iterable[Path],
    resolved: Mapping[tuple[str, str | None], str | None],
) -> bool:
    """Keep the stamp of a check that passed, unless a file it read changed during the build (``before`` is
    what it read before). ``variables`` are the site's own ``event_execute_env``; the outside modules are those
    loaded now, after the build ran ``conf.py``. A branch that could not be reached (a ``content-path`` copy's,
    offline) is kept as unreached: the result stands only while it still cannot be reached."""
    remotes = tuple((repo, branch, commit or "") for (repo, branch), commit in resolved.items())
    modules = tuple(portable(module, base) for module in outside_modules(roots))
    after = file_inputs(base, roots, skip, content, modules, files, before)
    if any(after.get(name) != state for name, state in before.items()):
        return False
    key = settings_key(flags, output, base, variables)
    kept = Stamp(key, after, remotes, _now(), tuple(content), modules, tuple(variables), output_fingerprint(output))
    kept.save(path)
    return True


def remotes_unmoved(remotes: Iterable[tuple[str, str | None, str]]) -> bool:
    """Whether every branch still points at the commit the check pulled (False when one is missing now).

    A branch the check could not reach (a ``content-path`` copy's, offline: ``commit`` empty) is not asked
    again: the result it stands for never claimed that branch (the pages say "branch not verified", and so does
    the message that the result stands), and asking an unreachable host on every warm check can cost a network
    time-out each time. ``--fresh`` asks again."""
    from ..content.pull import PullError, branch_commit

    for repo, branch, commit in remotes:
        if not commit:
            continue
        try:
            if (branch_commit(repo, branch) or "") != commit:
                return False
        except PullError:
            return False
    return True


def _now() -> str:
    """The time a check passed, for the message that says its result stands."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
