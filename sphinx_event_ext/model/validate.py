"""Turn the raw strings of an ``event`` directive into an :class:`Event`, or into problems.

Every problem is collected (never just the first), each names its option, what was
expected (from the schema's ``x-expected``) and what was received.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .event import Event, Problem
from .formats import SIMILAR_ANSWERS, check_ascii_digits, check_plain_text, parse_active_hours, parse_event_date
from .memory import parse_memory, users_per_node
from .schema import load_schema, option_properties, required_options, validator

_SECRET_OPTION = re.compile(r"pass(?:word|wd|phrase)|secret|token", re.I)
_TRUE = {"true", "yes", "on", "1", ""}
_FALSE = {"false", "no", "off", "0"}
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
#: Integers with more digits are refused unread: Python refuses to read very long ones, and no bound needs them.
_MAX_INTEGER_DIGITS = 18
#: The most days from an event's start to its end: every output has one session per day.
MAX_EVENT_DAYS = 366
#: How a bound the schema sets is named when a value breaks it.
_BOUNDS = {
    "minimum": "at least {}",
    "maximum": "at most {}",
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
}
_UNSAFE_SLUG = re.compile(r"[^a-z0-9_-]+")
#: A value starting ``FILL IN:`` is a placeholder someone must replace: ``sphinx-event new --from-issue`` writes one
#: where the hub team's issue is vague, and validation names it with what to write instead of parsing it.
PLACEHOLDER = "FILL IN"


@dataclass
class ParseResult:
    """An event when the metadata is valid, and the problems found otherwise."""

    event: Event | None
    problems: list[Problem] = field(default_factory=list)


def slugify(text: str) -> str:
    """A default event id from a page name: ``events/Geo 2027`` -> ``events-geo-2027``."""
    slug = _UNSAFE_SLUG.sub("-", text.lower()).strip("-_")
    return slug[:64].rstrip("-_") or "event"


def _expected(name: str) -> str:
    return str(load_schema()["properties"][name].get("x-expected", "a valid value"))


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "an empty value"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(item) for item in value)
    text = str(value)
    if len(text) > 60:
        return f"{text[:30]!r}...{text[-10:]!r} ({len(text)} characters)"
    return repr(text)


def _text_problem(name: str, raw: str, text: str, spec: Mapping[str, Any]) -> Problem | None:
    """Control, bidi and non-ASCII digit characters, refused before any conversion."""
    kind = spec.get("type")
    try:
        if kind == "array":
            for item in re.split(r"[,\n]", text):
                check_plain_text(item.strip())
        else:
            check_plain_text(text, multiline=bool(spec.get("x-multiline")))
        if kind == "integer":
            check_ascii_digits(text)
    except ValueError as error:
        return Problem(name, f"expected {_expected(name)}, got {_shown(raw)}: {error}")
    return None


def _integer(name: str, raw: str, text: str, spec: Mapping[str, Any]) -> tuple[Any, Problem | None]:
    if len(text.lstrip("+-").lstrip("0")) > _MAX_INTEGER_DIGITS:
        bound = f"at most {spec['maximum']}" if "maximum" in spec else "too large"
        return None, Problem(name, f"expected {_expected(name)}, got {_shown(raw)} ({bound})")
    return int(text), None


def _convert(name: str, raw: str, spec: Mapping[str, Any]) -> tuple[Any, Problem | None]:
    """Convert a directive's string to the JSON type the schema asks for."""
    text = raw.strip()
    problem = _text_problem(name, raw, text, spec)
    if problem:
        return None, problem
    kind = spec.get("type")
    if kind == "boolean":
        if text.lower() in _TRUE:
            return True, None
        if text.lower() in _FALSE:
            return False, None
    elif kind == "integer":
        if _INTEGER.match(text):
            return _integer(name, raw, text, spec)
    elif kind == "array":
        items = [item.strip() for item in re.split(r"[,\n]", text) if item.strip()]
        if items:
            return items, None
    elif text:
        return text, None
    return None, Problem(name, f"expected {_expected(name)}, got {_shown(raw)}")


def placeholder_hint(raw: str | None) -> str | None:
    """What a placeholder value asks for (the text after ``FILL IN:``), or None for any other value."""
    text = (raw or "").strip()
    head, colon, hint = text.partition(":")
    return hint.strip() if colon and head.strip() == PLACEHOLDER else None


def _unknown(name: str) -> Problem:
    if _SECRET_OPTION.search(name):
        return Problem(
            name,
            "refused: a password or other secret must never be published in a docs site, "
            "where anyone can read it; send it to the hub team and attendees privately",
        )
    known = list(option_properties())
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known options: {', '.join(known)}"
    return Problem(name, f"unknown option{hint}")


def _schema_problem(error: Any, instance: Mapping[str, Any]) -> Problem | None:
    if not error.path:
        return None
    name = str(error.path[0])
    if error.cause:
        detail = f" ({error.cause})"
    elif error.validator in _BOUNDS:
        detail = f" ({_BOUNDS[error.validator].format(error.validator_value)})"
    else:
        detail = ""
    return Problem(name, f"expected {_expected(name)}, got {_shown(instance.get(name))}{detail}")


