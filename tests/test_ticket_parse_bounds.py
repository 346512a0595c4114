"""The issue parser is bounded: adversarial 100 KB bodies are read (or refused) within a small time budget.

Each body is read in a worker process under a time budget far above what a linear reading costs (tens of
milliseconds, measured in benchmarks/bench_ticket_parse.py) and far below what a backtracking one took
(minutes): a reading over the budget fails the test instead of hanging it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from issues import issue_json, read_whole_issue

from sphinx_event_ext.plan.notify import ISSUE_FORM_FIELDS
from sphinx_event_ext.plan.ticket_parse import MAX_BODY, MAX_LINE, MAX_TITLE

#: Seconds one 100 KB body may take in the worker: about 100 times the linear reading's cost on a busy machine.
BUDGET = 10.0
#: Runs of characters that made the old patterns backtrack, each as long as a line may be.
RUNS = st.sampled_from(
    [" ", "?", "1,", "a.", "(", "[x] ", "2024-01-01 ", " -", "a/", "UTC ", "9", "A", "#", "\t", "- [x]", ":", "x"]
)


@pytest.fixture(scope="module")
def worker() -> Iterator[multiprocessing.pool.Pool]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        yield pool


def read_within_budget(worker: multiprocessing.pool.Pool, data: dict) -> str:
    try:
        return worker.apply_async(read_whole_issue, (data,)).get(timeout=BUDGET)
    except multiprocessing.TimeoutError:
        pytest.fail(f"reading a {len(data['body']):,}-character issue body took more than {BUDGET} s")


@st.composite
def adversarial_bodies(draw: st.DrawFn) -> str:
    """About 100 KB: a few form headings (some padded), each followed by a line made of one repeated run,
    repeated until the body is 100 KB long."""
    labels = [*ISSUE_FORM_FIELDS.values(), "a"]
    block: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        label = draw(st.sampled_from(labels))
        pad = draw(st.sampled_from([0, 1, 100, MAX_LINE - len(label) - 8]))
        block.append(f"### {label}" + " " * pad + draw(st.sampled_from(["", "b", " #", "###"])))
        run, tail = draw(RUNS), draw(st.sampled_from(["", "x", "b", "am", "1111"]))
        length = draw(st.sampled_from([1_000, 1_999, MAX_LINE - len(tail)]))
        block.append((run * (length // len(run) + 1))[:length] + tail)
    text = "\n".join(block)
    return "\n".join([text] * (100_000 // len(text) + 1))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.large_base_example, HealthCheck.data_too_large, HealthCheck.too_slow],
)
@given(body=adversarial_bodies())
def test_adversarial_100_kb_bodies_are_read_within_the_budget(worker, body):
    assert len(body) >= 100_000
    outcome = read_within_budget(worker, {**issue_json(), "body": body})
    assert outcome.startswith("read: "), outcome


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": "x" * (MAX_BODY + 1)}, f"'body' is {MAX_BODY + 1:,} characters long; at most {MAX_BODY:,} are read"),
        (
            {"body": "### a" + " " * 100_000 + "b"},
            f"line 1 of 'body' is 100,006 characters long; lines of at most {MAX_LINE:,}",
        ),
        (
            {"title": "t" * (MAX_TITLE + 1)},
            f"'title' is {MAX_TITLE + 1:,} characters long; at most {MAX_TITLE:,} are read",
        ),
    ],
    ids=["body", "line", "title"],
)
def test_past_the_bounds_the_issue_is_refused_with_a_clear_message(worker, changes, message):
    outcome = read_within_budget(worker, {**issue_json(), **changes})
    assert outcome.startswith("refused: the issue is too long to read: ") and message in outcome, outcome


def test_a_value_longer_than_read_is_not_comparable(worker):
    from sphinx_event_ext.plan.ticket_parse import MAX_VALUE, Issue, read_ticket

    issue = issue_json(attendees="1" * (MAX_VALUE + 1))
    reading = read_ticket(Issue("t", issue["body"], __import__("datetime").date(2027, 1, 1)))
    assert reading.attendees.value is None
    assert reading.attendees.reason == f"the value is longer than {MAX_VALUE:,} characters: not read"
