"""The content check's result in each event's card: the status line and the organizers' report, drawn from
the check core's record (content/content_run.py runs the notebooks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx_design.shared import create_component

from ..content.results import CACHED, EXPECTED_ERRORS, FAILED, PASSED, SKIPPED
from ..content.summary import details_text, duration_text, shown_status, status_text
from ..model.config import settings, today_for
from ..plan.site_layout import event_file
from .card import badge, button
from .collector import find_event
from .state import event_check
from .tables import table

logger = logging.getLogger(__name__)

REPORT_CLASS = "event-report"
STATUS_COLOURS = {PASSED: "success", EXPECTED_ERRORS: "info", CACHED: "secondary", SKIPPED: "warning", FAILED: "danger"}


class execution_report(nodes.General, nodes.Element):
    """Where an event's content-check status line (``part="status"``) or per-notebook report
    (``part="report"``) goes in its card; removed when the content was not run."""


def _environment_nodes(environment: dict[str, Any], event_id: str) -> list[nodes.Node]:
    """Which environment the notebooks ran in, whether it only approximates the hub's and how, what it
    could not reproduce, and a link to the full record."""
    line = nodes.paragraph(classes=["event-environment"])
    line += nodes.strong("Environment: ", "Environment: ")
    source = environment["source"] or {}
    approximated = environment.get("approximated", False)
    if approximated:
        line += badge("approximated", "warning")
        line += nodes.Text(" ")
    if environment["declared"]:
        at = f" at {source['branch']} ({source['commit'][:7]})" if source.get("commit") else ""
        asked = environment.get("python_requested")
        python = f"Python {environment['python']}" + (
            f" (asked: {asked})" if asked and not environment["python"].startswith(asked) else ""
        )
        line += nodes.Text(
            f"{', '.join(environment['files'])} in {source['location']}{at}; {python}, "
            f"{len(environment['packages'])} packages "
        )
    else:
        line += nodes.Text(f"Python {environment['python']}, the checker's own environment ")
    line += button("execution.json", event_asset=event_file(event_id, "execution.json"), outline=True)
    approximations = environment.get("approximations", [])
    reproduced = [f"not reproduced: {item}" for item in environment["not_reproduced"]]
    items = list(dict.fromkeys([*environment["notes"], *approximations, *reproduced]))
    if not items:
        return [line]
    listed = nodes.bullet_list()
    listed.extend(nodes.list_item("", nodes.paragraph(item, item)) for item in items)
    if not approximated:
        return [line, listed]
    text = (
        "This environment only approximates the hub's, so the notebooks passing here does not prove they pass "
        "on the hub:"
    )
    return [line, nodes.paragraph(text, text, classes=["event-environment-approximated"]), listed]


def report_section(event_id: str, *, opened: bool) -> nodes.Node:
    """The organizers' section at the foot of the card (a sphinx-design dropdown) that will hold the
    per-notebook report; closed unless the site asks for the report inline."""
    section = create_component(
        "dropdown",
        opened=opened,
        type="dropdown",
        has_title=True,
        icon=None,
        chevron=None,
        container_classes=["sd-mb-0", "sd-mt-2", REPORT_CLASS],
        title_classes=[],
        body_classes=[],
    )
    title = "Organizers: content check report"
    section += nodes.rubric(title, title)
    section += execution_report(event_id=event_id, part="report")
    return section


def _report_nodes(report: dict[str, Any], event_id: str) -> list[nodes.Node]:
    rows: list[list[str | nodes.Node]] = []
    for notebook in report["notebooks"]:
        shown, colour = shown_status(notebook)
        rows.append(
            [
                nodes.literal(notebook["path"], notebook["path"]),
                badge(shown, STATUS_COLOURS[colour]),
                duration_text(notebook),
                str(notebook["code_cells"]),
                details_text(notebook),
            ]
        )
    summary = ", ".join(f"{count} {status}" for status, count in report["summary"].items() if count)
    text = f"{summary or 'no notebooks'}. A cached notebook shows the run that proved it."
    return [
        nodes.paragraph(text, text),
        table(["Notebook", "Status", "Duration", "Code cells", "Details"], rows, [30, 12, 10, 8, 40]),
        *(_environment_nodes(report["environment"], event_id) if "environment" in report else []),
    ]


def _not_checked() -> list[nodes.Node]:
    text = "Content: not checked in this build (sphinx-event check runs the notebooks)"
    return [nodes.paragraph(text, text, classes=["event-not-checked"])]


def _status_node(report: dict[str, Any], today: dt.date) -> nodes.paragraph:
    failed = report["summary"].get(FAILED, 0)
    text = status_text(report, today)
    approximated = (report.get("environment") or {}).get("approximated")
    state = "failed" if failed else "approximated" if approximated else "ok"
    classes = ["event-status", f"event-status-{state}"]
    return nodes.paragraph(text, text, classes=classes)


def _section_of(node: nodes.Element) -> nodes.Element | None:
    parent = node.parent
    while parent is not None and REPORT_CLASS not in parent.get("classes", []):
        parent = parent.parent
    return parent


def resolve_execution_reports(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Fill each card's status line and organizers' report, or drop both when the content was not run."""
    today = today_for(app.config)
    executed = settings(app.config).execute
    for node in list(doctree.findall(execution_report)):
        checked = event_check(app.env, node["event_id"])
        report = checked.execution if checked else None
        if node["part"] == "status":
            if report:
                node.replace_self([_status_node(report, today)])
                continue
            # Say when this build did not run the content, so no card looks checked.
            record = find_event(app.env, node["event_id"])
            node.replace_self(_not_checked() if not executed and record and record.event.has_content else [])
            continue
        section = _section_of(node)
        if report is None and section is not None:
            section.parent.remove(section)
        elif report is None:
            node.replace_self([])
        else:
            if section is not None and report["summary"].get(FAILED, 0):
                section["opened"] = True
            node.replace_self(_report_nodes(report, node["event_id"]))
