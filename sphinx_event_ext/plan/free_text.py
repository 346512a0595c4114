"""Event facts read out of free text, as people write requests: "March 10-12, 2027", "9am-5pm PT",
"about 140 people", "on geo.2i2c.cloud", "Event type: workshop".

Each reader works line by line on words and tokens found by patterns without nested or overlapping
repetition, so its time is linear in the text, and the text is capped (:data:`MAX_TEXT` characters,
:data:`MAX_LINE` per line) before anything is read. A fact is read only when the text names it once;
otherwise the reading is "not comparable" with the reason. Values found in prose are never more than
likely, and say where they were found.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model.memory import GIB, parse_memory
from .ticket_parse import LIKELY, Hours, Reading, normalise_hub, read_hours

#: The most characters of free text read, and of one line; the rest is ignored (and said to be).
MAX_TEXT = 20_000
MAX_LINE = 1_000
#: Characters after a range of hours searched for its time zone.
_ZONE_TAIL = 40

_TOKEN = re.compile(r"[A-Za-z]+|[0-9]+|[^\sA-Za-z0-9]")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_ORDINALS = {"st", "nd", "rd", "th"}
#: Words just before a date that say which end of the event it is.
_CUES = {
    "start": "start", "starts": "start", "starting": "start", "begins": "start", "begin": "start", "from": "start",
    "end": "end", "ends": "end", "ending": "end", "until": "end", "till": "end",
}  # fmt: skip
_DATE_LINKS = {"-", "\u2013", "\u2014", "to", "through", "thru", "until", "till"}
_TIME_LINKS = {"-", "\u2013", "\u2014", "to", "until", "till"}
_MERIDIEM = {"am": "am", "pm": "pm", "a": "am", "p": "pm"}
_PEOPLE = {
    "people", "attendees", "participants", "users", "students", "learners", "persons", "seats", "trainees", "folks",
}  # fmt: skip
_PEOPLE_FILLER = {"expected", "concurrent", "simultaneous", "total", "in", "person", "active", "at", "once", "max"}
_APPROXIMATE = {"about", "around", "approximately", "approx", "roughly", "circa", "estimated", "~", "ca"}
_BOUND_WORDS = {"over", "least", "more", "most", "max", "maximum", "upto", "minimum", "min", "under", "up"}
_HOST = re.compile(r"^(?:https?://)?([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]{1,5})?(?:/\S*)?$")
_NOT_HUBS = ("github.com", "freshdesk.com", "zoom.us", "google.com", "2i2c.org")
_KINDS = ("workshop", "course", "exam", "conference", "hackathon")
_SIZE = re.compile(r"^([0-9]{1,6})\s?([KMGT])(i?)B?$", re.I)


@dataclass(frozen=True)
class Token:
    """A word, a number or one other character, with where it starts and ends in its line."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def number(self) -> int | None:
        return int(self.text) if self.text.isdigit() and len(self.text) <= 6 else None


