"""The placeholder schedule a scaler reads: small sites with overlapping events on one hub, the calendar
read back with the `ical` library exactly as UC Berkeley's node-placeholder-scaler reads it."""

from __future__ import annotations

import datetime as dt
import json

from ical.calendar_stream import IcsCalendarStream
from jsonschema import Draft202012Validator, FormatChecker
from scaler import scaler_counts
from sites import make_event

from sphinx_event_ext.content.store import rehearsal_record
from sphinx_event_ext.model.schema import load_schema
from sphinx_event_ext.plan.login_wave import wave_stats
from sphinx_event_ext.plan.rehearsal import MIB, NotebookUsage, rehearsal_json

CONF = "event_today = '2026-12-01'\nevent_node_pool = 'user-pool'\n"
UTC = dt.timezone.utc


def _page(event_id: str, start: str, end: str, hours: str, zone: str, attendees: int, extra: str = "") -> str:
    return (
        f"# {event_id}\n\n```{{event}} Event {event_id}\n:id: {event_id}\n:hub: https://geo.2i2c.cloud\n"
        f":start: {start}\n:end: {end}\n:active-hours: {hours}\n:timezone: {zone}\n:attendees: {attendees}\n"
        f":notified: 2026-11-01\n{extra}```\n"
    )


def _pages(**changes: str) -> dict[str, str]:
    """Four events on one hub: a two-day one (2 warm nodes), an overlapping bigger one (4), a cancelled one (5, more than any other)
    and a small one that node sharing absorbs. 2027-03-10/11 are before US daylight saving (MST -7, EST -5)."""
    pages = {
        "a": _page(
            "alpha",
            changes.get("alpha_start", "2027-03-10"),
            changes.get("alpha_end", "2027-03-11"),
            "09:00-12:00",
            "America/Denver",
            140,
            ":cluster: 2i2c-aws-us\n:hub-name: geo\n",
        ),
        "b": _page("beta", "2027-03-11", "2027-03-11", "10:00-13:00", "America/New_York", 300),
        "c": _page("gamma", "2027-03-11", "2027-03-11", "09:00-12:00", "America/Denver", 400, ":status: cancelled\n"),
        "d": _page("delta", "2027-03-11", "2027-03-11", "09:00-12:00", "America/Denver", 30),
    }
    return pages


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_the_scaler_reads_the_counts_at_chosen_instants(build_site):
    result = build_site(_pages(), conf=CONF)
    assert result.status == 0, result.warnings
    ics = (result.out / "_events" / "placeholders.ics").read_text("utf-8")
    expected = {
        "2027-03-10T06:00:00": {},  # night
        "2027-03-10T14:59:00": {},  # before alpha's first window (16:00Z start, 60 min lead)
        "2027-03-10T15:30:00": {"user-pool": 2},  # alpha day 1, inside the lead
        "2027-03-11T14:30:00": {"user-pool": 4},  # beta alone (15:00Z start, 14:00Z window)
        "2027-03-11T16:00:00": {
            "user-pool": 4
        },  # alpha and beta overlap: the maximum; the cancelled one counts nothing
        "2027-03-11T18:30:00": {"user-pool": 2},  # beta ended at 18:00Z, alpha runs to 19:00Z
        "2027-03-11T19:00:00": {},  # the end is exclusive
    }
    assert {instant: scaler_counts(ics, at(instant)) for instant in expected} == expected


