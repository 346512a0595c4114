"""Run each event's content top to bottom during the build (``event_execute``), fail at the event
when a notebook breaks, and show the result in the event's card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx_design.shared import create_component

from ..content import store
from ..content.environment import (
    EnvironmentBuildError,
    Installer,
    KernelEnvironment,
    checker_environment,
    choose_environment,
)
from ..content.environment_files import EnvironmentFileError
from ..content.extra import MissingExtra, require_check_extra
from ..content.pull import PullError
from ..content.results import CACHED, EXPECTED_ERRORS, FAILED, PASSED, SKIPPED, NotebookResult
from ..content.sanitize import one_line
from ..content.summary import details_text, duration_text, shown_status, status_text
from ..model.config import EventConfig, settings, today_for
from ..plan.site_layout import event_file
from . import warning_replay
from .card import badge, button
from .collector import ValidRecord, find_event, valid_events
from .content_source import content_and_commit, content_folder, environment_candidates
from .progress import content_progress, line_writer
from .state import site_state
from .tables import table

logger = logging.getLogger(__name__)

REPORT_CLASS = "event-report"
STATUS_COLOURS = {PASSED: "success", EXPECTED_ERRORS: "info", CACHED: "secondary", SKIPPED: "warning", FAILED: "danger"}


class execution_report(nodes.General, nodes.Element):
    """Where an event's content-check status line (``part="status"``) or per-notebook report
    (``part="report"``) goes in its card; removed when the content was not run."""


def execution_folder(app: Sphinx) -> Path:
    """Cache and logs of the content check, in the evidence store beside the build, never in the site."""
    return store.execution_folder(app.doctreedir)


def _environment(app: Sphinx, record: ValidRecord, config: EventConfig) -> KernelEnvironment:
    """The environment the event's notebooks run in, built (or reused) from what the event declares."""
    if not config.environment_build:
        return checker_environment(None, None, "event_environment_build is False")
    confdir = Path(app.confdir)
    installer = Installer(
        index=config.environment_index,
        find_links=(str(confdir / config.environment_find_links),) if config.environment_find_links else (),
        offline=config.environment_offline,
        channel_mirrors=dict(config.environment_channel_mirrors),
        python_policy=config.environment_python,
    )
    cache = confdir / config.environment_cache if config.environment_cache else None
    return choose_environment(environment_candidates(app, record), cache, installer)


def _log_environment(
    environment: KernelEnvironment, event_id: str, location: tuple[str, int], write: Callable[[str], None]
) -> None:
    """The environment in the build's log; an approximation also in the check's own output (``write``), which
    ``sphinx-event check`` shows even though it runs quiet, so a pass there never reads as a proof."""
    for warning in environment.warnings:
        logger.warning("%s", warning, location=location, type="event", subtype="environment")
    kind = "reused" if environment.reused else "built"
    where = f"{kind} from {environment.source.location}" if environment.python and environment.source else ""
    logger.info("environment of event %r: Python %s %s", event_id, environment.python_version, where)
    for line in (*environment.notes, *(environment.spec.not_reproduced if environment.spec else ())):
        logger.info("  %s", one_line(line))
    if environment.approximated:
        write(f"{event_id}: the environment only approximates the hub's, so a pass here is not a proof:")
        for line in environment.approximations:
            write(f"{event_id}:   {one_line(line)}")


def _unpulled(app: Sphinx, record: ValidRecord) -> bool:
    """Whether the link check has already said, once, that this event's content cannot be pulled."""
    event = record.event
    key = (event.content_repo, event.content_branch)
    return content_folder(app.env, record) is None and key in site_state(app.env).links.unpulled