def bounded_lines(text: str) -> list[str]:
    """The text's lines, each at most :data:`MAX_LINE` characters, the whole at most :data:`MAX_TEXT`."""
    return [line[:MAX_LINE] for line in text[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def tokens(line: str) -> list[Token]:
    """Words, numbers and single other characters of one line."""
    return [Token(match.group(0), match.start(), match.end()) for match in _TOKEN.finditer(line)]


def _month(token: Token | None) -> int | None:
    if token is None or not token.text.isalpha():
        return None
    word = token.lower
    return _MONTH_NAMES.get(word) or _MONTHS.get(word)


def _at(items: Sequence[Token], index: int) -> Token | None:
    return items[index] if 0 <= index < len(items) else None


# --- dates ------------------------------------------------------------------------------------------------------

Day = tuple[int, int, int | None]  # month, day, year (None when not written)


@dataclass(frozen=True)
class DateMention:
    """A date, or a range of dates, as written in one line."""

    first: Day
    last: Day
    text: str
    is_range: bool
    cue: str = ""


def _day_number(token: Token | None, follower: Token | None) -> int | None:
    """A day of the month: 1-31, not the hour of a time (``10:30``, ``10am``)."""
    if token is None or token.number is None or not 1 <= token.number <= 31 or len(token.text) > 2:
        return None
    if follower is not None and (follower.text == ":" or follower.lower in _MERIDIEM):
        return None
    return token.number


def _skip(items: Sequence[Token], index: int, words: Iterable[str]) -> int:
    allowed = set(words)
    while (token := _at(items, index)) is not None and token.lower in allowed:
        index += 1
    return index


def _year(items: Sequence[Token], index: int) -> tuple[int | None, int]:
    index = _skip(items, index, {","})
    token = _at(items, index)
    if token is not None and token.number is not None and len(token.text) == 4 and 1900 <= token.number <= 2199:
        return token.number, index + 1
    return None, index


def _month_first(items: Sequence[Token], index: int) -> tuple[DateMention, int] | None:
    """``March 10``, ``Mar. 10th - 12th, 2027``, ``March 10 to April 2``."""
    month = _month(items[index])
    j = _skip(items, index + 1, {"."})
    day = _day_number(_at(items, j), _at(items, j + 1))
    if month is None or day is None:
        return None
    j = _skip(items, j + 1, _ORDINALS)
    last: tuple[int, int] | None = None
    link = _at(items, j)
    if link is not None and link.lower in _DATE_LINKS:
        k = j + 1
        second_month = _month(_at(items, k))
        if second_month is not None:
            k = _skip(items, k + 1, {"."})
        other = _day_number(_at(items, k), _at(items, k + 1))
        if other is not None:
            last, j = (second_month or month, other), _skip(items, k + 1, _ORDINALS)
    year, j = _year(items, j)
    return _mention(items, index, j, (month, day, year), last), j


def _day_first(items: Sequence[Token], index: int) -> tuple[DateMention, int] | None:
    """``10 March 2027``, ``10th of March``, ``10-12 March``."""
    day = _day_number(items[index], _at(items, index + 1))
    if day is None:
        return None
    j = _skip(items, index + 1, _ORDINALS)
    other = None
    link = _at(items, j)
    if link is not None and link.lower in _DATE_LINKS:
        other = _day_number(_at(items, j + 1), _at(items, j + 2))
        if other is not None:
            j = _skip(items, j + 2, _ORDINALS)
    j = _skip(items, j, {"of"})
    month = _month(_at(items, j))
    if month is None:
        return None
    year, end = _year(items, _skip(items, j + 1, {"."}))
    last = (month, other) if other is not None else None
    return _mention(items, index, end, (month, day, year), last), end


def _iso(items: Sequence[Token], index: int) -> tuple[DateMention, int] | None:
    """``2027-03-10``."""
    parts = [_at(items, index + n) for n in range(5)]
    if any(part is None for part in parts):
        return None
    year, dash1, month, dash2, day = parts  # type: ignore[misc]
    if not (len(year.text) == 4 and year.number and dash1.text == "-" and dash2.text == "-"):  # type: ignore[union-attr]
        return None
    if month.number is None or day.number is None or len(month.text) > 2 or len(day.text) > 2:  # type: ignore[union-attr]
        return None
    return _mention(items, index, index + 5, (month.number, day.number, year.number), None), index + 5  # type: ignore[union-attr]


def _mention(items: Sequence[Token], begin: int, end: int, first: Day, last: tuple[int, int] | None) -> DateMention:
    text = ""  # the line's own words, set by date_mentions
    cue = next((_CUES[t.lower] for t in reversed(items[max(0, begin - 4) : begin]) if t.lower in _CUES), "")
    if last is None:
        return DateMention(first, first, text, False, cue)
    return DateMention(first, (last[0], last[1], first[2]), text, True, cue)


def date_mentions(line: str) -> list[DateMention]:
    """Every date or range of dates in one line; two single dates joined by "to", "-"... are one range."""
    items = tokens(line)
    found: list[tuple[DateMention, int, int]] = []
    index = 0
    while index < len(items):
        hit = _iso(items, index) or (_month_first(items, index) if _month(items[index]) else _day_first(items, index))
        if hit is None:
            index += 1
            continue
        mention, end = hit
        previous = found[-1] if found else None
        if previous and not previous[0].is_range and previous[2] + 1 == index and items[index - 1].lower in _DATE_LINKS:
            merged = DateMention(previous[0].first, mention.first, "", True, previous[0].cue)
            found[-1] = (merged, previous[1], end)
        else:
            found.append((mention, index, end))
        index = max(end, index + 1)
    return [
        DateMention(m.first, m.last, line[items[begin].start : items[end - 1].end], m.is_range, m.cue)
        for m, begin, end in found
    ]


def _resolve(day: Day, year_hint: int | None, created: dt.date) -> tuple[dt.date | None, str]:
    month, number, year = day
    year = year or year_hint
    if year is not None:
        try:
            return dt.date(year, month, number), ""
        except ValueError:
            return None, f"{month}/{number}/{year} is not a day of the calendar"
    for candidate_year in range(created.year, created.year + 2):
        try:
            candidate = dt.date(candidate_year, month, number)
        except ValueError:
            continue
        if candidate >= created:
            return candidate, f"no year given: read as {candidate.isoformat()}, the first such day after the issue"
    return None, f"month {month} day {number} is not a day of the calendar"


def _cued_pair(mentions: Sequence[DateMention]) -> DateMention | None:
    """Two dates the text calls the start and the end ("starts 2 Feb ... ends on 4 Feb") as one range."""
    starts = [m for m in mentions if m.cue == "start"]
    ends = [m for m in mentions if m.cue == "end"]
    if len(starts) == 1 and len(ends) == 1:
        first, last = starts[0], ends[0]
        return DateMention(first.first, last.first, f"{first.text} ... {last.text}", True)
    return None


@dataclass(frozen=True)
class EventDates:
    """The event's first and last day as read from free text."""

    start: Reading[dt.date]
    end: Reading[dt.date]


def read_dates(text: str, created: dt.date) -> EventDates:
    """The event's dates: the one range of dates the text gives, else its one date (a one-day event)."""
    mentions = [mention for line in bounded_lines(text) for mention in date_mentions(line)]
    ranges = list(dict.fromkeys(m for m in mentions if m.is_range))
    singles = list(dict.fromkeys(m.first for m in mentions if not m.is_range))
    cued = _cued_pair(mentions) if not ranges and len(singles) == 2 else None
    if len({(m.first, m.last) for m in ranges}) == 1:
        chosen = ranges[0]
    elif not ranges and len(singles) == 1:
        chosen = next(m for m in mentions if not m.is_range)
    elif cued is not None:
        chosen = cued
    else:
        shown = "; ".join(m.text for m in mentions) or "none"
        reason = (
            "no date in the text"
            if not mentions
            else f"several dates or ranges in the text ({shown}): which are the event's is not clear"
        )
        return EventDates(Reading(text[:200], reason=reason), Reading(text[:200], reason=reason))
    year = chosen.first[2] or chosen.last[2]
    first, first_note = _resolve(chosen.first, year, created)
    last, last_note = _resolve(chosen.last, year or (first.year if first else None), created)
    where = f"read from {chosen.text!r} in the text"
    if first is None or last is None or last < first:
        reason = first_note or last_note or f"{chosen.text!r} ends before it begins"
        return EventDates(Reading(chosen.text, reason=reason), Reading(chosen.text, reason=reason))
    if not chosen.is_range:
        where += " (one date: read as a one-day event)"
    return EventDates(
        Reading(chosen.text, first, LIKELY, note="; ".join(part for part in (where, first_note) if part)),
        Reading(chosen.text, last, LIKELY, note="; ".join(part for part in (where, last_note) if part)),
    )


# --- hours ------------------------------------------------------------------------------------------------------


def _time_at(items: Sequence[Token], index: int) -> tuple[int, bool] | None:
    """Where a time of day written from ``index`` ends, and whether it says am/pm or minutes (so it is a time)."""
    token = _at(items, index)
    if token is None or token.number is None or len(token.text) > 2 or token.number > 24:
        return None
    j, marked = index + 1, False
    colon, minutes = _at(items, j), _at(items, j + 1)
    if (
        colon is not None
        and colon.text == ":"
        and minutes is not None
        and len(minutes.text) == 2
        and minutes.number is not None
    ):
        j, marked = j + 2, True
    meridiem = _at(items, j)
    if meridiem is not None and meridiem.lower in _MERIDIEM:
        j, marked = j + 1, True
        j = _skip(items, j, {"."})
        if meridiem.lower in ("a", "p") and (m := _at(items, j)) is not None and m.lower == "m":
            j = _skip(items, j + 1, {"."})
    return j, marked


def hour_ranges(line: str) -> list[tuple[int, int]]:
    """Character spans of ranges of hours in one line, each with am/pm or minutes on at least one side."""
    items = tokens(line)
    spans = []
    index = 0
    while index < len(items):
        first = _time_at(items, index)
        if first is None or _month(_at(items, index - 1)):
            index += 1
            continue
        link = _at(items, first[0])
        second = _time_at(items, first[0] + 1) if link is not None and link.lower in _TIME_LINKS else None
        if second is None or not (first[1] or second[1]) or _month(_at(items, second[0])):
            index += 1
            continue
        spans.append((items[index].start, items[second[0] - 1].end))
        index = second[0]
    return spans


def read_free_hours(text: str, day: dt.date, event_zone: str | None) -> Reading[Hours]:
    """The active hours: the one range of hours in the text, with the zone written right after it."""
    found: list[str] = []
    for line in bounded_lines(text):
        for begin, end in hour_ranges(line):
            tail = line[end : end + _ZONE_TAIL]
            digit = next((n for n, ch in enumerate(tail) if ch.isdigit()), len(tail))
            found.append(line[begin:end] + tail[:digit])
    distinct = list(dict.fromkeys(" ".join(item.split()) for item in found))
    if not distinct:
        return Reading("", reason="no hours (with am/pm or minutes) in the text")
    if len(distinct) > 1:
        return Reading("; ".join(distinct), reason=f"several ranges of hours in the text ({'; '.join(distinct)})")
    reading = read_hours(distinct[0], day, event_zone)
    if reading.value is None:
        return reading
    note = "; ".join(part for part in (f"read from {distinct[0]!r} in the text", reading.note) if part)
    return Reading(reading.raw, reading.value, LIKELY, note=note)


# --- attendees --------------------------------------------------------------------------------------------------


def _people_after(items: Sequence[Token], index: int) -> bool:
    j = index
    for _ in range(3):
        token = _at(items, j)
        if token is None:
            return False
        if token.lower in _PEOPLE:
            return True
        if token.lower not in _PEOPLE_FILLER and token.text not in ("+", "-"):
            return False
        j += 1
    return False


def _people_before(items: Sequence[Token], index: int) -> bool:
    for back in (1, 2, 3):
        token = _at(items, index - back)
        if token is None:
            return False
        if token.lower in _PEOPLE:
            return True
        if token.text not in (":", "=") and token.lower not in ({"of", "is", "are", "will", "be"} | _APPROXIMATE):
            return False
    return False


@dataclass(frozen=True)
class Count:
    """An attendee count written in the text, with what qualifies it."""

    value: int
    text: str
    approximate: bool
    bound: bool
    is_range: bool


def _is(token: Token | None, words: Iterable[str]) -> bool:
    return token is not None and token.lower in set(words)


def _count_at(line: str, items: Sequence[Token], index: int) -> Count | None:
    token = items[index]
    if token.number is None or not (_people_after(items, index + 1) or _people_before(items, index)):
        return None
    two_back = _at(items, index - 2)
    if _is(_at(items, index - 1), ":") and two_back is not None and two_back.number is not None:
        return None  # the minutes of a time
    links = ("-", "\u2013", "to")
    after, two_on = _at(items, index + 1), _at(items, index + 2)
    is_range = (_is(after, links) and two_on is not None and two_on.number is not None) or (
        _is(_at(items, index - 1), links) and two_back is not None and two_back.number is not None
    )
    before = {item.lower for item in items[max(0, index - 3) : index]}
    span = line[items[max(0, index - 2)].start : items[min(len(items), index + 3) - 1].end].strip()
    bound = bool(before & _BOUND_WORDS) or _is(after, "+")
    return Count(token.number, span, bool(before & _APPROXIMATE), bound, is_range)


_GROWTH = {"grow", "grows", "growing", "increase", "increasing", "rise", "more", "additional", "another", "extra"}


def _growth(line: str, items: Sequence[Token]) -> str:
    """The words of a line that say a head count may grow ("might grow to 140"), or ""."""
    for index, token in enumerate(items):
        if token.lower in _GROWTH:
            ahead = items[index + 1 : index + 4]
            number = next((item for item in ahead if item.number is not None), None)
            if number is not None:
                return line[token.start : number.end]
    return ""


def read_free_attendees(text: str) -> Reading[int]:
    """The number of attendees: one number next to "people", "attendees"...; estimates are likely, bounds and
    ranges not comparable."""
    counts: list[Count] = []
    changing = ""
    for line in bounded_lines(text):
        items = tokens(line)
        mine = [count for index in range(len(items)) if (count := _count_at(line, items, index)) is not None]
        counts.extend(mine)
        if mine and not changing:
            changing = _growth(line, items)
    values = sorted({count.value for count in counts})
    if not counts:
        return Reading("", reason="no number of attendees (a number next to people, attendees, participants...)")
    shown = "; ".join(count.text for count in counts)
    if any(count.is_range for count in counts):
        return Reading(shown, reason=f"a range ({shown}), not one number")
    if len(values) > 1:
        return Reading(shown, reason=f"more than one number of attendees ({', '.join(map(str, values))})")
    if any(count.bound for count in counts):
        return Reading(shown, reason=f"not an exact number ({shown})")
    if changing:
        return Reading(shown, reason=f"the text says the count may change ({changing!r})")
    kind = "an estimate" if any(count.approximate for count in counts) else "a number in prose"
    return Reading(shown, values[0], LIKELY, note=f"{kind}: read {values[0]} from {counts[0].text!r}")


# --- hub --------------------------------------------------------------------------------------------------------


def _words(line: str) -> list[str]:
    cleaned = line.replace("](", " ").replace("<", " ").replace(">", " ")
    return [word.strip("()[]{}\"'.,;:!*`") for word in cleaned.split()]


def read_free_hub(text: str) -> Reading[str]:
    """The hub's address: the one address in the text that looks like a hub (under ``2i2c.cloud``, or with
    ``hub`` in its host or path, or named right after the word hub)."""
    candidates: list[str] = []
    for line in bounded_lines(text):
        words = _words(line)
        for index, word in enumerate(words):
            match = _HOST.match(word[:300]) if "@" not in word else None
            if match is None:
                continue
            host = match.group(1).lower()
            if any(host == other or host.endswith(f".{other}") for other in _NOT_HUBS):
                continue
            named = index > 0 and words[index - 1].lower() in ("hub", "hub:", "jupyterhub")
            if host.endswith("2i2c.cloud") or "hub" in host or "/hub" in word or named:
                candidates.append(normalise_hub(word))
    distinct = list(dict.fromkeys(candidates))
    if not distinct:
        return Reading("", reason="no hub address in the text")
    if len(distinct) > 1:
        return Reading(", ".join(distinct), reason=f"more than one hub address ({', '.join(distinct)})")
    return Reading(distinct[0], distinct[0], LIKELY, note=f"the one hub address in the text: {distinct[0]}")


# --- the provider's intake questions ----------------------------------------------------------------------------

_INTAKE_LABELS = {
    "kind": ("event type", "type of event", "kind of event", "kind"),
    "similar-before": ("similar event on this hub before", "similar event before", "similar event"),
    "storage-per-user": ("storage per user", "storage"),
}


def _labelled(line: str) -> tuple[str, str] | None:
    """``Event type: workshop`` (with list marks and emphasis around it) as (option, value)."""
    label, colon, value = line.partition(":")
    if not colon:
        return None
    key = " ".join(label.strip(" -*_#>\t").lower().split())
    for option, labels in _INTAKE_LABELS.items():
        if key in labels:
            return option, value.strip(" *_\t")
    return None


def _kind(value: str) -> str | None:
    words = {word for word in re.findall(r"[a-z]+", value.lower()[:200])}
    found = [kind for kind in _KINDS if kind in words or f"{kind}s" in words]
    return found[0] if len(found) == 1 else None


def _similar(value: str) -> str | None:
    word = value.strip().lower()
    if word.startswith(("http://", "https://")):
        return "yes"
    return {"yes": "yes", "y": "yes", "no": "no", "n": "no"}.get(word.rstrip(".!"))


def _storage(value: str) -> int | None:
    """A size such as ``10 GB``, ``10GiB`` or ``10G`` in bytes (GB read as GiB, as hub settings mean it)."""
    words = value.split()
    for index, word in enumerate(words):
        candidate = word.strip(",.;()")
        if candidate.isdigit() and index + 1 < len(words):
            candidate += words[index + 1].strip(",.;()")
        match = _SIZE.match(candidate[:20])
        if match:
            return parse_memory(f"{match.group(1)}{match.group(2).upper()}")
    return None


def read_intake(text: str) -> dict[str, Reading[Any]]:
    """The intake answers the text states: labelled lines (as the mail and the pre-filled issue write them), and
    for the kind, one kind of event named in the prose. Options the text does not state are left out."""
    found: dict[str, Reading[Any]] = {}
    kinds: set[str] = set()
    for line in bounded_lines(text):
        pair = _labelled(line)
        if pair is not None and pair[0] not in found:
            option, value = pair
            readers: dict[str, Callable[[str], Any]] = {
                "kind": _kind,
                "similar-before": _similar,
                "storage-per-user": _storage,
            }
            read = readers[option](value)
            if read is None:
                found[option] = Reading(value, reason=f"{value!r} is not an answer this tool reads")
            else:
                found[option] = Reading(value, read, LIKELY, note=f"from the line {line.strip()[:80]!r}")
            continue
        words = set(re.findall(r"[a-z]+", line.lower().replace("of course", " ")))
        kinds.update(kind for kind in _KINDS if kind in words or f"{kind}s" in words)
    if "kind" not in found and len(kinds) == 1:
        kind = kinds.pop()
        found["kind"] = Reading(kind, kind, LIKELY, note=f"the text calls it a {kind}")
    return found


def storage_text(size: int) -> str:
    """A size in GiB as the comparison table shows it."""
    value = size / GIB
    return f"{int(value) if value.is_integer() else round(value, 3)} GiB"