def test_cancelled_and_moved_events_keep_their_uids(build_site):
    first = build_site(_pages(), conf=CONF)
    calendar = IcsCalendarStream.calendar_from_ics((first.out / "_events" / "placeholders.ics").read_text("utf-8"))
    before = {event.uid: event for event in calendar.events}
    cancelled = [event for event in calendar.events if event.uid.startswith("gamma-")]
    assert [(event.status.value if event.status else None) for event in cancelled] == ["CANCELLED"]
    assert not any(uid.startswith("delta-") for uid in before)  # node sharing: no placeholders
    moved = build_site(_pages(alpha_start="2027-03-17", alpha_end="2027-03-18"), conf=CONF, src=first.src)
    assert moved.status == 0, moved.warnings
    after = IcsCalendarStream.calendar_from_ics((moved.out / "_events" / "placeholders.ics").read_text("utf-8"))
    alpha = {event.uid: event.dtstart for event in after.events if event.uid.startswith("alpha-")}
    assert set(alpha) == {uid for uid in before if uid.startswith("alpha-")}
    # 2027-03-17 is after the US change to daylight saving: 09:00 MDT is 15:00Z, warm from 14:00Z.
    assert sorted(alpha.values())[0] == at("2027-03-17T14:00:00")


def test_placeholders_json_names_the_workflow_and_the_short_overlap(build_site):
    result = build_site(_pages(), conf=CONF)
    data = json.loads((result.out / "_events" / "placeholders.json").read_text("utf-8"))
    Draft202012Validator(load_schema("placeholders"), format_checker=FormatChecker()).validate(data)
    alpha = next(entry for entry in data["events"] if entry["event_id"] == "alpha")
    assert alpha["replicas"] == 2 and alpha["pool"] == "user-pool" and alpha["evidence"] == "attendees-and-notice"
    assert alpha["windows"][0] == {"start": "2027-03-10T15:00:00Z", "end": "2027-03-10T19:00:00Z"}
    assert alpha["commands"] == {
        "scale_up": "gh workflow run scale-placeholders.yaml --repo 2i2c-org/infrastructure "
        "-f cluster=2i2c-aws-us -f hub=geo -f replicas=2",
        "scale_down": "gh workflow run scale-placeholders.yaml --repo 2i2c-org/infrastructure "
        "-f cluster=2i2c-aws-us -f hub=geo -f replicas=0",
    }
    assert [entry["event_id"] for entry in data["events"]] == ["alpha", "beta", "gamma"]
    assert data["overlaps"] == [
        {
            "pool": "user-pool",
            "start": "2027-03-11T15:00:00Z",
            "end": "2027-03-11T18:00:00Z",
            "events": ["alpha", "beta"],
            "replicas_max": 4,
            "replicas_sum": 6,
            "attendees": 440,
        }
    ]
    assert result.warnings.count("the scaler keeps the maximum, 4 node(s), but together they need 6") == 2
    for page in ("a", "b"):
        warning = result.soup(page).select_one(".event-overlap")
        assert warning is not None and "but together they need 6: ask the hub team" in warning.get_text()
    assert "This event and Event beta both need warm nodes" in result.soup("a").select_one(".event-overlap").get_text()
    assert result.soup("d").select_one(".event-overlap") is None


def test_the_request_names_its_evidence(build_site):
    result = build_site(_pages(), conf=CONF)
    beta = json.loads((result.out / "_events" / "beta" / "prewarm.json").read_text("utf-8"))
    Draft202012Validator(load_schema("prewarm"), format_checker=FormatChecker()).validate(beta)
    assert beta["advice"]["approach"] == "placeholders" and beta["advice"]["placeholders"] == 4
    assert beta["advice"]["evidence"] == "attendees-and-notice"
    delta = json.loads((result.out / "_events" / "delta" / "prewarm.json").read_text("utf-8"))
    assert delta["advice"]["approach"] == "node-sharing" and delta["advice"]["placeholders"] == 0


