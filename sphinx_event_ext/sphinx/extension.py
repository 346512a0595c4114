"""The Sphinx side of the extension: what ``setup`` registers and the build-wide event handlers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.fileutil import copy_asset_file

from .._version import __version__
from ..model.config import EventConfig, config_values, rebuild_kind
from ..model.schema import defer_slow_format_backend
from . import warning_replay
from .board_directive import EventBoardDirective, write_board_calendar
from .build_summary import report_unchecked
from .card import drop_repeated_titles
from .checklist_directive import (
    EventChecklistDirective,
    adopt_published_rehearsals,
    refresh_checklists,
    resolve_checklists,
)
from .collector import EventCollector, all_records, duplicate_ids, forget_index, listing_pages
from .config_check import check_markdown_is_read
from .content_check import execution_report, resolve_execution_reports
from .event_directive import EventDirective
from .event_list import EventListDirective, event_list_placeholder, resolve_event_lists
from .link_roles import (
    ContentLinkRole,
    EventLinksDirective,
    content_link,
    links_placeholder,
    resolve_links,
)
from .nodes import (
    checkbox_label,
    checklist_item,
    checklist_placeholder,
    depart_checkbox_label_html,
    depart_checklist_item_html,
    visit_checkbox_label_html,
    visit_checklist_item_html,
)
from .outputs import (
    refresh_overlaps,
    report_missing_hub_teams,
    resolve_buttons,
    resolve_overlaps,
    write_event_files,
)
from .prewarm_sentence import prewarm_sentence, refresh_prewarm_sentences, resolve_prewarm_sentences
from .reference import (
    CliReferenceDirective,
    ConfigReferenceDirective,
    OptionsReferenceDirective,
    SecretParametersDirective,
)
from .site_check import run_site_check
from .state import site_state
from .template_cache import keep_compiled_templates
from .ticket_check import verify_tickets

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
ENV_VERSION = 3  # 2: the check core's SiteCheck replaced the link and content results; 3: the short overlaps kept


def _check_config(app: Sphinx, config: Any) -> None:
    for problem in EventConfig.from_sphinx(config)[1]:
        logger.error("conf.py: %s", problem, type="event", subtype="config")
        app.statuscode = 1


def _copy_static(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: the stylesheet and script go into the output's ``_static``, as sphinx-design's own do,
    without touching ``html_static_path``: a changed configuration would have every page written again."""
    if exception is None and app.builder.format == "html":
        for path in sorted(STATIC.iterdir()):
            copy_asset_file(str(path), str(Path(app.outdir) / "_static"))


def _report_duplicates(app: Sphinx, env: Any) -> None:
    for first, duplicate in duplicate_ids(env):
        logger.error(
            "event id: %r is already used by the event at %s:%d; ids must be unique across the site (set :id:)",
            duplicate.event.id,
            env.doc2path(first.docname),
            first.lineno,
            location=(duplicate.docname, duplicate.lineno),
            type="event",
            subtype="duplicate",
        )


