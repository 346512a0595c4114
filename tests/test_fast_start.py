"""What a command or a build loads at start, checked in fresh interpreters (``sys.modules`` is per process).

rfc3987-syntax compiles its grammars when imported (about a second). jsonschema imports it for
"iri" formats the event schema does not use; the extension defers it so that it loads only when
an IRI is checked, and other schemas' IRI checks must keep working.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("rfc3987_syntax", reason="installed with the check extra's Jupyter dependencies")


def _run(code: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(result.stdout.splitlines()[-1])


def _real_module_loaded() -> str:
    return "'rfc3987_syntax.syntax_helpers' in sys.modules"


def test_validating_an_event_does_not_compile_the_iri_grammars() -> None:
    seen = _run(
        f"""
        import json, sys
        from sphinx_event_ext.model.validate import parse_event
        result = parse_event("T", {{"hub": "https://hub.example.org", "start": "2027-01-02", "end": "2027-01-02",
            "active-hours": "09:00-12:00", "timezone": "UTC", "attendees": "x"}}, default_id="t")
        print(json.dumps({{"problems": [str(p) for p in result.problems], "loaded": {_real_module_loaded()},
                          "jsonschema": "jsonschema" in sys.modules}}))
        """
    )
    assert seen["jsonschema"] is True
    assert seen["problems"] and "attendees" in seen["problems"][0]
    assert seen["loaded"] is False


def test_iri_checks_of_other_schemas_still_work_after_the_deferral() -> None:
    seen = _run(
        f"""
        import json, sys
        from sphinx_event_ext.model.schema import validator
        validator()
        before = {_real_module_loaded()}
        from jsonschema import FormatChecker
        checker = FormatChecker()
        good = checker.conforms("https://example.org/path?q=1", "iri")
        bad = checker.conforms("https://example.org/a b", "iri")
        import rfc3987_syntax
        direct = rfc3987_syntax.is_valid_syntax("iri", "https://example.org/")
        print(json.dumps({{"before": before, "after": {_real_module_loaded()}, "good": good, "bad": bad,
                          "direct": direct, "real": type(sys.modules["rfc3987_syntax"]).__name__}}))
        """
    )
    assert seen == {"before": False, "after": True, "good": True, "bad": False, "direct": True, "real": "module"}


def test_a_sphinx_build_defers_it_before_other_extensions_import_jsonschema(tmp_path) -> None:
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_event_ext"]\n', "utf-8")
    (tmp_path / "index.rst").write_text("Site\n====\n", "utf-8")
    seen = _run(
        f"""
        import json, sys
        from sphinx.application import Sphinx
        app = Sphinx({str(tmp_path)!r}, {str(tmp_path)!r}, {str(tmp_path / "_build")!r},
                     {str(tmp_path / "_doctrees")!r}, "html", status=None, warning=None)
        import jsonschema  # as another extension would, after ours was set up
        before = {_real_module_loaded()}
        iri = jsonschema.FormatChecker().conforms("https://example.org/a b", "iri")
        print(json.dumps({{"before": before, "iri": iri, "after": {_real_module_loaded()}}}))
        """
    )
    assert seen == {"before": False, "iri": False, "after": True}


def test_validate_starts_without_the_iri_grammars(tmp_path) -> None:
    page = tmp_path / "event.md"
    page.write_text(
        "```{event} T\n:hub: https://hub.example.org\n:start: 2027-01-02\n:end: 2027-01-02\n"
        ":active-hours: 09:00-12:00\n:timezone: UTC\n:attendees: 3\n```\n",
        "utf-8",
    )
    seen = _run(
        f"""
        import contextlib, io, json, sys
        from sphinx_event_ext.cli.main import main
        with contextlib.redirect_stdout(io.StringIO()):
            status = main(["validate", {str(page)!r}])
        print(json.dumps({{"status": status, "loaded": {_real_module_loaded()}}}))
        """
    )
    assert seen == {"status": 0, "loaded": False}
