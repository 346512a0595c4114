"""The pre-warm request: its fields, its schema, and byte-identical output."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from sites import make_event

from sphinx_event_ext.model.config import resolve_today
from sphinx_event_ext.model.event import Event
from sphinx_event_ext.model.formats import FORMAT_CHECKS
from sphinx_event_ext.model.schema import load_schema, validator
from sphinx_event_ext.plan.prewarm import events_index, prewarm_request
from sphinx_event_ext.util.atomic import dumps, write_atomic

TODAY = dt.date(2027, 1, 10)


def _checker() -> FormatChecker:
    """The standard formats (date-time needs them) plus the project's own (http-url, iana-timezone...)."""
    checker = FormatChecker()
    for name, check in FORMAT_CHECKS.items():
        checker.checks(name, raises=ValueError)(check)
    return checker


SCHEMA = load_schema("prewarm")
REQUEST_VALIDATOR = Draft202012Validator(SCHEMA, format_checker=_checker())
INDEX_VALIDATOR = Draft202012Validator(
    {"$ref": f"{SCHEMA['$id']}#/$defs/events_index"},
    registry=Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA)),
    format_checker=_checker(),
)


def request(event: Event, **kwargs: Any) -> dict[str, Any]:
    """A request that must also pass the schema: every test's JSON gets validated."""
    data = prewarm_request(event, **{"today": TODAY, **kwargs})
    REQUEST_VALIDATOR.validate(data)
    validator("prewarm").validate(data)  # the project's own validator, as the CLI would use it
    return data


def test_the_schema_is_valid_and_documents_every_field() -> None:
    Draft202012Validator.check_schema(SCHEMA)

    def undocumented(node: Any, where: str) -> list[str]:
        found = []
        if isinstance(node, dict):
            for name, spec in node.get("properties", {}).items():
                if "description" not in spec:
                    found.append(f"{where}/{name}")
            for key, value in node.items():
                found += undocumented(value, f"{where}/{key}")
        return found

    assert undocumented(SCHEMA, "") == []


def test_sessions_are_right_across_the_daylight_saving_change() -> None:
    # Denver moves from MST (-07:00) to MDT (-06:00) on Sunday 2027-03-14.
    data = request(make_event())
    assert data["sessions"] == [
        {"start": "2027-03-13T16:00:00Z", "end": "2027-03-14T00:00:00Z"},
        {"start": "2027-03-14T15:00:00Z", "end": "2027-03-14T23:00:00Z"},
        {"start": "2027-03-15T15:00:00Z", "end": "2027-03-15T23:00:00Z"},
    ]
    assert data["event_begin"] == "2027-03-13T09:00:00-07:00"
    assert data["event_end"] == "2027-03-15T17:00:00-06:00"
    assert data["active_times"] == "09:00-17:00 America/Denver"
    assert data["timezone"] == "America/Denver"


def test_one_day_event() -> None:
    data = request(
        make_event(start="2027-06-01", end="2027-06-01", **{"active-hours": "13:00-16:30"}, timezone="Europe/Paris")
    )
    assert data["sessions"] == [{"start": "2027-06-01T11:00:00Z", "end": "2027-06-01T14:30:00Z"}]
    assert (data["event_begin"], data["event_end"]) == ("2027-06-01T13:00:00+02:00", "2027-06-01T16:30:00+02:00")


def test_identity_and_attendance_fields() -> None:
    data = request(make_event(id="geo-2027", attendees="45"))
    assert data["schema_version"] == "2"
    assert data["event_id"] == "geo-2027"
    assert data["title"] == "Intro to Geospatial Python"
    assert data["hub_url"] == "https://geo.hub.example.org"
    assert data["user_number"] == 45
    assert data["pre_initialize"] is False
    assert data["generated_on"] == "2027-01-10"


def test_prewarm_windows_only_when_pre_initialization_is_requested() -> None:
    assert "prewarm_windows" not in request(make_event())
    data = request(make_event(**{"pre-initialize": "true"}))
    assert data["pre_initialize"] is True
    assert data["prewarm_windows"] == [
        {"start": "2027-03-13T15:00:00Z", "end": "2027-03-13T16:00:00Z"},
        {"start": "2027-03-14T14:00:00Z", "end": "2027-03-14T15:00:00Z"},
        {"start": "2027-03-15T14:00:00Z", "end": "2027-03-15T15:00:00Z"},
    ]