def _cross_checks(values: Mapping[str, Any]) -> list[Problem]:
    """Checks between options, run once each option is valid on its own."""
    problems = []
    start = parse_event_date(values["start"]) if "start" in values else None
    end = parse_event_date(values["end"]) if "end" in values else None
    if start and end and end < start:
        problems.append(
            Problem(
                "end", f"expected {_expected('end')}, got {values['end']!r}, which is before start {values['start']}"
            )
        )
    if start and end and (end - start).days > MAX_EVENT_DAYS:
        problems.append(
            Problem(
                "end",
                f"expected {_expected('end')}, got {values['end']!r}, {(end - start).days} days after start "
                f"{values['start']}; split a longer series into several events",
            )
        )
    if start and "notified" in values and parse_event_date(values["notified"]) > start:
        problems.append(
            Problem(
                "notified",
                f"expected {_expected('notified')}, got {values['notified']!r}, which is after start {values['start']}",
            )
        )
    if ("cluster" in values) != ("hub-name" in values):
        given, missing = ("cluster", "hub-name") if "cluster" in values else ("hub-name", "cluster")
        problems.append(Problem(missing, f"missing: {given} is given, and the pre-warm command needs both"))
    defaults = option_properties()
    try:
        users_per_node(
            parse_memory(values.get("memory-per-user", defaults["memory-per-user"]["default"])),
            parse_memory(values.get("node-memory", defaults["node-memory"]["default"])),
        )
    except ValueError as error:
        problems.append(Problem("memory-per-user", str(error)))
    if "profile-options" in values and "profile" not in values:
        problems.append(Problem("profile-options", "choices need the profile they belong to; set profile"))
    names = [pair.partition("=")[0] for pair in values.get("profile-options", ())]
    repeated = sorted({name for name in names if names.count(name) > 1} | ({"profile"} & set(names)))
    if repeated:
        problems.append(
            Problem(
                "profile-options",
                f"expected {_expected('profile-options')}, got {', '.join(repeated)} more than once "
                "(the profile is its own option)",
            )
        )
    if "content-branch" in values and "content-repo" not in values:
        problems.append(Problem("content-branch", "a branch needs content-repo to belong to"))
    if "environment-branch" in values and "environment-repo" not in values:
        problems.append(Problem("environment-branch", "a branch needs environment-repo to belong to"))
    return problems


def parse_event(
    title: str | None, options: Mapping[str, str | None], *, default_id: str, page_dir: Path | None = None
) -> ParseResult:
    """Validate a directive's title and raw option strings against the event schema.

    ``page_dir`` is the folder of the page, against which ``content-path`` must exist.
    """
    properties = option_properties()
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    title_problem = _text_problem("title", title or "", title or "", {"type": "string"})
    if title_problem:
        problems.append(title_problem)
    elif title is not None and title.strip():
        values["title"] = " ".join(title.split())
    else:
        problems.append(Problem("title", f"missing: expected {_expected('title')}"))
    for name, raw in options.items():
        if name not in properties:
            problems.append(_unknown(name))
            continue
        hint = placeholder_hint(raw)
        if hint is not None:
            problems.append(Problem(name, f"to fill in: {hint or _expected(name)}"))
            continue
        value, problem = _convert(name, raw or "", properties[name])
        if problem:
            problems.append(problem)
        else:
            values[name] = value
    bad = {problem.option for problem in problems}
    for name in required_options():
        if name not in options:
            problems.append(Problem(name, f"missing required option: expected {_expected(name)}"))
    for error in sorted(validator().iter_errors(values), key=lambda e: list(e.path)):
        problem = _schema_problem(error, values)
        if problem and problem.option not in bad:
            bad.add(problem.option)
            problems.append(problem)
    valid = {name: value for name, value in values.items() if name not in bad}
    problems.extend(_cross_checks(valid))
    if "content-path" in valid and page_dir is not None and not (page_dir / valid["content-path"]).is_dir():
        shown = valid["content-path"]
        problems.append(
            Problem(
                "content-path", f"expected {_expected('content-path')}, got {shown!r} (no such folder beside the page)"
            )
        )
    if problems:
        return ParseResult(None, problems)
    return ParseResult(_build(values, default_id), [])


def _build(values: Mapping[str, Any], default_id: str) -> Event:
    fields: dict[str, Any] = {}
    for name, spec in option_properties().items():
        value = values.get(name, spec.get("default"))
        if value is not None:
            fields[name.replace("-", "_")] = value
    fields["title"] = values["title"]
    fields["id"] = values.get("id") or slugify(default_id)
    fields["start"] = parse_event_date(values["start"])
    fields["end"] = parse_event_date(values["end"])
    fields["active_hours"] = parse_active_hours(values["active-hours"])
    fields["notebooks"] = tuple(fields["notebooks"])
    fields["profile_options"] = tuple(
        (name, choice) for name, _, choice in (pair.partition("=") for pair in values.get("profile-options", ()))
    )
    if fields.get("similar_before", "").lower() in SIMILAR_ANSWERS:
        fields["similar_before"] = fields["similar_before"].lower()
    if "notified" in values:
        fields["notified"] = parse_event_date(values["notified"])
    return Event(**fields)
