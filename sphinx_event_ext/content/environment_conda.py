"""Solve and install an ``environment.yml``'s conda packages with py-rattler, as repo2docker does with mamba.

The channels are queried in the file's order (strict priority), through the site's mirrors;
the solved packages are installed into a prefix, with rattler's package cache shared by every
environment. The pip section is installed afterwards, by the caller, with uv. A channel that
cannot be reached is told apart from a request that cannot be solved: the first leaves only an
approximation, the second is the organizer's to fix, as it would fail on the hub too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_SOLVE_SECONDS = 600
_MESSAGE_CHARS = 600


class ChannelUnreachable(RuntimeError):
    """No channel answered: the conda environment cannot be built here, only approximated."""


class CondaSolveError(RuntimeError):
    """The channels answered, and the packages asked for cannot be installed together."""


@dataclass(frozen=True)
class CondaPackage:
    """One installed conda package, as the record lists it."""

    name: str
    version: str
    channel: str


def channel_urls(channels: Sequence[str], mirrors: Mapping[str, str]) -> list[str]:
    """The channels to query, in order, each replaced by its mirror when the site names one."""
    return [mirrors.get(channel, mirrors.get(channel.rstrip("/"), channel)) for channel in channels]


def solve_and_install(
    specs: Sequence[str],
    channels: Sequence[str],
    prefix: Path,
    cache: Path,
    mirrors: Mapping[str, str] | None = None,
) -> list[CondaPackage]:
    """Solve ``specs`` against ``channels`` (mirrored) for this machine, and install them into ``prefix``."""
    return asyncio.run(_solve_and_install(specs, channel_urls(channels, mirrors or {}), prefix, cache))


async def _solve_and_install(
    specs: Sequence[str], channels: list[str], prefix: Path, cache: Path
) -> list[CondaPackage]:
    import rattler
    from rattler.exceptions import (
        FetchRepoDataError,
        GatewayError,
        InvalidChannelError,
        InvalidMatchSpecError,
        InvalidPackageNameError,
        InvalidVersionSpecError,
        SolverError,
    )

    platform = rattler.Subdir.current()
    gateway = rattler.Gateway(cache_dir=cache / "repodata")
    try:
        records = await rattler.solve(
            [rattler.Channel(channel) for channel in channels],
            list(specs),
            gateway=gateway,
            platforms=[platform, rattler.Subdir("noarch")],
            virtual_packages=rattler.VirtualPackage.detect(),
            timeout=dt.timedelta(seconds=_SOLVE_SECONDS),
        )
    except (GatewayError, FetchRepoDataError) as error:
        raise ChannelUnreachable(_short(str(error))) from None
    except (
        SolverError,
        InvalidChannelError,
        InvalidMatchSpecError,
        InvalidPackageNameError,
        InvalidVersionSpecError,
    ) as error:
        raise CondaSolveError(_short(str(error))) from None
    try:
        await rattler.install(records, prefix, cache_dir=cache / "pkgs", show_progress=False)
    except Exception as error:  # rattler's download, extract and link errors have no common base class
        raise ChannelUnreachable(f"the packages could not be fetched and installed: {_short(str(error))}") from None
    return sorted(
        (CondaPackage(record.name.normalized, str(record.version), str(record.channel or "")) for record in records),
        key=lambda package: package.name,
    )


def _short(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return " ".join(lines)[:_MESSAGE_CHARS]