def test_a_rehearsal_decides_the_advice(build_site):
    first = build_site(_pages(), conf=CONF)
    record = {
        "schema_version": "1",
        "event": "beta",
        "date": "2027-02-01",
        "ok": True,
        "wave": {"servers": 20, "started": 20, "failures": 0, "start_seconds": {"median": 8, "p90": 12.5, "max": 14}},
    }
    (first.out / "_events" / "beta" / "rehearsal.json").write_text(json.dumps(record), "utf-8")
    again = build_site(_pages(), conf=CONF, src=first.src)
    beta = json.loads((again.out / "_events" / "beta" / "prewarm.json").read_text("utf-8"))
    assert beta["advice"] == {
        "approach": "node-sharing",
        "placeholders": 0,
        "evidence": "rehearsal",
        "reason": "the rehearsal on 2027-02-01: 90% of 20 servers started in up to 12 s, so node sharing absorbs "
        "the login wave",
        "rehearsal_date": "2027-02-01",
    }
    data = json.loads((again.out / "_events" / "placeholders.json").read_text("utf-8"))
    assert [entry["event_id"] for entry in data["events"]] == ["alpha", "gamma"] and data["overlaps"] == []


def test_rebuilds_are_byte_identical(build_site, tmp_path):
    first = build_site(_pages(), conf=CONF)
    files = ("placeholders.ics", "placeholders.json")
    before = {name: (first.out / "_events" / name).read_bytes() for name in files}
    again = build_site(_pages(), conf=CONF, args=("-E",), src=first.src)
    assert {name: (again.out / "_events" / name).read_bytes() for name in files} == before


def test_the_command_line_prints_what_the_build_writes(build_site, cli):
    result = build_site(_pages(), conf=CONF)
    ics = cli("placeholders", str(result.src), cwd=result.src)
    assert ics.returncode == 0, ics.stderr
    assert ics.stdout.encode("utf-8") == (result.out / "_events" / "placeholders.ics").read_bytes()
    data = cli("placeholders", str(result.src), "--format", "json", cwd=result.src)
    assert data.stdout.encode("utf-8") == (result.out / "_events" / "placeholders.json").read_bytes()
    beta = cli("prewarm", str(result.src), "--id", "beta", cwd=result.src)
    assert beta.stdout.encode("utf-8") == (result.out / "_events" / "beta" / "prewarm.json").read_bytes()


def test_an_unchanged_page_shows_an_overlap_that_another_page_made(build_site):
    small = _page("beta", "2027-03-11", "2027-03-11", "10:00-13:00", "America/New_York", 30)
    first = build_site({**_pages(), "b": small}, conf=CONF)
    assert first.soup("a").select_one(".event-overlap") is None
    (first.src / "b.md").write_text(_pages()["b"], "utf-8")  # only b.md changes: a.md is not read again
    second = build_site({}, conf=CONF, src=first.src)
    assert second.soup("a").select_one(".event-overlap") is not None
    (first.src / "b.md").write_text(small, "utf-8")
    third = build_site({}, conf=CONF, src=first.src)
    assert third.soup("a").select_one(".event-overlap") is None


def test_a_parallel_build_writes_the_same_schedule(build_site, tmp_path):
    serial = build_site(_pages(), conf=CONF, src=tmp_path / "serial")
    parallel = build_site(_pages(), conf=CONF, src=tmp_path / "parallel", args=("-j", "2"))
    assert parallel.status == 0, parallel.warnings
    for name in ("placeholders.ics", "placeholders.json"):
        assert (parallel.out / "_events" / name).read_bytes() == (serial.out / "_events" / name).read_bytes()
    assert parallel.soup("a").select_one(".event-overlap") is not None


def test_a_rehearsal_that_measured_memory_sizes_the_placeholders(build_site):
    first = build_site(_pages(), conf=CONF)
    record = {
        "schema_version": "2",
        "event": "beta",
        "date": "2027-02-01",
        "ok": False,
        "wave": {"servers": 20, "started": 20, "failures": 0, "start_seconds": {"median": 70, "p90": 95, "max": 99}},
        "resources": {"notebooks": [{"path": "a.ipynb", "peak_rss_bytes": 3_500 * 1024**2, "cpu_seconds": 4.0}]},
    }
    (first.out / "_events" / "beta" / "rehearsal.json").write_text(json.dumps(record), "utf-8")
    again = build_site(_pages(), conf=CONF, src=first.src)
    advice = json.loads((again.out / "_events" / "beta" / "prewarm.json").read_text("utf-8"))["advice"]
    # 3,500 MiB rounded up to 3,520 MiB: 36 users on a 128 GiB node (not 63 at 2G), so ceil(210 / 36) = 6 nodes.
    assert (advice["approach"], advice["placeholders"], advice["evidence"]) == ("placeholders", 6, "rehearsal")
    assert advice["reason"].endswith(
        "the heaviest notebook peaked at 3500 MiB, above memory-per-user 2G: 36 users per node"
    )


