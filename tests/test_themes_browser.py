"""The event page as attendees and organizers see it, in the four themes people publish with, in light and
dark mode, on a phone (390 px) and a desktop (1,280 px), in Debian's Chromium (see ``browser.py``).

One small site, with an event whose content check runs 20 notebooks, is built once per theme for the whole
session (the four builds share their doctrees, so the notebooks run once); every case then only loads pages.
A screenshot of every case is kept under the build folder (``screenshots/``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat
import pytest
from browser import TIMEOUT_MS, serve
from browser import chromium as launch_chromium
from gitrepos import make_bare_repo
from sphinx.cmd.build import build_main

pytestmark = pytest.mark.browser

#: Theme module name -> whether it has a dark mode that follows the reader's system setting.
THEMES = {"alabaster": False, "furo": True, "pydata_sphinx_theme": True, "sphinx_book_theme": True}
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
NOTEBOOKS = 20
PAGES_CHECKED = ("workshop", "index", "links")
#: Where to keep the first screen of the index and the event page per theme and width, for the docs
#: (`SPHINX_EVENT_SCREENSHOTS=docs/_static/screenshots/themes pytest tests/test_themes_browser.py`).
DOCS_SCREENSHOTS = os.environ.get("SPHINX_EVENT_SCREENSHOTS")

CONF = """\
extensions = ["myst_parser", "sphinx_event_ext"]
exclude_patterns = ["_build"]
project = "Workshops"
html_title = "Workshops"  # pydata-sphinx-theme's phone header has no room for "Workshops documentation"
# pydata-sphinx-theme and sphinx-book-theme follow the reader's light or dark setting; without this they log
# "Got invalid theme mode" to the console on a first visit.
html_context = {"default_mode": "auto"}
event_today = "2027-04-10"
event_verify_links = True
event_execute = True
event_execute_jobs = 2
"""

WORKSHOP = """\
# Intro to geospatial Python

```{{event}} Intro to geospatial Python with a rather long title for a phone
:id: workshop
:hub: https://geo-workshop.2i2c.cloud
:start: 2027-05-10
:end: 2027-05-11
:active-hours: 09:00-17:00
:timezone: America/Denver
:attendees: 60
:notified: 2027-04-01
:contact: Ada Lovelace <ada@example.org>
:content-repo: {repo}
:content-branch: main
:image: quay.io/2i2c/a-very-long-image-name-for-geospatial-workshops-on-the-hub:2027.04.01-0123456789abcdef
:notes: Attendees bring their own laptops; the second day is a hands-on project day with group work.

Two mornings of maps, rasters and vectors with GeoPandas and Xarray. Click **Open on the hub** to get the
notebooks into your home folder on the hub; your changes are never overwritten.
```

```{{event-checklist}}
```
"""

OTHER = """\
# Hackathon

```{event} Hackathon
:id: hackathon
:hub: https://a-rather-long-hub-name-for-a-hackathon.jupyterhub.example-university.edu
:start: 2027-06-01
:end: 2027-06-03
:active-hours: 08:30-18:00
:timezone: Europe/Amsterdam
:attendees: 150
:notified: 2027-04-01
```
"""

INDEX = """\
# Workshops

```{toctree}
workshop
links
other
```

```{event-list}
```
"""

LINKS = """\
# Links