def _run(app: Sphinx, record: ValidRecord, config: EventConfig) -> dict[str, Any] | None:
    event, location = record.event, (record.docname, record.lineno)
    folder = execution_folder(app)
    try:
        environment = _environment(app, record, config)
    except (EnvironmentBuildError, EnvironmentFileError, PullError, OSError) as error:
        logger.error(
            "the environment of event %r cannot be built, so its notebooks were not run: %s",
            event.id,
            error,
            location=location,
            type="event",
            subtype="environment",
        )
        return None
    _log_environment(environment, event.id, location, line_writer(app))
    try:
        require_check_extra("running the content (event_execute)")
        # The runner and its Jupyter dependencies load only when content is run.
        from ..content.execute import run_event_content

        root, commit = content_and_commit(app, record)
        with content_progress(app, event.id) as progress:
            report = run_event_content(
                root,
                event.notebooks,
                jobs=config.execute_jobs or None,
                timeout=event.timeout or config.execute_timeout,
                kernel_name=event.kernel,
                allow_errors=event.allow_errors,
                cache_dir=folder / "cache",
                force=config.execute_force,
                log_dir=folder / "logs" / event.id,
                compare_outputs=event.compare_outputs,
                output_limit=config.execute_output_limit,
                protect=[app.srcdir],
                unprotected=[app.outdir, app.doctreedir],
                kernel_argv=environment.kernel_argv,
                module_hint=environment.missing_module_hint,
                on_progress=progress,
                environment_variables=config.execute_env,
                proven_against=commit,
            )
    except (MissingExtra, PullError, OSError, ValueError) as error:
        logger.error(
            "content of event %r cannot be run: %s",
            event.id,
            one_line(str(error)),
            location=location,
            type="event",
            subtype="execution",
        )
        return None
    logger.info("content of event %r: %d notebooks in %.1f s", event.id, len(report.results), report.duration)
    for pattern in report.unmatched_globs:
        logger.warning(
            "notebooks: %s matches no notebook",
            one_line(repr(pattern)),
            location=location,
            type="event",
            subtype="execution",
        )
    for result in report.results:
        if result.changed_outputs:
            cells = ", ".join(str(cell) for cell in result.changed_outputs)
            logger.warning(
                "notebook %s: the outputs of cell(s) %s differ from the saved ones",
                one_line(result.path),
                cells,
                location=location,
                type="event",
                subtype="outputs",
            )
    if report.changed_source:
        logger.error(
            "content of event %r: %s",
            event.id,
            report.changed_message,
            location=location,
            type="event",
            subtype="execution",
        )
    for result in report.failed:
        logger.error(
            "notebook %s",
            failure_text(result, folder / "logs" / event.id),
            location=location,
            type="event",
            subtype="execution",
        )
    return {**report.to_json(), "environment": environment.to_json()}


def failure_text(result: NotebookResult, log_dir: Path) -> str:
    """The failure, the tail of its traceback, and where the full one is."""
    lines = [result.message]
    if result.failure is not None and result.failure.traceback:
        lines.extend(f"    | {line}" for line in result.failure.traceback_tail.splitlines())
    if result.log:
        lines.append(f"    full traceback: {one_line(str(log_dir / result.log))}")
    return "\n".join(lines)


def run_content_checks(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """With ``event_execute``, run every event's notebooks; results are kept for the cards and files.

    Returns the pages whose report changed, so Sphinx writes them again even when they
    were not edited (the content can change without its page).
    """
    state = site_state(env)
    previous = state.execution
    results: dict[str, dict[str, Any]] = {}
    config = settings(app.config)
    failures = 0
    changed: list[str] = []
    if config.execute:
        with warning_replay.live(app):
            for record in valid_events(env):
                if not record.event.has_content:
                    continue
                if _unpulled(app, record):
                    changed.append(record.docname)  # one problem, reported and counted by the link check
                    continue
                report = _run(app, record, config)
                if report is None:
                    failures += 1
                    changed.append(record.docname)
                    continue
                results[record.event.id] = report
                failures += report["summary"][FAILED] + bool(report["changed_source"])
                if _without_run_time(report) != _without_run_time(previous.get(record.event.id)):
                    changed.append(record.docname)
    changed.extend(
        record.docname for record in valid_events(env) if record.event.id in previous.keys() - results.keys()
    )
    state.execution = results
    state.execution_failures = failures
    return sorted(set(changed))


def _without_run_time(report: dict[str, Any] | None) -> dict[str, Any] | None:
    """A report without the whole run's duration, which differs on every run."""
    return None if report is None else {key: value for key, value in report.items() if key != "duration"}


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
    results = site_state(app.env).execution
    today = today_for(app.config)
    executed = settings(app.config).execute
    for node in list(doctree.findall(execution_report)):
        report = results.get(node["event_id"])
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
