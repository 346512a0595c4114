"""The extension's configuration, declared once and validated once.

Each field of :class:`EventConfig` becomes the conf.py value ``event_<name>``; its
metadata gives the help text that the docs' reference table shows.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from types import SimpleNamespace
from typing import Any, Literal

from .formats import parse_date


def resolve_today(configured: str | None, environ: Mapping[str, str] | None = None) -> dt.date:
    """The build's "today": ``event_today`` from conf.py, else ``SOURCE_DATE_EPOCH``, else the local date."""
    if configured:
        return parse_date(configured)
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


def _check_today(value: Any) -> None:
    if value is not None:
        if not isinstance(value, str):
            raise ValueError(f"expected a date string YYYY-MM-DD or None, got {value!r}")
        try:
            parse_date(value)
        except ValueError as error:
            raise ValueError(f"expected a date YYYY-MM-DD, got {value!r} ({error})") from None


def _check_positive_int(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"expected a positive whole number, got {value!r}")


def _check_at_most(maximum: int, unit: str) -> Callable[[Any], None]:
    """A positive whole number up to ``maximum``: larger ones would move derived dates out of the calendar."""

    def check(value: Any) -> None:
        _check_positive_int(value)
        if value > maximum:
            raise ValueError(f"expected at most {maximum} {unit}, got {value!r}")

    return check


def _check_non_negative_int(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number, 0 or more, got {value!r}")


def _check_variable_names(value: Any) -> None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(name, str) for name in value):
        raise ValueError(f"expected a list of environment variable names, got {value!r}")
    bad = [name for name in value if not name or "=" in name or "\0" in name or len(name) > 200]
    if bad:
        raise ValueError(f"expected environment variable names, got {bad!r}")


def _check_text(value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")


def _check_bool(value: Any) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"expected True or False, got {value!r}")


def _check_optional_text(value: Any) -> None:
    if value is not None:
        _check_text(value)


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


def _check_optional_name(value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not _NAME.match(value)):
        raise ValueError(f"expected None or a name of letters, digits, '.', '_' and '-' (at most 63), got {value!r}")


def _check_feeds(value: Any) -> None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"expected a list of URLs or file paths, got {value!r}")


EXECUTION_REPORTS = ("collapsed", "inline", "hidden")
#: ``event_environment_python``: fail (warn) when the requested Python cannot be had, or accept the nearest.
PYTHON_POLICIES = ("exact", "nearest")


def _check_mirrors(value: Any) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(key, str)
        and key.strip()
        and isinstance(url, str)
        and url.startswith(("http://", "https://", "file://"))
        for key, url in value.items()
    ):
        raise ValueError(
            f"expected a dict of channel names or URLs to mirror URLs (http, https or file), got {value!r}"
        )


def _check_choice(choices: tuple[str, ...]) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(map(repr, choices))}, got {value!r}")

    return check


