"""The rehearsal's arithmetic (spreading, wave numbers, pre-warm advice), the token's redaction, and the
checklist that a passing ``rehearsal.json`` proves, in a real Sphinx build."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sites import GOOD_OPTIONS, event_block, make_event

from sphinx_event_ext.content.hub_api import Hub, HubError, offered_profiles, redact
from sphinx_event_ext.content.store import rehearsal_record
from sphinx_event_ext.model.schema import validator
from sphinx_event_ext.plan.login_wave import (
    SLOW_START_SECONDS,
    SpawnLimit,
    arrival_offsets,
    percentile,
    spread,
    starting_at_refusals,
    wave_stats,
)
from sphinx_event_ext.plan.packages import Declared, declared_packages, version_problems
from sphinx_event_ext.plan.rehearsal import (
    NotebookUsage,
    measured_memory_per_user,
    memory_findings,
    prewarm_advice,
    rehearsal_json,
    rehearsal_proofs,
)
from sphinx_event_ext.plan.rehearsal_text import console_table

MIB, GIB = 1024**2, 1024**3


def test_spread_deals_sorted_notebooks_in_turn():
    assert spread(["c.ipynb", "a.ipynb", "d.ipynb", "b.ipynb", "e.ipynb"], 3) == [
        ["a.ipynb", "d.ipynb"],
        ["b.ipynb", "e.ipynb"],
        ["c.ipynb"],
    ]
    assert spread(["a.ipynb"], 3) == [["a.ipynb"], [], []]
    with pytest.raises(ValueError, match="at least 1"):
        spread(["a.ipynb"], 0)


@given(st.lists(st.text(min_size=1), unique=True), st.integers(min_value=1, max_value=20))
def test_spread_runs_every_notebook_once_and_evenly(names, servers):
    shares = spread(names, servers)
    assert sorted(name for share in shares for name in share) == sorted(names)
    sizes = [len(share) for share in shares]
    assert max(sizes) - min(sizes) <= 1


def test_percentile_is_a_measured_value_by_nearest_rank():
    values = [float(n) for n in range(1, 11)]  # 1..10
    assert percentile(values, 0.9) == 9.0
    assert percentile(values, 0.5) == 5.0
    assert percentile([7.5], 0.9) == 7.5


def test_wave_stats_count_failures_and_ignore_them_in_times():
    stats = wave_stats([4.0, None, 2.0, 10.0])
    assert (stats.servers, stats.started, stats.failures) == (4, 3, 1)
    assert (stats.median, stats.p90, stats.maximum) == (4.0, 10.0, 10.0)
    assert wave_stats([None]).to_json()["start_seconds"] == {"median": None, "p90": None, "max": None, "p95": None}


def test_slow_share_counts_slow_starts_and_servers_that_never_started():
    stats = wave_stats([10.0, 61.0, None, 20.0, 59.9], slow_after=60)
    assert (stats.slow, stats.slow_share) == (2, 0.4)
    assert wave_stats([10.0, 40.0], slow_after=30).slow == 1
    assert stats.to_json()["max_slow_share"] == 0.3


@given(st.integers(min_value=1, max_value=200), st.floats(min_value=0.5, max_value=7200), st.integers(0, 2**32))
def test_spread_arrivals_are_sorted_inside_the_window_and_the_same_for_the_same_seed(users, over, seed):
    offsets = arrival_offsets(users, over, seed)
    assert len(offsets) == users and offsets == sorted(offsets)
    assert all(0 <= offset <= over for offset in offsets)
    assert offsets == arrival_offsets(users, over, seed)


def test_a_burst_is_everyone_at_once_and_seeds_change_a_spread_wave():
    assert arrival_offsets(4, 0, 1) == [0.0] * 4
    assert arrival_offsets(20, 900, 1) != arrival_offsets(20, 900, 2)
    # Poisson arrivals over 15 minutes: about half of 200 attendees arrive in the first half
    assert 70 < sum(1 for offset in arrival_offsets(200, 900, 5) if offset < 450) < 130


def test_the_spawn_limit_finding_says_who_waits_and_how_long():
    limit = SpawnLimit(refusals=40, seconds_lost=1200.0, at_once=100)
    assert limit.finding(140, 45.0) == (
        "the hub refused 40 start(s) with 429 (its concurrent spawn limit); the rehearsal waited 1200 s in all "
        "before retrying; at most 100 server(s) start at once: with 140 attendees the last 40 wait about 45 s "
        "(1 round(s) of a 45 s start) before their server even begins to start"
    )
    assert SpawnLimit().finding(140, 45.0) is None
    assert (
        SpawnLimit(3, 6.0, 2)
        .to_json(80, 10.0)["finding"]
        .endswith(
            "with 80 attendees the last 78 wait about 390 s (39 round(s) of a 10 s start) before their server even "
            "begins to start"
        )
    )


def test_memory_above_the_limit_fails_and_above_memory_per_user_warns():
    usage = [NotebookUsage("a.ipynb", 300 * MIB, 1.0), NotebookUsage("b.ipynb", 3 * GIB, 9.5)]
    assert memory_findings(usage, 2 * GIB, 2 * GIB) == (
        ["memory: b.ipynb peaked at 3.0 GiB in its kernel on the hub, above the server's limit of 2.0 GiB (MEM_LIMIT)"],
        [],
    )
    assert memory_findings(usage, 2 * GIB, None)[0] == [
        "memory: b.ipynb peaked at 3.0 GiB in its kernel on the hub, above memory-per-user 2.0 GiB (the hub shows no "
        "limit)"
    ]
    problems, warnings = memory_findings(usage, 2 * GIB, 4 * GIB)
    assert problems == [] and warnings == [
        "memory: b.ipynb peaked at 3.0 GiB in its kernel on the hub, above memory-per-user 2.0 GiB: plan nodes "
        "for the peak"
    ]
    assert memory_findings(usage[:1], 2 * GIB, None) == ([], [])
    assert memory_findings([], 2 * GIB, None) == ([], [])


def test_capacity_follows_the_measured_peak_when_it_is_above_memory_per_user():
    event = make_event(attendees="60", **{"memory-per-user": "1G", "node-memory": "32G"})
    usage = [NotebookUsage("big.ipynb", 3 * GIB + 1, 20.0)]
    assert measured_memory_per_user(usage, GIB) == 3 * GIB + 64 * MIB
    advice = prewarm_advice(event, wave_stats([5.0]), usage)
    assert advice["memory_per_user_source"] == "measured"
    assert advice["capacity"]["users_per_node"] == 9  # (32 - 2) GiB / 3.0625 GiB, not 30 at 1G each
    planned = prewarm_advice(event, wave_stats([5.0]))
    assert planned["capacity"]["users_per_node"] == 30 and planned["memory_per_user_source"] == "memory-per-user"


def test_offered_profiles_are_read_from_radio_buttons_and_selects():
    form = (
        '<input type="radio" name="profile" value="small"><input name="other" value="x">'
        '<input type="radio" name="profile" value="gpu"><select name="profile"><option value="big">Big</option>'
        '</select><select name="image"><option value="pangeo"></option></select>'
    )
    assert offered_profiles(form) == ["small", "gpu", "big"]
    assert offered_profiles("<html>login</html>") == []


def test_prewarm_advice_follows_slow_starts_and_failures():
    event = make_event(attendees="80", **{"memory-per-user": "4G", "node-memory": "32G"})
    quick = prewarm_advice(event, wave_stats([3.0, 5.0]))
    assert quick["prewarm"] is False
    assert quick["reason"] == "0 of 2 (0%) servers took 60 s or more to start, within the provider's 30% guidance"
    slow = prewarm_advice(event, wave_stats([3.0, SLOW_START_SECONDS + 30]))
    assert slow["prewarm"] is True
    assert slow["reason"] == (
        "1 of 2 (50%) servers took 60 s or more to start, more than the provider's 30% guidance; "
        "56 of the 80 attendees must find a warm node"
    )
    assert slow["users_to_find_warm_node"] == 56
    within = prewarm_advice(event, wave_stats([3.0, 4.0, 5.0, 100.0]))  # 25%: within the guidance
    assert within["prewarm"] is False
    failed = prewarm_advice(event, wave_stats([3.0, None]))
    assert failed["prewarm"] is True and failed["reason"] == "1 of 2 server(s) did not start"
    assert failed["capacity"]["nodes_to_prewarm"] == slow["capacity"]["nodes_to_prewarm"] > 0


def _report(ok: bool, event_id: str = "geo") -> dict:
    event = make_event(id=event_id)
    return rehearsal_json(
        event,
        date=dt.date(2027, 3, 1),
        hub="https://geo.hub.example.org",
        mode="users",
        link="https://geo.hub.example.org/hub/user-redirect/git-pull?repo=x",
        servers=[],
        wave=wave_stats([2.0]),
        usage=[NotebookUsage("b.ipynb", 200 * MIB, 1.5), NotebookUsage("a.ipynb", 100 * MIB, 0.5)],
        execution=None,
        placement={"b.ipynb": "rehearsal-2", "a.ipynb": "rehearsal-1"},
        problems=[] if ok else ["pull, server rehearsal-1: nbgitpuller could not pull x"],
    )


def test_rehearsal_json_is_ordered_and_proves_only_a_pass_of_its_own_event():
    passed = _report(True)
    assert list(passed["placement"]) == ["a.ipynb", "b.ipynb"]
    assert json.dumps(passed) == json.dumps(_report(True))
    text = "a rehearsal on the hub passed on 2027-03-01: the link was clicked and every notebook ran there"
    shown = f"{passed['summary']}; the link was clicked and every notebook ran there"
    assert rehearsal_proofs(passed, "geo") == {"click": shown, "test": shown}
    assert rehearsal_proofs(_report(False), "geo") == {}
    assert rehearsal_proofs(passed, "another-event") == {}
    version_1 = {key: value for key, value in passed.items() if key != "summary"} | {"schema_version": "1"}
    assert rehearsal_proofs(version_1, "geo") == {"click": text, "test": text}
    assert [item["path"] for item in passed["resources"]["notebooks"]] == ["a.ipynb", "b.ipynb"]
    assert passed["resources"]["heaviest"] == {"path": "b.ipynb", "peak_rss_bytes": 200 * MIB, "cpu_seconds": 1.5}
    assert list(validator("rehearsal").iter_errors(passed)) == []
    assert not validator("rehearsal").is_valid({**passed, "schema_version": "1"})
    assert passed["summary"] == (
        "passed on 2027-03-01: 1 of 1 server(s) started, median start 2 s, peak memory 200 MiB"
    )


def test_console_table_lines_up_servers_times_and_outcomes():
    data = {
        "servers": [
            {"user": "ana", "server": "rehearsal-1", "start_seconds": 12.34, "pull_seconds": 0.71, "failure": None},
            {
                "user": "ana",
                "server": "rehearsal-2",
                "start_seconds": None,
                "pull_seconds": None,
                "failure": {"step": "start", "message": "allowance"},
            },
        ],
        "placement": {"a.ipynb": "ana/rehearsal-1", "b.ipynb": "ana/rehearsal-1"},
        "execution": {"notebooks": [{"path": "a.ipynb", "status": "passed"}, {"path": "b.ipynb", "status": "failed"}]},
    }
    assert console_table(data) == [
        "server           start   pull   notebooks" + " " * 11 + "result",
        "ana/rehearsal-1  12.3 s  0.7 s  1 failed, 1 passed  ok",
        "ana/rehearsal-2  -" + " " * 7 + "-" + " " * 6 + "-" + " " * 19 + "failed at start",
    ]


def test_errors_never_show_the_token():
    token = "s3cr3t-token-value"
    assert redact(f"GET /x?token={token} failed", token) == "GET /x?token=<token> failed"
    hub = Hub("http://127.0.0.1:9", token, timeout=2)  # nothing listens on port 9
    assert token not in repr(hub)
    with pytest.raises(HubError) as raised:
        hub.request("GET", f"users/{token}")
    assert token not in str(raised.value)
    assert "GET /hub/api/users/<token> failed" in str(raised.value)


def _checkbox(result, key: str):
    return result.soup().select_one(f'input[data-storage-key="sphinx-event-ext:geo:{key}"]')


def _plan_checkbox(result, key: str):
    return result.soup("plan").select_one(f'input[data-storage-key="sphinx-event-ext:geo:{key}"]')


def test_a_passing_rehearsal_proves_the_hub_test_step_on_the_next_incremental_build(build_site):
    """No page changes: the checklists, on the event's page and on another, are written again all the same."""
    options = GOOD_OPTIONS + ":id: geo\n:content-repo: https://github.com/org/geo-workshop\n"
    page = "# Event\n\n" + event_block(options=options) + "\n```{event-checklist}\n```\n"
    plan = "# Plan\n\n```{event-checklist}\n:event: geo\n```\n"
    first = build_site({"index": page, "plan": plan})
    assert first.status == 0, first.warnings
    assert not _checkbox(first, "test").has_attr("checked")
    assert not _plan_checkbox(first, "test").has_attr("checked")
    report = first.out / "_events" / "geo" / "rehearsal.json"
    report.write_text(json.dumps(_report(False)), "utf-8")
    failed = build_site({})  # no page is written again, so Sphinx reads none
    assert failed.status == 0, failed.warnings
    assert not _checkbox(failed, "test").has_attr("checked")
    assert not report.exists(), "a record in the published folder moves into the evidence store"
    report = rehearsal_record(first.out / ".doctrees", "geo")
    assert json.loads(report.read_text("utf-8")) == _report(False)
    report.write_text(json.dumps(_report(True)), "utf-8")
    proven = build_site({})
    for box in (_checkbox(proven, "test"), _plan_checkbox(proven, "test")):
        assert box.has_attr("checked") and box.has_attr("disabled")
    shown = " ".join(proven.soup().select_one(".event-checklist").get_text().split())
    assert (
        "Proven by a rehearsal on the hub: passed on 2027-03-01: 1 of 1 server(s) started, "
        "median start 2 s, peak memory 200 MiB; the link was clicked and every notebook ran there." in shown
    )


