"""``sphinx-event rehearse`` against a real JupyterHub on 127.0.0.1, as an organizer runs it: a process.

One hub for the module (configurable-http-proxy, dummy authenticator, simple spawner), with
the content served by ``git daemon``. Each test uses users or servers of its own prefix and
checks that the rehearsal left none behind, and that the token appears in no output.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

import nbformat
import pytest
from gitrepos import git_daemon, make_bare_repo
from hubs import IMAGE_CHOICES, NAMED_SERVER_LIMIT, PROFILES, SPAWN_LIMIT, RunningHub, require_proxy, start_hub

from sphinx_event_ext.content.hub_api import Hub, offered_profiles
from sphinx_event_ext.content.store import rehearsal_record
from sphinx_event_ext.model.schema import validator
from sphinx_event_ext.plan.login_wave import arrival_offsets

pytestmark = pytest.mark.xdist_group("jupyterhub")  # one hub for the module, under pytest-xdist too

CONF = 'extensions = ["myst_parser", "sphinx_event_ext"]\nevent_today = "2027-03-01"\n'
TOKEN_ENV = "REHEARSAL_TEST_TOKEN"


def _notebook(*cells: str) -> str:
    return nbformat.writes(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell("# Workshop"), *(nbformat.v4.new_code_cell(c) for c in cells)],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        )
    )


GOOD = {
    "01-intro.ipynb": _notebook("print('hello from the hub')"),
    # Reads a file beside it: proves the kernel runs in the pulled folder on the server.
    "data/02-data.ipynb": _notebook("rows = open('table.csv').read().splitlines()", "assert len(rows) == 3, rows"),
    "data/table.csv": "a,b\n1,2\n3,4\n",
    "03-more.ipynb": _notebook("import json", "json.dumps({'ok': True})"),
}
BROKEN = {"01-intro.ipynb": _notebook("x = 1", "y = x / 0", "print('never')")}
# The hub's servers run this Python: nbformat matches its pin, nbclient does not, one package is absent.
ENVIRONMENT = f"nbformat=={version('nbformat')}\npackaging\nnbclient==0.0.1\nno-such-package-for-rehearsal==1.0\n"
SLOW = {"01-slow.ipynb": _notebook("import time", "time.sleep(120)")}
# Writes 300 MiB (bytes, so every page is touched): more than the "tiny" profile's 200 MiB limit.
HEAVY = {"01-light.ipynb": _notebook("x = 1"), "02-heavy.ipynb": _notebook("block = b'x' * (300 * 1024**2)")}


@dataclass
class World:
    hub: RunningHub
    git: str
    root: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require_proxy()
    base = tmp_path_factory.mktemp("rehearsal")
    repos = base / "repos"
    repos.mkdir()
    make_bare_repo(repos, "content.git", {"main": GOOD, "broken": BROKEN, "slow": SLOW, "heavy": HEAVY})
    make_bare_repo(repos, "environment.git", {"main": {"requirements.txt": ENVIRONMENT}})
    with git_daemon(repos, wait=30) as git_url:
        (base / "hub").mkdir()
        hub = start_hub(base / "hub")
        try:
            yield World(hub, git_url, base)
        finally:
            hub.stop()


def _site(world: World, tmp_path: Path, branch: str = "main", extra: str = "") -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF, "utf-8")
    (docs / "index.md").write_text(
        "# Workshop\n\n```{event} Rehearsed workshop\n"
        f":id: workshop\n:hub: {world.hub.url}\n:start: 2027-03-10\n:end: 2027-03-11\n"
        ":active-hours: 09:00-17:00\n:timezone: UTC\n:attendees: 80\n"
        f":content-repo: {world.git}/content.git\n:content-branch: {branch}\n:target-path: workshop\n"
        f":timeout: 60\n{extra}```\n",
        "utf-8",
    )
    return docs


def _rehearse(docs: Path, *args: str, token: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx_event_ext.cli", "rehearse", str(docs), "--hub-token-env", TOKEN_ENV, *args],
        capture_output=True,
        text=True,
        env={**os.environ, TOKEN_ENV: token},
        timeout=300,
        check=False,
    )


def _report(docs: Path) -> dict:
    return json.loads((rehearsal_record(docs / "_build" / "doctrees", "workshop")).read_text("utf-8"))


def _assert_token_hidden(token: str, result: subprocess.CompletedProcess, docs: Path, hub: RunningHub) -> None:
    """Not in the output, the report, or the hub's and proxy's request log (a token in a URL would be there)."""
    report = rehearsal_record(docs / "_build" / "doctrees", "workshop")
    written = report.read_text("utf-8") if report.exists() else ""
    places = (("stdout", result.stdout), ("stderr", result.stderr), ("rehearsal.json", written))
    for where, text in (*places, ("the hub's log", hub.log.read_text("utf-8", "replace"))):
        assert token not in text, f"the token appears in {where}"


def _assert_cleaned_up(hub: RunningHub, prefix: str, output: str = "") -> None:
    """No user, server or content folder of the rehearsal is left; ``output`` (the command's) says why if one is."""
    leftovers = {name: user for name, user in hub.users().items() if name.startswith(prefix)}
    assert leftovers == {}, f"users left behind: {sorted(leftovers)}\n{output}"
    for user in hub.users().values():
        assert not [name for name in user.get("servers", {}) if name.startswith(prefix)], (user, output)
    homes = sorted((hub.base / "home").glob(f"{prefix}*/sphinx-event-rehearsal-*"))
    assert homes == [], f"the rehearsal's content folders outlived its users: {homes}\n{output}"


def test_a_passing_event_starts_clicks_runs_and_cleans_up(world, tmp_path):
    docs = _site(world, tmp_path)
    result = _rehearse(docs, "--user-prefix", "pass-", token=world.hub.token)
    assert result.returncode == 0, result.stdout + result.stderr
    report = _report(docs)
    assert report["ok"] is True and report["problems"] == []
    assert report["mode"] == "users" and report["date"] == "2027-03-01"
    [server] = report["servers"]
    assert server["user"] == "pass-1" and server["opened"] == "workshop"
    assert server["start_seconds"] > 0 and server["pull_seconds"] > 0
    assert report["wave"]["started"] == 1 and report["wave"]["failures"] == 0
    statuses = {notebook["path"]: notebook["status"] for notebook in report["execution"]["notebooks"]}
    assert statuses == {"01-intro.ipynb": "passed", "03-more.ipynb": "passed", "data/02-data.ipynb": "passed"}
    assert set(report["placement"].values()) == {"pass-1"}
    assert "ready in" in result.stdout and "workshop exists" in result.stdout
    _assert_token_hidden(world.hub.token, result, docs, world.hub)
    _assert_cleaned_up(world.hub, "pass-", result.stdout + result.stderr)


def test_a_broken_notebook_fails_naming_server_notebook_and_cell(world, tmp_path):
    docs = _site(world, tmp_path, branch="broken")
    result = _rehearse(docs, "--user-prefix", "broken-", token=world.hub.token)
    assert result.returncode == 1, result.stdout + result.stderr
    report = _report(docs)
    assert report["ok"] is False
    [problem] = report["problems"]
    assert problem.startswith("run, server broken-1: 01-intro.ipynb: cell 3 of 4")
    assert "ZeroDivisionError" in problem
    assert "server broken-1" in result.stderr and "`y = x / 0`" in result.stderr
    _assert_token_hidden(world.hub.token, result, docs, world.hub)
    _assert_cleaned_up(world.hub, "broken-", result.stdout + result.stderr)


def test_a_missing_branch_fails_at_the_pull(world, tmp_path):
    docs = _site(world, tmp_path, branch="no-such-branch")
    result = _rehearse(docs, "--user-prefix", "branch-", token=world.hub.token)
    assert result.returncode == 1
    report = _report(docs)
    [server] = report["servers"]
    assert server["failure"]["step"] == "pull"
    assert "no-such-branch" in server["failure"]["message"]
    assert report["execution"] is None
    assert report["problems"][0].startswith("pull, server branch-1: nbgitpuller could not pull")
    _assert_token_hidden(world.hub.token, result, docs, world.hub)
    _assert_cleaned_up(world.hub, "branch-", result.stdout + result.stderr)


def test_a_package_the_environment_pins_but_the_hub_lacks(world, tmp_path):
    docs = _site(world, tmp_path, extra=f":environment-repo: {world.git}/environment.git\n")
    result = _rehearse(docs, "--user-prefix", "env-", token=world.hub.token)
    assert result.returncode == 1, result.stdout + result.stderr
    report = _report(docs)
    environment = report["environment"]
    assert environment["file"] == "requirements.txt" and environment["server"] == "env-1"
    assert environment["installed"]["nbformat"] == version("nbformat")
    assert environment["installed"]["no-such-package-for-rehearsal"] is None
    assert report["problems"] == [
        "environment, server env-1: nbclient is declared as ==0.0.1 in requirements.txt; "
        f"the hub has {version('nbclient')}",
        "environment, server env-1: no-such-package-for-rehearsal is declared in requirements.txt "
        "but is not installed in the hub's environment",
    ]
    assert report["execution"]["summary"]["passed"] == 3
    _assert_cleaned_up(world.hub, "env-", result.stdout + result.stderr)


def test_a_wave_of_three_users_spreads_the_notebooks_over_their_servers(world, tmp_path):
    docs = _site(world, tmp_path)
    result = _rehearse(docs, "--users", "3", "--user-prefix", "wave-", token=world.hub.token)
    assert result.returncode == 0, result.stdout + result.stderr
    report = _report(docs)
    assert [server["user"] for server in report["servers"]] == ["wave-1", "wave-2", "wave-3"]
    wave = report["wave"]
    assert wave["servers"] == 3 and wave["started"] == 3 and wave["failures"] == 0
    times = sorted(server["start_seconds"] for server in report["servers"])
    assert wave["start_seconds"] == {"median": times[1], "p90": times[2], "p95": times[2], "max": times[2]}
    assert report["placement"] == {
        "01-intro.ipynb": "wave-1",
        "03-more.ipynb": "wave-2",
        "data/02-data.ipynb": "wave-3",
    }
    assert report["execution"]["summary"]["passed"] == 3
    assert report["recommendation"]["prewarm"] is False
    assert report["recommendation"]["capacity"]["nodes_to_prewarm"] >= 1
    _assert_cleaned_up(world.hub, "wave-", result.stdout + result.stderr)


def test_a_plain_users_token_uses_named_servers_up_to_the_hubs_allowance(world, tmp_path):
    world.hub.api("POST", "users/organizer")
    token = world.hub.api("POST", "users/organizer/tokens", {"note": "rehearsal test", "expires_in": 3600})["token"]
    docs = _site(world, tmp_path)
    result = _rehearse(docs, "--users", str(NAMED_SERVER_LIMIT + 1), "--user-prefix", "named-", token=token)
    assert result.returncode == 1, result.stdout + result.stderr
    report = _report(docs)
    assert report["mode"] == "named-servers"
    servers = report["servers"]
    assert {server["user"] for server in servers} == {"organizer"}
    assert [server["server"] for server in servers] == [f"named-{n}" for n in range(1, NAMED_SERVER_LIMIT + 2)]
    failed = [server for server in servers if server["failure"]]
    assert len(failed) == 1 and failed[0]["failure"]["step"] == "start"
    assert "named-server allowance" in failed[0]["failure"]["message"]
    assert report["wave"]["started"] == NAMED_SERVER_LIMIT
    assert report["execution"]["summary"]["passed"] == 3
    assert report["recommendation"]["prewarm"] is True
    _assert_token_hidden(token, result, docs, world.hub)
    _assert_cleaned_up(world.hub, "named-", result.stdout + result.stderr)
    assert "organizer" in world.hub.users(), "the organizer's own user is never deleted"


def test_an_interrupted_run_still_cleans_up(world, tmp_path):
    docs = _site(world, tmp_path, branch="slow")  # its notebook sleeps for 120 s; the event's timeout is 60 s
    command = [sys.executable, "-m", "sphinx_event_ext.cli", "rehearse", str(docs), "--hub-token-env", TOKEN_ENV]
    process = subprocess.Popen(
        [*command, "--users", "2", "--user-prefix", "stop-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, TOKEN_ENV: world.hub.token},
    )
    seen = []
    while len([line for line in seen if line.startswith("pull ")]) < 2:
        line = process.stdout.readline()
        if not line:
            process.kill()
            pytest.fail(f"the rehearsal ended before both pulls: {seen}\n{process.stderr.read()}")
        seen.append(line)
    running = [name for name, user in world.hub.users().items() if name.startswith("stop-") and "" in user["servers"]]
    assert sorted(running) == ["stop-1", "stop-2"]
    time.sleep(3)  # the slow notebook is running in a kernel on the hub now
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert time.monotonic() - interrupted < 45, "cleanup waited for the notebook instead of stopping its server"
    assert "interrupted; the servers it started were stopped, and the users it created deleted" in stderr
    assert world.hub.token not in "".join(seen) + stdout + stderr
    _assert_cleaned_up(world.hub, "stop-", "".join(seen) + stdout + stderr)


def test_the_events_profile_and_its_options_start_every_server_and_are_reported(world, tmp_path):
    docs = _site(world, tmp_path, extra=":profile: small\n:profile-options: image=pangeo\n")
    result = _rehearse(docs, "--user-prefix", "profile-", token=world.hub.token)
    assert result.returncode == 0, result.stdout + result.stderr
    report = _report(docs)
    assert list(validator("rehearsal").iter_errors(report)) == []
    assert report["profile"] == {"profile": "small", "image": "pangeo"}
    server = report["server"]
    assert server["image"] == IMAGE_CHOICES["pangeo"] and server["image_variable"] == "JUPYTER_IMAGE"
    assert server["memory_limit_bytes"] == int(PROFILES["small"]["MEM_LIMIT"])
    assert server["memory_guarantee_bytes"] == int(PROFILES["small"]["MEM_GUARANTEE"])
    # the pulled content as it sits in the home: its files and its git history
    assert 100 < server["content_bytes"] < 10_000_000
    assert server["home_volume"]["total_bytes"] >= server["home_volume"]["free_bytes"] > 0
    usage = {item["path"]: item for item in report["resources"]["notebooks"]}
    assert sorted(usage) == ["01-intro.ipynb", "03-more.ipynb", "data/02-data.ipynb"]
    for item in usage.values():  # a Python kernel holds tens of MiB; a notebook this small stays well under 1 GiB
        assert 20 * 1024**2 < item["peak_rss_bytes"] < 1024**3 and item["cpu_seconds"] > 0
    assert f"image {IMAGE_CHOICES['pangeo']}" in result.stdout
    assert "sphinx-event rehearse: rehearsal passed on 2027-03-01: 1 of 1 server(s) started" in result.stderr
    _assert_token_hidden(world.hub.token, result, docs, world.hub)
    _assert_cleaned_up(world.hub, "profile-", result.stdout + result.stderr)


def test_a_profile_the_hub_does_not_offer_is_refused_with_the_hubs_own_message(world, tmp_path):
    docs = _site(world, tmp_path, extra=":profile: small\n")
    result = _rehearse(docs, "--profile", "huge", "--user-prefix", "noprofile-", token=world.hub.token)
    assert result.returncode == 1, result.stdout + result.stderr
    report = _report(docs)
    assert report["profile"] == {"profile": "huge"}  # --profile replaces the event's
    [server] = report["servers"]
    assert server["failure"]["step"] == "start"
    assert "No such profile: huge. Options available: small, tiny" in server["failure"]["message"]
    assert report["wave"]["failures"] == 1 and report["execution"] is None
    _assert_cleaned_up(world.hub, "noprofile-", result.stdout + result.stderr)


def test_eight_users_past_the_spawn_limit_all_start_and_the_refusals_are_counted(world, tmp_path):
    docs = _site(world, tmp_path)
    result = _rehearse(docs, "--users", "8", "--user-prefix", "limit-", token=world.hub.token)
    assert result.returncode == 0, result.stdout + result.stderr
    report = _report(docs)
    assert report["wave"]["started"] == 8 and report["wave"]["failures"] == 0
    limit = report["spawn_limit"]
    assert limit["refusals"] >= 8 - SPAWN_LIMIT, limit  # everyone past the first two was refused at least once
    assert sum(server["refusals"] for server in report["servers"]) == limit["refusals"]
    assert limit["seconds_lost"] > 0
    assert SPAWN_LIMIT <= limit["started_at_once"] <= SPAWN_LIMIT + 1, limit
    assert f"at most {limit['started_at_once']} server(s) start at once: with 80 attendees the last" in limit["finding"]
    assert "limit    the hub refused" in result.stdout
    assert "ask the hub team to raise it" in report["recommendation"]["reason"]
    assert report["execution"]["summary"]["passed"] == 3
    _assert_cleaned_up(world.hub, "limit-", result.stdout + result.stderr)


def test_a_notebook_above_the_servers_memory_limit_fails_with_its_measured_peak(world, tmp_path):
    docs = _site(world, tmp_path, branch="heavy", extra=":profile: tiny\n")
    result = _rehearse(docs, "--user-prefix", "heavy-", token=world.hub.token)
    assert result.returncode == 1, result.stdout + result.stderr
    report = _report(docs)
    heaviest = report["resources"]["heaviest"]
    assert heaviest["path"] == "02-heavy.ipynb" and heaviest["peak_rss_bytes"] > 300 * 1024**2
    light = next(item for item in report["resources"]["notebooks"] if item["path"] == "01-light.ipynb")
    assert light["peak_rss_bytes"] < 200 * 1024**2
    [problem] = report["problems"]
    assert problem.startswith("memory: 02-heavy.ipynb peaked at ")
    assert problem.endswith("in its kernel on the hub, above the server's limit of 200 MiB (MEM_LIMIT)")
    # memory-per-user (2G) is still above the peak: the capacity stays planned from it
    assert report["resources"]["planned_memory_per_user_bytes"] == 2 * 1024**3
    assert report["recommendation"]["memory_per_user_source"] == "memory-per-user"
    _assert_cleaned_up(world.hub, "heavy-", result.stdout + result.stderr)


def test_a_seeded_spread_wave_arrives_at_the_same_times_twice(world, tmp_path):
    docs = _site(world, tmp_path)
    wave = ("--users", "3", "--arrivals", "spread", "--over", "4s", "--seed", "7")
    expected = arrival_offsets(3, 4.0, 7)
    assert expected == sorted(expected) and len(set(expected)) == 3 and expected[0] >= 0 and expected[-1] <= 4
    dry = [_rehearse(docs, *wave, "--dry-run", token="") for _ in range(2)]
    assert dry[0].returncode == 0 and dry[0].stdout == dry[1].stdout
    for number, offset in enumerate(expected, start=1):
        assert f"user     rehearsal-{number}: default server, asked for at {offset:.1f} s" in dry[0].stdout
    result = _rehearse(docs, *wave, "--user-prefix", "spread-", token=world.hub.token)
    assert result.returncode == 0, result.stdout + result.stderr
    report = _report(docs)
    assert report["arrivals"] == {"mode": "spread", "over_seconds": 4.0, "seed": 7, "offsets": expected}
    assert [server["arrival_seconds"] for server in report["servers"]] == expected
    _assert_cleaned_up(world.hub, "spread-", result.stdout + result.stderr)


def test_sigterm_in_the_middle_of_a_wave_leaves_no_user_and_no_server(world, tmp_path):
    docs = _site(world, tmp_path)
    command = [sys.executable, "-m", "sphinx_event_ext.cli", "rehearse", str(docs), "--hub-token-env", TOKEN_ENV]
    wave = ["--users", "6", "--arrivals", "spread", "--over", "40s", "--seed", "3", "--user-prefix", "term-"]
    process = subprocess.Popen(
        [*command, *wave],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, TOKEN_ENV: world.hub.token},
    )
    seen = []
    while not any(line.startswith("pull ") for line in seen):
        line = process.stdout.readline()
        if not line:
            process.kill()
            pytest.fail(f"the rehearsal ended before a pull: {seen}\n{process.stderr.read()}")
        seen.append(line)
    created = [name for name in world.hub.users() if name.startswith("term-")]
    assert len(created) == 6, created  # every user exists; only the first arrivals have servers yet
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "interrupted; the servers it started were stopped, and the users it created deleted" in stderr
    _assert_cleaned_up(world.hub, "term-", stdout + stderr)


def test_a_home_that_outlived_its_user_keeps_its_clone_and_is_reported(world, tmp_path):
    """An earlier rehearsal (or the attendee) cloned another repository into the event's folder of this home."""
    home = world.hub.base / "home" / "homes-1"
    home.mkdir(parents=True)
    other = f"{world.git}/environment.git"
    subprocess.run(["git", "clone", "-q", other, str(home / "workshop")], check=True, capture_output=True)
    docs = _site(world, tmp_path)
    result = _rehearse(docs, "--user-prefix", "homes-", token=world.hub.token)
    assert result.returncode == 0, result.stdout + result.stderr  # it pulled into a folder of its own
    report = _report(docs)
    [warning] = report["warnings"]
    assert warning.startswith(f"home of homes-1: workshop already holds a clone of {other} (branch main)")
    assert "the attendee's next click fails at the pull" in warning
    assert (home / "workshop" / "requirements.txt").is_file(), "the home's own folder is left as it was"
    _assert_cleaned_up(world.hub, "homes-", result.stdout + result.stderr)


def test_users_the_rehearsal_did_not_create_are_never_touched(world, tmp_path):
    world.hub.api("POST", "users/taken-2")
    world.hub.api("POST", "users/taken-2/server")
    deadline = time.monotonic() + 120
    while not (world.hub.users()["taken-2"]["servers"].get("") or {}).get("ready"):
        assert time.monotonic() < deadline, "taken-2's server did not start"
        time.sleep(0.5)
    docs = _site(world, tmp_path)
    result = _rehearse(docs, "--users", "2", "--user-prefix", "taken-", token=world.hub.token)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "the hub already has the user(s) taken-2; a rehearsal only uses users it creates" in result.stderr
    users = world.hub.users()
    assert "taken-1" not in users, "nothing is created when a user of its names exists"
    assert users["taken-2"]["servers"][""]["ready"], "the existing user's server is left running"
    world.hub.api("DELETE", "users/taken-2/server")


def test_the_profiles_offered_are_read_from_the_hubs_own_spawn_page(world):
    """A token cannot read the spawn page (JupyterHub sends it to its login page), so the rehearsal lists no
    profiles of its own there; a logged-in browser can, and its page is what ``offered_profiles`` reads."""
    hub = world.hub
    hub.api("POST", "users/formreader")
    try:
        assert Hub(hub.url, hub.token).spawn_form("formreader") is None
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(f"{hub.url}/hub/login", timeout=30) as response:
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', response.read().decode()).group(1)
        form = urlencode({"username": "formreader", "password": "any", "_xsrf": xsrf}).encode()
        opener.open(f"{hub.url}/hub/login", data=form, timeout=30).close()
        with opener.open(f"{hub.url}/hub/spawn/formreader", timeout=30) as response:
            page = response.read().decode()
        assert offered_profiles(page) == list(PROFILES)
    finally:
        hub.api("DELETE", "users/formreader")


def test_usage_errors_say_what_is_wrong_without_reaching_a_hub(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF, "utf-8")
    options = ":hub: http://127.0.0.1:9\n:start: 2027-03-10\n:end: 2027-03-10\n:active-hours: 09:00-17:00\n"
    options += ":timezone: UTC\n:attendees: 5\n:content-repo: https://github.com/org/workshop\n"
    for name in ("one", "two"):
        (docs / f"{name}.md").write_text(f"# {name}\n\n```{{event}} {name}\n:id: {name}\n{options}```\n", "utf-8")
    unset = _rehearse(docs, token="")
    assert unset.returncode == 2
    assert f"--hub-token-env: the environment variable {TOKEN_ENV} is not set or empty" in unset.stderr
    several = _rehearse(docs, token="x")
    assert several.returncode == 2 and "has 2 events (one, two); choose one with --event" in several.stderr
    unknown = _rehearse(docs, "--event", "three", token="x")
    assert unknown.returncode == 2 and "no event with id 'three'" in unknown.stderr
    refused = _rehearse(docs, "--event", "one", token="secret-value-123")  # nothing listens on port 9
    assert refused.returncode == 2 and "GET /hub/api/user failed" in refused.stderr
    assert "secret-value-123" not in refused.stdout + refused.stderr
    too_many = _rehearse(docs, "--event", "one", "--users", "6", token="x")
    assert (
        too_many.returncode == 2 and "--users: expected at most the event's 5 attendees, received 6" in too_many.stderr
    )
    big = docs / "big.md"
    big.write_text("# big\n\n```{event} big\n:id: big\n" + options.replace(":attendees: 5", ":attendees: 60") + "```\n")
    unconfirmed = _rehearse(docs, "--event", "big", "--users", "30", token="x")
    assert unconfirmed.returncode == 2 and "repeat the number with --confirm-size 30" in unconfirmed.stderr
    wrong = _rehearse(docs, "--event", "big", "--users", "30", "--confirm-size", "3", token="x")
    assert wrong.returncode == 2 and "--confirm-size 30" in wrong.stderr
    bad_profile = _rehearse(docs, "--event", "one", "--profile", "a b", token="x")
    assert bad_profile.returncode == 2 and "--profile: expected a profile slug" in bad_profile.stderr
    dry = _rehearse(docs, "--event", "big", "--users", "30", "--confirm-size", "30", "--dry-run", token="")
    assert dry.returncode == 0, dry.stderr  # nothing listens on port 9: a dry run sends nothing
    assert dry.stdout.count("default server, asked for at 0.0 s") == 30
    assert "60 attendees at 2G each: 63 per 128G node, 1 node(s) for everyone, 1 to pre-warm" in dry.stdout
    for result in (unset, several, unknown, refused, too_many, unconfirmed, wrong, bad_profile, dry):
        assert "Traceback" not in result.stderr