@dataclass(frozen=True)
class EventConfig:
    """All ``event_*`` settings of a site."""

    notice_days: int = field(
        default=21,
        metadata={
            "help": "How many days before the start the hub team must be told. "
            "Events starting sooner without a timely `notified` date raise an `event.notice` warning. "
            "At most 3650 (ten years).",
            "check": _check_at_most(3650, "days"),
        },
    )
    today: str | None = field(
        default=None,
        metadata={
            "help": 'The build\'s "today" as YYYY-MM-DD. When unset, the date of `SOURCE_DATE_EPOCH` is used, '
            "else the local date; set it (or `SOURCE_DATE_EPOCH`) for reproducible builds.",
            "check": _check_today,
        },
    )

    support_email: str | None = field(
        default=None,
        metadata={
            "help": 'Where the "Notify the hub team" and heads-up emails go. When unset, hubs under the hub '
            "provider's domain (`*.2i2c.cloud`) use the provider's `support@2i2c.org`; for other hubs the two "
            "email buttons are left out.",
            "check": _check_optional_text,
        },
    )
    issue_repo: str | None = field(
        default=None,
        metadata={
            "help": "The GitHub repository (owner/name) whose event issue form the card links to, pre-filled. "
            "When unset, hubs under the hub provider's domain (`*.2i2c.cloud`) use `2i2c-org/infrastructure`; "
            "for other hubs the issue form button is left out.",
            "check": _check_optional_text,
        },
    )
    issue_template: str = field(
        default="07_event-hub.yaml",
        metadata={"help": "The issue form template, in `issue_repo`, that the card pre-fills.", "check": _check_text},
    )
    attendee_templates: str | None = field(
        default=None,
        metadata={
            "help": "A folder (relative to conf.py) with the site's own wording of the attendees' messages: "
            "`triage.txt.jinja`, `log-in-early.txt.jinja`, `share.txt.jinja`; a message without a file there keeps "
            "the built-in text.",
            "check": _check_optional_text,
        },
    )
    prewarm_lead_minutes: int = field(
        default=60,
        metadata={
            "help": "How long before each session pre-warmed capacity should be ready (the `prewarm_windows` "
            "of the pre-warm request). At most 10080 (a week).",
            "check": _check_at_most(10080, "minutes"),
        },
    )
    node_pool: str | None = field(
        default=None,
        metadata={
            "help": "The node pool named in `_events/placeholders.ics` for events without their own `node-pool` "
            "(the pool key of the placeholder scaler's config). Without either, an event that needs warm nodes is "
            "left out of the calendar, with a note in the build log; `placeholders.json` still lists it.",
            "check": _check_optional_name,
        },
    )
    board_feeds: tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "The `events.json` feeds the `event-board` directive shows: https URLs (plain http only to a "
            "loopback address) or files relative to the source folder. A feed that cannot be read or fails "
            "its schema is reported on the board and skipped; feeds are cached in the doctree folder for offline "
            "rebuilds.",
            "check": _check_feeds,
        },
    )
    board_timeout: int = field(
        default=10,
        metadata={
            "help": "Seconds the `event-board` directive waits for one feed before it shows the feed's cached copy, "
            "or skips it. At most 300.",
            "check": _check_at_most(300, "seconds"),
        },
    )
    verify_links: bool = field(
        default=False,
        metadata={
            "help": "Pull the content behind every hub and Binder link with nbgitpuller and fail the build, at the "
            "link's line, when its branch or file is missing. `sphinx-event check` turns it on.",
            "check": _check_bool,
        },
    )
    verify_ticket: bool = field(
        default=False,
        metadata={
            "help": "Fetch each event's `ticket` (a GitHub issue from the hub team's event form, with `GITHUB_TOKEN` "
            "when set) and warn, at the `ticket` option's line, for every date, hour, attendee count or hub that "
            'differs from the page; when nothing differs the checklist shows "Check the hub team\'s issue" as done.',
            "check": _check_bool,
        },
    )
    content_cache: str | None = field(
        default=None,
        metadata={
            "help": "The folder where pulled content is cached per repository and commit; by default "
            "`~/.cache/sphinx-event-ext` (or under `XDG_CACHE_HOME`).",
            "check": _check_optional_text,
        },
    )

    execute: bool = field(
        default=False,
        metadata={
            "help": "Run every event's notebooks top to bottom in fresh kernels and fail the build, at the event, "
            "when one breaks. `sphinx-event check` turns it on.",
            "check": _check_bool,
        },
    )
    execute_jobs: int = field(
        default=0,
        metadata={"help": "How many notebooks run at once; 0 means one per CPU.", "check": _check_non_negative_int},
    )
    execute_force: bool = field(
        default=False,
        metadata={
            "help": "Run notebooks even when they passed before and nothing they depend on changed.",
            "check": _check_bool,
        },
    )
    execute_env: tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "Names of environment variables the site's notebooks read, besides the fixed set a result always "
            "depends on (`SOURCE_DATE_EPOCH`, `TZ`, `LANG`, `LC_ALL`, `LC_CTYPE`, `PYTHONPATH`, `PYTHONHASHSEED`, "
            "`PYTHONWARNINGS`, `PYTHONIOENCODING`, `PYTHONUTF8`, `MPLBACKEND`, `JUPYTER_PATH`): a notebook's passing "
            "result is reused only while each of them has the value it had.",
            "check": _check_variable_names,
        },
    )
    execute_timeout: int = field(
        default=300,
        metadata={
            "help": "Seconds each cell may run, unless the event's `timeout` says otherwise.",
            "check": _check_positive_int,
        },
    )
    execute_output_limit: int = field(
        default=32_000_000,
        metadata={
            "help": "Characters of output (text and data) one notebook may print before the check stops the cell "
            "that passed it, failing the notebook. Each cell keeps only the first and last part of a long output.",
            "check": _check_positive_int,
        },
    )
    environment_build: bool = field(
        default=True,
        metadata={
            "help": "Run each event's notebooks in an environment built from the files its environment "
            "repository (or content) declares, as the hub builds its image (uv for `requirements.txt`, py-rattler "
            "for `environment.yml`); False runs them in the checker's own environment.",
            "check": _check_bool,
        },
    )
    environment_cache: str | None = field(
        default=None,
        metadata={
            "help": "The folder where built environments are kept, one per distinct set of environment files and "
            "way of building them (`sphinx-event cache` lists and prunes them) (relative to the folder of `conf.py`); by default `~/.cache/sphinx-event-ext/environments` "
            "(or under `XDG_CACHE_HOME`).",
            "check": _check_optional_text,
        },
    )
    environment_index: str | None = field(
        default=None,
        metadata={
            "help": "The package index environments are installed from; by default uv's (PyPI, or `UV_INDEX_URL`).",
            "check": _check_optional_text,
        },
    )
    environment_find_links: str | None = field(
        default=None,
        metadata={
            "help": "A folder of wheels (relative to the folder of `conf.py`) to install environments from, "
            "besides the index.",
            "check": _check_optional_text,
        },
    )
    environment_offline: bool = field(
        default=False,
        metadata={
            "help": "Install environments without network: only from uv's cache and `event_environment_find_links`; "
            "conda channels are queried only when every one has a mirror in `event_environment_channel_mirrors` "
            "(else the conda packages are approximated from the cache and labelled so).",
            "check": _check_bool,
        },
    )
    environment_python: str = field(
        default="exact",
        metadata={
            "help": "What to do when the Python an event's environment asks for (`runtime.txt`, `python=` in "
            "`environment.yml`, `requires-python`) is not on this machine and uv cannot install it: `exact` warns "
            "(an error under `-W`, as in `sphinx-event check`) and runs the notebooks with the nearest Python; "
            "`nearest` accepts the nearest Python without a warning. Either way the environment is labelled "
            "approximated, and the page says which Python ran the notebooks.",
            "check": _check_choice(PYTHON_POLICIES),
            "rebuild": "",
        },
    )
    environment_channel_mirrors: dict[str, str] = field(
        default_factory=dict,
        hash=False,
        metadata={
            "help": "Conda channels to fetch from somewhere else, as `{channel: mirror URL}`: "
            "`{'conda-forge': 'https://mirror.example.org/conda-forge'}`. A channel is named as `environment.yml` "
            "names it (a name or a URL).",
            "check": _check_mirrors,
            "rebuild": "",
        },
    )
    execution_report: str = field(
        default="collapsed",
        metadata={
            "help": "Where the content check's per-notebook report goes: `collapsed` (a closed organizers' "
            "section at the foot of the card), `inline` (open in the card) or `hidden` (only the card's one-line "
            "status, and `_events/<id>/execution.json`).",
            "check": _check_choice(EXECUTION_REPORTS),
        },
    )

    @classmethod
    def from_sphinx(cls, config: Any) -> tuple[EventConfig, list[str]]:
        """Read ``event_*`` values from a Sphinx config; bad values fall back to defaults, with messages."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for item in fields(cls):
            value = getattr(config, f"event_{item.name}")
            try:
                item.metadata["check"](value)
            except ValueError as error:
                problems.append(f"event_{item.name}: {error}")
                continue
            values[item.name] = value
        return cls(**values), problems

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> tuple[EventConfig, list[str]]:
        """Read the ``event_*`` values of a ``conf.py`` run outside Sphinx (the CLI), checked the same way."""
        return cls.from_sphinx(_defaults_with(values))


def _defaults_with(values: Mapping[str, Any]) -> Any:
    """An object with every ``event_*`` attribute: the default, or the value ``conf.py`` gives."""
    defaults = EventConfig()
    attributes = {f"event_{item.name}": getattr(defaults, item.name) for item in fields(EventConfig)}
    return SimpleNamespace(**{**attributes, **{name: value for name, value in values.items() if name in attributes}})


#: Settings that steer only how the check runs (it runs on every build), never what a page shows: changing one
#: re-reads nothing (Sphinx's rebuild kind ``""``). Every other setting re-reads the pages (``"env"``).
CHECK_ONLY = frozenset(
    {
        "content_cache",
        "execute_jobs",
        "execute_force",
        "execute_env",
        "execute_timeout",
        "execute_output_limit",
        "environment_build",
        "environment_cache",
        "environment_index",
        "environment_find_links",
        "environment_offline",
    }
)


def config_values() -> list[tuple[str, Any, str, str]]:
    """(name, default, type, help) for each setting: used to register them and to document them."""
    rows = []
    for item in fields(EventConfig):
        default = item.default if item.default is not MISSING else _factory_default(item)
        rows.append((f"event_{item.name}", default, str(item.type), item.metadata["help"]))
    return rows


def _factory_default(item: Any) -> Any:
    return item.default_factory() if item.default_factory is not MISSING else None


def rebuild_kind(name: str) -> Literal["", "env"]:
    """Sphinx's rebuild kind of ``event_<name>``: "env" (every page read again) unless the field says otherwise."""
    item = next(item for item in fields(EventConfig) if f"event_{item.name}" == name)
    return "" if item.metadata.get("rebuild") == "" or item.name in CHECK_ONLY else "env"


#: The settings last validated from each Sphinx configuration, with the raw values they came from: a build
#: asks for them once per page and event, and validating ~40 values each time was a tenth of a warm check.
_VALIDATED: weakref.WeakKeyDictionary[Any, tuple[list[Any], EventConfig]] = weakref.WeakKeyDictionary()


def settings(sphinx_config: Any) -> EventConfig:
    """The site's validated settings (problems are reported once, when the build starts); validated again
    only when a value changed."""
    raw = [getattr(sphinx_config, f"event_{item.name}") for item in fields(EventConfig)]
    try:
        kept = _VALIDATED.get(sphinx_config)
    except TypeError:  # an object without weak references (a namespace): nothing to keep it by
        return EventConfig.from_sphinx(sphinx_config)[0]
    if kept is not None and kept[0] == raw:
        return kept[1]
    validated = EventConfig.from_sphinx(sphinx_config)[0]
    _VALIDATED[sphinx_config] = (copy.deepcopy(raw), validated)  # a copy: a list changed in place is a change
    return validated


def today_for(sphinx_config: Any) -> dt.date:
    """The build's today for this site."""
    return resolve_today(settings(sphinx_config).today)