def test_prewarm_lead_time_is_configurable() -> None:
    data = request(make_event(**{"pre-initialize": "true"}), lead_minutes=90)
    assert data["prewarm_windows"][0] == {"start": "2027-03-13T14:30:00Z", "end": "2027-03-13T16:00:00Z"}
    with pytest.raises(ValueError, match="positive number of minutes"):
        prewarm_request(make_event(), today=TODAY, lead_minutes=0)


@pytest.mark.parametrize(
    ("notified", "today", "enough", "state", "text"),
    [
        # notified on the deadline (2027-03-13 minus 21 days)
        (
            "2027-02-20",
            dt.date(2027, 3, 1),
            True,
            "notified",
            "The hub team was told on 2027-02-20, in time (the deadline is 2027-02-20, 21 days before the start).",
        ),
        # notified a day late; an early "today" does not matter
        (
            "2027-02-21",
            dt.date(2027, 2, 1),
            False,
            "notified-late",
            "The hub team was told on 2027-02-21, after the deadline (2027-02-20, 21 days before the start).",
        ),
        # not notified yet, but still in time today: enough_notice alone reads as if the team knew
        (
            None,
            dt.date(2027, 2, 20),
            True,
            "pending",
            "The hub team has not been told yet; there is time until 2027-02-20, 21 days before the start.",
        ),
        # not notified, and already late
        (
            None,
            dt.date(2027, 2, 21),
            False,
            "late",
            "The hub team has not been told yet, and the deadline (2027-02-20, 21 days before the start) has passed.",
        ),
    ],
)
def test_enough_notice(notified: str | None, today: dt.date, enough: bool, state: str, text: str) -> None:
    event = make_event(**({"notified": notified} if notified else {}))
    data = request(event, today=today)
    assert data["notify_by"] == "2027-02-20"
    assert data["notified"] == notified
    assert data["enough_notice"] is enough
    assert (data["notice_state"], data["notice_text"]) == (state, text)


def test_notice_days_is_configurable() -> None:
    data = request(make_event(), notice_days=28, today=dt.date(2027, 2, 14))
    assert (data["notify_by"], data["enough_notice"]) == ("2027-02-13", False)


def test_capacity_suggestion_and_command() -> None:
    assert request(make_event())["capacity"] == {
        "memory_per_user_gib": 2,
        "node_memory_gib": 128,
        "users_per_node": 63,
        "nodes_needed": 2,
        "nodes_to_prewarm": 1,
    }
    options = {"memory-per-user": "4Gi", "node-memory": "64G", "cluster": "nasa-cryo", "hub-name": "prod"}
    capacity = request(make_event(**options))["capacity"]
    # (64 - 2) / 4 = 15.5 -> 15 per node; ceil(80 / 15) = 6; ceil(56 / 15) = 4.
    assert capacity == {
        "memory_per_user_gib": 4,
        "node_memory_gib": 64,
        "users_per_node": 15,
        "nodes_needed": 6,
        "nodes_to_prewarm": 4,
        "command": "deployer generate node-replicas nasa-cryo prod 4",
    }


def test_optional_details_are_null_or_absent() -> None:
    data = request(make_event())
    assert data["content"] == {"repo": None, "branch": None, "image": None, "environment_repo": None}
    assert (data["contact"], data["ticket"], data["notes"], data["notified"]) == (None, None, None, None)
    assert "page_url" not in data


def test_optional_details_when_given() -> None:
    event = make_event(
        **{
            "content-repo": "https://github.com/org/geo-workshop",
            "content-branch": "main",
            "image": "quay.io/org/geo-image:2027.03",
            "environment-repo": "https://github.com/org/geo-environment",
            "contact": "Jane Doe <jane@example.org>",
            "ticket": "https://support.example.org/tickets/42",
            "notes": "GPUs on day 2.\nLogin wave at 09:00.",
        }
    )
    data = request(event, page_url="https://docs.example.org/events/geo.html")
    assert data["content"] == {
        "repo": "https://github.com/org/geo-workshop",
        "branch": "main",
        "image": "quay.io/org/geo-image:2027.03",
        "environment_repo": "https://github.com/org/geo-environment",
    }
    assert data["contact"] == "Jane Doe <jane@example.org>"
    assert data["ticket"] == "https://support.example.org/tickets/42"
    assert data["notes"] == "GPUs on day 2.\nLogin wave at 09:00."
    assert data["page_url"] == "https://docs.example.org/events/geo.html"


