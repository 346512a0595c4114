"""The intake options, node pool and status: validated like every option, all problems at once."""

from __future__ import annotations

from sites import BASE, make_event

from sphinx_event_ext.model.config import EventConfig
from sphinx_event_ext.model.validate import parse_event


def test_new_options_are_read():
    event = make_event(
        kind="hackathon",
        **{"similar-before": "Yes", "storage-per-user": "10G", "node-pool": "user-pool", "status": "cancelled"},
    )
    assert (event.kind, event.similar_before, event.storage_per_user) == ("hackathon", "yes", "10G")
    assert (event.node_pool, event.cancelled) == ("user-pool", True)
    assert make_event(**{"similar-before": "https://events.example.org/geo-2026.html"}).similar_before.startswith(
        "https"
    )
    assert make_event().status == "confirmed" and make_event().binder_attendees is None


def test_bad_values_are_all_reported_with_what_was_expected():
    options = {
        **BASE,
        "kind": "party",
        "similar-before": "maybe",
        "storage-per-user": "lots",
        "node-pool": "-pool",
        "status": "postponed",
        "binder-attendees": "0",
    }
    problems = {problem.option: problem.message for problem in parse_event("Geo", options, default_id="geo").problems}
    assert problems == {
        "kind": "expected one of workshop, course, exam, conference, hackathon, got 'party'",
        "similar-before": "expected yes, no, or an http(s) link to the earlier event's page, got 'maybe' "
        "(not yes, no or a link)",
        "storage-per-user": problems["storage-per-user"],
        "node-pool": "expected a node pool name: letters, digits, '.', '_' and '-', got '-pool'",
        "status": "expected confirmed or cancelled, got 'postponed'",
        "binder-attendees": "expected a positive whole number, got '0' (at least 1)",
    }
    assert problems["storage-per-user"].startswith("expected a size such as 10G or 500M")
    secret = parse_event("Geo", {**BASE, "similar-before": "https://x.example.org/?token=abc"}, default_id="geo")
    assert "looks like a secret" in secret.problems[0].message


def test_event_node_pool_is_checked():
    assert EventConfig.from_values({"event_node_pool": "user pool"})[1] == [
        "event_node_pool: expected None or a name of letters, digits, '.', '_' and '-' (at most 63), got 'user pool'"
    ]
    assert EventConfig.from_values({"event_node_pool": "user-pool"})[0].node_pool == "user-pool"
