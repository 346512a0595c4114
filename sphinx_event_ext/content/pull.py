"""Pull workshop content the way the hub will, and check that links open something real.

No Sphinx here: the check pipeline and the CLI call these. Content is cloned with
nbgitpuller's own ``GitPuller`` (so a branch nbgitpuller would refuse is refused here too)
into a cache keyed by repository and commit, so re-checking an unchanged repo costs one
``git ls-remote``.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..model.formats import check_relative_path
from ..plan.links import APP_PREFIXES, LinkError, PullLink, decode_nbgitpuller_link
from .extra import MissingExtra, require_check_extra

_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "LANG": "C"}
_GIT_TIMEOUT = 120
_OPENS_FILES = tuple(prefix for app, prefix in APP_PREFIXES.items() if app != "rstudio")


class PullError(Exception):
    """Content could not be pulled or a path is missing; the message says what exists instead."""


class MissingBranchError(PullError):
    """The branch (or tag) asked for does not exist in the repository: a problem of the ``content-branch`` line."""


@dataclass(frozen=True)
class RemoteRefs:
    """The branches and tags a remote has, each with the commit it points to."""

    default_branch: str | None
    heads: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def commit_of(self, name: str) -> str | None:
        """The commit a branch or tag name points to, as nbgitpuller would resolve it."""
        return self.heads.get(name) or self.tags.get(name)


@dataclass(frozen=True)
class Checkout:
    """A pulled copy of ``repo`` at ``branch``; ``from_cache`` is True when no clone was needed."""

    repo: str
    branch: str
    commit: str
    path: Path
    from_cache: bool


@dataclass(frozen=True)
class LinkCheck:
    """A verified nbgitpuller link: what it pulls and the file or folder it opens (None: nothing to check)."""

    link: PullLink
    checkout: Checkout
    opens: Path | None


def default_cache_dir() -> Path:
    """Where pulled content is kept between builds: the user's cache folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sphinx-event-ext" / "content"


def _git(*args: str, cwd: Path | None = None) -> str:
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            env={**os.environ, **_GIT_ENV},
        )
    except FileNotFoundError:
        raise PullError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise PullError(f"git {args[0]} took longer than {_GIT_TIMEOUT} s; is the repository reachable?") from None
    if result.returncode != 0:
        detail = [line.removeprefix("fatal: ").strip() for line in result.stderr.splitlines() if line.strip()]
        raise PullError(f"git {args[0]} failed: {' '.join(detail) if detail else 'no output'}")
    return result.stdout


def list_refs(repo: str) -> RemoteRefs:
    """Every branch and tag of ``repo`` and its default branch, from one ``git ls-remote``."""
    try:
        output = _git("ls-remote", "--symref", "--", repo)
    except PullError as error:
        raise PullError(f"cannot read {repo}: {error}") from None
    default, heads, tags = None, {}, {}
    for line in output.splitlines():
        if line.startswith("ref: ") and line.endswith("\tHEAD"):
            default = line[len("ref: ") : -len("\tHEAD")].removeprefix("refs/heads/")
            continue
        sha, _, ref = line.partition("\t")
        if ref.startswith("refs/heads/"):
            heads[ref.removeprefix("refs/heads/")] = sha
        elif ref.startswith("refs/tags/"):
            name = ref.removeprefix("refs/tags/")
            if name.endswith("^{}"):
                tags[name.removesuffix("^{}")] = sha
            else:
                tags.setdefault(name, sha)
    return RemoteRefs(default, heads, tags)


def resolve(repo: str, branch: str | None = None) -> tuple[str, str]:
    """The branch nbgitpuller would pull (the default one when None) and its current commit."""
    return _commit_of(repo, branch, list_refs(repo))


def branch_commit(repo: str, branch: str | None) -> str | None:
    """The commit ``branch`` of ``repo`` points at, or None when the repository cannot be reached (offline);
    a branch the repository does not have is a :class:`PullError`, as in :func:`resolve`."""
    try:
        refs = list_refs(repo)
    except PullError:
        return None
    return _commit_of(repo, branch, refs)[1]


def _commit_of(repo: str, branch: str | None, refs: RemoteRefs) -> tuple[str, str]:
    name = branch or refs.default_branch
    if name is None:
        raise PullError(f"{repo} has no default branch; give a branch")
    commit = refs.commit_of(name)
    if commit is None:
        raise MissingBranchError(_missing_ref_message(repo, name, refs))
    return name, commit


