"""What the hub team's outputs add to event pages, as a reader sees them in Chromium: the overlap warning under
the card, the mybinder.org request button and a cancelled event's status, and the hub team's board, in the
four themes at 390 and 1,280 px. Screenshots are kept under the build folder (``screenshots/``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import TIMEOUT_MS, serve
from browser import chromium as launch_chromium
from sphinx.cmd.build import build_main

pytestmark = pytest.mark.browser

THEMES = ("alabaster", "furo", "pydata_sphinx_theme", "sphinx_book_theme")
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
CONF = """\
extensions = ["myst_parser", "sphinx_event_ext"]
exclude_patterns = ["_build"]
project = "Hub events"
html_title = "Hub events"  # pydata-sphinx-theme's phone header has no room for "Hub events documentation"
html_theme = {theme!r}
html_context = {{"default_mode": "light"}}
event_today = "2027-02-20"
event_node_pool = "user-pool"
"""


def _event(event_id: str, title: str, zone: str, hours: str, attendees: int, extra: str = "") -> str:
    return (
        f"# {title}\n\n```{{event}} {title}\n:id: {event_id}\n:hub: https://geo.2i2c.cloud\n:start: 2027-03-11\n"
        f":end: 2027-03-11\n:active-hours: {hours}\n:timezone: {zone}\n:attendees: {attendees}\n"
        f":notified: 2027-01-05\n:content-repo: https://github.com/example-org/geo-workshop\n{extra}```\n"
    )


PAGES = {
    "index": "# Hub events\n\n```{toctree}\ngeo\nocean\nclosed\nlate\n```\n",
    "geo": _event(
        "geo", "Intro to Geospatial Python", "America/Denver", "09:00-12:00", 140, ":binder-attendees: 120\n"
    ),
    "ocean": _event("ocean", "Ocean Data Course", "America/New_York", "10:00-13:00", 300),
    "closed": _event("closed", "Cancelled Workshop", "America/Denver", "09:00-12:00", 30, ":status: cancelled\n"),
    "late": _event("late", "Climate Sprint", "Europe/Berlin", "09:00-17:00", 25, "")
    .replace(":notified: 2027-01-05\n", "")
    .replace("geo.2i2c.cloud", "climate.2i2c.cloud")
    .replace("2027-03-11", "2027-03-01"),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hub-team-pages")
    outputs = {}
    for theme in THEMES:
        src = root / theme
        src.mkdir()
        (src / "conf.py").write_text(CONF.format(theme=theme), "utf-8")
        for name, text in PAGES.items():
            (src / f"{name}.md").write_text(text, "utf-8")
        out = src / "_build" / "html"
        assert build_main(["-q", "-b", "html", "-d", str(root / "doctrees" / theme), str(src), str(out)]) == 0
        outputs[theme] = out
    feed = outputs[THEMES[0]] / "_events" / "events.json"
    for theme in THEMES:  # a hub team's board of that site's events, in each theme
        src = root / f"board-{theme}"
        src.mkdir()
        conf = CONF.format(theme=theme).replace("Hub events", "Hub team board")
        (src / "conf.py").write_text(conf + f"event_board_feeds = [{str(feed)!r}]\n", "utf-8")
        (src / "index.md").write_text("# Our communities' events\n\n```{event-board}\n```\n", "utf-8")
        out = src / "_build" / "html"
        assert (
            build_main(["-q", "-b", "html", "-d", str(root / "doctrees" / f"board-{theme}"), str(src), str(out)]) == 0
        )
        outputs[f"board-{theme}"] = out
    return outputs


@pytest.mark.parametrize("theme", THEMES)
def test_overlap_warning_button_and_status_on_a_phone_and_a_desktop(sites, theme, tmp_path_factory):
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    with launch_chromium() as browser, serve(sites[theme]) as base:
        for width, (w, h) in WIDTHS.items():
            context = browser.new_context(viewport={"width": w, "height": h})
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            try:
                page.goto(f"{base}/geo.html", wait_until="load")
                page.screenshot(path=str(shots / f"{theme}-{width}-geo.png"), full_page=True)
                warning = page.locator(".event-overlap")
                assert warning.is_visible()
                assert "together they need 6" in warning.inner_text()
                card, box = page.locator(".event-card").bounding_box(), warning.bounding_box()
                assert card is not None and box is not None and box["y"] >= card["y"] + card["height"] - 1
                button = page.get_by_role("link", name="Request mybinder.org resources")
                assert button.get_attribute("href").startswith("https://github.com/jupyterhub/mybinder.org-deploy/")
                scroll = page.evaluate("() => document.documentElement.scrollWidth")
                assert scroll <= w, f"the page scrolls sideways ({scroll} px in a {w} px window)"
                page.goto(f"{base}/closed.html", wait_until="load")
                page.screenshot(path=str(shots / f"{theme}-{width}-closed.png"), full_page=True)
                assert "Status" in page.locator(".event-facts").inner_text()
                assert page.locator(".event-title .sd-badge").inner_text() == "Cancelled"
                assert page.locator(".event-overlap").count() == 0
            finally:
                context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_board_on_a_phone_and_a_desktop(sites, theme, tmp_path_factory):
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    with launch_chromium() as browser, serve(sites[f"board-{theme}"]) as base:
        for width, (w, h) in WIDTHS.items():
            context = browser.new_context(viewport={"width": w, "height": h})
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            try:
                page.goto(f"{base}/index.html", wait_until="load")
                page.screenshot(path=str(shots / f"{theme}-{width}-board.png"), full_page=True)
                text = page.locator(".event-board").inner_text()
                assert "3 upcoming event(s) from 1 of 1 feed(s)." in text
                assert "4 (sum 6)" in text and "Climate Sprint (late)" in text
                scroll = page.evaluate("() => document.documentElement.scrollWidth")
                assert scroll <= w, f"the board scrolls sideways ({scroll} px in a {w} px window)"
            finally:
                context.close()
