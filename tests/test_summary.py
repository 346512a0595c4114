"""The card's one-line status and the report's cells, from report data."""

from __future__ import annotations

import datetime as dt

from sphinx_event_ext.content.summary import details_text, duration_text, shown_status, status_text

TODAY = dt.date(2027, 4, 10)


def _notebook(path: str, status: str, **extra: object) -> dict[str, object]:
    return {"path": path, "status": status, "duration": 0.0, "failure": None, "reason": None, **extra}


def test_status_counts_every_notebook_and_says_which_came_from_an_earlier_check():
    notebooks = [_notebook(f"{i:02d}.ipynb", "passed") for i in range(17)]
    notebooks += [_notebook("17.ipynb", "expected-errors")]
    assert status_text({"notebooks": notebooks}, TODAY) == "Content checked 2027-04-10: 18 notebooks ran"
    notebooks += [_notebook("18.ipynb", "cached", ran_at="2027-04-09T23:30:00-02:00")]
    assert status_text({"notebooks": notebooks}, TODAY) == (
        "Content checked 2027-04-10: 18 notebooks ran, 1 passed (from the check of 2027-04-10)"
    )
    cached = [_notebook(f"{i}.ipynb", "cached", ran_at=f"2027-04-0{i}T10:00:00+00:00") for i in (1, 8, 8)]
    assert status_text({"notebooks": cached}, TODAY) == (
        "Content checked 2027-04-10: 3 notebooks passed (from the checks of 2027-04-01 to 2027-04-08)"
    )
    one = {"notebooks": [_notebook("a.ipynb", "passed"), _notebook("b.ipynb", "skipped")]}
    assert status_text(one, TODAY) == "Content checked 2027-04-10: 1 notebook ran, 1 skipped"
    assert status_text({"notebooks": []}, TODAY) == "Content checked 2027-04-10: no notebooks to run"


def test_status_names_the_failures():
    notebooks = [_notebook("a.ipynb", "passed")] + [_notebook(f"f{i}.ipynb", "failed") for i in range(4)]
    assert status_text({"notebooks": notebooks}, TODAY) == (
        "Content check failed 2027-04-10: 4 of 5 notebooks failed (f0.ipynb, f1.ipynb, f2.ipynb, ...)"
    )


def test_a_cached_notebook_keeps_the_status_and_colour_of_the_run_that_proved_it():
    assert shown_status(_notebook("a.ipynb", "cached", expected_errors=[])) == ("passed (cached)", "passed")
    assert shown_status(_notebook("a.ipynb", "cached", expected_errors=[2])) == (
        "expected-errors (cached)",
        "expected-errors",
    )
    assert shown_status(_notebook("a.ipynb", "failed")) == ("failed", "failed")


def test_a_cached_notebook_shows_the_run_that_proved_it():
    cached = _notebook("a.ipynb", "cached", proven_duration=12.34, ran_at="2027-04-09T14:03:59-02:00")
    assert duration_text(cached) == "12.3 s"
    assert details_text(cached) == "unchanged since it ran on 2027-04-09 16:03 UTC"
    # A cache entry written before runs were dated still reads sensibly.
    assert details_text(_notebook("b.ipynb", "cached")) == "unchanged since it ran on an earlier build"
    assert duration_text(_notebook("c.ipynb", "passed", duration=3.26)) == "3.3 s"
    assert duration_text(_notebook("d.ipynb", "passed", duration=0.01)) == "under 0.1 s"