def test_the_schema_rejects_what_it_should() -> None:
    good = request(make_event())
    for broken in (
        {**good, "password": "hunter2"},
        {**good, "sessions": [{"start": "2027-03-13T09:00:00-07:00", "end": "2027-03-14T00:00:00Z"}]},
        {**good, "timezone": "MST"},
        {**good, "notify_by": "2027-02-30"},
        {**good, "capacity": {**good["capacity"], "users_per_node": 101}},
        {key: value for key, value in good.items() if key != "notified"},
    ):
        assert not REQUEST_VALIDATOR.is_valid(broken)


def test_events_index_orders_by_first_session_in_utc_and_validates() -> None:
    denver = request(make_event(id="denver"))
    # Tokyo's 10:00 (01:00Z) is before Denver's 09:00 (16:00Z), though "T10:00" sorts after "T09:00" as text.
    tokyo = request(make_event(id="tokyo", timezone="Asia/Tokyo", **{"active-hours": "10:00-12:00"}))
    later = request(make_event(id="april", start="2027-04-01", end="2027-04-01"))
    index = events_index([later, denver, tokyo])
    INDEX_VALIDATOR.validate(index)
    assert [item["event_id"] for item in index["events"]] == ["tokyo", "denver", "april"]
    assert index["schema_version"] == "3" and "proofs" not in index
    proven = {"step": "click", "what": "Click", "result": "proven", "proven_by": "the link check"}
    with_proofs = events_index([denver], {"denver": [{**proven, "summary": "resolved", "checked_on": "2027-01-01"}]})
    INDEX_VALIDATOR.validate(with_proofs)
    assert not INDEX_VALIDATOR.is_valid({**with_proofs, "proofs": {"denver": [{**proven, "log": "/tmp/x.log"}]}})
    assert not INDEX_VALIDATOR.is_valid({"schema_version": "2", "events": [{"event_id": "x"}]})


def test_events_index_refuses_repeated_ids() -> None:
    with pytest.raises(ValueError, match="repeated: geo"):
        events_index([request(make_event(id="geo")), request(make_event(id="geo", attendees="5"))])


def test_dumps_is_stable_readable_json() -> None:
    text = dumps(request(make_event(title="Atelier Géo")))
    assert text.endswith("}\n")
    assert '  "schema_version": "2",\n' in text
    assert "Atelier Géo" in text
    assert json.loads(text)["title"] == "Atelier Géo"


def test_identical_inputs_and_epoch_give_identical_bytes(tmp_path: Path) -> None:
    environ = {"SOURCE_DATE_EPOCH": "1799539200"}  # 2027-01-10T00:00:00Z
    outputs = []
    for run in ("one", "two"):
        today = resolve_today(None, environ)
        requests = [
            prewarm_request(make_event(id=name, **{"pre-initialize": "true"}), today=today) for name in ("geo", "bio")
        ]
        write_atomic(tmp_path / run / "geo" / "prewarm.json", dumps(requests[0]))
        write_atomic(tmp_path / run / "events.json", dumps(events_index(requests)))
        outputs.append([(tmp_path / run / name).read_bytes() for name in ("geo/prewarm.json", "events.json")])
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0][0])["generated_on"] == "2027-01-10"


def test_write_atomic_replaces_whole_files_readably(tmp_path: Path) -> None:
    target = tmp_path / "_events" / "geo" / "prewarm.json"
    write_atomic(target, "old\n")
    write_atomic(target, "new ✓\n")
    assert target.read_bytes() == "new ✓\n".encode()
    assert os.listdir(target.parent) == ["prewarm.json"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    write_atomic(target, b"bytes\r\n")
    assert target.read_bytes() == b"bytes\r\n"


def test_no_secret_reaches_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "ghp_S3cr3tT0k3nValue"
    for name in ("GITHUB_TOKEN", "JUPYTERHUB_API_TOKEN", "HUB_PASSWORD"):
        monkeypatch.setenv(name, secret)
    text = dumps(request(make_event(**{"pre-initialize": "true", "cluster": "c", "hub-name": "h"})))
    assert secret not in text
    assert not any(word in json.loads(text) for word in ("password", "token", "secret"))
