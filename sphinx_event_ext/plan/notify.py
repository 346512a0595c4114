"""Messages to the hub team: the notification email, the heads-up email and the issue-form link.

All are built from a pre-warm request (:func:`sphinx_event_ext.prewarm.prewarm_request`),
so the emails, the JSON and the issue say the same thing. Bodies are plain text;
:func:`mailto_url` encodes them as RFC 6068 asks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from .rehearsal import evidence_lines

DEFAULT_SUPPORT_EMAIL = "support@2i2c.org"
DEFAULT_ISSUE_REPO = "2i2c-org/infrastructure"
DEFAULT_ISSUE_TEMPLATE = "07_event-hub.yaml"
#: Hubs under this domain are run by the provider whose support address and issue form are the defaults.
PROVIDER_DOMAIN = "2i2c.cloud"
#: What a site sets to send messages for hubs outside the provider's domain.
HUB_TEAM_SETTINGS = ("event_support_email", "event_issue_repo")

#: The provider's event issue form (``07_event-hub.yaml``): each field's id, and the label that heads its
#: value in the issue the form makes.
ISSUE_FORM_FIELDS: dict[str, str] = {
    "ticket_id": "The link towards the Freshdesk ticket this event was reported",
    "community_rep": "The GitHub handle or name of the community representative",
    "event_begin": "The date when the event will start",
    "event_end": "The date when the event will end",
    "active_times": "What hours of the day will participants be active? (e.g., 5am - 5pm US/Pacific)",
    "enough_notice": "Are we three weeks before the start date of the event?",
    "user_number": "Number of attendees",
    "calendar": "Make sure to add the event into the calendar",
    "hub_exists": "Does the hub already exist?",
    "hub_url": "The URL of the hub that will be used for the event",
    "hub_decommision": "Will this hub be decommissioned after the event is over?",
    "tasks": "Task list",
    "dod": "Definition of Done",
}

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Email:
    """A ready-to-send email: recipient, one-line subject and plain-text body."""

    to: str
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        """The ``mailto:`` link that opens this email in the reader's mail program."""
        return mailto_url(self.to, self.subject, self.body)


@dataclass(frozen=True)
class HubTeam:
    """Where messages about one hub go; ``None`` where nothing says so, and that message is not offered."""

    support_email: str | None
    issue_repo: str | None

    @property
    def complete(self) -> bool:
        """Whether every message to the hub team has somewhere to go."""
        return bool(self.support_email and self.issue_repo)


def is_provider_hub(hub_url: str) -> bool:
    """Whether the hub is under the provider's own domain (``*.2i2c.cloud``)."""
    host = (urlsplit(hub_url).hostname or "").lower().rstrip(".")
    return host == PROVIDER_DOMAIN or host.endswith(f".{PROVIDER_DOMAIN}")


def hub_team(hub_url: str, support_email: str | None = None, issue_repo: str | None = None) -> HubTeam:
    """The configured addresses, else the provider's for its own hubs, else nothing: a message about
    someone else's hub must never go to the provider by default."""
    provider = is_provider_hub(hub_url)
    return HubTeam(
        support_email or (DEFAULT_SUPPORT_EMAIL if provider else None),
        issue_repo or (DEFAULT_ISSUE_REPO if provider else None),
    )


def mailto_url(to: str, subject: str, body: str) -> str:
    """An RFC 6068 ``mailto:`` URL: every reserved character percent-encoded, line breaks as ``%0D%0A``."""
    crlf_body = "\r\n".join(_LINE_BREAK.split(body))
    return f"mailto:{quote(to, safe='@')}?subject={quote(subject, safe='')}&body={quote(crlf_body, safe='')}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _hub_host(request: Mapping[str, Any]) -> str:
    url = str(request["hub_url"])
    return urlsplit(url).hostname or url


def _local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _span(interval: Mapping[str, str]) -> str:
    """``2027-03-13 16:00-23:00 UTC``, or both dates when the span crosses midnight UTC."""
    start, end = _utc(interval["start"]), _utc(interval["end"])
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} UTC"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"


