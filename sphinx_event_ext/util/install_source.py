"""Where the running sphinx-event-ext came from, so a new site installs that same one.

A release is installed by name and version; a local folder, a git URL or an archive
is recorded by the installer in the distribution's PEP 610 ``direct_url.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import unquote, urlsplit

DISTRIBUTION = "sphinx-event-ext"


@dataclass(frozen=True)
class InstallSource:
    """How to install the same sphinx-event-ext again, with ``pip install`` arguments."""

    kind: str  # "release", "folder", "git" or "archive"
    location: str  # the version, the folder path, or the URL (a git URL with its commit)
    editable: bool = False
    repository: str | None = None  # the git URL, for a git install
    revision: str | None = None  # the git commit, for a git install

    def install_args(self, extras: str = "") -> list[str]:
        """``pip install`` arguments for this source, with extras such as ``check``."""
        suffix = f"[{extras}]" if extras else ""
        if self.kind == "release":
            return [f"{DISTRIBUTION}{suffix}=={self.location}"]
        if self.kind == "folder":
            return ["-e", f"{self.location}{suffix}"] if self.editable else [f"{self.location}{suffix}"]
        return [f"{DISTRIBUTION}{suffix} @ {self.location}"]


def _from_direct_url(data: dict[str, Any]) -> InstallSource | None:
    url = str(data.get("url", ""))
    if not url:
        return None
    if "vcs_info" in data:
        info = data["vcs_info"]
        commit = str(info.get("commit_id") or info.get("requested_revision") or "")
        pinned = f"{url}@{commit}" if commit else url
        return InstallSource("git", f"{info.get('vcs', 'git')}+{pinned}", repository=url, revision=commit or None)
    if "dir_info" in data:
        parts = urlsplit(url)
        if parts.scheme != "file":
            return None
        editable = bool(data["dir_info"].get("editable", False))
        return InstallSource("folder", unquote(parts.path), editable=editable)
    if "archive_info" in data:
        return InstallSource("archive", url)
    return None


def install_source(distribution: metadata.Distribution | None = None) -> InstallSource:
    """The source of an installed distribution (by default the running sphinx-event-ext).

    Without a ``direct_url.json`` (or with one that is unreadable), it is the released version.
    """
    dist = distribution or metadata.distribution(DISTRIBUTION)
    text = dist.read_text("direct_url.json")
    if text:
        try:
            found = _from_direct_url(json.loads(text))
        except (ValueError, AttributeError):
            found = None
        if found is not None:
            return found
    return InstallSource("release", dist.version)