def _missing_ref_message(repo: str, name: str, refs: RemoteRefs) -> str:
    message = f"branch {name!r} does not exist in {repo}"
    close = difflib.get_close_matches(name, [*refs.heads, *refs.tags], n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    message += f" Existing branches: {', '.join(sorted(refs.heads)) or 'none'}"
    if refs.tags:
        message += f"; tags: {', '.join(sorted(refs.tags))}"
    return message


def _cache_slot(cache_dir: Path, repo: str, commit: str) -> Path:
    digest = hashlib.sha256(repo.encode("utf-8")).hexdigest()[:16]
    return cache_dir / digest / commit


def pull_content(repo: str, branch: str | None = None, cache_dir: Path | None = None) -> Checkout:
    """A checkout of ``repo`` at ``branch``, cloned by nbgitpuller unless that commit is cached.

    The clone goes to a temporary folder that is renamed into place, so two processes
    filling the cache at once both end up with one complete checkout.
    """
    name, commit = resolve(repo, branch)
    slot = _cache_slot(cache_dir or default_cache_dir(), repo, commit)
    if slot.is_dir():
        return Checkout(repo, name, commit, slot, from_cache=True)
    try:
        slot.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".pull-", dir=slot.parent))
    except OSError as error:
        raise PullError(f"cannot use the content cache {slot.parent}: {error.strerror}") from None
    try:
        clone = staging / "checkout"
        _run_git_puller(repo, name, clone)
        pulled = _git("rev-parse", "HEAD", cwd=clone).strip()
        slot = slot.with_name(pulled)
        try:
            clone.rename(slot)
        except OSError:
            if not slot.is_dir():
                raise PullError(f"cannot store the checkout of {repo} in {slot.parent}") from None
            return Checkout(repo, name, pulled, slot, from_cache=True)
        return Checkout(repo, name, pulled, slot, from_cache=False)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run_git_puller(repo: str, branch: str, clone: Path) -> None:
    try:
        require_check_extra("pulling content with nbgitpuller")
    except MissingExtra as error:
        raise PullError(str(error)) from None
    # nbgitpuller imports Jupyter Server; it loads only when something is pulled.
    from nbgitpuller import GitPuller

    output: list[str] = []
    try:
        for line in GitPuller(repo, str(clone), branch=branch, depth=1).pull():
            output.append(line.rstrip())
    except Exception as error:
        tail = "\n".join(line for line in output[-5:] if line)
        raise PullError(f"nbgitpuller could not pull {repo} at {branch}: {error}\n{tail}".rstrip()) from None


def _all_paths(root: Path) -> list[str]:
    paths: list[str] = []
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        base = Path(current).relative_to(root)
        paths.extend((base / name).as_posix() for name in [*dirs, *files])
    return paths


def verify_in_folder(root: Path, path: str, where: str) -> Path:
    """The file or folder ``path`` under ``root``; when missing, the error names the closest paths."""
    try:
        check_relative_path(path)
    except ValueError as error:
        raise PullError(f"path {path!r}: {error}") from None
    target = root / path
    if target.exists():
        return target
    close = difflib.get_close_matches(path.rstrip("/"), _all_paths(root), n=3, cutoff=0.5)
    hint = f"closest: {', '.join(repr(p) for p in close)}" if close else "no similar path exists"
    raise PullError(f"{path!r} is not in {where}; {hint}")


def verify_path(checkout: Checkout, path: str) -> Path:
    """The file or folder ``path`` in a pulled checkout."""
    return verify_in_folder(checkout.path, path, f"{checkout.repo} at {checkout.branch} ({checkout.commit[:7]})")


def verify_link(url: str, cache_dir: Path | None = None) -> LinkCheck:
    """Pull what an nbgitpuller link pulls and check that the file or folder it opens exists."""
    try:
        link = decode_nbgitpuller_link(url)
    except LinkError as error:
        raise PullError(str(error)) from None
    checkout = pull_content(link.repo, link.branch, cache_dir)
    inside = link.content_path
    if inside is None:
        if link.urlpath and link.urlpath.startswith(_OPENS_FILES):
            raise PullError(
                f"the link opens {link.urlpath!r}, outside the folder {link.folder!r} that nbgitpuller pulls into"
            )
        return LinkCheck(link, checkout, None)
    opens = verify_path(checkout, inside) if inside else checkout.path
    return LinkCheck(link, checkout, opens)
