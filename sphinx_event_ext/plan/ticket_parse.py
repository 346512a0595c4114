"""Read the hub team's event issue back, as people really fill it in.

The provider's engineers copy the organizer's email into their event issue form by hand
(``07_event-hub.yaml``); GitHub renders it as ``### <label>`` headings, each followed by the
value, with ``- [x]`` lists for the yes/no fields. Values come in every spelling: "8th July
2024", "Feb. 16 at 10 AM PST.", "830am - 5pm US/Eastern", "60-100", "hhmi.2i2c.cloud". Each
field is read into a value with how sure the reading is, or into "not comparable" with the
reason, so a comparison never claims more than the issue says. No network here.

Whoever can edit the issue writes what is read here, so the reading is bounded: the body and
each of its lines have a maximum length, each field's value is read up to a maximum, the form
is split into fields line by line, and no pattern backtracks over the same characters twice
(Python 3.10 has no possessive quantifiers). Every value keeps its text but has its control
and bidirectional characters shown escaped (``\\x1b``), so it can be printed or written anywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from ..model.formats import TIMEZONE_ABBREVIATIONS
from ..util.sanitize import one_line, printable_lines
from .notify import ISSUE_FORM_FIELDS

T = TypeVar("T")

CERTAIN = "certain"
LIKELY = "likely"

_CHECKBOX_FIELDS = ("enough_notice", "calendar", "hub_exists", "hub_decommision")
#: Words in a heading that identify a field when an older form worded its label differently.
_LABEL_WORDS = {
    "event_begin": ("will start", "start date"),
    "event_end": ("will end", "end date"),
    "active_times": ("hours of the day", "active"),
    "user_number": ("attendees", "participants"),
    "hub_url": ("url of the hub", "hub url"),
}

#: The longest issue body read (four times GitHub's own limit of 65,536 characters), and the longest line.
MAX_BODY = 262_144
MAX_LINE = 4_096
#: The longest title read (GitHub's own limit is 256), and how much of one field's value is read.
MAX_TITLE = 1_024
MAX_VALUE = 2_000

_HEADING = "###"
_CHECKBOX = re.compile(r"[ \t]*[-*][ \t]*\[([ xX])\][ \t]*")
_NO_RESPONSE = "_No response_"
_WORD = re.compile(r"\w")
#: What people write for "not known yet", read after the punctuation around it is dropped.
_VAGUE_WORDS = frozenset(
    {"tbd", "tba", "tbc", "unknown", "unsure", "not sure", "not known", "not yet known", "not decided",
     "not yet decided", "not confirmed", "not yet confirmed", "na", "n/a", "none"}
)  # fmt: skip
#: The path of an issue's page: ``/OWNER/REPO/issues/NUMBER``.
ISSUE_PATH = re.compile(r"^/(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+)/issues/(?P<number>\d+)/?$")
_URL = re.compile(r"<?https?://[^\s)>\]]+>?")
_PARENS = re.compile(r"\([^()]*\)")

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_YEAR = r"(?:,?\s*(?P<year>(?:19|20)\d\d)\b)?"
_DATES = (
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR}", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b{_YEAR}", re.I),
)

_TIME = r"(?:(?P<{p}h>\d{{1,2}}):(?P<{p}m>\d{{2}})|(?P<{p}hh>\d{{1,2}})(?P<{p}mm>\d{{2}})|(?P<{p}ho>\d{{1,2}}))\s*(?:(?P<{p}ap>[ap])\.?\s*m\b\.?)?"
_HOURS = re.compile(
    rf"(?<![\d:]){_TIME.format(p='a')}\s*(?:[-\u2013\u2014]|to|until|till)\s*{_TIME.format(p='b')}", re.I
)
_SPELLED_ZONES = re.compile(
    r"\b(?P<region>pacific|mountain|central|eastern|central european|western european|eastern european)"
    r"(?:\s+(?P<kind>standard|daylight|summer))?\s+time\b",
    re.I,
)
_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*(?P<sign>[+\u2212-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b")
_IANA = re.compile(r"\b[A-Za-z]+(?:/[A-Za-z_+-]+)+\b")
_ABBREVIATION = re.compile(r"\b[A-Z]{2,5}\b")

#: Legacy zone names people still write, and the zone each one is now.
LEGACY_ZONES = {
    "US/Eastern": "America/New_York",
    "US/Central": "America/Chicago",
    "US/Mountain": "America/Denver",
    "US/Pacific": "America/Los_Angeles",
    "US/Arizona": "America/Phoenix",
    "US/Alaska": "America/Anchorage",
    "US/Hawaii": "Pacific/Honolulu",
}
#: Region clocks named without standard or daylight time: the abbreviations each one shows.
_REGION_CLOCKS = {
    "PT": ("PST", "PDT"),
    "MT": ("MST", "MDT"),
    "CT": ("CST", "CDT"),
    "ET": ("EST", "EDT"),
}
_SPELLED_ABBREVIATIONS = {
    ("pacific", ""): "PT", ("pacific", "standard"): "PST", ("pacific", "daylight"): "PDT",
    ("mountain", ""): "MT", ("mountain", "standard"): "MST", ("mountain", "daylight"): "MDT",
    ("central", ""): "CT", ("central", "standard"): "CST", ("central", "daylight"): "CDT",
    ("eastern", ""): "ET", ("eastern", "standard"): "EST", ("eastern", "daylight"): "EDT",
    ("central european", ""): "CET", ("central european", "standard"): "CET",
    ("central european", "summer"): "CEST", ("western european", ""): "WET", ("eastern european", ""): "EET",
}  # fmt: skip
_UTC_NAMES = {"UTC", "GMT", "Z"}


@dataclass(frozen=True)
class Issue:
    """The parts of a GitHub issue that are read: as the REST API returns them."""

    title: str
    body: str
    created: dt.date
    url: str = ""


def _too_long(title: str, body: str) -> list[str]:
    """What is past the bounds of what is read, each with its length and the bound."""
    problems = []
    if len(title) > MAX_TITLE:
        problems.append(f"'title' is {len(title):,} characters long; at most {MAX_TITLE:,} are read")
    if len(body) > MAX_BODY:
        problems.append(f"'body' is {len(body):,} characters long; at most {MAX_BODY:,} are read")
    else:
        lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # the lines form_fields reads
        for number, line in enumerate(lines, 1):
            if len(line) > MAX_LINE:
                problems.append(
                    f"line {number} of 'body' is {len(line):,} characters long; lines of at most {MAX_LINE:,} are read"
                )
                break
    return problems


def issue_url(url: Any, host: str = "github.com") -> str:
    """``url`` when it is an https URL of an issue on ``host`` (``https://HOST/OWNER/REPO/issues/N``), else ``""``.

    An issue's ``html_url`` becomes a page's ``ticket`` and is printed: anything else it holds
    (another host, a query, a newline and a raw HTML block after it) is not taken from the issue.
    """
    if not isinstance(url, str) or len(url) > MAX_TITLE or not url.isascii() or not url.isprintable():
        return ""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc.lower() != host or parts.query or parts.fragment or "#" in url:
        return ""
    return url if ISSUE_PATH.match(parts.path) else ""


def issue_from_json(data: Mapping[str, Any], host: str = "github.com") -> Issue:
    """An :class:`Issue` from ``GET /repos/{owner}/{repo}/issues/{number}``'s JSON; ``ValueError`` says what is
    missing or too long. The title is one line with its control characters shown escaped; the URL is kept only
    when it is an issue's https URL on ``host``."""
    problems = []
    body, title = data.get("body") or "", data.get("title")
    if not isinstance(body, str):
        problems.append("'body' is not text")
    if not isinstance(title, str):
        problems.append("'title' is missing or not text")
    created = data.get("created_at")
    try:
        day = dt.datetime.fromisoformat(str(created).replace("Z", "+00:00")).date()
    except ValueError:
        problems.append(f"'created_at' is not an ISO date and time (got {one_line(repr(created)[:80])})")
    if problems:
        raise ValueError("not a GitHub issue as the REST API returns it: " + "; ".join(problems))
    assert isinstance(title, str) and isinstance(body, str)  # for mypy: checked above
    too_long = _too_long(title, body)
    if too_long:
        raise ValueError("the issue is too long to read: " + "; ".join(too_long))
    return Issue(one_line(" ".join(title.split())), body, day, issue_url(data.get("html_url"), host))


@dataclass(frozen=True)
class Reading(Generic[T]):
    """One field of the issue: a value and how sure the reading is, or why it cannot be compared."""

    raw: str
    value: T | None = None
    confidence: str | None = None
    reason: str | None = None
    note: str = ""

    @property
    def comparable(self) -> bool:
        """Whether the issue gives a value that can be compared with the page."""
        return self.value is not None


def _vague(raw: str, reason: str) -> Reading[Any]:
    return Reading(raw, reason=reason)


@dataclass(frozen=True)
class Zone:
    """A time zone as the issue writes it and as it was understood."""

    written: str
    name: str
    tzinfo: dt.tzinfo
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class Hours:
    """Active hours of the day on a zone's clock."""

    begin: dt.time
    end: dt.time
    zone: Zone

    def on(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The hours on one day, as UTC instants."""
        begin = dt.datetime.combine(day, self.begin, self.zone.tzinfo)
        end = dt.datetime.combine(day, self.end, self.zone.tzinfo)
        return begin.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class TicketReading:
    """Every compared field of the issue, and the ticked boxes of its yes/no fields."""

    start: Reading[dt.date]
    end: Reading[dt.date]
    active_hours: Reading[Hours]
    attendees: Reading[int]
    hub: Reading[str]
    title: str = ""
    checked: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _label_key(text: str) -> str:
    return " ".join(text.lower().split())


_LABELS = {_label_key(label): key for key, label in ISSUE_FORM_FIELDS.items()}


def _field_id(heading: str) -> str | None:
    key = _label_key(heading)
    if key in _LABELS:
        return _LABELS[key]
    return next((name for name, words in _LABEL_WORDS.items() if any(word in key for word in words)), None)


def _heading(line: str) -> str | None:
    """The label of a ``### label ###`` heading line, or None: read with string methods, not a pattern."""
    if not line.startswith(_HEADING) or line[3:4] not in (" ", "\t"):
        return None
    label = line[3:].strip(" \t").rstrip("#").rstrip(" \t")
    return label or None


def form_fields(body: str) -> dict[str, str]:
    """The issue form's values by field id; a field left empty (GitHub's "_No response_") is ``""``.

    Read line by line; each value has its control characters (but not its line breaks) shown escaped.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    values: dict[str, str] = {}
    name: str | None = None
    collected: list[str] = []

    def keep() -> None:
        if name is not None and name not in values:
            value = printable_lines("\n".join(collected).strip())
            values[name] = "" if value == _NO_RESPONSE else value

    for line in lines:
        label = _heading(line)
        if label is None:
            collected.append(line)
            continue
        keep()
        name, collected = _field_id(label), []
    keep()
    return values


def checked_boxes(value: str) -> tuple[str, ...]:
    """The labels of the ticked boxes of a checkbox field."""
    boxes = (_CHECKBOX.match(line) for line in value.split("\n"))
    return tuple(box.string[box.end() :].strip() for box in boxes if box and box.group(1) in "xX")


def is_vague(text: str) -> bool:
    """Whether a value says "not known yet" (TBD, n/a, ???...), whatever punctuation is around it.

    The punctuation is dropped with a scan from each end rather than a pattern, whose ``\\W*`` around
    ``\\?+`` would backtrack over the same characters.
    """
    begin, end = 0, len(text)
    while begin < end and not _WORD.match(text[begin]):
        begin += 1
    while end > begin and not _WORD.match(text[end - 1]):
        end -= 1
    core = text[begin:end].lower()
    return "?" in text if not core else core in _VAGUE_WORDS


def _plain(text: str) -> str:
    """One line without URLs or Markdown emphasis, for reading values out of."""
    return " ".join(_URL.sub(" ", text).replace("**", " ").replace("`", " ").split())


# --- time zones -------------------------------------------------------------------------------------------------


def find_zone(text: str) -> str | None:
    """The first time zone written in a value: an IANA or legacy name, "Central Time", "UTC+2" or "PST"."""
    plain = _plain(text)
    zones = _zone_names()
    found = [(m.start(), m.end(), m.group(0)) for m in _IANA.finditer(plain) if m.group(0) in zones]
    for m in _SPELLED_ZONES.finditer(plain):
        spelled = _SPELLED_ABBREVIATIONS.get((m.group("region").lower(), (m.group("kind") or "").lower()))
        if spelled:
            found.append((m.start(), m.end(), spelled))
    found += [(m.start(), m.end(), m.group(0)) for m in _OFFSET.finditer(plain)]
    for m in _ABBREVIATION.finditer(plain):
        word = m.group(0)
        known = word in TIMEZONE_ABBREVIATIONS or word in _UTC_NAMES or word in _REGION_CLOCKS
        if known and not any(start <= m.start() < end for start, end, _ in found):
            found.append((m.start(), m.end(), word))
    return min(found)[2] if found else None


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def _abbreviations(zone: str, year: int) -> set[str]:
    """The abbreviations a zone shows in winter and in summer of a year."""
    tz = ZoneInfo(zone)
    return {str(dt.datetime(year, month, 15, 12, tzinfo=tz).tzname()) for month in (1, 7)}


def _region_clock(abbreviation: str, zone: str, day: dt.date) -> tuple[str, str]:
    """Confidence and note for an abbreviation read as ``zone``'s clock on ``day``."""
    shown = dt.datetime.combine(day, dt.time(12), ZoneInfo(zone)).tzname()
    if abbreviation in _REGION_CLOCKS or shown == abbreviation:
        return CERTAIN, f"{abbreviation} read as {zone}"
    return (
        LIKELY,
        f"{abbreviation} read as {zone}'s clock ({shown} on {day.isoformat()}), as people write it all year",
    )


def resolve_zone(written: str, day: dt.date, event_zone: str | None = None) -> Zone | str:
    """What a written zone means on ``day``; a string says why it means nothing certain.

    An abbreviation that belongs to the event's zone means that zone's wall clock all year
    ("EST" for a date in May is New York's EDT); another abbreviation means the region it
    usually names, with a note when it names several.
    """
    text = written.strip()
    upper = text.upper()
    if upper in _UTC_NAMES:
        return Zone(text, "UTC", dt.timezone.utc, CERTAIN)
    offset = _OFFSET.fullmatch(text)
    if offset:
        sign = -1 if offset.group("sign") in "-\u2212" else 1
        delta = dt.timedelta(hours=int(offset.group("h")), minutes=int(offset.group("m") or 0))
        if delta >= dt.timedelta(hours=15):
            return f"{text!r} is not a UTC offset"
        fixed = dt.timezone(sign * delta)
        return Zone(text, str(fixed), fixed, CERTAIN)
    if "/" in text:
        name = LEGACY_ZONES.get(text, text)
        if name not in _zone_names():
            return f"{text!r} is not a known time zone"
        note = f"{text} is the legacy name of {name}" if name != text else ""
        return Zone(text, name, ZoneInfo(name), CERTAIN, note)
    candidates = TIMEZONE_ABBREVIATIONS.get(upper, ())
    shows = set(_REGION_CLOCKS.get(upper, (upper,)))
    if event_zone and (event_zone in candidates or shows & _abbreviations(event_zone, day.year)):
        confidence, note = _region_clock(upper, event_zone, day)
        return Zone(text, event_zone, ZoneInfo(event_zone), confidence, note)
    if not candidates:
        return f"{text!r} is not a time zone this tool knows; write an IANA name such as America/Chicago"
    confidence, note = _region_clock(upper, candidates[0], day)
    if len(candidates) > 1:
        confidence = LIKELY
        note += f" ({upper} may also mean {' or '.join(candidates[1:])})"
    return Zone(text, candidates[0], ZoneInfo(candidates[0]), confidence, note)


# --- dates ------------------------------------------------------------------------------------------------------


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _MONTHS[text[:3].lower()]


def _first_on_or_after(month: int, day: int, after: dt.date) -> dt.date | None:
    for year in range(after.year, after.year + 9):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= after:
            return candidate
    return None


def read_date(raw: str, created: dt.date) -> Reading[dt.date]:
    """A start or end date; a date with no year takes the year written next to it, else it is the first such
    day on or after the issue was opened."""
    if not raw.strip():
        return _vague(raw, "the field is empty")
    plain = _plain(raw)
    if is_vague(plain):
        return _vague(raw, f"not known yet ({plain!r})")
    matches = sorted((m for pattern in _DATES for m in pattern.finditer(plain)), key=lambda m: m.start())
    dates: list[tuple[dt.date, bool]] = []
    written_years = [match.group("year") for match in matches if match.group("year")]
    for match in matches:
        month, number = _month(match.group("month")), int(match.group("day"))
        year = match.group("year") or (written_years[0] if written_years else None)
        try:
            found = (dt.date(int(year), month, number), True) if year else None
        except ValueError:
            return _vague(raw, f"{match.group(0)!r} is not a day of the calendar")
        if found is None:
            guess = _first_on_or_after(month, number, created)
            if guess is None:
                return _vague(raw, f"{match.group(0)!r} is not a day of the calendar")
            found = (guess, False)
        if all(found[0] != other for other, _ in dates):
            dates.append(found)
    if not dates:
        return _slashed_date(raw, plain)
    if len(dates) > 1:
        shown = ", ".join(day.isoformat() for day, _ in dates)
        return _vague(raw, f"more than one date ({shown})")
    day, has_year = dates[0]
    if has_year:
        return Reading(raw, day, CERTAIN)
    note = (
        f"no year given: read as {day.isoformat()}, the first such date on or after the issue was opened "
        f"({created.isoformat()})"
    )
    return Reading(raw, day, LIKELY, note=note)


def _slashed_date(raw: str, plain: str) -> Reading[dt.date]:
    """``08/23/2024`` is read when only one order of day and month makes a date; ``10/01/2025`` is not."""
    match = _SLASHED.search(plain)
    if match is None:
        return _vague(raw, f"no date found in {plain!r}")
    first, second, year = (int(part) for part in match.groups())
    orders = {(first, second), (second, first)} if first != second else {(first, first)}
    days = []
    for month, day in orders:
        try:
            days.append(dt.date(year if year > 99 else 2000 + year, month, day))
        except ValueError:
            continue
    if len(days) != 1:
        return _vague(raw, f"{match.group(0)!r} does not say which number is the day and which the month")
    return Reading(raw, days[0], LIKELY, note=f"read {match.group(0)!r} as {days[0].isoformat()}")


# --- active hours -----------------------------------------------------------------------------------------------


def _clock(match: re.Match[str], part: str) -> tuple[int, int, str | None]:
    hour = match.group(f"{part}h") or match.group(f"{part}hh") or match.group(f"{part}ho")
    minute = match.group(f"{part}m") or match.group(f"{part}mm") or "0"
    meridiem = match.group(f"{part}ap")
    return int(hour), int(minute), meridiem.lower() if meridiem else None


def _with_meridiem(hour: int, meridiem: str | None) -> int:
    if meridiem is None:
        return hour
    return hour % 12 + (12 if meridiem == "p" else 0)


def _times(match: re.Match[str]) -> tuple[dt.time, dt.time, str] | str:
    """Begin and end of a written range; a missing am/pm is taken from the other end."""
    (h1, m1, ap1), (h2, m2, ap2) = _clock(match, "a"), _clock(match, "b")
    if any(hour > (12 if ap else 23) or (ap and hour == 0) for hour, ap in ((h1, ap1), (h2, ap2))) or max(m1, m2) > 59:
        return f"{match.group(0)!r} is not a time of day"
    note = ""
    if ap1 is None and ap2 is not None:
        ap1 = ap2 if _with_meridiem(h1, ap2) < _with_meridiem(h2, ap2) else "a"
    elif ap2 is None and ap1 is not None:
        ap2 = ap1 if _with_meridiem(h2, ap1) > _with_meridiem(h1, ap1) else "p"
    begin, end = _with_meridiem(h1, ap1), _with_meridiem(h2, ap2)
    if ap1 is None and ap2 is None and end <= begin and end < 12:
        end += 12
        note = f"no am/pm given: read {match.group(0).strip()!r} as ending in the afternoon"
    if (end, m2) <= (begin, m1):
        return f"{match.group(0)!r} ends before it begins"
    return dt.time(begin, m1), dt.time(end, m2), note


def clock_range(raw: str) -> tuple[dt.time, dt.time, str] | str:
    """Begin, end and a note when am/pm had to be guessed, of the hours written in a value; or why there are none."""
    plain = _plain(raw)
    if not plain:
        return "the field is empty"
    if is_vague(plain):
        return f"not known yet ({plain!r})"
    text = " ".join(_DATES[0].sub(" ", plain).split())  # one space between words, so \\s* never meets \\s*
    matches = list(_HOURS.finditer(" ".join(_PARENS.sub(" ", text).split()))) or list(_HOURS.finditer(text))
    if not matches:
        return f"no hours found in {plain!r}"
    ranges = [_times(match) for match in matches]
    problems = [hours for hours in ranges if isinstance(hours, str)]
    if len(ranges) == 1 or problems:
        return problems[0] if problems else ranges[0]
    spans = [hours for hours in ranges if not isinstance(hours, str)]
    shown = ", ".join(f"{begin:%H:%M}-{end:%H:%M}" for begin, end, _ in spans)
    return spans[0][0], spans[-1][1], f"several ranges ({shown}): read from the first start to the last end"


def read_hours(
    raw: str, day: dt.date, event_zone: str | None = None, fallback_zone: str | None = None
) -> Reading[Hours]:
    """Active hours; without a zone in the field, the zone written in the start date is used."""
    times = clock_range(raw)
    if isinstance(times, str):
        return _vague(raw, times)
    begin, end, note = times
    written = find_zone(raw)
    notes = [note] if note else []
    borrowed = written is None and fallback_zone is not None
    if borrowed:
        written = fallback_zone
        notes.append(f"the zone {fallback_zone} is taken from the start date")
    if written is None:
        return _vague(raw, "no time zone given")
    zone = resolve_zone(written, day, event_zone)
    if isinstance(zone, str):
        return _vague(raw, zone)
    notes.append(zone.note)
    confidence = LIKELY if note or borrowed or zone.confidence == LIKELY else CERTAIN
    return Reading(raw, Hours(begin, end, zone), confidence, note="; ".join(part for part in notes if part))


# --- attendees and hub ------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)|(?<![\d.])\d+(?![\d.])")
_RANGE = re.compile(r"\b\d+\s*(?:[-\u2013\u2014]|to)\s*\d+\b")
_NOT_EXACT = re.compile(r"\+|\bplus\b|\bat least\b|\bover\b|\bmore than\b|\bup to\b|\bat most\b|\bmax", re.I)
_APPROXIMATE = re.compile(r"~|\babout\b|\baround\b|\bapprox|\broughly\b|\bestimated\b", re.I)


def read_attendees(raw: str) -> Reading[int]:
    """The number of attendees at the same time; ranges, "TBD" and bounds are not comparable."""
    plain = _plain(raw)
    if not plain:
        return _vague(raw, "the field is empty")
    if is_vague(plain):
        return _vague(raw, f"not known yet ({plain!r})")
    if _RANGE.search(plain):
        return _vague(raw, f"a range ({plain!r}), not one number")
    numbers = sorted({int(number.replace(",", "")) for number in _NUMBER.findall(plain)})
    if not numbers:
        return _vague(raw, f"no number in {plain!r}")
    if len(numbers) > 1:
        return _vague(raw, f"more than one number ({', '.join(map(str, numbers))}) in {plain!r}")
    if _NOT_EXACT.search(plain):
        return _vague(raw, f"not an exact number ({plain!r})")
    if plain == str(numbers[0]) or plain.replace(",", "") == str(numbers[0]):
        return Reading(raw, numbers[0], CERTAIN)
    kind = "an estimate" if _APPROXIMATE.search(plain) else "a number with other words"
    return Reading(raw, numbers[0], LIKELY, note=f"{kind}: read {numbers[0]} from {plain!r}")


_HOST_OR_URL = re.compile(
    r"https?://[^\s)>\]]+|(?<![@\w.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b(?::\d+)?(?:/[^\s)>\]]*)?"
)
_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\((https?://[^)\s]+)\)")
_HUB_PAGES = re.compile(r"/hub(?:/.*)?$")


def normalise_hub(url: str) -> str:
    """A hub address as it is compared: https, lower-case host, no default port, no ``/hub/...`` page, no ``/``."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = _HUB_PAGES.sub("", parts.path).rstrip("/")
    return f"https://{host}{port}{path}"


def read_hub(raw: str) -> Reading[str]:
    """The hub's address; written without a scheme, it is read as https (a hub is served over https)."""
    text = raw.strip()
    if not text:
        return _vague(raw, "the field is empty")
    if is_vague(text):
        return _vague(raw, f"not known yet ({text!r})")
    link = _MARKDOWN_LINK.search(text)
    found = [link.group(1)] if link else [m.group(0).rstrip(".,;") for m in _HOST_OR_URL.finditer(text)]
    addresses = list(dict.fromkeys(normalise_hub(url) for url in found))
    if not addresses:
        return _vague(raw, f"no address found in {text!r}")
    if len(addresses) > 1:
        return _vague(raw, f"more than one address ({', '.join(addresses)})")
    if "://" not in found[0]:
        return Reading(raw, addresses[0], CERTAIN, note=f"no scheme given: read as {addresses[0]}, as hubs serve https")
    return Reading(raw, addresses[0], CERTAIN)


# --- the whole issue --------------------------------------------------------------------------------------------


def _missing(name: str) -> Reading[Any]:
    return Reading("", reason=f"the issue has no {ISSUE_FORM_FIELDS[name]!r} field")


def read_ticket(issue: Issue, *, timezone: str | None = None, first_day: dt.date | None = None) -> TicketReading:
    """Every compared field of an issue; zones are resolved against the event's zone and first day when given."""
    fields = form_fields(issue.body)
    values = {name: value[:MAX_VALUE] for name, value in fields.items()}
    long = {name for name, value in fields.items() if len(value) > MAX_VALUE}

    def read(name: str, reader: Any) -> Reading[Any]:
        if name in long:
            return Reading(values[name], reason=f"the value is longer than {MAX_VALUE:,} characters: not read")
        return reader(values[name]) if name in values else _missing(name)

    start = read("event_begin", lambda raw: read_date(raw, issue.created))
    end = read("event_end", lambda raw: read_date(raw, issue.created))
    day = first_day or start.value or issue.created
    start_zone = find_zone(values.get("event_begin", ""))
    hours = read("active_times", lambda raw: read_hours(raw, day, timezone, start_zone))
    checked = {name: checked_boxes(values[name]) for name in _CHECKBOX_FIELDS if name in values}
    return TicketReading(
        start, end, hours, read("user_number", read_attendees), read("hub_url", read_hub), issue.title, checked
    )
