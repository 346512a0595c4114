"""The card's one-line status and the report's cells, from report data."""

from __future__ import annotations

import datetime as dt

from sphinx_event_ext.content.summary import details_text, duration_text, status_text

TODAY = dt.date(2027, 4, 10)


def _notebook(path: str, status: str, **extra: object) -> dict[str, object]:
    return {"path": path, "status": status, "duration": 0.0, "failure": None, "reason": None, **extra}


def test_status_counts_every_notebook_that_ran_cached_ones_included():
    notebooks = [_notebook(f"{i:02d}.ipynb", "passed") for i in range(17)]
    notebooks += [_notebook("17.ipynb", "cached"), _notebook("18.ipynb", "expected-errors")]
    assert status_text({"notebooks": notebooks}, TODAY) == "Content checked 2027-04-10: 19 notebooks ran"
    one = {"notebooks": [_notebook("a.ipynb", "passed"), _notebook("b.ipynb", "skipped")]}
    assert status_text(one, TODAY) == "Content checked 2027-04-10: 1 notebook ran, 1 skipped"
    assert status_text({"notebooks": []}, TODAY) == "Content checked 2027-04-10: no notebooks to run"


def test_status_names_the_failures():
    notebooks = [_notebook("a.ipynb", "passed")] + [_notebook(f"f{i}.ipynb", "failed") for i in range(4)]
    assert status_text({"notebooks": notebooks}, TODAY) == (
        "Content check failed 2027-04-10: 4 of 5 notebooks failed (f0.ipynb, f1.ipynb, f2.ipynb, ...)"
    )


def test_a_cached_notebook_shows_the_run_that_proved_it():
    cached = _notebook("a.ipynb", "cached", proven_duration=12.34, ran_at="2027-04-09T14:03:59-02:00")
    assert duration_text(cached) == "12.3 s"
    assert details_text(cached) == "unchanged since it ran on 2027-04-09 16:03 UTC"
    # A cache entry written before runs were dated still reads sensibly.
    assert details_text(_notebook("b.ipynb", "cached")) == "unchanged since it ran on an earlier build"
    assert duration_text(_notebook("c.ipynb", "passed", duration=3.26)) == "3.3 s"
    assert duration_text(_notebook("d.ipynb", "passed", duration=0.01)) == "under 0.1 s"
