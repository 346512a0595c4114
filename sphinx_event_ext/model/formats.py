"""Checks for the string formats the event schema names.

Each check raises ``ValueError`` with a message an organizer can act on; the schema
module registers them with jsonschema, so the schema stays the single source of truth
for which option has which format.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from itertools import pairwise
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import available_timezones

from .memory import parse_memory

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_HOURS = re.compile(r"^([0-9]{2}):([0-9]{2}) *- *([0-9]{2}):([0-9]{2})$")
_SCP_OPTION_HOST = re.compile(r"^[^@/:]*@-")
_SCP_LIKE = re.compile(r"^(?:([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+)|([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)):(?!//)(\S+)$")

#: The days an event may fall on: every output (notice dates, calendars, pre-warm times) can be computed
#: for them, with years of margin on both sides for dates derived from the event's.
FIRST_EVENT_DATE = dt.date(2000, 1, 1)
LAST_EVENT_DATE = dt.date(2200, 12, 31)
#: Bidirectional embedding, override and isolate characters: they make text display in another order than
#: it is stored ("Trojan source"), so a title or URL could read differently from what is published.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Words that make a URL query or fragment parameter look like a secret when one is a whole word of its name
#: (``api_key``, ``X-Auth``, ``sessionId``).
SECRET_WORDS = frozenset(
    {"token", "secret", "password", "passwd", "pwd", "key", "apikey", "auth", "authorization", "credential",
     "credentials", "signature", "sig", "jwt", "session", "sessionid", "bearer"}
)  # fmt: skip
#: Endings that make a parameter look like a secret when its whole name, lower case with every character but
#: letters and digits removed, is or ends in one (``accesstoken``, ``clientsecret``, ``X-Amz-Signature``). The
#: short words ``key``, ``auth`` and ``sig`` count only as whole words, since ordinary words end in them (monkey),
#: or run together with a word that makes them a secret's name (``passkey``, ``privatekey``, ``oauth``).
SECRET_ENDINGS = (
    "token", "secret", "password", "passwd", "apikey", "credential", "credentials", "signature",
    "passkey", "privatekey", "secretkey", "accesskey", "signingkey", "sessionkey", "authkey", "masterkey",
    "accountkey", "clientkey", "encryptionkey", "licensekey", "subscriptionkey", "oauth", "basicauth", "passcode",
)  # fmt: skip
_NAME_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_CONTROL_NAMES = {"\t": "a tab", "\n": "a line feed", "\r": "a carriage return", "\x1b": "an escape character"}
_OWNER_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")

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


def describe_character(ch: str) -> str:
    """A character named so that a reader can find it, even when it is invisible: ``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "a control character")
    return f"U+{ord(ch):04X} ({name})"


def is_control(ch: str) -> bool:
    """C0 and C1 controls, DEL, and the Unicode line and paragraph separators."""
    return unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029"


def check_plain_text(value: str, *, multiline: bool = False) -> str:
    """Text that shows as it is stored: no control characters (line breaks only when ``multiline``), no bidi controls.

    A line break in a single-line value forges a header in the pre-warm request or a line in a log;
    a bidirectional override makes a title or URL read differently from what it is.
    """
    for position, ch in enumerate(value, start=1):
        if unicodedata.category(ch) == "Cs":
            raise ValueError(f"it is not valid Unicode text: a lone surrogate U+{ord(ch):04X} at character {position}")
        if ch in BIDI_CONTROLS:
            raise ValueError(
                f"it contains the bidirectional control {describe_character(ch)} at character {position}, "
                "which makes the text display in another order than it is written; remove it"
            )
        if is_control(ch) and not (multiline and ch in "\r\n\t"):
            allowed = "only line breaks and tabs are allowed" if multiline else "this option must be one line"
            raise ValueError(f"it contains {describe_character(ch)} at character {position}; {allowed}")
    return value


def check_ascii_digits(value: str) -> str:
    """Refuse digits from other scripts: Python reads "٣٠" as 30, but nobody else does."""
    if any(ch.isdigit() and not ch.isascii() for ch in value):
        raise ValueError("use ASCII digits 0-9; it contains digits of another script (full-width, Arabic-Indic...)")
    return value