def test_declared_packages_from_requirements_and_conda_files():
    requirements = "# tools\nNumPy==1.26.4  # pinned\n-r more.txt\npandas>=2\ngit+https://example.org/x.git\npip\n"
    assert declared_packages("requirements.txt", requirements) == [
        Declared("numpy", "==1.26.4", "requirements.txt"),
        Declared("pandas", ">=2", "requirements.txt"),
    ]
    conda = (
        "dependencies:\n  - python=3.11\n  - numpy=1.26\n  - conda-forge::xarray\n  - pip:\n    - nbgitpuller==1.3.0\n"
    )
    assert declared_packages("binder/environment.yml", conda) == [
        Declared("numpy", "==1.26.*", "binder/environment.yml"),
        Declared("xarray", "", "binder/environment.yml"),
        Declared("nbgitpuller", "==1.3.0", "binder/environment.yml"),
    ]


def test_version_problems_name_missing_and_refused_versions():
    declared = declared_packages("environment.yml", "dependencies:\n  - numpy=1.26\n  - scipy\n  - xarray>=2024.1\n")
    assert version_problems(declared, {"numpy": "1.26.4", "scipy": "1.0", "xarray": "2024.6.0"}) == []
    assert version_problems(declared, {"numpy": "1.27.0", "xarray": "2023.1.0"}) == [
        "numpy is declared as ==1.26.* in environment.yml; the hub has 1.27.0",
        "scipy is declared in environment.yml but is not installed in the hub's environment",
        "xarray is declared as >=2024.1 in environment.yml; the hub has 2023.1.0",
    ]


