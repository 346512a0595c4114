"""Messages go to the right hub team: configured addresses, the provider's only for its own hubs,
and no provider buttons (with one note in the build log) for anyone else's hub."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import unquote

import pytest
from sites import GOOD_OPTIONS, event_block

from sphinx_event_ext.plan.notify import hub_team, is_provider_hub

ORGANIZER_MESSAGES = ("Notify the hub team", "Open the event issue form", "Heads-up email")


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://geo.2i2c.cloud", True),
        ("https://staging.geo.2i2c.cloud/hub", True),
        ("https://2i2c.cloud", True),
        ("https://GEO.2I2C.CLOUD.", True),
        ("https://hub.example.org", False),
        ("https://evil2i2c.cloud", False),
        ("https://2i2c.cloud.example.org", False),
        ("https://example.org/2i2c.cloud", False),
    ],
)
def test_provider_hubs_are_those_under_its_domain(url, provider):
    assert is_provider_hub(url) is provider


def test_hub_team_defaults_only_for_provider_hubs():
    provider = hub_team("https://geo.2i2c.cloud")
    assert (provider.support_email, provider.issue_repo) == ("support@2i2c.org", "2i2c-org/infrastructure")
    other = hub_team("https://hub.example.org")
    assert (other.support_email, other.issue_repo, other.complete) == (None, None, False)
    configured = hub_team("https://hub.example.org", "hubs@example.edu", None)
    assert (configured.support_email, configured.issue_repo) == ("hubs@example.edu", None)
    assert hub_team("https://geo.2i2c.cloud", issue_repo="me/hubs").issue_repo == "me/hubs"


def _build(tmp_path, pages: dict[str, str], conf: str = "") -> tuple[int, str, str]:
    """A real build in its own process without -q, so the build's information lines are seen."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "sphinx_event_ext"]\n' + conf)
    toctree = "\n".join(pages)
    (src / "index.md").write_text(f"# Events\n\n```{{toctree}}\n{toctree}\n```\n")
    for name, text in pages.items():
        (src / f"{name}.md").write_text(text)
    warnings = tmp_path / "warnings.txt"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-w", str(warnings), str(src), str(src / "_build")],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout, warnings.read_text()


def _buttons(tmp_path, name: str) -> dict[str, str]:
    from bs4 import BeautifulSoup

    html = (tmp_path / "src" / "_build" / f"{name}.html").read_text()
    return {a.get_text(): a["href"] for a in BeautifulSoup(html, "html.parser").select(".event-card a.sd-btn")}


def test_other_hubs_get_no_provider_buttons_and_one_note(tmp_path):
    provider = GOOD_OPTIONS.replace("https://geo.hub.example.org", "https://geo.2i2c.cloud")
    pages = {
        "one": "# One\n\n" + event_block("One", GOOD_OPTIONS + ":id: one\n"),
        "two": "# Two\n\n" + event_block("Two", GOOD_OPTIONS.replace("geo.hub", "other.hub") + ":id: two\n"),
        "ours": "# Ours\n\n" + event_block("Ours", provider + ":id: ours\n"),
    }
    status, stdout, warnings = _build(tmp_path, pages)
    assert status == 0, stdout + warnings
    assert warnings == "", "a hub without a configured team is information, not a warning"
    notes = [line for line in stdout.splitlines() if "no hub team is configured" in line]
    assert len(notes) == 1, stdout
    assert "https://geo.hub.example.org, https://other.hub.example.org" in notes[0]
    assert "event_support_email and event_issue_repo" in notes[0]
    for name in ("one", "two"):
        buttons = _buttons(tmp_path, name)
        assert not set(ORGANIZER_MESSAGES) & set(buttons), buttons
        assert "Pre-warm request (JSON)" in buttons
    ours = _buttons(tmp_path, "ours")
    assert unquote(ours["Notify the hub team"]).startswith("mailto:support@2i2c.org?")
    assert unquote(ours["Heads-up email"]).startswith("mailto:support@2i2c.org?")
    assert ours["Open the event issue form"].startswith("https://github.com/2i2c-org/infrastructure/issues/new?")


def test_configured_team_gets_every_message_and_no_note(tmp_path):
    conf = "event_support_email = 'hubs@example.edu'\nevent_issue_repo = 'example-edu/hubs'\n"
    status, stdout, warnings = _build(tmp_path, {"one": "# One\n\n" + event_block(options=GOOD_OPTIONS)}, conf)
    assert status == 0, stdout + warnings
    assert "no hub team is configured" not in stdout
    buttons = _buttons(tmp_path, "one")
    assert unquote(buttons["Notify the hub team"]).startswith("mailto:hubs@example.edu?")
    assert buttons["Open the event issue form"].startswith("https://github.com/example-edu/hubs/issues/new?")


def test_only_the_configured_half_is_offered(tmp_path):
    conf = "event_support_email = 'hubs@example.edu'\n"
    status, stdout, warnings = _build(tmp_path, {"one": "# One\n\n" + event_block(options=GOOD_OPTIONS)}, conf)
    assert status == 0, stdout + warnings
    buttons = _buttons(tmp_path, "one")
    assert "Notify the hub team" in buttons and "Heads-up email" in buttons
    assert "Open the event issue form" not in buttons
    assert sum("no hub team is configured" in line for line in stdout.splitlines()) == 1
