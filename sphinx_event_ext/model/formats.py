"""Checks for the string formats the event schema names.

Each check raises ``ValueError`` with a message an organizer can act on; the schema
module registers them with jsonschema, so the schema stays the single source of truth
for which option has which format.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from .memory import parse_memory

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HOURS = re.compile(r"^(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})$")
_SCP_LIKE = re.compile(r"^(?:[A-Za-z0-9._-]+@[A-Za-z0-9.-]+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+):(?!//)[^\s]+$")
_OWNER_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_SECRET_QUERY = re.compile(r"(?:^|&)(?:token|access_token|private_token|password)=", re.I)

#: Abbreviations people write instead of a zone, and the IANA names they usually mean.
TIMEZONE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "PST": ("America/Los_Angeles",),
    "PDT": ("America/Los_Angeles",),
    "PT": ("America/Los_Angeles",),
    "MST": ("America/Denver", "America/Phoenix"),
    "MDT": ("America/Denver",),
    "MT": ("America/Denver",),
    "CST": ("America/Chicago", "Asia/Shanghai", "America/Havana"),
    "CDT": ("America/Chicago",),
    "CT": ("America/Chicago",),
    "EST": ("America/New_York",),
    "EDT": ("America/New_York",),
    "ET": ("America/New_York",),
    "AKST": ("America/Anchorage",),
    "HST": ("Pacific/Honolulu",),
    "BST": ("Europe/London", "Asia/Dhaka"),
    "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "CET": ("Europe/Berlin", "Europe/Paris"),
    "CEST": ("Europe/Berlin", "Europe/Paris"),
    "EET": ("Europe/Athens", "Africa/Cairo"),
    "WET": ("Europe/Lisbon",),
    "MET": ("Europe/Berlin",),
    "AEST": ("Australia/Sydney", "Australia/Brisbane"),
    "AEDT": ("Australia/Sydney",),
    "JST": ("Asia/Tokyo",),
    "SAST": ("Africa/Johannesburg",),
    "NZST": ("Pacific/Auckland",),
}
_ACCEPTED_UTC = {"UTC", "Etc/UTC"}


def parse_date(value: str) -> dt.date:
    """An ISO ``YYYY-MM-DD`` date; other spellings are refused so that nobody has to guess."""
    if not _DATE.match(value):
        raise ValueError("not in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("no such day in the calendar") from None


def parse_active_hours(value: str) -> tuple[dt.time, dt.time]:
    """``HH:MM-HH:MM`` in 24-hour time, the end after the start on the same day."""
    match = _HOURS.match(value.strip())
    if not match:
        raise ValueError("not in the form HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError("not a time of day")
    begin, end = dt.time(h1, m1), dt.time(h2, m2)
    if end <= begin:
        raise ValueError("the end is not after the start (sessions past midnight are not supported)")
    return begin, end


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(value: str) -> str:
    """An IANA zone name; abbreviations (even those tzdata keeps, like ``EST``) are refused."""
    if value in _ACCEPTED_UTC:
        return value
    guesses = TIMEZONE_ABBREVIATIONS.get(value.upper())
    if guesses:
        names = " or ".join(guesses)
        raise ValueError(
            f"{value!r} is an abbreviation, not a zone (it may mean {names}); use an IANA name such as {guesses[0]}"
        )
    if value not in _zones() or "/" not in value:
        raise ValueError("unknown time zone; use an IANA name such as America/Denver or Europe/Paris")
    return value


def _no_scheme(value: str, scheme: str) -> bool:
    """Whether a URL was written without its scheme: ``hub.example.org`` (or ``host.org:8000``, read as a scheme)."""
    return "://" not in value and (not scheme or "." in scheme)


def check_http_url(value: str) -> str:
    """An absolute http(s) URL with a host, no credentials: it is published in the page."""
    parts = urlsplit(value)
    if _no_scheme(value, parts.scheme):
        raise ValueError(f"it has no scheme (did you mean 'https://{value}'?)")
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{parts.scheme}: is not allowed; only http and https URLs")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    if parts.username or parts.password:
        raise ValueError("the URL contains credentials; never publish them in a docs site")
    return value


def check_git_url(value: str) -> str:
    """A URL that ``git clone`` accepts over https, ssh, git or file, without credentials."""
    if any(ch.isspace() for ch in value):
        raise ValueError("the URL contains whitespace")
    if _SCP_LIKE.match(value) and "://" not in value:
        return value
    parts = urlsplit(value)
    if _no_scheme(value, parts.scheme):
        guess = f"https://github.com/{value}" if _OWNER_REPO.match(value) else f"https://{value}"
        raise ValueError(f"it has no scheme (did you mean '{guess}'?); git clones https, ssh, git or file URLs")
    if parts.scheme not in ("https", "http", "ssh", "git", "file"):
        raise ValueError(f"{parts.scheme}: is not a git transport; use https, ssh, git or file URLs")
    if parts.scheme == "file":
        if not parts.path.startswith("/"):
            raise ValueError("a file: URL needs an absolute path")
        return value
    if not parts.hostname:
        raise ValueError("the URL has no host")
    if parts.password or (parts.username and parts.scheme in ("http", "https")):
        raise ValueError("the URL contains credentials; never publish them in a docs site")
    if _SECRET_QUERY.search(parts.query):
        raise ValueError("the URL contains a token; never publish it in a docs site")
    if parts.path.strip("/") == "":
        raise ValueError("the URL names no repository")
    return value


def check_branch_name(value: str) -> str:
    """A branch name ``git check-ref-format --branch`` accepts."""
    reasons = []
    if not value:
        reasons.append("it is empty")
    if value.startswith("-"):
        reasons.append("it starts with '-'")
    if ".." in value:
        reasons.append("it contains '..'")
    if "@{" in value:
        reasons.append("it contains '@{'")
    bad = sorted({ch for ch in value if ch in " ~^:?*[\\" or ord(ch) < 32 or ord(ch) == 127})
    if bad:
        reasons.append(f"it contains {', '.join(repr(ch) for ch in bad)}")
    if value.endswith("/") or value.startswith("/") or "//" in value:
        reasons.append("it has an empty path component")
    if value.endswith("."):
        reasons.append("it ends with '.'")
    components = value.split("/")
    if any(part.startswith(".") for part in components):
        reasons.append("a component starts with '.'")
    if any(part.endswith(".lock") for part in components):
        reasons.append("a component ends with '.lock'")
    if reasons:
        raise ValueError("git refuses this branch name: " + "; ".join(reasons))
    return value


def check_relative_path(value: str) -> str:
    """A relative path that stays inside its base folder: no absolute paths, no ``..``."""
    if not value.strip():
        raise ValueError("the path is empty")
    if value.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", value):
        raise ValueError("absolute paths are not allowed")
    if ".." in PurePosixPath(value.replace("\\", "/")).parts:
        raise ValueError("'..' would leave the folder")
    return value


def check_content_glob(value: str) -> str:
    """A glob inside the content; the same rules as a relative path."""
    return check_relative_path(value)


#: Every format the schema uses, by the name the schema gives it.
FORMAT_CHECKS = {
    "date": parse_date,
    "active-hours": parse_active_hours,
    "iana-timezone": check_timezone,
    "http-url": check_http_url,
    "git-url": check_git_url,
    "git-branch": check_branch_name,
    "relative-path": check_relative_path,
    "content-glob": check_content_glob,
    "memory-size": parse_memory,
}