def test_servers_starting_at_a_refusal_are_counted_from_request_to_ready():
    starting = [(0.0, 14.0), (0.0, 15.0), (14.5, 29.0)]
    assert starting_at_refusals([0.1, 3.0, 14.6], starting) == 2
    assert starting_at_refusals([14.2], starting) == 1  # only one was starting then: the hub refused at one
    assert starting_at_refusals([], starting) is None
    assert starting_at_refusals([100.0], starting) == 1  # never reported as zero


def test_the_prewarm_request_and_the_mail_quote_the_rehearsals_measured_numbers():
    from sphinx_event_ext.plan.notify import heads_up_email, notification_email
    from sphinx_event_ext.plan.prewarm import prewarm_request
    from sphinx_event_ext.plan.rehearsal import ServerFacts

    event = make_event(id="geo", attendees="60", **{"memory-per-user": "1G", "node-memory": "32G"})
    record = rehearsal_json(
        event,
        date=dt.date(2027, 3, 1),
        hub="https://geo.hub.example.org",
        mode="users",
        link="https://geo.hub.example.org/hub/user-redirect/git-pull?repo=x",
        servers=[],
        wave=wave_stats([12.0, 20.0, 75.0]),
        usage=[NotebookUsage("big.ipynb", 3 * GIB, 30.0)],
        execution=None,
        placement={},
        problems=[],
        server=ServerFacts(image="quay.io/hub/pangeo:2027.03", memory_limit=4 * GIB),
        spawn_limit=SpawnLimit(4, 8.0, 2),
    )
    plain = prewarm_request(event, today=dt.date(2027, 2, 1))
    request = prewarm_request(event, today=dt.date(2027, 2, 1), rehearsal=record)
    assert "rehearsal" not in plain and plain["capacity"]["users_per_node"] == 30
    assert request["capacity"]["users_per_node"] == 10  # 30 GiB of a 32 GiB node at the measured 3 GiB each
    evidence = request["rehearsal"]
    assert evidence["peak_memory_bytes"] == 3 * GIB and evidence["image"] == "quay.io/hub/pangeo:2027.03"
    assert evidence["start_seconds"] == {"median": 20.0, "p90": 75.0, "max": 75.0}
    for mail in (notification_email(request), heads_up_email(request)):
        assert (
            "Rehearsal on the hub (2027-03-01, passed): 3 user(s) at once; server start median 20.0 s, "
            "90th percentile 75.0 s, max 75.0 s; 33% took a minute or more." in mail.body
        )
        assert (
            "Measured memory: the heaviest notebook (big.ipynb) peaks at 3.0 GiB in its kernel, under a server "
            "limit of 4.0 GiB; we plan 3.0 GiB per attendee." in mail.body
        )
        assert "Image rehearsed: quay.io/hub/pangeo:2027.03" in mail.body
        assert "Spawn limit: the hub refused 4 start(s) with 429" in mail.body
    assert "Rehearsal on the hub" not in notification_email(plain).body
    # another event's record, or one that does not follow the schema, is quoted nowhere
    assert "rehearsal" not in prewarm_request(make_event(id="other"), today=dt.date(2027, 2, 1), rehearsal=record)
    broken = {**record, "wave": {"servers": "many"}}
    assert "rehearsal" not in prewarm_request(event, today=dt.date(2027, 2, 1), rehearsal=broken)


