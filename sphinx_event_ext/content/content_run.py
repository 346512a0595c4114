"""The content run of one event: its environment built (or reused), its notebooks run top to bottom, and what
failed said at the event."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .check_record import ERROR, INFO, WARNING, CheckSettings, EventSite, Finding
from .content_source import content_and_commit, environment_candidates
from .environment import (
    EnvironmentBuildError,
    Installer,
    KernelEnvironment,
    checker_environment,
    choose_environment,
)
from .environment_files import EnvironmentFileError
from .extra import MissingExtra, require_check_extra
from .live_progress import Write, content_progress
from .pull import PullError
from .pulls import Pulls
from .results import FAILED, NotebookResult
from .sanitize import one_line
from .store import execution_folder

Report = Callable[[Finding], None]


def _environment(site: EventSite, settings: CheckSettings, pulls: Pulls, source: Path) -> KernelEnvironment:
    """The environment the event's notebooks run in, built (or reused) from what the event declares."""
    config = settings.environment
    if not config.build:
        return checker_environment(None, None, "event_environment_build is False")
    installer = Installer(
        index=config.index,
        find_links=(str(config.find_links),) if config.find_links else (),
        offline=config.offline,
        channel_mirrors=dict(config.channel_mirrors),
        python_policy=config.python_policy,
    )
    return choose_environment(environment_candidates(site, pulls, source), config.cache, installer)


def _say_environment(environment: KernelEnvironment, site: EventSite, write: Write, report: Report) -> None:
    """The environment in the build's log; an approximation also in the check's own output (``write``), which
    ``sphinx-event check`` shows even though it runs quiet, so a pass there never reads as a proof."""
    event_id = site.event.id
    for warning in environment.warnings:
        report(Finding(WARNING, "environment", warning, site.docname, site.lineno))
    kind = "reused" if environment.reused else "built"
    where = f"{kind} from {environment.source.location}" if environment.python and environment.source else ""
    report(
        Finding(INFO, "environment", f"environment of event {event_id!r}: Python {environment.python_version} {where}")
    )
    for line in (*environment.notes, *(environment.spec.not_reproduced if environment.spec else ())):
        report(Finding(INFO, "environment", f"  {one_line(line)}"))
    if environment.approximated:
        write(f"{event_id}: the environment only approximates the hub's, so a pass here is not a proof:")
        for line in environment.approximations:
            write(f"{event_id}:   {one_line(line)}")


def failure_text(result: NotebookResult, log_dir: Path) -> str:
    """The failure, the tail of its traceback, and where the full one is."""
    lines = [result.message]
    if result.failure is not None and result.failure.traceback:
        lines.extend(f"    | {line}" for line in result.failure.traceback_tail.splitlines())
    if result.log:
        lines.append(f"    full traceback: {one_line(str(log_dir / result.log))}")
    return "\n".join(lines)


def run_content(
    site: EventSite,
    settings: CheckSettings,
    pulls: Pulls,
    source: Path,
    write: Write,
    terminal: TextIO | None,
    report: Report,
) -> tuple[dict[str, Any] | None, int]:
    """Run the event's notebooks: the report (the ``execution.json`` data with its environment; None when the
    content could not be run) and the number of failures it counts."""
    event = site.event
    folder = execution_folder(settings.state_folder)

    def error(subtype: str, message: str) -> None:
        report(Finding(ERROR, subtype, message, site.docname, site.lineno))

    try:
        environment = _environment(site, settings, pulls, source)
    except (EnvironmentBuildError, EnvironmentFileError, PullError, OSError) as problem:
        error(
            "environment",
            f"the environment of event {event.id!r} cannot be built, so its notebooks were not run: {problem}",
        )
        return None, 1
    _say_environment(environment, site, write, report)
    try:
        require_check_extra("running the content (event_execute)")
        # The runner and its Jupyter dependencies load only when content is run.
        from .execute import run_event_content

        root, commit = content_and_commit(site, pulls)
        with content_progress(write, event.id, terminal) as progress:
            result = run_event_content(
                root,
                event.notebooks,
                jobs=settings.jobs or None,
                timeout=event.timeout or settings.timeout,
                kernel_name=event.kernel,
                allow_errors=event.allow_errors,
                cache_dir=folder / "cache",
                force=settings.force,
                log_dir=folder / "logs" / event.id,
                compare_outputs=event.compare_outputs,
                output_limit=settings.output_limit,
                protect=list(settings.protect),
                unprotected=list(settings.unprotected),
                kernel_argv=environment.kernel_argv,
                module_hint=environment.missing_module_hint,
                on_progress=progress,
                environment_variables=settings.execute_env,
                proven_against=commit,
            )
    except (MissingExtra, PullError, OSError, ValueError) as problem:
        error("execution", f"content of event {event.id!r} cannot be run: {one_line(str(problem))}")
        return None, 1
    report(
        Finding(
            INFO,
            "execution",
            f"content of event {event.id!r}: {len(result.results)} notebook(s) in {result.duration:.1f} s",
        )
    )
    for pattern in result.unmatched_globs:
        report(
            Finding(
                WARNING,
                "execution",
                f"notebooks: {one_line(repr(pattern))} matches no notebook",
                site.docname,
                site.lineno,
            )
        )
    for notebook in result.results:
        if notebook.changed_outputs:
            cells = ", ".join(str(cell) for cell in notebook.changed_outputs)
            report(
                Finding(
                    WARNING,
                    "outputs",
                    f"notebook {one_line(notebook.path)}: the outputs of cell(s) {cells} differ from the saved ones",
                    site.docname,
                    site.lineno,
                )
            )
    if result.changed_source:
        error("execution", f"content of event {event.id!r}: {result.changed_message}")
    for notebook in result.failed:
        error("execution", f"notebook {failure_text(notebook, folder / 'logs' / event.id)}")
    data = {**result.to_json(), "environment": environment.to_json()}
    return data, data["summary"][FAILED] + bool(result.changed_source)
