"""The check core's settings from the ``event_*`` options: one reading for both renderers, so a mystmd project's
check and a Sphinx build run the content with the same timeouts, limits, environments and caches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model.config import EventConfig
from .check_record import CheckSettings, EnvironmentSettings


def check_settings(
    config: EventConfig,
    confdir: Path,
    state_folder: Path,
    today: dt.date,
    *,
    protect: tuple[Path, ...],
    unprotected: tuple[Path, ...],
) -> CheckSettings:
    """``config`` as the core reads it, its relative paths made absolute from ``confdir`` (the folder of
    ``conf.py`` or ``myst.yml``); ``protect`` the source, ``unprotected`` the build's folders inside it."""
    environment = EnvironmentSettings(
        build=config.environment_build,
        index=config.environment_index,
        find_links=confdir / config.environment_find_links if config.environment_find_links else None,
        offline=config.environment_offline,
        channel_mirrors=tuple(sorted(dict(config.environment_channel_mirrors).items())),
        python_policy=config.environment_python,
        cache=confdir / config.environment_cache if config.environment_cache else None,
    )
    return CheckSettings(
        state_folder=state_folder,
        today=today,
        verify_links=config.verify_links,
        execute=config.execute,
        jobs=config.execute_jobs or None,
        timeout=config.execute_timeout,
        force=config.execute_force,
        output_limit=config.execute_output_limit,
        execute_env=tuple(config.execute_env),
        content_cache=Path(config.content_cache) if config.content_cache else None,
        environment=environment,
        protect=protect,
        unprotected=unprotected,
    )
