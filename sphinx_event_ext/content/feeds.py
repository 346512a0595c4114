"""Other communities' ``events.json`` feeds, read for a hub team's board: from a file, or over https (plain
http only to a loopback address, for tests), with a timeout and a size cap, each checked against the
pre-warm request schema; a feed read once is cached, so a board rebuilds offline and never fails because
one community's site is down."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from .._version import __version__
from ..model.schema import validator
from ..plan.prewarm import INDEX_VERSION, SCHEMA_VERSION
from ..util.atomic import dumps, write_atomic

#: The most bytes read from one feed, and the seconds one fetch may take.
MAX_FEED_BYTES = 5_000_000
DEFAULT_TIMEOUT = 10.0
#: The most problems shown for one feed that fails its schema.
_SHOWN_PROBLEMS = 3


@dataclass(frozen=True)
class Feed:
    """One feed as read: its events when it is usable, else why not; whether they came from the cache."""

    source: str
    events: list[dict[str, Any]]
    problem: str | None = None
    cached_on: str | None = None
    #: Why the feed could not be read now, when its events come from the cache.
    now: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class FeedTooLarge(ValueError):
    """A feed larger than :data:`MAX_FEED_BYTES`: not read further."""


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(source: str) -> str | None:
    """Why a feed's URL is refused (not https, except plain http to a loopback address), or None."""
    parts = urlsplit(source)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and _loopback(host):
        return None
    if parts.scheme == "http":
        return "plain http is refused (only https, or http to a loopback address for tests)"
    return f"{parts.scheme or 'no'} scheme: feeds are https URLs or local files"


class _CheckedRedirects(HTTPRedirectHandler):
    """Follows a redirect only to an address a feed may have (https, or http to a loopback address)."""

    def redirect_request(self, req: Request, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Request | None:
        refused = check_address(newurl)
        if refused:
            raise URLError(f"redirected to {newurl[:200]}: {refused}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch(source: str, timeout: float) -> bytes:
    request = Request(source, headers={"User-Agent": f"sphinx-event-ext/{__version__} (board)"})
    with build_opener(_CheckedRedirects).open(request, timeout=timeout) as response:
        body: bytes = response.read(MAX_FEED_BYTES + 1)
    if len(body) > MAX_FEED_BYTES:
        raise FeedTooLarge
    return body


def _read_file(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_FEED_BYTES + 1)


#: The ``events.json`` versions read: their requests are all of ``SCHEMA_VERSION`` (3 only added ``proofs``).
READS = (SCHEMA_VERSION, INDEX_VERSION)


def events_of(data: Any) -> tuple[list[dict[str, Any]], str | None]:
    """The events of an ``events.json``, or why it is not one this version reads (the first problems)."""
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        return [], "not an events.json (no 'events' list)"
    if data.get("schema_version") not in READS:
        return [], f"schema version {data.get('schema_version')!r}, this board reads {' or '.join(map(repr, READS))}"
    check = validator("prewarm")
    problems = []
    for index, event in enumerate(data["events"]):
        for error in check.iter_errors(event):
            where = "/".join(str(part) for part in error.path)
            problems.append(f"events[{index}]{'/' + where if where else ''}: {error.message[:200]}")
            if len(problems) >= _SHOWN_PROBLEMS:
                break
    if problems:
        return [], "fails the pre-warm request schema: " + "; ".join(problems[:_SHOWN_PROBLEMS])
    return list(data["events"]), None


def _cache_path(cache: Path, source: str) -> Path:
    return cache / f"{hashlib.sha256(source.encode('utf-8')).hexdigest()[:32]}.json"


def read_feed(source: str, *, cache: Path | None, timeout: float = DEFAULT_TIMEOUT, today: dt.date) -> Feed:
    """A feed from a file or URL, checked; when it cannot be read now, its last good copy from ``cache``."""
    is_url = "://" in source
    refused = check_address(source) if is_url else None
    if refused:
        return Feed(source, [], refused)
    try:
        body = _fetch(source, timeout) if is_url else _read_file(Path(source))
        if len(body) > MAX_FEED_BYTES:
            raise FeedTooLarge
        data = json.loads(body.decode("utf-8"))
    except FeedTooLarge:
        return _cached(source, cache, f"larger than {MAX_FEED_BYTES} bytes, not read")
    except (OSError, URLError, TimeoutError) as error:
        return _cached(source, cache, f"cannot be read: {_reason(error)}")
    except (ValueError, UnicodeDecodeError) as error:
        return _cached(source, cache, f"not JSON: {str(error)[:120]}")
    events, problem = events_of(data)
    if problem:
        return _cached(source, cache, problem)
    if cache is not None:
        write_atomic(_cache_path(cache, source), dumps({"cached_on": today.isoformat(), "events": events}))
    return Feed(source, events)


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
    return " ".join(str(reason).split())[:160] or type(error).__name__


def _cached(source: str, cache: Path | None, problem: str) -> Feed:
    """The feed's last good copy, said to be one; else the problem alone."""
    if cache is not None:
        try:
            saved = json.loads(_cache_path(cache, source).read_text("utf-8"))
            return Feed(source, list(saved["events"]), None, str(saved["cached_on"]), problem)
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return Feed(source, [], problem)


def cached_feed(source: str, cache: Path) -> Feed:
    """The feed's last good copy in ``cache``, without reading the feed again."""
    return _cached(source, cache, "never read")
