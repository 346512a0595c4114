"""A dress rehearsal on the real hub, through its REST API: start servers, click the link, run the content.

The hub does the work: its spawner starts the servers, its image's nbgitpuller pulls the
content, its kernels run the notebooks. With an admin or service token the rehearsal uses
users of its own (created if needed); with only a user's token, named servers of that user.
Whatever it started it stops, and whatever users it created it deletes, even when the run is
interrupted, unless asked to keep them.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from ..model.event import Event
from ..model.memory import parse_memory
from ..plan.links import PullLink, decode_nbgitpuller_link, event_nbgitpuller_link
from ..plan.login_wave import SLOW_START_SECONDS, SpawnLimit, spread, starting_at_refusals, wave_stats
from ..plan.packages import declared_packages, version_problems
from ..plan.rehearsal import NotebookUsage, RehearsalRecord, ServerFacts, memory_findings, mib_text
from .execute import DEFAULT_TIMEOUT, environment_file, run_event_content
from .hub_api import Hub, HubError, offered_profiles
from .pull import PullError, pull_content
from .results import ExecutionReport, NotebookResult
from .sanitize import one_line
from .select import select_notebooks

USERS = "users"
NAMED_SERVERS = "named-servers"
_CLEANUP_WAIT = 30.0
_REMOVE_ATTEMPTS = 2  # tries to remove the run's folder from a home
_FIRST_BACKOFF = 1.0  # seconds before retrying a start refused with 429 and no Retry-After; doubles up to:
_MAX_BACKOFF = 30.0
_PROBE_TIMEOUT = 120
_MAX_TEXT = 300  # characters kept of a value the hub's server reports (an image name)

Say = Callable[[str], None]


@dataclass(frozen=True)
class RehearsalOptions:
    """What the organizer asked for: how many servers, named how, kept or not, and the time bound."""

    users: int = 1
    prefix: str = "rehearsal-"
    keep: bool = False
    timeout: float = 600.0
    user_options: Mapping[str, str] = field(default_factory=dict)  # the profile and its options, for the spawner
    arrivals: Sequence[float] = ()  # seconds after the wave starts that each server is asked for; () = all at once
    arrivals_record: Mapping[str, Any] | None = None  # how the arrivals were drawn, for the record
    slow_after: float = SLOW_START_SECONDS
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))

    def arrival(self, index: int) -> float:
        """When the ``index``-th server is asked for, in seconds after the wave starts."""
        return self.arrivals[index] if index < len(self.arrivals) else 0.0


@dataclass
class Seat:
    """One server of the rehearsal (a user's default server, or a named server) and what happened on it."""

    user: str
    server: str = ""
    created: bool = False
    was_running: bool = False
    url: str | None = None
    start_seconds: float | None = None
    pull_seconds: float | None = None
    opened: str | None = None
    step: str | None = None
    error: str | None = None
    arrival: float = 0.0
    refusals: int = 0
    throttled_seconds: float = 0.0
    pulled: bool = False
    asked_at: float | None = None  # when the start the hub accepted was asked for (monotonic seconds)
    home: Mapping[str, Any] = field(default_factory=dict)  # the event's own folder in this home, at clean-up

    @property
    def label(self) -> str:
        """``user`` or ``user/server``."""
        return f"{self.user}/{self.server}" if self.server else self.user

    @property
    def ready(self) -> bool:
        """Started, pulled and the link's path found: ready to run notebooks."""
        return self.error is None and self.opened is not None

    def fail(self, step: str, message: str) -> None:
        """Record the first failure and the step it happened in."""
        if self.error is None:
            self.step, self.error = step, message

    def to_json(self) -> dict[str, Any]:
        """The seat as ``rehearsal.json`` lists it."""
        return {
            "user": self.user,
            "server": self.server,
            "already_running": self.was_running,
            "start_seconds": None if self.start_seconds is None else round(self.start_seconds, 2),
            "pull_seconds": None if self.pull_seconds is None else round(self.pull_seconds, 2),
            "opened": self.opened,
            "failure": None if self.error is None else {"step": self.step, "message": self.error},
            "arrival_seconds": self.arrival,
            "refusals": self.refusals,
            "throttled_seconds": round(self.throttled_seconds, 2),
        }


@dataclass
class Rehearsal:
    """A rehearsal in progress; :meth:`run` drives it and always cleans up."""

    hub: Hub
    event: Event
    options: RehearsalOptions
    say: Say = print
    seats: list[Seat] = field(default_factory=list)
    mode: str = USERS
    stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _refused_at: list[float] = field(default_factory=list)  # when each 429 came back (monotonic seconds)
    _warnings: list[str] = field(default_factory=list)
    _folder: str = ""  # where this run pulls, in each home: the link's folder inside :attr:`content_root`

    @property
    def content_root(self) -> str:
        """The folder of this run in each home: removed at clean-up, so no rehearsal meets another's clone."""
        return f"sphinx-event-rehearsal-{self.options.run_id}"

    def run(self, today: dt.date) -> RehearsalRecord:
        """Start, click, run; the record. Cleans up on the way out, even on Ctrl-C."""
        link = event_nbgitpuller_link(self.event)
        pull = decode_nbgitpuller_link(link)
        self._folder = f"{self.content_root}/{pull.folder}"
        pool = ThreadPoolExecutor(max_workers=max(1, self.options.users), thread_name_prefix="rehearsal")
        futures = []
        failures: list[str] = []
        report: ExecutionReport | None = None
        placement: dict[str, str] = {}
        usage: list[NotebookUsage] = []
        environment: dict[str, Any] | None = None
        facts: ServerFacts | None = None
        try:
            self.mode, self.seats = self._plan()
            self._prepare()
            deadline = time.monotonic() + max(self.options.arrivals, default=0.0) + self.options.timeout
            futures = [pool.submit(self._arrive, seat, link, pull, deadline) for seat in self.seats]
            for future in futures:
                future.result()
            try:
                report, placement = self._execute(pull)
            except HubError as error:
                failures.append(f"run: the notebooks could not be read from the hub: {error}")
            usage = _usage(report)
            facts = self._server_facts()
            environment = self._check_environment(pull)
        finally:
            self.stopping.set()
            pool.shutdown(wait=False, cancel_futures=True)
            if not self.options.keep:
                self.cleanup(pull.folder)
                if not all(future.done() for future in futures):
                    wait(futures, timeout=_CLEANUP_WAIT)  # a start still in flight may finish after the first pass
                    self.cleanup(pull.folder)
        problems = [f"{seat.step}, server {seat.label}: {seat.error}" for seat in self.seats if seat.error]
        problems += failures
        if report is not None:
            problems += [f"run, server {placement[result.path]}: {result.message}" for result in report.failed]
        if environment is not None:
            problems += [
                f"environment, server {environment['server']}: {problem}" for problem in environment["problems"]
            ]
        limit = facts.memory_limit if facts is not None else None
        memory_problems, memory_warnings = memory_findings(usage, parse_memory(self.event.memory_per_user), limit)
        problems += memory_problems
        warnings = [*self._warnings, *memory_warnings, *self._home_warnings(pull)]
        started = [seat.start_seconds for seat in self.seats if not seat.was_running]
        return RehearsalRecord(
            self.event,
            date=today,
            hub=self.hub.url,
            mode=self.mode,
            link=link,
            servers=[seat.to_json() for seat in self.seats],
            wave=wave_stats(started, self.options.slow_after),
            execution=report.to_json() if report is not None else None,
            placement=placement,
            environment=environment,
            problems=problems,
            profile=dict(self.options.user_options),
            arrivals=self.options.arrivals_record,
            spawn_limit=SpawnLimit(
                sum(seat.refusals for seat in self.seats),
                sum(seat.throttled_seconds for seat in self.seats),
                starting_at_refusals(self._refused_at, self._starting_intervals()),
            ),
            usage=usage,
            server=facts,
            warnings=warnings,
        )

    def _starting_intervals(self) -> list[tuple[float, float]]:
        """When each server that started was starting: from the accepted request to ready."""
        return [
            (seat.asked_at, seat.asked_at + seat.start_seconds - seat.throttled_seconds)
            for seat in self.seats
            if seat.asked_at is not None and seat.start_seconds is not None
        ]

    def _plan(self) -> tuple[str, list[Seat]]:
        """Users of the rehearsal's own with an admin or service token; named servers of the token's user otherwise."""
        owner = self.hub.whoami()
        numbers = range(1, self.options.users + 1)
        if "admin:users" in owner.get("scopes", []):
            seats = [Seat(f"{self.options.prefix}{n}") for n in numbers]
        elif owner.get("kind") != "user":
            raise HubError(
                f"the token belongs to the service {owner.get('name')!r}, which may not create users "
                "(it needs the scopes admin:users, admin:servers and access:servers)"
            )
        else:
            seats = [Seat(str(owner["name"]), f"{self.options.prefix}{n}") for n in numbers]
        for index, seat in enumerate(seats):
            seat.arrival = self.options.arrival(index)
        return (USERS if not seats[0].server else NAMED_SERVERS), seats

    def _prepare(self) -> None:
        """Create the rehearsal's users, refusing to start when one exists already: the rehearsal never touches a
        user it did not create. Remember which named servers ran before, so cleanup leaves those alone."""
        if self.mode == USERS:
            existing = [seat.user for seat in self.seats if self.hub.user(seat.user) is not None]
            if existing:
                shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
                raise HubError(
                    f"the hub already has the user(s) {shown}; a rehearsal only uses users it creates "
                    "(choose another --user-prefix, or delete them if an earlier rehearsal left them)"
                )
            for seat in self.seats:
                self.hub.create_user(seat.user)
                seat.created = True
                self.say(f"created user {seat.user}")
            return
        model = self.hub.user(self.seats[0].user) or {}
        for seat in self.seats:
            seat.was_running = seat.server in (model.get("servers") or {})

    def _arrive(self, seat: Seat, link: str, pull: PullLink, deadline: float) -> None:
        """One attendee: wait for their arrival time, then start and click."""
        if seat.arrival and self.stopping.wait(seat.arrival):
            return
        self._start_and_click(seat, link, pull, deadline)

    def _start_and_click(self, seat: Seat, link: str, pull: PullLink, deadline: float) -> None:
        """Steps 1 and 2 for one server; every failure is recorded on the seat, never raised."""
        try:
            self._start(seat, deadline)
            if seat.error is None and not self.stopping.is_set():
                self._click(seat, link, pull, deadline)
        except HubError as error:
            seat.fail(seat.step or "start", str(error))

    def _ask(self, seat: Seat, deadline: float) -> bool:
        """Ask the hub to start the server, waiting out its spawn limit (429) within the time budget; True once
        the hub accepted."""
        backoff = _FIRST_BACKOFF
        while not self.stopping.is_set():
            seat.asked_at = time.monotonic()
            try:
                self.hub.start_server(seat.user, seat.server, self.options.user_options)
            except HubError as error:
                if error.status != 429:
                    self._refused(seat, error)
                    return False
                with self._lock:
                    self._refused_at.append(time.monotonic())
                pause = error.retry_after if error.retry_after is not None else backoff
                backoff = min(backoff * 2, _MAX_BACKOFF)
                seat.refusals += 1
                if time.monotonic() + pause > deadline:
                    seat.fail(
                        "start",
                        f"the hub refused the start {seat.refusals} time(s) with 429 (too many servers starting); "
                        f"the time budget (--timeout) ran out before it accepted: {error}",
                    )
                    return False
                seat.throttled_seconds += pause
                self.stopping.wait(pause)
                continue
            return True
        return False

    def _refused(self, seat: Seat, error: HubError) -> None:
        """A start the hub refused: its own reason (a failed spawn's, from the progress stream), and the profiles
        it offers when the token can read the spawn form."""
        message = str(error)
        if error.status is not None and error.status >= 500:
            reason = self._spawn_failure(seat)
            message = reason or message
        limit = " (the hub's named-server allowance)" if seat.server and error.status == 400 else ""
        seat.fail("start", f"{message}{limit}{self._offered(seat)}")

    def _spawn_failure(self, seat: Seat) -> str | None:
        """The hub's message about a spawn that failed, from the progress stream; None when it gives none."""
        try:
            for update in self.hub.progress(seat.user, seat.server, timeout=10):
                if update.get("failed"):
                    return f"the hub refused the server: {one_line(str(update.get('message', '')))[:_MAX_TEXT]}"
        except HubError:
            return None
        return None

    def _offered(self, seat: Seat) -> str:
        """What the hub offers, when a profile was asked for and the token may read the spawn form."""
        if not self.options.user_options:
            return ""
        form = self.hub.spawn_form(seat.user, seat.server)
        offered = offered_profiles(form) if form else []
        if not offered:
            return ""
        return f"; the hub offers the profiles {', '.join(one_line(slug) for slug in offered)}"

    def _start(self, seat: Seat, deadline: float) -> None:
        if seat.was_running:
            model = self.hub.user(seat.user) or {}
            seat.url = self.hub.server_url(model, seat.server)
            if seat.url is None:
                seat.fail("start", "the server was already starting or stopping; try again when it is idle")
            return
        began = time.monotonic()
        if not self._ask(seat, deadline):
            return
        self._follow(seat, began, deadline)

    def _follow(self, seat: Seat, began: float, deadline: float) -> None:
        """Follow the hub's progress stream until the server is ready, failed, or the budget ran out."""
        for update in self.hub.progress(seat.user, seat.server, timeout=max(1.0, deadline - time.monotonic())):
            if update.get("ready"):
                seat.start_seconds = time.monotonic() - began
                seat.url = self.hub.at_origin(str(update.get("url", "")))
                self.say(f"start    {seat.label}: ready in {seat.start_seconds:.1f} s")
                return
            if update.get("failed"):
                message = one_line(str(update.get("message", "")))[:_MAX_TEXT]
                seat.fail("start", f"the hub says the server failed: {message}{self._offered(seat)}")
                return
            if time.monotonic() > deadline or self.stopping.is_set():
                break
        model = self.hub.user(seat.user) or {}
        seat.url = self.hub.server_url(model, seat.server)
        if seat.url is None:
            seat.fail("start", f"the server was not ready within {self.options.timeout:.0f} s")
            return
        seat.start_seconds = time.monotonic() - began
        self.say(f"start    {seat.label}: ready in {seat.start_seconds:.1f} s")

    def _click(self, seat: Seat, link: str, pull: PullLink, deadline: float) -> None:
        """Open the git-pull page as the hub's redirect does, then pull through its API, as the page's script does.

        The pull goes into this run's own folder, not the link's: a home that outlived an earlier
        rehearsal's user keeps its clone there, and a fetch from another URL would fail.
        """
        assert seat.url is not None
        seat.step = "pull"
        began = time.monotonic()
        self.hub.page(f"{seat.url}/git-pull?{urlsplit(link).query}")
        finished = False
        seat.pulled = True  # from here on, clean-up removes the folder
        for update in self.hub.git_pull(
            seat.url, pull.repo, pull.branch, self._folder, timeout=max(1.0, deadline - time.monotonic())
        ):
            if update.get("phase") == "error":
                branch = f", branch {pull.branch}" if pull.branch else ""
                seat.fail(
                    "pull",
                    f"nbgitpuller could not pull {pull.repo}{branch}: {one_line(str(update.get('message', '')))}",
                )
                return
            if update.get("phase") == "finished":
                finished = True
                break
        if not finished:
            seat.fail("pull", "nbgitpuller's stream ended before the pull finished")
            return
        seat.pull_seconds = time.monotonic() - began
        seat.step = "open"
        opened = pull.content_path
        target = PurePosixPath(self._folder, opened).as_posix() if opened else self._folder
        shown = target.removeprefix(f"{self.content_root}/")
        if opened is None:
            seat.fail("open", f"the link's urlpath {pull.urlpath!r} opens nothing inside {pull.folder}")
        elif self.hub.contents(seat.url, self._folder) is None:
            seat.fail("open", f"the folder {pull.folder} is not on the server after the pull")
        elif self.hub.contents(seat.url, target) is None:
            seat.fail("open", f"the link opens {shown}, which is not on the server after the pull")
        else:
            seat.opened = shown
            seat.step = None
            self.say(f"pull     {seat.label}: pulled in {seat.pull_seconds:.1f} s, {shown} exists")

    def _execute(self, pull: PullLink) -> tuple[ExecutionReport | None, dict[str, str]]:
        """Run the selected notebooks on the hub's kernels, spread over the ready servers."""
        ready = [seat for seat in self.seats if seat.ready]
        if not ready or self.stopping.is_set():
            return None, {}
        began = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="sphinx-event-rehearsal-") as temporary:
            mirror = Path(temporary) / "hub-content"
            assert ready[0].url is not None
            self._mirror(ready[0].url, self._folder, mirror)
            names = [path.as_posix() for path in select_notebooks(mirror, self.event.notebooks)]
            shares = spread(names, len(ready))
            placement = {name: seat.label for seat, share in zip(ready, shares, strict=True) for name in share}
            # Not a with-block: on Ctrl-C, cleanup must stop the servers (and so their kernels) at once,
            # not after the notebooks ran out their timeouts.
            pool = ThreadPoolExecutor(max_workers=len(ready), thread_name_prefix="rehearsal-run")
            try:
                reports = list(pool.map(lambda seat, share: self._run_share(seat, share, pull, mirror), ready, shares))
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
        results: list[NotebookResult] = sorted((r for report in reports for r in report.results), key=_path)
        for result in results:
            self.say(f"run      {placement[result.path]}: {result.message}")
        return ExecutionReport(tuple(results), len(ready), time.monotonic() - began), placement

    def _server_facts(self) -> ServerFacts | None:
        """The image, limits and content size a ready server reports, read in a kernel there."""
        ready = [seat for seat in self.seats if seat.ready]
        if not ready or self.stopping.is_set():
            return None
        from .hub_kernels import server_facts, use_token

        assert ready[0].url is not None
        use_token(self.hub.url, self.hub.token, self.hub.timeout)
        try:
            found = server_facts(ready[0].url, self._folder, _PROBE_TIMEOUT)
        except Exception as error:  # a server that cannot say is a warning, not a crash
            self._warnings.append(f"server {ready[0].label}: its image and limits could not be read: {error}")
            return None
        facts = _facts(found)
        image = facts.image or "not reported (no JUPYTER_IMAGE or JUPYTER_IMAGE_SPEC in the server's environment)"
        limit = mib_text(facts.memory_limit) if facts.memory_limit is not None else "not reported"
        self.say(f"server   {ready[0].label}: image {image}; memory limit {limit}")
        return facts

    def _check_environment(self, pull: PullLink) -> dict[str, Any] | None:
        """Step 4: the versions the hub's kernel has of the packages the environment declares, as the local
        check reads them (the environment repository, else the content's own declaration)."""
        ready = [seat for seat in self.seats if seat.ready]
        if not ready or self.stopping.is_set():
            return None
        from .hub_kernels import installed_versions, use_token

        repo = self.event.environment_repo or pull.repo
        try:
            checkout = pull_content(repo, None if self.event.environment_repo else pull.branch)
        except PullError as error:
            return {"repository": repo, "server": ready[0].label, "problems": [f"cannot read the declaration: {error}"]}
        file = environment_file(checkout.path)
        path = checkout.path / file
        declared = declared_packages(file, path.read_text("utf-8")) if path.is_file() else []
        result: dict[str, Any] = {
            "repository": repo,
            "file": file,
            "server": ready[0].label,
            "declared": [{"name": item.name, "specifier": item.specifier} for item in declared],
            "installed": {},
            "problems": [],
        }
        if declared:
            assert ready[0].url is not None
            use_token(self.hub.url, self.hub.token, self.hub.timeout)
            names = [item.name for item in declared]
            try:
                installed = installed_versions(ready[0].url, self._folder, names, self.event.kernel, _PROBE_TIMEOUT)
            except Exception as error:  # any failure of the hub's kernel is this step's finding, not a crash
                result["problems"] = [f"the hub's kernel could not report versions: {type(error).__name__}: {error}"]
            else:
                result["installed"] = {name: installed.get(name) for name in sorted(names)}
                result["problems"] = version_problems(declared, installed)
        for problem in result["problems"]:
            self.say(f"env      {ready[0].label}: {problem}")
        return result

    def _run_share(self, seat: Seat, share: list[str], pull: PullLink, mirror: Path) -> ExecutionReport:
        from .hub_kernels import USAGE_PROBE, kernel_manager_for, use_token

        if not share:
            return ExecutionReport((), 1, 0.0)
        assert seat.url is not None
        use_token(self.hub.url, self.hub.token, self.hub.timeout)
        return run_event_content(
            mirror,
            [glob.escape(name) for name in share],
            jobs=1,
            timeout=self.event.timeout or DEFAULT_TIMEOUT,
            kernel_name=self.event.kernel,
            allow_errors=self.event.allow_errors,
            kernel_manager_class=kernel_manager_for(seat.url, self._folder, mirror),
            probe=USAGE_PROBE,
        )

    def _mirror(self, server: str, folder: str, into: Path) -> None:
        """Copy the notebooks of the pulled folder from the server: exactly what the hub has, nothing local."""
        pending = [folder]
        while pending:
            listing = self.hub.download(server, pending.pop())
            for entry in listing.get("content") or []:
                if entry.get("type") == "directory":
                    pending.append(entry["path"])
                elif entry.get("type") == "notebook":
                    model = self.hub.download(server, entry["path"])
                    target = into / PurePosixPath(entry["path"]).relative_to(folder)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(json.dumps(model["content"]), "utf-8")

    def _home_warnings(self, pull: PullLink) -> list[str]:
        """Homes whose copy of the event's folder is a clone of another repository or branch than the link's:
        an attendee with such a home (from an earlier run, or from before the link changed) fails at the pull."""
        warnings = []
        for seat in self.seats:
            repo, branch = seat.home.get("repo"), seat.home.get("branch")
            if not repo:
                continue
            if _same_repo(str(repo), pull.repo) and (pull.branch is None or branch == pull.branch):
                continue
            warnings.append(
                f"home of {seat.label}: {pull.folder} already holds a clone of {one_line(str(repo))[:_MAX_TEXT]} "
                f"(branch {one_line(str(branch))[:100]}); the link now pulls {pull.repo}"
                f"{f' (branch {pull.branch})' if pull.branch else ''}: in a home like it, the attendee's next click "
                "fails at the pull (nbgitpuller cannot merge another repository); tell attendees who pulled "
                "before to rename that folder, or keep the old URL and branch"
            )
        for warning in warnings:
            self.say(f"home     {warning}")
        return warnings

    def cleanup(self, event_folder: str = "") -> None:
        """Remove this run's content folders, stop the servers the rehearsal started and delete the users it
        created, all at once; say what could not be."""
        if not self.seats:
            return
        with ThreadPoolExecutor(max_workers=min(len(self.seats), 16), thread_name_prefix="rehearsal-cleanup") as pool:
            list(pool.map(lambda seat: self._release(seat, event_folder), self.seats))

    def _release(self, seat: Seat, event_folder: str) -> None:
        if self.mode == USERS and not seat.created:
            return  # never touch a user the rehearsal did not create
        if seat.pulled and seat.url is not None:
            self._clear_home(seat, event_folder)
        if seat.was_running:
            return
        try:
            self.hub.stop_server(seat.user, seat.server, remove=bool(seat.server))
        except HubError as error:
            if error.status not in (400, 404):
                self.say(f"cleanup  {seat.label}: could not stop the server: {error}")
        if seat.created:
            self._delete_user(seat)

    def _clear_home(self, seat: Seat, event_folder: str) -> None:
        """Remove this run's folder from the home (homes outlive users), reading first what the event's own
        folder there holds."""
        from .hub_kernels import home_check_and_remove, use_token

        assert seat.url is not None
        seat.pulled = False
        use_token(self.hub.url, self.hub.token, self.hub.timeout)
        for attempt in range(1, _REMOVE_ATTEMPTS + 1):
            # A second try: on a busy hub the kernel that removes it can fail to start, or a late write by git
            # into the clone can make the removal leave a folder behind.
            try:
                seat.home = home_check_and_remove(seat.url, event_folder, self.content_root, _PROBE_TIMEOUT)
            except Exception as error:  # the server may be gone already; say so, clean-up goes on
                if attempt == _REMOVE_ATTEMPTS:
                    self.say(f"cleanup  {seat.label}: could not remove {self.content_root} from the home: {error}")
                    return
            else:
                if seat.home.get("removed"):
                    return
            if attempt < _REMOVE_ATTEMPTS:
                time.sleep(1.0)
        self.say(f"cleanup  {seat.label}: {self.content_root} is still in the home")

    def _delete_user(self, seat: Seat) -> None:
        """Delete a user, waiting while the hub is still stopping their server."""
        deadline = time.monotonic() + _CLEANUP_WAIT
        while True:
            try:
                self.hub.delete_user(seat.user)
                return
            except HubError as error:
                if error.status == 404:
                    return
                if error.status != 400 or time.monotonic() > deadline:
                    self.say(f"cleanup  {seat.user}: could not delete the user: {error}")
                    return
            time.sleep(0.5)


