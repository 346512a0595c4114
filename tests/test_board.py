"""A hub team's board from three communities' sites, built here: from local files and from feeds served on
127.0.0.1 (one that times out, one that is not JSON, one that fails the schema), the merged calendar read
back as the scaler reads it, and the board offline from its cache."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser import serve
from scaler import scaler_counts

CONF = "event_today = '2026-12-01'\nevent_node_pool = 'user-pool'\n"
UTC = dt.timezone.utc


def _page(event_id: str, hub: str, start: str, end: str, hours: str, zone: str, attendees: int, extra: str) -> str:
    return (
        f"# {event_id}\n\n```{{event}} Event {event_id}\n:id: {event_id}\n:hub: {hub}\n:start: {start}\n:end: {end}\n"
        f":active-hours: {hours}\n:timezone: {zone}\n:attendees: {attendees}\n{extra}```\n"
    )


GEO, CLIMATE = "https://geo.2i2c.cloud", "https://climate.2i2c.cloud"
SITES = {
    # Two communities on one hub, overlapping on 2027-03-11 (warm 15:00-19:00Z and 14:00-18:00Z); one cancelled.
    "geo": {
        "a": _page("alpha", GEO, "2027-03-10", "2027-03-11", "09:00-12:00", "America/Denver", 140,
                   ":notified: 2026-11-01\n:cluster: 2i2c-aws-us\n:hub-name: geo\n"),
    },
    "ocean": {
        "b": _page("beta", GEO, "2027-03-11", "2027-03-11", "10:00-13:00", "America/New_York", 300,
                   ":notified: 2026-11-01\n:cluster: 2i2c-aws-us\n:hub-name: geo\n"),
        "c": _page("gamma", GEO, "2027-03-11", "2027-03-11", "09:00-12:00", "America/Denver", 400,
                   ":notified: 2026-11-01\n:status: cancelled\n"),
    },
    # A late one on another hub: it starts in nine days and nobody has told the hub team.
    "climate": {
        "d": _page("delta", CLIMATE, "2026-12-10", "2026-12-10", "09:00-12:00", "Europe/Berlin", 30, ""),
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each community's site built with Sphinx: name -> its HTML output. alpha passed a rehearsal."""
    from sphinx.cmd.build import build_main

    root = tmp_path_factory.mktemp("communities")
    outputs = {}
    for name, pages in SITES.items():
        src = root / name
        src.mkdir()
        (src / "conf.py").write_text(f'extensions = ["myst_parser", "sphinx_event_ext"]\n{CONF}', "utf-8")
        (src / "index.md").write_text("# Events\n\n```{toctree}\n" + "\n".join(pages) + "\n```\n", "utf-8")
        for page, text in pages.items():
            (src / f"{page}.md").write_text(text, "utf-8")
        out = src / "_build" / "html"
        if name == "geo":
            record = {"schema_version": "1", "event": "alpha", "date": "2027-02-01", "ok": True, "wave": {
                "servers": 10, "started": 10, "failures": 0, "start_seconds": {"median": 70, "p90": 95, "max": 99}}}  # fmt: skip
            (out / "_events" / "alpha").mkdir(parents=True)
            (out / "_events" / "alpha" / "rehearsal.json").write_text(json.dumps(record), "utf-8")
        assert build_main(["-q", "-b", "html", str(src), str(out)]) == 0
        outputs[name] = out
    return outputs


def _feeds(sites: dict[str, Path]) -> list[str]:
    return [str(sites[name] / "_events" / "events.json") for name in ("geo", "ocean", "climate")]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_board_from_local_files(sites, cli, tmp_path):
    ics = tmp_path / "board.ics"
    ran = cli("board", *_feeds(sites), "--ics", str(ics), "--cache", str(tmp_path / "cache"), cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    out = ran.stdout
    assert out.startswith("3 upcoming event(s) from the feeds")  # gamma is cancelled: not on the board
    assert "gamma" not in out
    assert f"  {GEO}\n" in out and f"  {CLIMATE}\n" in out and "  2i2c-aws-us\n" in out
    assert "(cluster not given)" in out  # delta names no cluster
    overlap = next(line for line in out.splitlines() if "Event alpha (alpha) + Event beta (beta)" in line)
    assert f"{GEO}  2027-03-11 15:00-18:00 UTC" in overlap and "440 attendees, placeholders 4 (sum 6)" in overlap
    late = out.split("Late notice\n")[1].split("\n\n")[0]
    assert "Event delta (delta): notify by 2026-11-19, notified not yet" in late and "alpha" not in late
    unproven = out.split("Nothing proved (no passing content check or rehearsal)\n")[1]
    assert "beta" in unproven and "delta" in unproven and "alpha" not in unproven  # alpha's rehearsal passed
    calendar = ics.read_text("utf-8")
    expected = {
        "2027-03-10T15:30:00": {"user-pool": 2},
        "2027-03-11T14:30:00": {"user-pool": 4},
        "2027-03-11T16:00:00": {"user-pool": 4},  # the scaler's maximum; the cancelled gamma (5) is gone
        "2027-03-11T18:30:00": {"user-pool": 2},
        "2027-03-11T23:00:00": {},
        "2026-12-10T09:00:00": {},  # delta: node sharing, no placeholders
    }
    assert {instant: scaler_counts(calendar, at(instant)) for instant in expected} == expected
    # The UIDs are the sites' own, so a moved event moves in the merged calendar too.
    site = (sites["geo"] / "_events" / "placeholders.ics").read_text("utf-8")
    assert [line for line in calendar.splitlines() if line.startswith("UID:alpha")] == [
        line for line in site.splitlines() if line.startswith("UID:")
    ]


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(3)
        with contextlib.suppress(OSError):  # the board gave up waiting and closed the connection
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"schema_version": "2", "events": []}')

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def slow_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/events.json"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "html.json").write_text("<html><body>Site is down for maintenance</body></html>", "utf-8")
    (folder / "bad.json").write_text(json.dumps({"schema_version": "2", "events": [{"event_id": "x"}]}), "utf-8")
    return folder


