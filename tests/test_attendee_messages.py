"""The attendees' messages beside the checklist steps that send them, as a real build renders them."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from sites import GOOD_OPTIONS, event_block

OPTIONS = (
    GOOD_OPTIONS
    + ":content-repo: https://github.com/org/geo-workshop\n:environment-repo: https://github.com/org/geo-env\n"
    + ":contact: Ada Lovelace <ada@example.org>\n:id: geo\n"
)
PAGE = "# Geo\n\n" + event_block(options=OPTIONS) + "\n```{event-checklist}\n```\n"
CONF = "event_today = '2026-12-01'\nhtml_baseurl = 'https://events.example.org/'\n"


def _mail(soup, key: str) -> tuple[str, dict[str, str]]:
    box = soup.select_one(f'input.event-checkbox[data-storage-key="sphinx-event-ext:geo:{key}"]')
    item = box.find_parent("li")
    href = item.select_one("p.event-checklist-message a[href^='mailto:']")["href"]
    address, _, query = href[len("mailto:") :].partition("?")
    fields = dict(pair.split("=", 1) for pair in query.split("&"))
    return unquote(address), {name: unquote(value) for name, value in fields.items()}


def test_each_step_carries_its_message_and_when_to_send_it(build_site):
    result = build_site({"events/geo": PAGE}, conf=CONF)
    assert result.status == 0, result.warnings
    soup = result.soup("events/geo")
    rows = {
        box["data-storage-key"].rpartition(":")[2]: box.find_parent("li").select_one("p.event-checklist-message")
        for box in soup.select("input.event-checkbox")
    }
    assert {key for key, row in rows.items() if row is not None} == {"triage", "log-in-early", "share"}
    # The event runs 2027-03-10 to 2027-03-11: a week before, the day before, the day after.
    assert "Send it on 2027-03-03" in rows["triage"].get_text()
    assert "Send it on 2027-03-09" in rows["log-in-early"].get_text()
    assert "Send it on 2027-03-12" in rows["share"].get_text()

    to, triage = _mail(soup, "triage")
    assert to == "ada@example.org"  # the organizer's own address; the attendees go in BCC
    assert "bcc" not in triage and triage["subject"].endswith("please try the material before 2027-03-07")
    assert "https://mybinder.org/v2/gh/org/geo-env/HEAD?urlpath=git-pull" in triage["body"]

    _, login = _mail(soup, "log-in-early")
    body = login["body"].replace("\r\n", "\n")
    # 09:00 in Denver on 2027-03-10 (MST) is 16:00 UTC.
    assert "log in to the hub at the start, 09:00 America/Denver (16:00 UTC)" in body
    assert (
        "https://geo.hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Forg%2Fgeo-workshop"
        in body
    )
    assert "https://events.example.org/_events/geo/event.ics" in body

    _, share = _mail(soup, "share")
    body = share["body"].replace("\r\n", "\n")
    for expected in ("https://github.com/org/geo-workshop", "https://github.com/org/geo-env", "mybinder.org"):
        assert expected in body

    # The plain-text file beside the other outputs, linked from the step.
    link = rows["share"].find("a", string="Plain text")
    assert link is not None
    target = (result.out / "events" / urlsplit(link["href"]).path).resolve()
    text = target.read_text("utf-8")
    assert target == (result.out / "_events" / "geo" / "attendees" / "share.txt").resolve()
    assert text.startswith("Subject: Intro to Geospatial Python: the materials\n\n")
    assert body.strip() in text


def test_a_site_words_a_message_its_own_way(build_site):
    result = build_site({"events/geo": PAGE}, conf=CONF + "event_attendee_templates = 'messages'\n")
    folder = result.src / "messages"
    folder.mkdir()
    (folder / "triage.txt.jinja").write_text(
        "Subject: {{ title }} : essayez avant le {{ try_by }}\n\nBonjour,\n{{ binder_link }}\n", "utf-8"
    )
    result = build_site({"events/geo": PAGE}, conf=CONF + "event_attendee_templates = 'messages'\n", args=("-E",))
    assert result.status == 0, result.warnings
    triage = (result.out / "_events" / "geo" / "attendees" / "triage.txt").read_text("utf-8")
    assert triage.startswith("Subject: Intro to Geospatial Python : essayez avant le 2027-03-07\n\nBonjour,\n")
    _, fields = _mail(result.soup("events/geo"), "triage")
    assert fields["body"].startswith("Bonjour,")
    # The messages the site leaves alone keep the built-in wording.
    share = (result.out / "_events" / "geo" / "attendees" / "share.txt").read_text("utf-8")
    assert "Thank you for taking part" in share


def test_a_broken_site_template_is_a_warning_at_the_event_not_a_traceback(build_site, tmp_path):
    result = build_site({"events/geo": PAGE}, conf=CONF + "event_attendee_templates = 'messages'\n")
    (result.src / "messages").mkdir()
    (result.src / "messages" / "share.txt.jinja").write_text("Subject: {{ no_such_value }}\n\nx\n", "utf-8")
    result = build_site({"events/geo": PAGE}, conf=CONF + "event_attendee_templates = 'messages'\n", args=("-E",))
    assert "share.txt.jinja: 'no_such_value' is undefined" in result.warnings
    assert "events/geo.md:3" in result.warnings and "Traceback" not in result.warnings