```{event-links}
:event: workshop
```
"""


def _notebook(index: int) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_markdown_cell(f"# Lesson {index}"), nbformat.v4.new_code_cell(f"{index} + 1")]
    return nbformat.writes(notebook)


@dataclass(frozen=True)
class Sites:
    """The built sites, one HTML folder per theme, and where screenshots go."""

    root: Path
    outputs: dict[str, Path]

    @property
    def screenshots(self) -> Path:
        return self.root / "screenshots"


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    """Build the site once per theme; the builds share their doctrees folder, where the content check keeps its
    cache, so the notebooks run in the first build only (``-E``: every build still reads every page)."""
    pytest.importorskip("nbclient")
    root = tmp_path_factory.mktemp("theme-sites")
    files = {f"notebooks/{index:02d}-lesson.ipynb": _notebook(index) for index in range(1, NOTEBOOKS + 1)}
    repo = make_bare_repo(root / "repos", "geo-workshop", {"main": files})
    src = root / "src"
    src.mkdir()
    pages = {"index": INDEX, "workshop": WORKSHOP.format(repo=repo), "links": LINKS, "other": OTHER}
    for name, text in pages.items():
        (src / f"{name}.md").write_text(text, "utf-8")
    outputs = {}
    for theme in THEMES:
        conf = CONF + f"html_theme = {theme!r}\nevent_content_cache = {str(root / 'cache')!r}\n"
        (src / "conf.py").write_text(conf, "utf-8")
        out = root / "html" / theme
        status = build_main(["-b", "html", "-q", "-E", "-d", str(root / "doctrees"), str(src), str(out)])
        assert status == 0, f"the {theme} build failed with status {status}"
        outputs[theme] = out
    return Sites(root, outputs)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with launch_chromium() as launched:
        yield launched


CASES = [
    (theme, mode, width)
    for theme, dark in THEMES.items()
    for mode in (("light", "dark") if dark else ("light",))
    for width in WIDTHS
]

# Every colour as the browser paints it, through a canvas, so any CSS colour syntax reads as sRGB.
CONTRAST_JS = """(selectors) => {
  const canvas = document.createElement("canvas"); canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  const rgba = (colour) => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = "#000"; ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 1, 1); const d = ctx.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255]; };
  const over = (top, base) => [0, 1, 2].map((i) => top[i] * top[3] + base[i] * (1 - top[3]));
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let base = [255, 255, 255];
    for (const layer of layers.reverse()) base = over(layer, base);
    return base;
  };
  const luminance = (c) => { const v = c.map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const results = [];
  for (const selector of selectors) {
    for (const element of document.querySelectorAll(selector)) {
      if (!element.getClientRects().length || !element.textContent.trim()) continue;
      const back = background(element);
      const fore = over(rgba(getComputedStyle(element).color), back);
      const [a, b] = [luminance(fore), luminance(back)].sort((x, y) => y - x);
      results.push({selector, text: element.textContent.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05)});
    }
  }
  return results;
}"""

LABEL_LINES_JS = """() => Array.from(document.querySelectorAll(".event-card dl.event-facts > dt")).map((label) => {
  const range = document.createRange(); range.selectNodeContents(label);
  const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
  return {text: label.textContent.trim(), lines: tops.size, clipped: label.scrollWidth > label.clientWidth + 1};
})"""


# Every word of every cell of the event list and the links table, measured where the browser laid it out: a word
# whose characters sit on more than one line is broken inside. Words are split at white space; in a link to an
# address (a hub's host) also after a hyphen, where a host may break as a compound word does. The table's box must
# also show every cell whole (nothing cut off at its right edge).
WORD_BREAKS_JS = """() => {
  const broken = [], cut = [];
  const lines = (node, start, end) => {
    const range = document.createRange(); range.setStart(node, start); range.setEnd(node, end);
    return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.bottom))).size;
  };
  let cells = 0;
  for (const box of document.querySelectorAll(".event-table-scroll")) {
    if (box.scrollWidth > box.clientWidth + 1) cut.push(box.textContent.trim().slice(0, 60));
    for (const cell of box.querySelectorAll("tbody td")) {
      cells += 1;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const link = node.parentElement.closest("a[href^='http']:not(.event-button)");
        for (const match of node.data.matchAll(/\\S+/g)) {
          const parts = link ? match[0].split(/(?<=-)/) : [match[0]];
          let at = match.index;
          for (const part of parts) {
            if (lines(node, at, at + part.length) > 1) broken.push(part);
            at += part.length;
          }
        }
      }
    }
  }
  return {cells, broken, cut};
}"""


def _check_tables_on_a_phone(page: Any, name: str) -> None:
    """No word of the event list or the links table is broken across lines, and no cell is cut off."""
    found = page.evaluate(WORD_BREAKS_JS)
    assert found["cells"] >= 10, f"{name}: no event list or links table found ({found})"
    assert not found["broken"], f"{name}: words broken inside: {found['broken']}"
    assert not found["cut"], f"{name}: cut off at the right edge: {found['cut']}"


def _open(browser: Any, base: str, width: str, mode: str) -> tuple[Any, Any, list[str]]:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=mode)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: Any) -> None:
        # Chromium asks every origin for /favicon.ico on its own; the site links no favicon.
        if message.type == "error" and urlsplit(message.location.get("url", "")).path != "/favicon.ico":
            errors.append(f"console error: {message.text} (at {message.location})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return context, page, errors


@pytest.mark.parametrize(("theme", "mode", "width"), CASES)
def test_event_pages_in_each_theme(sites: Sites, browser: Any, theme: str, mode: str, width: str) -> None:
    sites.screenshots.mkdir(exist_ok=True)
    with serve(sites.outputs[theme]) as base:
        context, page, errors = _open(browser, base, width, mode)
        try:
            for name in PAGES_CHECKED:
                response = page.goto(f"{base}/{name}.html", wait_until="load")
                assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(sites.screenshots / f"{theme}-{mode}-{width}-{name}.png"), full_page=True)
                if DOCS_SCREENSHOTS and mode == "light" and name in ("index", "workshop"):
                    # The first screen, as a reader sees it: for the docs (docs/howto/themes.md).
                    page.screenshot(path=str(Path(DOCS_SCREENSHOTS) / f"{theme}-{width}-{name}.png"))
                scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
                assert scroll <= inner, f"{name}: the page scrolls sideways ({scroll} px in a {inner} px window)"
                if name == "workshop":
                    _check_event_page(page, theme, mode, width)
                elif width == "phone":
                    _check_tables_on_a_phone(page, name)
            assert not errors, "\n".join(errors)
        finally:
            context.close()


def _check_event_page(page: Any, theme: str, mode: str, width: str) -> None:
    if mode == "dark":
        body = page.evaluate(CONTRAST_JS, ["body"])
        assert body, "no body"
        background = page.evaluate(
            "() => { const c = document.createElement('canvas').getContext('2d'); "
            "c.fillStyle = getComputedStyle(document.body).backgroundColor; "
            "c.fillRect(0,0,1,1); return Array.from(c.getImageData(0,0,1,1).data).slice(0,3); }"
        )
        assert sum(background) < 3 * 96, f"{theme} did not switch to dark mode (body background {background})"

    labels = page.evaluate(LABEL_LINES_JS)
    assert len(labels) >= 8, labels
    for label in labels:
        assert label["lines"] == 1 and not label["clipped"], f"the card label {label['text']!r} wraps or is cut"

    selectors = [
        ".event-card dl.event-facts > dt",
        ".event-card dl.event-facts > dd",
        ".event-card dl.event-facts > dd a",
        ".event-card .event-button",
        ".event-card p.event-status",
    ]
    found = page.evaluate(CONTRAST_JS, selectors)
    missing = set(selectors) - {item["selector"] for item in found}
    assert not missing, f"nothing visible matches {missing}"
    low = [item for item in found if item["ratio"] < 4.5]
    assert not low, f"text contrast under 4.5:1: {json.dumps(low, indent=1)}"

    hub = page.locator(".event-card a.event-button", has_text="Open on the hub")
    assert hub.count() == 1
    if width == "desktop":
        box = hub.bounding_box()
        assert box is not None and box["y"] + box["height"] <= WIDTHS[width][1], (
            f"'Open on the hub' is not on the first screen (its bottom is at {box and box['y'] + box['height']} px)"
        )

    status = page.locator(".event-card p.event-status").inner_text()
    # The first theme's build ran the notebooks; the others' builds took their results from its check.
    ran = f"Content checked 2027-04-10: {NOTEBOOKS} notebooks ran"
    cached = re.fullmatch(
        rf"Content checked 2027-04-10: {NOTEBOOKS} notebooks passed \(from the check of \d{{4}}-\d\d-\d\d\)", status
    )
    assert status == ran if theme == "alabaster" else cached, status
    report = page.locator(".event-card details.event-report")
    assert report.count() == 1 and report.get_attribute("open") is None, "the report must start closed"
    assert not page.locator(".event-card details.event-report table").is_visible()

    proven = {"notify": "the metadata", "click": "the link check", "test": "the content check"}
    for key, by in proven.items():
        box = page.locator(f'input.event-checkbox[data-storage-key="sphinx-event-ext:workshop:{key}"]')
        assert box.is_checked(), f"the proven step {key!r} is not checked"
        item = page.locator("li.event-checklist-item", has=box)
        assert f"Proven by {by}" in item.inner_text(), f"{key}: no 'Proven by {by}' note"
    content = page.locator('input.event-checkbox[data-storage-key="sphinx-event-ext:workshop:content"]')
    assert not content.is_checked(), "a file: repository must never count as public"


def test_report_opens_and_shows_cached_runs(sites: Sites, browser: Any) -> None:
    """The organizers open the report: every notebook, and for a cached one the run that proved it."""
    with serve(sites.outputs["furo"]) as base:
        context, page, errors = _open(browser, base, "desktop", "light")
        try:
            page.goto(f"{base}/workshop.html")
            page.locator(".event-card details.event-report > summary").click()
            rows = page.locator(".event-card details.event-report table tbody tr")
            assert rows.count() == NOTEBOOKS
            first = rows.first.inner_text()
            # Furo was built after alabaster, so its notebooks were proven by alabaster's run.
            assert "passed (cached)" in first and "unchanged since it ran on 20" in first, first
            assert "0.0 s" not in first, first
            page.screenshot(path=str(sites.screenshots / "furo-light-desktop-report-open.png"), full_page=True)
            assert not errors, "\n".join(errors)
        finally:
            context.close()
