"""``sphinx-event cache``: the built environments with their size and last use, and pruning the unused ones.

Real environments built by uv (from a wheel the test makes, offline) in a temporary cache folder.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from wheels import make_wheel

from sphinx_event_ext.cli.main import main
from sphinx_event_ext.content.environment import EnvironmentSource, Installer, build_environment
from sphinx_event_ext.content.environment_files import read_environment

PACKAGE = "tinyturtle_sphinx_event_test"
DAY = 24 * 3600


def _build(tmp_path: Path, name: str, cache: Path, wheels: Path) -> Path:
    repo = tmp_path / name
    repo.mkdir()
    (repo / "requirements.txt").write_text(f"{PACKAGE}\n# {name}\n")  # a different file: a different environment
    source = EnvironmentSource("environment-repo", f"https://git.example.org/{name}", "main", "0" * 40)
    environment = build_environment(
        read_environment(repo), source, cache, Installer(find_links=(str(wheels),), offline=True)
    )
    assert environment.python is not None
    return environment.python.parents[1]


def test_cache_lists_sizes_and_last_use_and_prunes_the_unused(tmp_path, capsys):
    wheels = tmp_path / "wheels"
    make_wheel(wheels, PACKAGE, "1.2", {PACKAGE: "SPEED = 3\n"})
    cache = tmp_path / "environments"
    old = _build(tmp_path, "old-env", cache, wheels)
    recent = _build(tmp_path, "recent-env", cache, wheels)
    stamp = old / "sphinx-event-last-used"
    os.utime(stamp, (time.time() - 40 * DAY, time.time() - 40 * DAY))
    unfinished = cache / ".build-crashed"
    (unfinished / "env").mkdir(parents=True)

    assert main(["cache", "--dir", str(cache)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3
    built = [line for line in lines if "Python" in line]
    assert [line.split()[0] for line in built] == [recent.name, old.name]  # most recently used first
    assert "requirements.txt in https://git.example.org/recent-env" in built[0]
    assert " MB  last used " in built[0]  # ipykernel and its dependencies: some megabytes
    assert f"last used {time.strftime('%Y-%m-%d', time.gmtime(time.time() - 40 * DAY))}" in built[1]
    assert "an unfinished build (prune removes it)" in out
    assert "sphinx-event cache: 3 folder(s)" in err

    assert main(["cache", "prune", "--older-than", "30", "--dir", str(cache)]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("sphinx-event cache: removed 2 folder(s), ")
    assert not old.exists() and not unfinished.exists()
    assert recent.exists()
    # Pruned means built again when needed; the recent one is reused as it is.
    (tmp_path / "again").mkdir()
    assert _build(tmp_path / "again", "old-env", cache, wheels) != recent

    assert main(["cache", "prune", "--all", "--dir", str(cache)]) == 0
    assert list(cache.iterdir()) == []