def test_profile_and_its_options_are_validated_like_every_option():
    from sphinx_event_ext.model.validate import parse_event

    base = {key: value for key, value in (line.split(": ", 1) for line in GOOD_OPTIONS.strip().splitlines())}
    base = {key.strip(":"): value for key, value in base.items()}
    good = parse_event("T", {**base, "profile": "medium", "profile-options": "image=pangeo, cpu=2"}, default_id="t")
    assert good.event is not None and good.event.user_options == {"profile": "medium", "image": "pangeo", "cpu": "2"}
    assert parse_event("T", base, default_id="t").event.user_options == {}
    expected = "comma-separated name=choice pairs such as image=pangeo, cpu=2"
    cases = [
        ({"profile-options": "image=pangeo"}, "profile-options: choices need the profile they belong to; set profile"),
        (
            {"profile": "big profile"},
            "profile: expected a profile slug: letters, digits, '.', '_' and '-', got 'big profile'",
        ),
        ({"profile": "medium", "profile-options": "image"}, f"profile-options: expected {expected}, got 'image'"),
        (
            {"profile": "medium", "profile-options": "cpu=1, cpu=2, profile=x"},
            f"profile-options: expected {expected}, got cpu, profile more than once (the profile is its own option)",
        ),
    ]
    for options, message in cases:
        problems = [str(problem) for problem in parse_event("T", {**base, **options}, default_id="t").problems]
        assert problems == [message]
