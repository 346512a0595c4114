"""An event page's public address as this build publishes it, for the checklist's messages and the outputs."""

from __future__ import annotations

from sphinx.application import Sphinx

from ..plan import site_layout
from ..plan.site_layout import HTML_SETTINGS, HtmlSettings
from .state import ValidRecord


def page_url(app: Sphinx, record: ValidRecord) -> str | None:
    """The event's public address, when ``html_baseurl`` says where the site is published, for this build's builder."""
    values = {name: getattr(app.config, name, None) for name in HTML_SETTINGS}
    return site_layout.page_url(record.docname, record.event.id, app.builder.name, HtmlSettings.from_values(values))