def parse_date(value: str) -> dt.date:
    """An ISO ``YYYY-MM-DD`` date; other spellings are refused so that nobody has to guess."""
    check_ascii_digits(value)
    if not _DATE.match(value):
        raise ValueError("not in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("no such day in the calendar") from None


def parse_event_date(value: str) -> dt.date:
    """A date an event can fall on: ISO, and within the supported range so that every derived date exists."""
    day = parse_date(value)
    if not FIRST_EVENT_DATE <= day <= LAST_EVENT_DATE:
        raise ValueError(f"outside the supported range {FIRST_EVENT_DATE} to {LAST_EVENT_DATE}")
    return day


def parse_active_hours(value: str) -> tuple[dt.time, dt.time]:
    """``HH:MM-HH:MM`` in 24-hour time, the end after the start on the same day."""
    check_ascii_digits(value)
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


def _name_words(name: str) -> set[str]:
    """``X-Api-Key`` -> {x, api, key, apikey, xapikey}: words of a parameter name, and the name run together."""
    words = [word.lower() for word in _NAME_WORDS.findall(name)]
    return {*words, "".join(words), *("".join(pair) for pair in pairwise(words))}


def normalised_name(name: str) -> str:
    """A parameter's name as the secret rule reads it: lower case, only its letters and digits."""
    return "".join(char for char in name.lower() if char.isalnum())


def secret_name(name: str) -> bool:
    """Whether a parameter's name looks like a secret: a whole word of it is one of :data:`SECRET_WORDS`, or its
    normalised name is or ends in one of :data:`SECRET_ENDINGS`. String methods only: linear in the name."""
    return normalised_name(name).endswith(SECRET_ENDINGS) or bool(_name_words(name) & SECRET_WORDS)


def secret_parameter(query: str) -> str | None:
    """The first parameter of a query or fragment whose name looks like a secret (``api_key``, ``accesstoken``)."""
    for name, _ in parse_qsl(query):
        if secret_name(name):
            return name
    return None


def _check_url_text(value: str) -> None:
    check_plain_text(value)
    if any(ch.isspace() for ch in value):
        raise ValueError("the URL contains whitespace; encode it as %20")


def _check_no_secret(query: str, fragment: str) -> None:
    for part, where in ((query, "query"), (fragment, "fragment")):
        name = secret_parameter(part)
        if name is not None:
            raise ValueError(
                f"the URL's {where} has the parameter {name!r}, which looks like a secret; never publish one "
                "in a docs site (send it privately)"
            )


def _no_scheme(value: str, scheme: str) -> bool:
    """Whether a URL was written without its scheme: ``hub.example.org`` (or ``host.org:8000``, read as a scheme)."""
    return "://" not in value and (not scheme or "." in scheme)


def check_http_url(value: str) -> str:
    """An absolute http(s) URL with a host, no credentials or secrets: it is published in the page."""
    _check_url_text(value)
    parts = urlsplit(value)
    if _no_scheme(value, parts.scheme):
        raise ValueError(f"it has no scheme (did you mean 'https://{value}'?)")
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{parts.scheme}: is not allowed; only http and https URLs")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    if parts.username or parts.password:
        raise ValueError("the URL contains credentials; never publish them in a docs site")
    _check_no_secret(parts.query, parts.fragment)
    return value


def check_base_url(value: str) -> str:
    """An http(s) URL that links are built under (a hub, a BinderHub): a query or fragment would be lost."""
    check_http_url(value)
    parts = urlsplit(value)
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise ValueError("the URL has a query or fragment, which links built under it would lose")
    return value


def _refuse_option_like(**parts: str | None) -> None:
    """Git hands the host, user and path of a URL to ssh; one starting with '-' would be read as an option."""
    for what, part in parts.items():
        if part and part.startswith("-"):
            raise ValueError(f"the URL's {what} starts with '-', which ssh would read as an option")


def check_git_url(value: str) -> str:
    """A URL that ``git clone`` accepts over https, ssh, git or file, without credentials."""
    _check_url_text(value)
    if value.startswith("-"):
        raise ValueError("the URL starts with '-', which git would read as an option")
    if "://" not in value and _SCP_OPTION_HOST.match(value):
        raise ValueError("the URL's host starts with '-', which ssh would read as an option")
    scp = _SCP_LIKE.match(value)
    if scp and "://" not in value:
        user, host, dotted_host, path = scp.groups()
        _refuse_option_like(user=user, host=host or dotted_host, path=path)
        return value
    parts = urlsplit(value)
    if _no_scheme(value, parts.scheme):
        guess = f"https://github.com/{value}" if _OWNER_REPO.match(value) else f"https://{value}"
        raise ValueError(f"it has no scheme (did you mean '{guess}'?); git clones https, ssh, git or file URLs")
    if parts.scheme not in ("https", "http", "ssh", "git", "file"):
        raise ValueError(f"{parts.scheme}: is not a git transport; use https, ssh, git or file URLs")
    _refuse_option_like(user=parts.username, host=parts.hostname, path=parts.path)
    try:
        parts.port  # noqa: B018 - reading it is the check: urlsplit validates ports lazily
    except ValueError:
        raise ValueError("the URL's port is not a number from 0 to 65535") from None
    if parts.scheme == "file":
        if not parts.path.startswith("/"):
            raise ValueError("a file: URL needs an absolute path")
        return value
    if not parts.hostname:
        raise ValueError("the URL has no host")
    if parts.password or (parts.username and parts.scheme in ("http", "https")):
        raise ValueError("the URL contains credentials; never publish them in a docs site")
    _check_no_secret(parts.query, parts.fragment)
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


#: Characters that break nbgitpuller's redirect after the pull when a path holds them.
REDIRECT_BREAKERS = frozenset("?#%")


def repo_folder(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into when no target path is given: the URL's last part.

    It keeps a ``.git`` suffix (the generator's Binder tab strips it) and ignores a trailing
    slash (the generator then names an empty folder).
    """
    return repo.rstrip("/").split("/")[-1]


def check_pull_url(value: str) -> str:
    """A git URL the event's links pull (the ``git-url`` format): :func:`check_git_url`'s rules, no
    query or fragment (git uses neither, a link would lose them), and a last part that names a folder."""
    check_git_url(value)
    if "://" in value:
        parts = urlsplit(value)
        if parts.query or parts.fragment:
            raise ValueError("git does not use a query or fragment")
    if repo_folder(value) in ("", ".", ".."):
        raise ValueError("it names no folder to clone into; end it with the repository's name")
    return value


def check_redirect_path(value: str) -> str:
    """A path that nbgitpuller's redirect carries (``target-path``, a link's path): a relative path
    inside its folder, without ``?``, ``#`` or ``%``, not only ``.``; returned normalised."""
    check_relative_path(value)
    bad = sorted(REDIRECT_BREAKERS.intersection(value))
    if bad:
        raise ValueError(f"{', '.join(bad)} would break the redirect after the pull")
    normalised = "/".join(part for part in PurePosixPath(value).parts if part != ".")
    if not normalised:
        raise ValueError("the path names no folder ('.' is the home folder itself)")
    return normalised


def check_content_glob(value: str) -> str:
    """A glob inside the content; the same rules as a relative path."""
    return check_relative_path(value)


#: The answers to "has a similar event run on this hub before?" besides a link to that event.
SIMILAR_ANSWERS = ("yes", "no")


def check_similar_before(value: str) -> str:
    """``yes``, ``no`` (any case), or an http(s) link to the earlier event's page."""
    if value.strip().lower() in SIMILAR_ANSWERS:
        return value
    if "://" not in value:
        raise ValueError("not yes, no or a link")
    return check_http_url(value)


#: Every format the schema uses, by the name the schema gives it.
FORMAT_CHECKS = {
    "date": parse_date,
    "event-date": parse_event_date,
    "active-hours": parse_active_hours,
    "iana-timezone": check_timezone,
    "http-url": check_http_url,
    "http-base-url": check_base_url,
    "git-url": check_pull_url,
    "git-branch": check_branch_name,
    "relative-path": check_relative_path,
    "redirect-path": check_redirect_path,
    "content-glob": check_content_glob,
    "memory-size": parse_memory,
    "similar-before": check_similar_before,
}
