"""The settings a mystmd site's events use: the defaults of ``EventConfig`` (mystmd has no ``conf.py``),
and today from ``SOURCE_DATE_EPOCH`` as in a Sphinx build."""

from __future__ import annotations

import datetime as dt

from ..model.config import EventConfig, resolve_today


def site_settings() -> EventConfig:
    return EventConfig()


def site_today() -> dt.date:
    return resolve_today(site_settings().today)