def _finish(app: Sphinx, exception: Exception | None) -> None:
    """Fail the build on broken events or links, like linkcheck does, without a traceback; else write the files."""
    if exception is not None or app.env is None:
        return
    invalid = sum(len(record.problems) for record in all_records(app.env))
    duplicates = len(duplicate_ids(app.env))
    check = site_state(app.env).check
    links, notebooks = (check.link_failures, check.execution_failures) if check else (0, 0)
    if invalid or duplicates or links or notebooks:
        # Not typed, so suppress_warnings cannot hide why the build failed.
        logger.error(
            "events: %d metadata problem(s), %d duplicate id(s), %d broken link(s), %d content check failure(s); "
            "the build has failed",
            invalid,
            duplicates,
            links,
            notebooks,
        )
        app.statuscode = 1
    elif app.builder.format == "html":
        write_event_files(app)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives, nodes, configuration and assets."""
    defer_slow_format_backend()  # before any extension imports jsonschema
    app.setup_extension("sphinx_design")
    for name, default, _kind, _help in config_values():
        # A list in conf.py is as good as the tuple default (event_board_feeds).
        types = (list, tuple) if isinstance(default, tuple) else ()
        app.add_config_value(name, default, rebuild_kind(name), types=types)
    app.add_node(checklist_placeholder)
    app.add_node(checklist_item, html=(visit_checklist_item_html, depart_checklist_item_html))
    app.add_node(checkbox_label, html=(visit_checkbox_label_html, depart_checkbox_label_html))
    app.add_directive("event", EventDirective)
    app.add_directive("event-checklist", EventChecklistDirective)
    app.add_directive("event-options-reference", OptionsReferenceDirective)
    app.add_directive("event-config-reference", ConfigReferenceDirective)
    app.add_directive("event-cli-reference", CliReferenceDirective)
    app.add_directive("event-secret-parameters", SecretParametersDirective)
    app.add_directive("event-list", EventListDirective)
    app.add_directive("event-board", EventBoardDirective)
    app.add_directive("event-links", EventLinksDirective)
    app.add_role("nbgitpuller", ContentLinkRole("nbgitpuller"))
    app.add_role("binder", ContentLinkRole("binder"))
    app.add_node(event_list_placeholder)
    app.add_node(links_placeholder)
    app.add_node(content_link)
    app.add_node(execution_report)
    app.add_node(prewarm_sentence)
    app.add_env_collector(EventCollector)
    app.add_css_file("sphinx_event_ext.css")
    app.add_js_file("sphinx_event_ext.js", loading_method="defer")
    app.connect("config-inited", _check_config)
    app.connect("builder-inited", check_markdown_is_read)
    app.connect("builder-inited", adopt_published_rehearsals)
    app.connect("builder-inited", keep_compiled_templates)
    app.connect("env-check-consistency", _report_duplicates)
    # Links and content are checked on every build, even when no page changed: the content can
    # change without the pages. Their warnings speak for themselves and are never replayed.
    app.connect("env-updated", run_site_check)
    app.connect("env-updated", verify_tickets)
    app.connect("env-updated", refresh_checklists, priority=600)  # after the checks above
    app.connect("env-updated", refresh_overlaps, priority=600)
    app.connect("env-updated", refresh_prewarm_sentences, priority=600)
    app.connect("env-updated", listing_pages, priority=90)  # before the id index is forgotten
    app.connect("env-before-read-docs", forget_index)
    app.connect("env-updated", forget_index, priority=100)
    app.connect("env-updated", report_missing_hub_teams)
    app.connect("builder-inited", warning_replay.start)
    app.connect("env-before-read-docs", warning_replay.note_read)
    app.connect("env-updated", warning_replay.note_read_done, priority=900)
    app.connect("env-check-consistency", warning_replay.note_consistency)
    app.connect("write-started", warning_replay.note_write)
    app.connect("doctree-resolved", warning_replay.note_written)
    app.connect("build-finished", warning_replay.finish, priority=100)
    app.connect("doctree-read", drop_repeated_titles)
    app.connect("doctree-resolved", resolve_checklists)
    app.connect("doctree-resolved", resolve_event_lists)
    app.connect("doctree-resolved", resolve_links)
    app.connect("doctree-resolved", resolve_execution_reports)
    app.connect("doctree-resolved", resolve_buttons)
    app.connect("doctree-resolved", resolve_overlaps)
    app.connect("doctree-resolved", resolve_prewarm_sentences)
    app.connect("build-finished", _finish)
    app.connect("build-finished", write_board_calendar)
    app.connect("build-finished", _copy_static)
    app.connect("build-finished", report_unchecked)
    # env_version: the shape of what the extension pickles with the environment (sphinx/state.py); a change
    # makes Sphinx read every page again instead of loading a SiteState it cannot use.
    return {"version": __version__, "env_version": ENV_VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
