"""The branches one check pulls or asks for: each once, whoever needs it (the link proof, the content run, the
environment), so a repository costs one pull and one "pulled … " line per check."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from .check_record import Key, Pull
from .live_progress import LiveLine, Write
from .pull import Checkout, PullError, branch_commit, pull_content


class Pulls:
    """Pulls with ``pull_content`` into ``cache_dir``, once per repository and branch; a pull that failed fails
    again without asking the network twice. ``remotes`` keeps the commit of each branch asked for (None: the
    repository could not be reached)."""

    def __init__(self, cache_dir: Path | None, write: Write, terminal: TextIO | None = None) -> None:
        self.cache_dir = cache_dir
        self.write = write
        self.terminal = terminal
        self.done: dict[Key, Checkout | PullError] = {}
        self.remotes: dict[Key, str | None] = {}

    def pull(self, repo: str, branch: str | None) -> Checkout:
        """The content of ``repo`` at ``branch`` as nbgitpuller pulls it, saying once which repository it is."""
        key = (repo, branch)
        if key not in self.done:
            try:
                self.done[key] = checkout = self._pull(repo, branch)
                self.remotes[key] = checkout.commit
            except PullError as error:
                self.done[key] = error
        found = self.done[key]
        if isinstance(found, PullError):
            raise found
        return found

    def failed(self, repo: str, branch: str | None) -> bool:
        """Whether this check already tried to pull ``repo`` at ``branch`` and could not."""
        return isinstance(self.done.get((repo, branch)), PullError)

    def branch_commit(self, repo: str, branch: str | None) -> str | None:
        """The commit of ``branch`` (None: unreachable), asked once per check; a missing branch raises each time."""
        key = (repo, branch)
        if key not in self.remotes:
            self.remotes[key] = branch_commit(repo, branch)
        return self.remotes[key]

    def _pull(self, repo: str, branch: str | None) -> Checkout:
        shown = f"{repo} at {branch}" if branch else repo
        started = time.monotonic()
        if self.terminal is not None:
            with LiveLine(self.terminal, lambda: f"pulling {shown} ({time.monotonic() - started:.0f} s)"):
                return pull_content(repo, branch, self.cache_dir)
        checkout = pull_content(repo, branch, self.cache_dir)
        how = "from the cache" if checkout.from_cache else f"in {time.monotonic() - started:.1f} s"
        self.write(f"pulled {checkout.repo} at {checkout.branch} ({checkout.commit[:7]}) {how}")
        return checkout

    def record(self) -> tuple[Pull, ...]:
        """The copies this check pulled, in the order it pulled them."""
        return tuple(
            Pull(repo, branch, found.branch, found.commit, found.path)
            for (repo, branch), found in self.done.items()
            if isinstance(found, Checkout)
        )
