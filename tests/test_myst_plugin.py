"""The mystmd plugin's protocol, in this process: the spec, a directive's nodes, the page transform.

The real mystmd runs it in tests/test_mystmd.py; these cases need no Node and run in milliseconds.
"""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

import pytest
from mystmd import text_of, walk
from sites import GOOD_OPTIONS, event_block

from sphinx_event_ext.cli.scan import scan
from sphinx_event_ext.myst.plugin import main


@pytest.fixture(autouse=True)
def project(tmp_path, monkeypatch) -> Path:
    """mystmd runs the plugin in the project's folder, where the event directive writes its files."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def call(*args: str, data: object = None) -> tuple[int, object]:
    out = io.StringIO()
    code = main(list(args), io.StringIO(json.dumps(data)), out)
    return code, json.loads(out.getvalue()) if out.getvalue() else None


def directive(name: str, options: dict[str, str], arg: str | None = None, first_line: int = 3) -> dict:
    """What mystmd sends: the options as written, each ``mystOption`` child at its line."""
    children = [
        {"type": "mystOption", "name": key, "value": value, "position": {"start": {"line": first_line + 1 + n}}}
        for n, (key, value) in enumerate(options.items())
    ]
    node = {
        "type": "mystDirective",
        "name": name,
        "options": options,
        "children": children,
        "position": {"start": {"line": first_line}},
    }
    return {"name": name, "node": node, "arg": arg, "options": options, "body": []}


def options(text: str = GOOD_OPTIONS) -> dict[str, str]:
    return {line[1:].split(":", 1)[0]: line.split(":", 2)[2].strip() for line in text.splitlines()}


def test_spec_names_every_directive_role_and_schema_option():
    code, spec = call()
    assert code == 0
    assert {d["name"] for d in spec["directives"]} == {"event", "event-checklist", "event-links", "event-list"}
    assert {r["name"] for r in spec["roles"]} == {"nbgitpuller", "binder"}
    assert spec["transforms"][0]["stage"] == "document"
    schema = json.loads(resources.files("sphinx_event_ext.model").joinpath("schemas/event.schema.json").read_text())
    (event,) = [d for d in spec["directives"] if d["name"] == "event"]
    assert set(event["options"]) == set(schema["properties"]) - {"title"}


def test_invalid_event_is_an_error_block_reported_at_each_option_line():
    bad = {**options(), "attendees": "many", "colour": "red"}
    code, nodes = call("--directive", "event", data=directive("event", bad, "Geo"))
    assert code == 0
    (block,) = nodes
    assert block["type"] == "admonition" and block["kind"] == "error"
    reported = {n["position"]["start"]["line"]: text_of(n) for n in walk(block) if n["type"] == "link"}
    assert all(n["url"] == "" for n in walk(block) if n["type"] == "link")
    assert "'attendees'" in reported[9] and "many" in reported[9]  # the 6th option, below the fence on line 3
    assert "'colour'" in reported[11]  # an unknown option, named by our validation, at its line


def test_role_on_a_page_without_event_reports_at_its_line():
    code, nodes = call(
        "--role",
        "nbgitpuller",
        data={"name": "nbgitpuller", "node": {"position": {"start": {"line": 7}}}, "body": "intro.ipynb"},
    )
    assert code == 0
    tree = {"type": "root", "children": [{"type": "paragraph", "children": nodes}]}
    code, page = call("--transform", "event-page", data=tree)
    (problem,) = [n for n in walk(page) if n["type"] == "link"]
    assert problem["url"] == "" and problem["position"]["start"]["line"] == 7
    assert "no valid event" in text_of(problem)


def test_page_transform_fills_the_checklist_and_removes_the_card_source():
    _, card = call("--directive", "event", data=directive("event", {**options(), "id": "geo"}, "Geo"))
    _, checklist = call("--directive", "event-checklist", data=directive("event-checklist", {}))
    _, page = call("--transform", "event-page", data={"type": "root", "children": [*card, *checklist]})
    assert "eventSource" not in json.dumps(page) and "eventChecklist" not in json.dumps(page)
    due = [text_of(n) for n in walk(page) if n["type"] == "listItem" and "Tell the hub team" in text_of(n)]
    assert "due 2027-02-17" in due[0]  # 21 days before 2027-03-10


def test_event_directive_writes_what_its_buttons_link_to(project):
    _, (card,) = call("--directive", "event", data=directive("event", {**options(), "id": "geo"}, "Geo"))
    links = {text_of(n): n["url"] for n in walk(card) if n["type"] == "link"}
    for label, name in (("Add to calendar", "event.ics"), ("Pre-warm request (JSON)", "prewarm.json")):
        assert links[label] == f"/_build/site/public/_events/geo/{name}"
        assert (project / links[label].lstrip("/")).is_file()
    assert json.loads((project / "_build/site/public/_events/geo/prewarm.json").read_text())["user_number"] == 80


def test_default_id_is_the_same_for_the_plugin_and_the_check(tmp_path: Path):
    (tmp_path / "myst.yml").write_text("version: 1\n", "utf-8")
    (tmp_path / "page.md").write_text(event_block("Geo Workshop 2027"), "utf-8")
    (found,) = scan([tmp_path], ids_from_titles=True)
    _, (card,) = call("--directive", "event", data=directive("event", options(), "Geo Workshop 2027"))
    assert card["identifier"] == f"event-{found.result.event.id}" == "event-geo-workshop-2027"


def test_unknown_call_fails_with_a_message(capsys):
    assert main(["--directive", "nope"], io.StringIO("{}"), io.StringIO()) == 2
    assert "unknown call" in capsys.readouterr().err


def test_input_that_is_not_mystmd_json_fails_in_one_line(capsys):
    assert main(["--directive", "event"], io.StringIO("not json"), io.StringIO()) == 1
    err = capsys.readouterr().err
    assert err.startswith("event plugin: --directive event: JSONDecodeError") and "Traceback" not in err


def test_prewarm_of_a_myst_project_names_events_as_its_plugin_does(project, cli):
    (project / "myst.yml").write_text("version: 1\n", "utf-8")
    (project / "page.md").write_text(event_block("Geo Workshop 2027"), "utf-8")
    ran = cli("prewarm", ".", "--id", "geo-workshop-2027", cwd=project)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["event_id"] == "geo-workshop-2027"
