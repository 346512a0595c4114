"""A real conda channel for tests: noarch packages written here, indexed by rattler, served on 127.0.0.1.

conda-forge cannot be reached from the test machines, and no local channel can provide a
``python`` that runs here, so the packages are noarch ``generic`` ones: enough to prove the
solve (channel order, versions, dependencies) and the install into a prefix.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import socket
import tarfile
from pathlib import Path


def make_conda_package(channel: Path, name: str, version: str, depends: tuple[str, ...] = ()) -> Path:
    """A ``noarch: generic`` ``.tar.bz2`` package that installs ``share/<name>/VERSION``."""
    files = {f"share/{name}/VERSION": f"{version}\n".encode()}
    index = {
        "name": name,
        "version": version,
        "build": "0",
        "build_number": 0,
        "depends": list(depends),
        "noarch": "generic",
        "subdir": "noarch",
        "license": "MIT",
        "timestamp": 1_700_000_000_000,
    }
    paths = {
        "paths": [
            {
                "_path": path,
                "path_type": "hardlink",
                "sha256": hashlib.sha256(data).hexdigest(),
                "size_in_bytes": len(data),
            }
            for path, data in files.items()
        ],
        "paths_version": 1,
    }
    members = {
        **files,
        "info/index.json": json.dumps(index).encode(),
        "info/paths.json": json.dumps(paths).encode(),
        "info/files": "\n".join(files).encode(),
    }
    target = channel / "noarch" / f"{name}-{version}-0.tar.bz2"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(target, "w:bz2") as archive:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def index_channel(channel: Path) -> None:
    """``repodata.json`` for the channel's ``noarch`` folder, written by rattler's own indexer."""
    import rattler

    (channel / "noarch").mkdir(parents=True, exist_ok=True)
    asyncio.run(rattler.index.index_fs(channel, write_zst=False, write_shards=False))


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: a channel that cannot be reached, refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/conda-forge"