def _moment(text: str, zone: str) -> str:
    """``2027-03-13 09:00 America/Denver (2027-03-13T09:00:00-07:00, 16:00 UTC)``: no reader has to convert."""
    local = _local(text)
    return f"{local:%Y-%m-%d %H:%M} {zone} ({text}, {local.astimezone(dt.timezone.utc):%H:%M} UTC)"


def _dates(request: Mapping[str, Any]) -> str:
    first, last = _local(request["event_begin"]).date(), _local(request["event_end"]).date()
    return first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"


def _bullets(items: list[str]) -> list[str]:
    return [f"  - {item}" for item in items]


def _notice_line(request: Mapping[str, Any]) -> str:
    deadline = request["notify_by"]
    days = (_local(request["event_begin"]).date() - dt.date.fromisoformat(deadline)).days
    if request["enough_notice"]:
        return f"Notice: at least {days} days before the event (the deadline is {deadline})."
    return f"Notice: less than {days} days before the event (the deadline was {deadline}); sorry for the short notice."


def _capacity_lines(request: Mapping[str, Any]) -> list[str]:
    capacity = request["capacity"]
    lines = [
        f"Suggested capacity: {capacity['users_per_node']} users per node "
        f"({capacity['memory_per_user_gib']} GiB each on {capacity['node_memory_gib']} GiB nodes), "
        f"{capacity['nodes_needed']} node(s) for all attendees at once."
    ]
    if "command" in capacity:
        lines.append(f"Command: {capacity['command']}")
    return lines


def _rehearsal_lines(request: Mapping[str, Any]) -> list[str]:
    return evidence_lines(request["rehearsal"]) if "rehearsal" in request else []


def _prewarm_lines(request: Mapping[str, Any]) -> list[str]:
    if not request["pre_initialize"]:
        return [request["prewarm_text"]]
    windows = _bullets([_span(window) for window in request["prewarm_windows"]])
    return [request["prewarm_text"], "Pre-warming windows:", *windows]


#: The provider's intake questions as the mail and the pre-filled issue write them (and ``ticket`` reads them back).
INTAKE_LABELS = {
    "kind": "Event type",
    "similar_before": "Similar event on this hub before",
    "storage_per_user_gib": "Storage per user",
}
#: The event issue form's own task list, kept when the pre-filled issue adds the intake answers below it.
FORM_TASKS = (
    "- [ ] Was all the info filled in above?\n"
    "- [ ] Quotas from the cloud provider are high-enough to handle expected usage?\n"
    "- [ ] "
)


def intake_lines(request: Mapping[str, Any]) -> list[str]:
    """``Event type: workshop`` and the other intake answers the page gives (none when it gives none)."""
    intake = request.get("intake") or {}
    lines = []
    for key, label in INTAKE_LABELS.items():
        value = intake.get(key)
        if value is not None:
            lines.append(f"{label}: {value} GiB" if key == "storage_per_user_gib" else f"{label}: {value}")
    return lines


def advice_lines(request: Mapping[str, Any]) -> list[str]:
    """The pre-warm advice in one line, with the evidence it came from."""
    advice = request.get("advice")
    if not advice:
        return []
    if advice["approach"] == "placeholders":
        head = f"Pre-warm advice: keep {advice['placeholders']} node(s) warm with placeholders"
    else:
        head = "Pre-warm advice: node sharing, no placeholders"
    return [f"{head} (evidence: {advice['evidence']}; {advice['reason']})."]


def _content_lines(request: Mapping[str, Any]) -> list[str]:
    content = request["content"]
    labels = {
        "repo": "Content repository",
        "branch": "Content branch",
        "image": "Image",
        "environment_repo": "Environment repository",
    }
    return [f"{label}: {content[key]}" for key, label in labels.items() if content[key]]


def _contact_lines(request: Mapping[str, Any]) -> list[str]:
    lines = [f"Contact: {_one_line(request['contact'])}"] if request["contact"] else []
    if request["ticket"]:
        lines.append(f"Ticket: {request['ticket']}")
    if "page_url" in request:
        lines.append(f"Event page: {request['page_url']}")
    return lines


