"""UC Berkeley DataHub's node-placeholder-scaler, its reading steps only: what it would set at an instant."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from ical.calendar_stream import IcsCalendarStream


def scaler_counts(ics: str, instant: dt.datetime) -> dict[str, int]:
    """What the scaler's ``get_events`` and ``get_replica_counts`` compute, in their own steps: the events at the
    instant from the ``ical`` timeline, HTML stripped, DESCRIPTION as YAML, the maximum per pool."""
    calendar = IcsCalendarStream.calendar_from_ics(ics)
    counts: dict[str, int] = {}
    for event in calendar.timeline.at_instant(instant):
        config = yaml.safe_load(re.sub("<[^<]+?>", "", event.description or "")) if event.description else None
        if not isinstance(config, dict):
            continue
        for pool, count in config.items():
            if isinstance(count, int):
                counts[pool] = max(counts.get(pool, count), count)
    return counts