def _path(result: NotebookResult) -> str:
    return result.path


def _same_repo(found: str, wanted: str) -> bool:
    """The same repository, however the URL ends (``.git``, a slash)."""
    return found.rstrip("/").removesuffix(".git") == wanted.rstrip("/").removesuffix(".git")


def _usage(report: ExecutionReport | None) -> list[NotebookUsage]:
    """Each notebook's measured memory and CPU, from what the probe printed in its kernel."""
    from .hub_kernels import USAGE_MARKER

    usage = []
    for result in report.results if report is not None else ():
        for line in (result.probe_output or "").splitlines():
            if not line.startswith(USAGE_MARKER):
                continue
            try:
                data = json.loads(line.removeprefix(USAGE_MARKER))
                usage.append(NotebookUsage(result.path, int(data["peak_rss_bytes"]), float(data["cpu_seconds"])))
            except (ValueError, KeyError, TypeError):
                continue
    return usage


def _bytes(value: Any) -> int | None:
    """A size from the server's environment: bytes as KubeSpawner writes them, or JupyterHub's ``2G``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()[:40]
    if text.isdigit():
        return int(text)
    try:
        return parse_memory(text)
    except ValueError:
        return None


def _facts(found: Mapping[str, Any]) -> ServerFacts:
    """The server's facts from its probe's JSON, every value bounded and checked."""
    raw = found.get("env")
    env: dict[str, Any] = raw if isinstance(raw, dict) else {}
    variable = next((name for name in ("JUPYTER_IMAGE", "JUPYTER_IMAGE_SPEC") if env.get(name)), None)
    image = one_line(str(env[variable]))[:_MAX_TEXT] if variable else None
    try:
        cpu = float(str(env.get("CPU_LIMIT") or "")[:20]) if env.get("CPU_LIMIT") else None
    except ValueError:
        cpu = None

    def number(key: str) -> int | None:
        value = found.get(key)
        return value if isinstance(value, int) and value >= 0 else None

    return ServerFacts(
        image=image,
        image_variable=variable,
        memory_limit=_bytes(env.get("MEM_LIMIT")),
        memory_guarantee=_bytes(env.get("MEM_GUARANTEE")),
        cpu_limit=cpu,
        content_bytes=number("content_bytes"),
        volume_total_bytes=number("volume_total_bytes"),
        volume_free_bytes=number("volume_free_bytes"),
    )