def _prewarm_fact(build, page: str) -> str:
    soup = build.soup(page)
    facts = {
        dt.get_text().rstrip(":"): dd.get_text(" ", strip=True) for dt, dd in zip(soup("dt"), soup("dd"), strict=True)
    }
    return facts["Pre-warming"]


def test_a_rehearsal_that_measured_memory_resizes_the_card_as_it_resizes_prewarm_json(build_site):
    """The rehearsal arrives with no page edited: the card's sentence is written again and agrees with the JSON."""
    first = build_site(_pages(), conf=CONF)
    before = json.loads((first.out / "_events" / "beta" / "prewarm.json").read_text("utf-8"))
    assert _prewarm_fact(first, "b") == before["prewarm_text"]
    record = rehearsal_json(
        make_event(id="beta", attendees="300"),
        date=dt.date(2027, 2, 1),
        hub="https://geo.2i2c.cloud",
        mode="users",
        link="https://geo.2i2c.cloud/hub/user-redirect/git-pull?repo=x",
        servers=[],
        wave=wave_stats([2.0]),
        usage=[NotebookUsage("a.ipynb", 3_500 * MIB, 4.0)],
        execution=None,
        placement={"a.ipynb": "rehearsal-1"},
        problems=[],
    )
    path = rehearsal_record(first.out / ".doctrees", "beta")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record), "utf-8")
    again = build_site(_pages(), conf=CONF, src=first.src)
    after = json.loads((again.out / "_events" / "beta" / "prewarm.json").read_text("utf-8"))
    warm = after["capacity"]["nodes_to_prewarm"]
    assert warm > before["capacity"]["nodes_to_prewarm"]
    assert f"{warm} nodes ready" in after["prewarm_text"]
    assert _prewarm_fact(again, "b") == after["prewarm_text"]


def test_prewarm_and_placeholders_read_the_rehearsals_of_the_state_folder_given(build_site, cli, tmp_path):
    """``--state`` names the state folder whose evidence store holds the rehearsal records, as ``rehearse --state``
    writes them and ``check`` reads them."""
    from sphinx_event_ext.content.store import rehearsal_record

    result = build_site(_pages(), conf=CONF)
    state = tmp_path / "elsewhere" / "doctrees"
    record = rehearsal_record(state, "beta")
    record.parent.mkdir(parents=True)
    wave = {"servers": 20, "started": 20, "failures": 0, "start_seconds": {"median": 8, "p90": 12.5, "max": 14}}
    record.write_text(
        json.dumps({"schema_version": "1", "event": "beta", "date": "2027-02-01", "ok": True, "wave": wave})
    )

    def advice(*extra: str) -> dict[str, object]:
        ran = cli("prewarm", str(result.src), "--id", "beta", *extra, cwd=result.src)
        assert ran.returncode == 0, ran.stderr
        return json.loads(ran.stdout)["advice"]

    def scheduled(*extra: str) -> list[str]:
        ran = cli("placeholders", str(result.src), "--format", "json", *extra, cwd=result.src)
        assert ran.returncode == 0, ran.stderr
        return [entry["event_id"] for entry in json.loads(ran.stdout)["events"]]

    assert advice()["evidence"] == "attendees-and-notice"
    assert "beta" in scheduled()
    found = advice("--state", str(state))
    assert (found["evidence"], found["approach"], found["rehearsal_date"]) == (
        "rehearsal",
        "node-sharing",
        "2027-02-01",
    )
    assert scheduled("--state", str(state)) == ["alpha", "gamma"]
