"""The built site in a real browser: remembered ticks, labels, console errors, and no-JavaScript reading.

These tests drive Debian's Chromium (``/usr/bin/chromium``) with Playwright (see ``browser.py``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import TIMEOUT_MS, serve
from browser import chromium as launch_chromium
from sphinx.cmd.build import build_main

from sphinx_event_ext.plan.checklist import STEPS

pytestmark = pytest.mark.browser

STEP_COUNT = len(STEPS)  # items of every checklist
UNDONE_KEY = "test"  # never proven by metadata, so its checkbox is free to tick
DONE_KEY = "notify"  # proven by :notified:, so checked and disabled

CONF = textwrap.dedent(
    """\
    extensions = ["myst_parser", "sphinx_event_ext"]
    exclude_patterns = ["_build"]
    event_today = "2027-01-01"
    """
)


def _event(title: str, event_id: str, start: str, end: str) -> str:
    return textwrap.dedent(
        f"""\
        ```{{event}} {title}
        :id: {event_id}
        :hub: https://hub.example.org
        :start: {start}
        :end: {end}
        :active-hours: 09:00-17:00
        :timezone: America/Denver
        :attendees: 30
        :notified: 2026-10-01
        ```

        ```{{event-checklist}}
        :event: {event_id}
        ```
        """
    )


PAGES = {
    "index": "# Events\n\n```{toctree}\nevents\ngeneric\n```\n",
    "events": "# Two events\n\n"
    + _event("Alpha workshop", "alpha", "2027-03-10", "2027-03-11")
    + "\n"
    + _event("Beta workshop", "beta", "2027-04-20", "2027-04-20"),
    "generic": "# Generic checklist\n\n```{event-checklist}\n```\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the site with Sphinx; the HTML output folder."""
    root = tmp_path_factory.mktemp("browser-site")
    src, out = root / "src", root / "out"
    src.mkdir()
    (src / "conf.py").write_text(CONF, "utf-8")
    for name, text in PAGES.items():
        (src / f"{name}.md").write_text(text, "utf-8")
    status = build_main(["-b", "html", "-q", str(src), str(out)])
    assert status == 0, f"sphinx-build failed with status {status}"
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, launched headless by Playwright."""
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Callable[..., Any]]:
    """Open pages in fresh browser contexts (own localStorage), closed after the test."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = chromium.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _box(event_id: str, key: str) -> str:
    return f'input.event-checkbox[data-storage-key="sphinx-event-ext:{event_id}:{key}"]'


def test_ticks_are_remembered_per_event(new_page: Callable[..., Any], base_url: str) -> None:
    page = new_page()
    page.goto(f"{base_url}/events.html")
    alpha, beta = page.locator(_box("alpha", UNDONE_KEY)), page.locator(_box("beta", UNDONE_KEY))
    assert alpha.count() == 1 and beta.count() == 1
    assert not alpha.is_checked() and not beta.is_checked()

    # Tick alpha's item through its label, as a reader would.
    page.locator(f'label[for="{alpha.get_attribute("id")}"]').click()
    assert alpha.is_checked()
    assert not beta.is_checked()

    page.reload()
    assert alpha.is_checked(), "a ticked item must stay ticked after a reload"
    assert not beta.is_checked(), "ticking alpha's item must not tick the same item of beta"
    stored = page.evaluate("() => Object.keys(window.localStorage).sort()")
    assert stored == [f"sphinx-event-ext:alpha:{UNDONE_KEY}"]

    alpha.uncheck()
    page.reload()
    assert not alpha.is_checked(), "an unticked item must stay unticked after a reload"
    assert not beta.is_checked()
    assert page.evaluate("() => window.localStorage.length") == 0


