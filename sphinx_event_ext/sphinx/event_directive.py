"""The ``event`` directive: validate the metadata, remember the event, render its card."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docutils import nodes
from myst_parser.parsers.directives import parse_directive_text
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..model.config import EventConfig, settings, today_for
from ..model.directive import EventDirectiveShape, option_lines, options_format_problem, with_repeats
from ..model.event import Event, Problem
from ..model.validate import ParseResult, parse_event
from ..plan.binder import binder_notice, notice_advice, over_quota, quota_advice, uses_mybinder
from ..plan.links import LinkError, event_binder_link, event_nbgitpuller_link
from ..plan.notify import hub_team
from ..plan.prewarm import event_prewarm_text
from ..plan.site_layout import event_file
from ..plan.timing import late_notice_advice, notice
from .card import button, button_row, event_card
from .collector import page, record
from .content_check import execution_report, report_section
from .prewarm_sentence import prewarm_sentence
from .state import LinkUse

logger = logging.getLogger(__name__)


class EventDirective(EventDirectiveShape, SphinxDirective):
    """Describe one event; its options are the properties of ``event.schema.json``."""

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0] if self.arguments else None
        page_dir = Path(self.env.doc2path(self.env.docname)).parent
        problem = self._options_format_problem()
        if problem:
            result = ParseResult(None, [problem])
        else:
            result = parse_event(title, self.options, default_id=self.env.docname, page_dir=page_dir)
        options_text = self.block_text.partition("\n")[2]
        result, repeats = with_repeats(result, options_text)
        event, problems = result.event, result.problems
        lines = tuple(
            sorted((option, self.lineno + 1 + offset) for option, offset in option_lines(options_text).items())
        )
        page(self.env, self.env.docname).events.append(
            record(self.env.docname, self.lineno, event, tuple(problems), lines)
        )
        location = self.get_location()
        at = {**option_lines(options_text), **repeats}
        for problem in problems:
            line = self.lineno + 1 + at[problem.option] if problem.option in at else self.lineno
            logger.error(
                "event option %r: %s",
                problem.option,
                problem.message,
                location=(self.env.docname, line),
                type="event",
                subtype="invalid",
            )
        if event is None:
            return []
        config = settings(self.config)
        today = today_for(self.config)
        verdict = notice(event, today, config.notice_days)
        if verdict.warn and not event.cancelled:
            logger.warning(
                "event %r starts on %s: %s",
                event.id,
                event.start.isoformat(),
                late_notice_advice(event, verdict, config.notice_days, today),
                location=location,
                type="event",
                subtype="notice",
            )
        self._warn_mybinder(event, today)
        body = [execution_report(event_id=event.id, part="status"), *self.parse_content_to_nodes()]
        organizer_buttons = self._organizer_buttons(event, config)
        if uses_mybinder(event):
            organizer_buttons.append(
                button("Request mybinder.org resources", event_action="mybinder", event_id=event.id, outline=True)
            )
        organize: list[nodes.Node] = [button_row("For organizers:", organizer_buttons)]
        if config.execute and config.execution_report != "hidden":
            organize.append(report_section(event.id, opened=config.execution_report == "inline"))
        attend = button_row("For attendees:", self._attendee_buttons(event))
        text = event_prewarm_text(event, config.prewarm_lead_minutes)
        prewarm = prewarm_sentence(text, text, event_id=event.id)
        return [event_card(event, verdict, attend, body, organize, prewarm)]

    def _warn_mybinder(self, event: Event, today: dt.date) -> None:
        """mybinder.org's notice rule and launch quota, for an event whose attendees launch there."""
        if not uses_mybinder(event) or today > event.end or event.cancelled:
            return
        verdict = binder_notice(event, today)
        if verdict.warn and not event.cancelled:
            logger.warning(
                "event %r starts on %s: %s",
                event.id,
                event.start.isoformat(),
                notice_advice(verdict),
                location=self.get_location(),
                type="event",
                subtype="binder-notice",
            )
        if over_quota(event):
            logger.warning(
                "event %r: %s",
                event.id,
                quota_advice(event),
                location=self.get_location(),
                type="event",
                subtype="binder-quota",
            )

    def _options_format_problem(self) -> Problem | None:
        """MyST's "Invalid options format", read again from the fence's text: MyST passes no option then.

        Only a MyST fence is read again (rST reports its own option errors and never runs the directive).
        """
        if self.options or not self.block_text.startswith(("`", ":", "~")):
            return None
        content = "\n".join(self.block_text.splitlines()[1:-1])
        parsed = parse_directive_text(type(self), "", content, line=self.lineno)
        return options_format_problem((warning.msg, warning.lineno) for warning in parsed.warnings)

    def _attendee_buttons(self, event: Event) -> list[nodes.Node]:
        """Open the content on the hub or on Binder, and add the event to a calendar."""
        attendee: list[nodes.Node] = []
        if event.content_repo:
            page(self.env, self.env.docname).links.append(
                LinkUse(self.env.docname, self.lineno, "card", event.id, None)
            )
            for label, make_link in (("Open on the hub", event_nbgitpuller_link), ("Try on Binder", event_binder_link)):
                try:
                    attendee.append(button(label, make_link(event)))
                except LinkError as error:
                    location = self.get_location()
                    logger.warning("%s: %s", label, error, location=location, type="event", subtype="link")
        attendee.append(button("Add to calendar", event_asset=event_file(event.id, "event.ics"), outline=True))
        return attendee

    def _organizer_buttons(self, event: Event, config: EventConfig) -> list[nodes.Node]:
        """Messages to the hub team, where the site says (or the hub's domain implies) who that is, and the
        pre-warm request."""
        team = hub_team(event.hub, config.support_email, config.issue_repo)
        organizer: list[nodes.Node] = []
        if team.support_email:
            organizer.append(button("Notify the hub team", event_action="notify", event_id=event.id))
        if team.issue_repo:
            organizer.append(button("Open the event issue form", event_action="issue", event_id=event.id, outline=True))
        if team.support_email:
            organizer.append(button("Heads-up email", event_action="heads-up", event_id=event.id, outline=True))
        organizer.append(
            button("Pre-warm request (JSON)", event_asset=event_file(event.id, "prewarm.json"), outline=True)
        )
        return organizer
