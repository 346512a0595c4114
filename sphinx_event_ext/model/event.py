"""The typed, immutable event that everything downstream reads.

An :class:`Event` is only ever made by :func:`sphinx_event_ext.validate.parse_event`,
so code that holds one can trust every field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an event's metadata, tied to the option that causes it."""

    option: str
    message: str

    def __str__(self) -> str:
        return f"{self.option}: {self.message}"


@dataclass(frozen=True)
class Event:
    """A validated event; field names are the schema's option names with ``_`` for ``-``."""

    id: str
    title: str
    hub: str
    start: dt.date
    end: dt.date
    active_hours: tuple[dt.time, dt.time]
    timezone: str
    attendees: int
    pre_initialize: bool = False
    content_repo: str | None = None
    content_branch: str | None = None
    content_path: str | None = None
    notebooks: tuple[str, ...] = ("**/*.ipynb",)
    environment_repo: str | None = None
    environment_branch: str | None = None
    image: str | None = None
    app: str = "lab"
    target_path: str | None = None
    binderhub: str = "https://mybinder.org"
    notified: dt.date | None = None
    ticket: str | None = None
    contact: str | None = None
    notes: str | None = None
    memory_per_user: str = "2G"
    node_memory: str = "128G"
    cluster: str | None = None
    hub_name: str | None = None
    profile: str | None = None
    profile_options: tuple[tuple[str, str], ...] = ()
    kernel: str | None = None
    allow_errors: bool = False
    timeout: int | None = None
    compare_outputs: bool = False
    kind: str | None = None
    similar_before: str | None = None
    storage_per_user: str | None = None
    node_pool: str | None = None
    status: str = "confirmed"
    binder_attendees: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The event's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> list[dt.date]:
        """Every day of the event, first to last."""
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def active_hours_text(self) -> str:
        """The active hours as written, ``HH:MM-HH:MM``."""
        begin, end = self.active_hours
        return f"{begin:%H:%M}-{end:%H:%M}"

    @property
    def user_options(self) -> dict[str, str]:
        """What a hub's spawner receives to start the event's servers: the profile and its choices."""
        return {"profile": self.profile, **dict(self.profile_options)} if self.profile else {}

    @property
    def cancelled(self) -> bool:
        """Whether the event was called off (its calendar entries stay, marked cancelled)."""
        return self.status == "cancelled"

    @property
    def has_content(self) -> bool:
        """Whether the metadata says where the workshop content lives."""
        return bool(self.content_repo or self.content_path)
