"""An approximated environment as organizers see it, in the four themes, on a phone and a desktop, in Debian's
Chromium: the card's status line and environment say *approximated*, and the checklist's content step is not
ticked and looks unlike a proven step (a dashed box and rule in the warning colour, not the success colour).

The site's content asks for Python 3.10 (``runtime.txt``), which this machine lacks and uv cannot download here;
``event_environment_python = "nearest"`` accepts the nearest. Screenshots are kept under ``screenshots/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import TIMEOUT_MS, serve
from browser import chromium as launch_chromium
from sites import write_notebook
from sphinx.cmd.build import build_main
from wheels import make_wheel

pytestmark = pytest.mark.browser

THEMES = ("alabaster", "furo", "pydata_sphinx_theme", "sphinx_book_theme")
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
PACKAGE = "tinyturtle_sphinx_event_test"

PAGE = """\
# Intro to geospatial Python

```{event} Intro to geospatial Python
:id: workshop
:hub: https://geo-workshop.2i2c.cloud
:start: 2027-05-10
:end: 2027-05-11
:active-hours: 09:00-17:00
:timezone: America/Denver
:attendees: 60
:notified: 2027-04-01
:content-path: content
```

```{event-checklist}
```
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    pytest.importorskip("nbclient")
    root = tmp_path_factory.mktemp("approximated")
    wheels = root / "wheels"
    make_wheel(wheels, PACKAGE, "1.2", {PACKAGE: "SPEED = 3\n"})
    src = root / "src"
    (src / "content").mkdir(parents=True)
    (src / "content" / "requirements.txt").write_text(f"{PACKAGE}\n")
    (src / "content" / "runtime.txt").write_text("python-3.10\n")
    write_notebook(src / "content" / "01-maps.ipynb", f"import {PACKAGE}")
    (src / "workshop.md").write_text(PAGE)
    (src / "index.md").write_text("# Workshops\n\n```{toctree}\nworkshop\n```\n")
    outputs = {}
    for theme in THEMES:
        (src / "conf.py").write_text(
            'extensions = ["myst_parser", "sphinx_event_ext"]\nexclude_patterns = ["_build", "content"]\n'
            f"html_theme = {theme!r}\nproject = 'Workshops'\nhtml_title = 'Workshops'\nhtml_context = {{'default_mode': 'auto'}}\n"
            "event_today = '2027-04-10'\nevent_execute = True\n"
            "event_environment_python = 'nearest'\n"
            f"event_environment_cache = {str(root / 'environments')!r}\n"
            f"event_environment_find_links = {str(wheels)!r}\nevent_environment_offline = True\n"
        )
        out = root / "html" / theme
        status = build_main(["-b", "html", "-q", "-E", "-d", str(root / "doctrees"), str(src), str(out)])
        assert status == 0, f"the {theme} build failed"
        outputs[theme] = out
    (root / "screenshots").mkdir()
    return root / "screenshots", outputs


@pytest.fixture(scope="module")
def browser() -> Any:
    with launch_chromium() as launched:
        yield launched


STYLE_JS = """() => {
  const step = document.querySelector("li.event-checklist-item:has(input[data-storage-key$=':test'])");
  const proven = document.querySelector("li.event-checklist-proven input.event-checkbox");
  const box = step.querySelector("input.event-checkbox");
  const note = step.querySelector(".event-checklist-approximation");
  const status = document.querySelector("p.event-status");
  const style = (e, p) => getComputedStyle(e).getPropertyValue(p);
  return {
    checked: box.checked,
    boxBorder: style(box, "border-top-style"),
    provenBackground: proven ? style(proven, "background-color") : null,
    boxBackground: style(box, "background-color"),
    noteBorder: style(note, "border-left-style"),
    noteVisible: note.getBoundingClientRect().width > 0,
    statusBorder: style(status, "border-left-style"),
    overflow: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


WIDEST_JS = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map((e) => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", THEMES)
def test_the_approximated_step_never_looks_proven(built, browser, theme: str, width: str) -> None:
    screenshots, outputs = built
    with serve(outputs[theme]) as base:
        viewport_width, height = WIDTHS[width]
        context = browser.new_context(viewport={"width": viewport_width, "height": height})
        try:
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{base}/workshop.html", wait_until="load")
            page.wait_for_load_state("networkidle")
            wide = page.evaluate(WIDEST_JS)
            found = page.evaluate(STYLE_JS)
            page.screenshot(path=str(screenshots / f"{theme}-{width}-approximated.png"), full_page=True)
            # The organizers' report, opened: the environment line with its badge and the substitutions.
            page.click("details.event-report > summary")
            page.locator(".event-environment").scroll_into_view_if_needed()
            environment = page.locator(".event-environment").inner_text()
            page.screenshot(path=str(screenshots / f"{theme}-{width}-approximated-report.png"), full_page=True)
        finally:
            context.close()
    assert found["checked"] is False
    assert found["boxBorder"] == "dashed"
    assert found["boxBackground"] != found["provenBackground"]
    assert found["noteBorder"] == "dashed" and found["noteVisible"]
    assert found["statusBorder"] == "dashed"
    assert not found["overflow"], f"{theme} at {width} scrolls sideways: {wide}"
    assert environment.startswith("Environment: approximated")
    assert "(asked: 3.10)" in environment
