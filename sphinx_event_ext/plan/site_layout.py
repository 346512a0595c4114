"""Where things are in a built site: each page's public address and each event's own folder.

One home for both, so the build and the command line (which builds nothing) agree: the
build passes its own builder's name, the command line the one it is told (``--builder``).
Addresses follow Sphinx's HTML builders exactly (``html``: ``events/hackathon.html``;
``dirhtml``: ``events/hackathon/``; ``singlehtml``: every page is the root document's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

#: The folder of the HTML output that holds every event's files (pre-warm request, calendar, records).
EVENTS_FOLDER = "_events"
#: The builders whose page addresses :func:`page_path` knows; any other is treated as ``html``.
BUILDERS = ("html", "dirhtml", "singlehtml")
#: The conf.py names :class:`HtmlSettings` reads.
HTML_SETTINGS = ("html_baseurl", "html_file_suffix", "html_link_suffix", "root_doc")


def event_output_dir(event_id: str) -> str:
    """The event's folder in the HTML output, relative to it: ``_events/<id>``."""
    return f"{EVENTS_FOLDER}/{event_id}"


def event_file(event_id: str, name: str) -> str:
    """One of the event's files in the HTML output, relative to it: ``_events/<id>/<name>``."""
    return f"{event_output_dir(event_id)}/{name}"


@dataclass(frozen=True)
class HtmlSettings:
    """The conf.py values that decide a page's address, with Sphinx's defaults."""

    baseurl: str = ""
    file_suffix: str | None = None
    link_suffix: str | None = None
    root_doc: str = "index"

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> HtmlSettings:
        """From conf.py's names (``html_baseurl``, ``html_file_suffix``, ``html_link_suffix``, ``root_doc``)."""
        return cls(
            baseurl=str(values.get("html_baseurl") or ""),
            file_suffix=values.get("html_file_suffix"),
            link_suffix=values.get("html_link_suffix"),
            root_doc=str(values.get("root_doc") or "index"),
        )


def page_path(docname: str, builder: str, settings: HtmlSettings) -> str:
    """The page's address relative to the site's root, as ``builder`` writes it."""
    out_suffix = settings.file_suffix if settings.file_suffix is not None else ".html"
    if builder == "dirhtml":
        if docname == "index":
            return ""
        return docname[: -len("index")] if docname.endswith("/index") else f"{docname}/"
    if builder == "singlehtml":
        return f"{settings.root_doc}{out_suffix}"
    link_suffix = settings.link_suffix if settings.link_suffix is not None else out_suffix
    return quote(docname) + link_suffix


def page_url(docname: str, event_id: str, builder: str, settings: HtmlSettings) -> str | None:
    """The event's public address on its page, when ``html_baseurl`` says where the site is published."""
    if not settings.baseurl:
        return None
    return f"{settings.baseurl.rstrip('/')}/{page_path(docname, builder, settings)}#event-{event_id}"