def test_board_from_feeds_on_loopback(sites, cli, tmp_path, broken):
    cache = tmp_path / "cache"
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(serve(sites[name])) for name in ("geo", "ocean", "climate")}
        bad = stack.enter_context(serve(broken))
        slow = stack.enter_context(slow_server())
        feeds = [f"{bases[name]}/_events/events.json" for name in ("geo", "ocean", "climate")]
        began = time.perf_counter()
        ran = cli(
            "board", *feeds, slow, f"{bad}/html.json", f"{bad}/bad.json", "http://events.example.org/events.json",
            "--cache", str(cache), "--timeout", "1", cwd=tmp_path,
        )  # fmt: skip
        assert time.perf_counter() - began < 10
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("3 upcoming event(s) from the feeds")
    skipped = ran.stdout.split("Feeds skipped\n")[1]
    assert f"{slow}: cannot be read: timed out" in skipped
    assert f"{bad}/html.json: not JSON" in skipped
    assert f"{bad}/bad.json: fails the pre-warm request schema: events[0]: " in skipped
    assert "events[0]: 'title' is a required property" in skipped
    assert "http://events.example.org/events.json: plain http is refused" in skipped
    # Offline: every site is down now, and the board is the same, from the cache, said to be.
    again = cli("board", *feeds, "--cache", str(cache), "--timeout", "1", cwd=tmp_path)
    assert again.stdout.startswith("3 upcoming event(s) from the feeds")
    assert f"{feeds[0]}: from the copy cached on " in again.stdout and "(cannot be read: " in again.stdout


def test_board_directive(sites, build_site, broken):
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(serve(sites[name])) for name in ("geo", "ocean")}
        bad = stack.enter_context(serve(broken))
        feeds = [f"{bases['geo']}/_events/events.json", f"{bases['ocean']}/_events/events.json", f"{bad}/bad.json",
                 str(sites["climate"] / "_events" / "events.json")]  # fmt: skip
        conf = f"event_today = '2026-12-01'\nevent_board_feeds = {feeds!r}\nevent_board_timeout = 2\n"
        page = "# Board\n\n```{event-board}\n```\n"
        result = build_site({"index": page}, conf=conf)
    assert result.status == 0, result.warnings
    assert "event_board_feeds" not in result.warnings  # a list is as good as the tuple default
    soup = result.soup()
    text = soup.get_text(" ", strip=True)
    assert "3 upcoming event(s) from 3 of 4 feed(s)." in text
    items = [" ".join(item.get_text(" ", strip=True).split()) for item in soup.select(".event-board li")]
    assert (
        f"2027-03-11 15:00-18:00 UTC on {GEO}: Event alpha (alpha) and Event beta (beta); 440 attendees together; "
        "placeholder nodes 4 (sum 6)"
    ) in items
    assert any(item.startswith("Event delta (delta) : notify by 2026-11-19, notified not yet") for item in items)
    warning = soup.select_one(".event-board-feeds")
    assert warning is not None and "bad.json: fails the pre-warm request schema" in warning.get_text()
    link = next(a for a in soup.select("a") if a.get_text() == "Merged placeholder calendar (.ics)")
    calendar = (result.out / link["href"]).read_text("utf-8")
    assert scaler_counts(calendar, at("2027-03-11T16:00:00")) == {"user-pool": 4}
    # The sites are down now: the page is read again and shows the cached feeds.
    offline = build_site({}, conf=conf, src=result.src)
    text = offline.soup().get_text(" ", strip=True)
    assert "3 upcoming event(s) from 3 of 4 feed(s)." in text and "shown from the copy cached on 2026-12-01" in text


def test_a_feed_over_the_size_cap_is_skipped(sites, cli, tmp_path):
    from sphinx_event_ext.content.feeds import MAX_FEED_BYTES

    huge = tmp_path / "huge"
    huge.mkdir()
    padding = " " * (MAX_FEED_BYTES + 10)
    (huge / "events.json").write_text('{"schema_version": "2", "events": []' + padding + "}", "utf-8")
    with serve(huge) as base:
        ran = cli("board", f"{base}/events.json", str(huge / "events.json"), *_feeds(sites)[:1],
                  "--cache", str(tmp_path / "cache"), cwd=tmp_path)  # fmt: skip
    assert ran.returncode == 0
    skipped = ran.stdout.split("Feeds skipped\n")[1]
    assert f"{base}/events.json: larger than {MAX_FEED_BYTES} bytes, not read" in skipped
    assert f"{huge / 'events.json'}: larger than {MAX_FEED_BYTES} bytes, not read" in skipped
    assert ran.stdout.startswith("1 upcoming event(s) from the feeds")