def notification_email(request: Mapping[str, Any], *, to: str = DEFAULT_SUPPORT_EMAIL) -> Email:
    """The "Notify the hub team" email: every item the provider's events guide asks for."""
    subject = _one_line(f"Event on {_hub_host(request)}: {request['title']} ({_dates(request)})")
    notes = ["", "Anything else:", *_LINE_BREAK.split(request["notes"])] if request["notes"] else []
    lines = [
        "Hello hub team,",
        "",
        f"We are planning an event on {request['hub_url']} and would like to let you know in advance.",
        "",
        f"Event: {request['title']}",
        f"Hub: {request['hub_url']}",
        f"Start date: {_local(request['event_begin']).date().isoformat()}",
        f"End date: {_local(request['event_end']).date().isoformat()}",
        f"Active times: {request['active_times']}",
        f"First session starts: {_moment(request['event_begin'], request['timezone'])}",
        f"Last session ends: {_moment(request['event_end'], request['timezone'])}",
        "Sessions in UTC:",
        *_bullets([_span(session) for session in request["sessions"]]),
        f"Number of attendees (at the same time): {request['user_number']}",
        *intake_lines(request),
        *_prewarm_lines(request),
        *_capacity_lines(request),
        *_rehearsal_lines(request),
        *advice_lines(request),
        *_content_lines(request),
        "Shared password: if the hub uses one, we will send it to you separately; it is never written in this email.",
        _notice_line(request),
        *_contact_lines(request),
        *notes,
        "",
        "Thank you!",
    ]
    return Email(to=to, subject=subject, body="\n".join(lines) + "\n")


def heads_up_email(request: Mapping[str, Any], *, to: str = DEFAULT_SUPPORT_EMAIL) -> Email:
    """A short reminder for shortly before the event: when it runs, how many, and what to pre-warm."""
    first_day = _local(request["event_begin"]).date().isoformat()
    subject = _one_line(f"Heads-up: {request['title']} starts {first_day} on {_hub_host(request)}")
    lines = [
        "Hello hub team,",
        "",
        f"A reminder that {request['title']} starts soon on {request['hub_url']}.",
        "",
        f"Dates: {_dates(request)}",
        f"Active times: {request['active_times']}",
        "Sessions in UTC:",
        *_bullets([_span(session) for session in request["sessions"]]),
        f"Number of attendees (at the same time): {request['user_number']}",
        *_prewarm_lines(request),
        *_capacity_lines(request),
        *_rehearsal_lines(request),
        *advice_lines(request),
        *_contact_lines(request),
        "",
        "Thank you!",
    ]
    return Email(to=to, subject=subject, body="\n".join(lines) + "\n")


def _tasks(request: Mapping[str, Any]) -> str | None:
    """The form's task list, with the intake answers and the advice below it: the form has no fields for them."""
    extra = [*intake_lines(request), *advice_lines(request)]
    if not extra:
        return None
    return FORM_TASKS + "\n\nFrom the event page:\n" + "\n".join(f"- {line}" for line in extra)


def issue_form_url(
    request: Mapping[str, Any],
    *,
    repo: str = DEFAULT_ISSUE_REPO,
    template: str = DEFAULT_ISSUE_TEMPLATE,
    hub_name: str | None = None,
) -> str:
    """A link that opens the provider's event issue form with the text fields filled in.

    GitHub issue forms take ``template``, ``title`` and ``<field id>=<value>`` as query
    parameters. Only text fields are filled: checkbox fields (``enough_notice``,
    ``calendar``, ...) are left for the hub team to tick. The title follows the form's own
    pattern, ``[EVENT][<dates>] <hub name>``.
    """
    if not _REPO.match(repo):
        raise ValueError(f"{repo!r} is not a GitHub repository; write it as owner/name")
    fields = [
        ("template", template),
        ("title", _one_line(f"[EVENT][{_dates(request)}] {hub_name or _hub_host(request)}")),
        ("ticket_id", request["ticket"]),
        ("community_rep", request["contact"] and _one_line(request["contact"])),
        ("event_begin", _moment(request["event_begin"], request["timezone"])),
        ("event_end", _moment(request["event_end"], request["timezone"])),
        ("active_times", request["active_times"]),
        ("user_number", str(request["user_number"])),
        ("hub_url", request["hub_url"]),
        ("tasks", _tasks(request)),
    ]
    query = urlencode([(key, value) for key, value in fields if value], quote_via=quote)
    return f"https://github.com/{repo}/issues/new?{query}"
