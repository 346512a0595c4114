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
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from ..model.event import Event
from ..plan.links import PullLink, decode_nbgitpuller_link, event_nbgitpuller_link
from ..plan.packages import declared_packages, version_problems
from ..plan.rehearsal import rehearsal_json, spread, wave_stats
from ..util.sanitize import one_line
from .execute import DEFAULT_TIMEOUT, environment_file, run_event_content
from .hub_api import Hub, HubError
from .pull import PullError, pull_content
from .results import ExecutionReport, NotebookResult
from .select import select_notebooks

USERS = "users"
NAMED_SERVERS = "named-servers"
_CLEANUP_WAIT = 30.0

Say = Callable[[str], None]


@dataclass(frozen=True)
class RehearsalOptions:
    """What the organizer asked for: how many servers, named how, kept or not, and the time bound."""

    users: int = 1
    prefix: str = "rehearsal-"
    keep: bool = False
    timeout: float = 600.0


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

    def run(self, today: dt.date) -> dict[str, Any]:
        """Start, click, run; the ``rehearsal.json`` data. Cleans up on the way out, even on Ctrl-C."""
        link = event_nbgitpuller_link(self.event)
        pull = decode_nbgitpuller_link(link)
        pool = ThreadPoolExecutor(max_workers=max(1, self.options.users), thread_name_prefix="rehearsal")
        futures = []
        failures: list[str] = []
        try:
            self.mode, self.seats = self._plan()
            self._prepare()
            deadline = time.monotonic() + self.options.timeout
            futures = [pool.submit(self._start_and_click, seat, link, pull, deadline) for seat in self.seats]
            for future in futures:
                future.result()
            try:
                report, placement = self._execute(pull)
            except HubError as error:
                report, placement = None, {}
                failures.append(f"run: the notebooks could not be read from the hub: {error}")
            environment = self._check_environment(pull)
        finally:
            self.stopping.set()
            pool.shutdown(wait=False, cancel_futures=True)
            if not self.options.keep:
                self.cleanup()
                if not all(future.done() for future in futures):
                    wait(futures, timeout=_CLEANUP_WAIT)  # a start still in flight may finish after the first pass
                    self.cleanup()
        problems = [f"{seat.step}, server {seat.label}: {seat.error}" for seat in self.seats if seat.error]
        problems += failures
        if report is not None:
            problems += [f"run, server {placement[result.path]}: {result.message}" for result in report.failed]
        if environment is not None:
            problems += [
                f"environment, server {environment['server']}: {problem}" for problem in environment["problems"]
            ]
        started = [seat.start_seconds for seat in self.seats if not seat.was_running]
        return rehearsal_json(
            self.event,
            date=today,
            hub=self.hub.url,
            mode=self.mode,
            link=link,
            servers=[seat.to_json() for seat in self.seats],
            wave=wave_stats(started),
            execution=report.to_json() if report is not None else None,
            placement=placement,
            environment=environment,
            problems=problems,
        )

    def _plan(self) -> tuple[str, list[Seat]]:
        """Users of the rehearsal's own with an admin or service token; named servers of the token's user otherwise."""
        owner = self.hub.whoami()
        numbers = range(1, self.options.users + 1)
        if "admin:users" in owner.get("scopes", []):
            return USERS, [Seat(f"{self.options.prefix}{n}") for n in numbers]
        if owner.get("kind") != "user":
            raise HubError(
                f"the token belongs to the service {owner.get('name')!r}, which may not create users "
                "(it needs the scopes admin:users, admin:servers and access:servers)"
            )
        return NAMED_SERVERS, [Seat(str(owner["name"]), f"{self.options.prefix}{n}") for n in numbers]

    def _prepare(self) -> None:
        """Create missing users; remember which servers ran before, so cleanup leaves those alone."""
        for seat in self.seats:
            model = self.hub.user(seat.user)
            if model is None:
                self.hub.create_user(seat.user)
                seat.created = True
                self.say(f"created user {seat.user}")
                continue
            seat.was_running = seat.server in (model.get("servers") or {})

    def _start_and_click(self, seat: Seat, link: str, pull: PullLink, deadline: float) -> None:
        """Steps 1 and 2 for one server; every failure is recorded on the seat, never raised."""
        try:
            self._start(seat, deadline)
            if seat.error is None and not self.stopping.is_set():
                self._click(seat, link, pull, deadline)
        except HubError as error:
            seat.fail(seat.step or "start", str(error))

    def _start(self, seat: Seat, deadline: float) -> None:
        if seat.was_running:
            model = self.hub.user(seat.user) or {}
            seat.url = self.hub.server_url(model, seat.server)
            if seat.url is None:
                seat.fail("start", "the server was already starting or stopping; try again when it is idle")
            return
        began = time.monotonic()
        try:
            self.hub.start_server(seat.user, seat.server)
        except HubError as error:
            limit = " (the hub's named-server allowance)" if seat.server and error.status == 400 else ""
            seat.fail("start", f"{error}{limit}")
            return
        for update in self.hub.progress(seat.user, seat.server, timeout=max(1.0, deadline - time.monotonic())):
            if update.get("ready"):
                seat.start_seconds = time.monotonic() - began
                seat.url = self.hub.at_origin(str(update.get("url", "")))
                self.say(f"start    {seat.label}: ready in {seat.start_seconds:.1f} s")
                return
            if update.get("failed"):
                seat.fail("start", f"the hub says the server failed: {one_line(str(update.get('message', '')))}")
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
        """Open the git-pull page as the hub's redirect does, then pull through its API, as the page's script does."""
        assert seat.url is not None
        seat.step = "pull"
        began = time.monotonic()
        self.hub.page(f"{seat.url}/git-pull?{urlsplit(link).query}")
        finished = False
        for update in self.hub.git_pull(
            seat.url, pull.repo, pull.branch, pull.folder, timeout=max(1.0, deadline - time.monotonic())
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
        target = PurePosixPath(pull.folder, opened).as_posix() if opened else pull.folder
        if opened is None:
            seat.fail("open", f"the link's urlpath {pull.urlpath!r} opens nothing inside {pull.folder}")
        elif self.hub.contents(seat.url, pull.folder) is None:
            seat.fail("open", f"the folder {pull.folder} is not on the server after the pull")
        elif self.hub.contents(seat.url, target) is None:
            seat.fail("open", f"the link opens {target}, which is not on the server after the pull")
        else:
            seat.opened = target
            seat.step = None
            self.say(f"pull     {seat.label}: pulled in {seat.pull_seconds:.1f} s, {target} exists")

    def _execute(self, pull: PullLink) -> tuple[ExecutionReport | None, dict[str, str]]:
        """Run the selected notebooks on the hub's kernels, spread over the ready servers."""
        ready = [seat for seat in self.seats if seat.ready]
        if not ready or self.stopping.is_set():
            return None, {}
        began = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="sphinx-event-rehearsal-") as temporary:
            mirror = Path(temporary) / "hub-content"
            assert ready[0].url is not None
            self._mirror(ready[0].url, pull.folder, mirror)
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
                installed = installed_versions(ready[0].url, pull.folder, names, self.event.kernel, 120)
            except Exception as error:  # any failure of the hub's kernel is this step's finding, not a crash
                result["problems"] = [f"the hub's kernel could not report versions: {type(error).__name__}: {error}"]
            else:
                result["installed"] = {name: installed.get(name) for name in sorted(names)}
                result["problems"] = version_problems(declared, installed)
        for problem in result["problems"]:
            self.say(f"env      {ready[0].label}: {problem}")
        return result

    def _run_share(self, seat: Seat, share: list[str], pull: PullLink, mirror: Path) -> ExecutionReport:
        from .hub_kernels import kernel_manager_for, use_token

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
            kernel_manager_class=kernel_manager_for(seat.url, pull.folder, mirror),
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

    def cleanup(self) -> None:
        """Stop the servers the rehearsal started and delete the users it created, all at once; say what could not be."""
        if not self.seats:
            return
        with ThreadPoolExecutor(max_workers=min(len(self.seats), 16), thread_name_prefix="rehearsal-cleanup") as pool:
            list(pool.map(self._release, self.seats))

    def _release(self, seat: Seat) -> None:
        if seat.was_running:
            return
        try:
            self.hub.stop_server(seat.user, seat.server, remove=bool(seat.server))
        except HubError as error:
            if error.status not in (400, 404):
                self.say(f"cleanup  {seat.label}: could not stop the server: {error}")
        if seat.created:
            self._delete_user(seat)

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