def _html_pages(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


def test_every_checkbox_has_a_label(new_page: Callable[..., Any], base_url: str, site: Path) -> None:
    page = new_page()
    seen = 0
    for name in _html_pages(site):
        page.goto(f"{base_url}/{name}")
        boxes = page.evaluate(
            """() => Array.from(document.querySelectorAll('input[type="checkbox"]')).map((box) => ({
                id: box.id,
                labels: Array.from(box.labels || []).map((label) => ({
                    htmlFor: label.htmlFor,
                    text: label.textContent.trim(),
                })),
            }))"""
        )
        for box in boxes:
            assert box["id"], f"{name}: a checkbox without an id"
            assert box["labels"], f"{name}: checkbox {box['id']!r} has no label"
            for label in box["labels"]:
                assert label["htmlFor"] == box["id"], f"{name}: {box['id']!r} is not labelled with for=id"
                assert label["text"], f"{name}: the label of {box['id']!r} is empty"
        seen += len(boxes)
    assert seen == 3 * STEP_COUNT, f"expected three checklists of {STEP_COUNT} items, found {seen} checkboxes"


def test_no_page_logs_an_error(new_page: Callable[..., Any], base_url: str, site: Path) -> None:
    page = new_page()
    errors: list[str] = []
    current = {"name": ""}

    def on_console(message: Any) -> None:
        # Chromium asks every origin for /favicon.ico on its own; the site links no favicon, so that 404 is not the site's.
        if message.type == "error" and urlsplit(message.location.get("url", "")).path != "/favicon.ico":
            errors.append(f"{current['name']}: console error: {message.text} (at {message.location})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{current['name']}: page error: {error}"))
    pages = _html_pages(site)
    assert {"index.html", "events.html", "generic.html"} <= set(pages)
    for name in pages:
        current["name"] = name
        response = page.goto(f"{base_url}/{name}", wait_until="load")
        assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
        page.wait_for_load_state("networkidle")
    assert not errors, "\n".join(errors)


def test_page_reads_without_javascript(new_page: Callable[..., Any], base_url: str) -> None:
    # A tick stored earlier would be restored by the page's script; with JavaScript off it must not be.
    stored = {"name": f"sphinx-event-ext:alpha:{UNDONE_KEY}", "value": "1"}
    page = new_page(
        java_script_enabled=False,
        storage_state={"cookies": [], "origins": [{"origin": base_url, "localStorage": [stored]}]},
    )
    page.goto(f"{base_url}/events.html")
    for event_id in ("alpha", "beta"):
        boxes = page.locator(f'input.event-checkbox[data-storage-key^="sphinx-event-ext:{event_id}:"]')
        assert boxes.count() == STEP_COUNT
        for index in range(STEP_COUNT):
            box_id = boxes.nth(index).get_attribute("id")
            label = page.locator(f'label[for="{box_id}"]')
            assert label.count() == 1 and label.inner_text().strip(), f"{box_id}: no label without JavaScript"
        done = page.locator(_box(event_id, DONE_KEY))
        assert done.is_checked() and done.is_disabled(), f"{event_id}: the done item is not checked"
        assert not page.locator(_box(event_id, UNDONE_KEY)).is_checked(), "the page's scripts ran"


def test_checklist_prints(new_page: Callable[..., Any], base_url: str) -> None:
    # Printed, a ticked item must still show as ticked, and every item with its label and due date.
    page = new_page()
    page.goto(f"{base_url}/events.html")
    page.locator(f'label[for="{page.locator(_box("alpha", UNDONE_KEY)).get_attribute("id")}"]').click()
    page.emulate_media(media="print")
    boxes = page.locator('input.event-checkbox[data-storage-key^="sphinx-event-ext:alpha:"]')
    assert boxes.count() == STEP_COUNT
    for index in range(STEP_COUNT):
        box = boxes.nth(index)
        assert box.is_visible(), f"checkbox {index} hidden when printed"
        label = page.locator(f'label[for="{box.get_attribute("id")}"]')
        assert label.is_visible() and "due 20" in label.inner_text()
    assert page.locator(_box("alpha", UNDONE_KEY)).is_checked()
    assert page.locator(".event-card").first.is_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"
