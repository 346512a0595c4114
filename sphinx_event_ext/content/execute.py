"""Run an event's notebooks top to bottom, as attendees will, and say exactly what broke.

No Sphinx here: the check pipeline and the CLI call these. Each notebook runs with nbclient
in its own fresh kernel, inside a temporary copy of the content (a notebook that writes
files never touches the source) with the notebook's folder as working directory. Notebooks
run in parallel, and kernels are started ahead of need so a worker never waits for one.
A notebook that passed is not run again while every input of its result is byte-identical
(its code, every non-notebook file of its content, the pulled commit, the environment's
identity, the kernels' environment variables, the options and the date): the cache is one
small JSON file per key, written atomically, so parallel builds need no database and no lock.
A run that changed a file outside its copy caches nothing.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_core.utils import ensure_async

from ..util.atomic import dumps, write_atomic
from .cleanup import RunFolder, sweep_dead_runs, terminate_as_interrupt
from .environment_files import PACKAGE_NAMES
from .inputs import environment_identity, kernel_environment, tree_hash
from .kernel_output import KernelOutput
from .kernels import EnvironmentKernels, is_python_kernel
from .notebooks import load_notebook, notebook_settings
from .output_limits import DEFAULT_OUTPUT_LIMIT, OutputBudget
from .progress import FINISHED, SELECTED, STARTED, OnProgress, ProgressEvent
from .results import CACHED, EXPECTED_ERRORS, FAILED, PASSED, SKIPPED, ExecutionReport, Failure, NotebookResult
from .sandbox import Surroundings, changed_paths, copy_content, fingerprint
from .sanitize import error_text, one_line, printable_lines
from .select import DEFAULT_GLOBS, NEVER_RUN, matching_notebooks, select_notebooks

if TYPE_CHECKING:
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbformat import NotebookNode

    from .client import BoundedClient

# nbclient is imported where notebooks run, not here: a check where every notebook is cached
# needs none of it. nbformat validates every notebook, cached or not (see notebooks.py).

DEFAULT_TIMEOUT = 300
ENVIRONMENT_FILES = ("requirements.txt", "environment.yml", "pyproject.toml")

_CACHE_VERSION = "2"
_ENVIRONMENT_FOLDERS = (".binder", "binder")  # repo2docker reads these instead of the root when present
_SKIP_TAG = "skip-execution"
_RAISES_TAG = "raises-exception"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_MISSING_MODULE = re.compile(r"No module named '([^']+)'")
_INTERRUPT_WAIT = 2.0
_SHOWN_WRITES = 10

_T = TypeVar("_T")


@dataclass(frozen=True)
class _Options:
    timeout: int
    kernel_name: str | None
    allow_errors: bool
    startup_timeout: int
    compare_outputs: bool = False
    output_limit: int = DEFAULT_OUTPUT_LIMIT
    kernel_argv: tuple[str, ...] | None = None
    module_hint: Callable[[str], str] | None = None
    kernel_manager_class: type[KernelManager] | None = (
        None  # None: local kernels; a class: kernels elsewhere (a hub's server)
    )
    probe: str | None = None  # code run in each notebook's kernel after it, whose output the result keeps
    on_progress: OnProgress | None = field(default=None, compare=False)


@dataclass(frozen=True)
class _Job:
    """One notebook to run: where it runs, its name in the content, and its content, already validated."""

    path: Path
    name: str
    notebook: NotebookNode
    source_root: Path
    copy_root: Path | None


@dataclass
class _Slots:
    """At most ``jobs`` notebooks executing, and as many kernels again starting up ahead of them, in ``run``."""

    jobs: int
    run: RunFolder
    surroundings: Surroundings | None = None
    kernels: asyncio.Semaphore = field(init=False)
    running: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.kernels = asyncio.Semaphore(2 * self.jobs)
        self.running = asyncio.Semaphore(self.jobs)


def environment_file(content_dir: str | os.PathLike[str]) -> str:
    """The file that declares the content's packages, as repo2docker looks for it, or where to create one."""
    root = Path(content_dir)
    folder = next((name for name in _ENVIRONMENT_FOLDERS if (root / name).is_dir()), "")
    for name in ENVIRONMENT_FILES:
        if (root / folder / name).is_file():
            return f"{folder}/{name}" if folder else name
    return f"{folder}/requirements.txt" if folder else "requirements.txt"


def environment_digest(content_dir: str | os.PathLike[str]) -> str:
    """A hash of everything that defines the environment: the declaration files and this Python's identity
    (its version and resolved packages, not the folder of the virtual environment that holds them)."""
    root = Path(content_dir)
    digest = hashlib.sha256(environment_identity().encode("utf-8"))
    for folder in ("", *_ENVIRONMENT_FOLDERS):
        for name in ENVIRONMENT_FILES:
            path = root / folder / name
            if path.is_file():
                digest.update(f"\0{folder}/{name}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def missing_module_hint(evalue: str, content_dir: str | os.PathLike[str]) -> str:
    """What to do about ``No module named 'x'``; empty when ``evalue`` is another message."""
    match = _MISSING_MODULE.search(evalue)
    if match is None:
        return ""
    module = match.group(1)
    top = module.split(".")[0]
    hint = f"module {module} is not installed in the event's environment; add it to {environment_file(content_dir)}"
    if top in PACKAGE_NAMES:
        hint += f" (its package is named {PACKAGE_NAMES[top]})"
    return hint


def _module_hint(evalue: str, source_root: Path, options: _Options) -> str:
    return options.module_hint(evalue) if options.module_hint else missing_module_hint(evalue, source_root)


def run_notebook(
    path_in_copy: str | os.PathLike[str],
    *,
    timeout: int = DEFAULT_TIMEOUT,
    kernel_name: str | None = None,
    allow_errors: bool = False,
    startup_timeout: int = 60,
    content_dir: str | os.PathLike[str] | None = None,
    output_limit: int = DEFAULT_OUTPUT_LIMIT,
) -> NotebookResult:
    """Run one notebook in place, in a fresh kernel, with its folder as working directory.

    The notebook file is only read, but the cells run where it is: pass a copy when it
    may write files (:func:`run_event_content` does). ``content_dir`` is where missing
    modules should be declared; it defaults to the notebook's folder.
    """
    path = Path(path_in_copy).resolve()
    root = Path(content_dir).resolve() if content_dir else path.parent
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    options = _Options(timeout, kernel_name, allow_errors, startup_timeout, output_limit=output_limit)

    try:
        notebook = load_notebook(path)
    except Exception as error:
        return _unreadable(name, error)
    sweep_dead_runs()
    with terminate_as_interrupt(), RunFolder() as folder:
        job = _Job(path, name, notebook, root, None)
        return _run_sync(_run_notebook(job, options, _Slots(1, folder)))


def run_event_content(
    content_dir: str | os.PathLike[str],
    globs: Iterable[str] = DEFAULT_GLOBS,
    *,
    jobs: int | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    kernel_name: str | None = None,
    allow_errors: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
    log_dir: str | os.PathLike[str] | None = None,
    compare_outputs: bool = False,
    output_limit: int = DEFAULT_OUTPUT_LIMIT,
    protect: Iterable[str | os.PathLike[str]] = (),
    unprotected: Iterable[str | os.PathLike[str]] = (),
    kernel_argv: Sequence[str] | None = None,
    module_hint: Callable[[str], str] | None = None,
    kernel_manager_class: type[KernelManager] | None = None,
    probe: str | None = None,
    on_progress: OnProgress | None = None,
    environment_variables: Iterable[str] = (),
    proven_against: Mapping[str, str | None] | None = None,
) -> ExecutionReport:
    """Run every selected notebook of an event's content in a temporary copy, in parallel.

    Notebooks found unchanged in ``cache_dir`` since they last passed are reported as
    ``cached`` without starting a kernel (``force`` runs them anyway). The full traceback
    of each failure goes to ``log_dir/<notebook>.log``. With ``compare_outputs``, each passing
    notebook lists the cells whose fresh outputs differ from the saved ones. A notebook whose
    output passes ``output_limit`` bytes (text and data, all cells together) fails at the cell
    that passed it; each cell keeps only the first and last part of a long output.

    The content folder and the ``protect`` folders (the docs' source), less ``unprotected``
    ones (the build's output), must be as they were after the run: the report names every
    file a notebook changed there, and such a run fails. ``kernel_argv``
    starts every Python kernel (the event's own environment, see :mod:`.environment`), and
    ``module_hint`` says what to do about a ``ModuleNotFoundError`` there. ``kernel_manager_class``
    runs the kernels elsewhere, through nbclient's own hook (a hub's server: see ``hub_kernels``).
    ``probe`` is code run in each notebook's kernel once its cells ran (unless the kernel died or
    timed out); its standard output is the result's ``probe_output`` (the rehearsal reads memory so).
    ``on_progress`` hears of each notebook as it starts and ends, for a live display.
    ``environment_variables`` are the site's own variables the results depend on (besides
    :data:`.inputs.KERNEL_ENVIRONMENT`), and ``proven_against`` what the content is (the pulled commit).
    """
    started = time.monotonic()
    root = Path(content_dir).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"the content folder {root} does not exist")
    sweep_dead_runs()
    patterns = tuple(globs) or DEFAULT_GLOBS
    unmatched = tuple(pattern for pattern in patterns if not matching_notebooks(root, pattern))
    argv = tuple(kernel_argv) if kernel_argv else None
    options = _Options(
        timeout,
        kernel_name,
        allow_errors,
        60,
        compare_outputs,
        output_limit=output_limit,
        kernel_argv=argv,
        module_hint=module_hint,
        kernel_manager_class=kernel_manager_class,
        probe=probe,
        on_progress=on_progress,
    )
    environment = environment_digest(root)
    inputs = {
        "content": tree_hash(root, NEVER_RUN, ".ipynb"),
        "variables": kernel_environment(environment_variables),
        "today": dt.date.today().isoformat(),
        "proven_against": dict(proven_against or {}),
    }
    cache = Path(cache_dir) if cache_dir is not None else None
    logs = Path(log_dir) if log_dir is not None else None
    results: dict[str, NotebookResult] = {}
    pending: dict[str, str] = {}
    notebooks: dict[str, NotebookNode] = {}
    argv_of: dict[str, list[str] | None] = {}
    selected = select_notebooks(root, patterns)
    _notify(options, ProgressEvent(SELECTED, total=len(selected)))
    for relative in selected:
        name = relative.as_posix()
        try:
            notebook = load_notebook(root / relative)
            kernel = kernel_name or _kernel_of(notebook)
            if kernel not in argv_of:
                argv_of[kernel] = list(argv) if argv and is_python_kernel(kernel) else _kernel_argv(kernel)
            key = _cache_key(notebook, name, environment, argv_of[kernel], options, inputs)
        except Exception as error:  # whatever a notebook holds, it is that notebook's failure
            results[name] = _record(_unreadable(name, error), "", None, logs)
            _notify(options, ProgressEvent(FINISHED, name, result=results[name]))
            continue
        hit = None if force or cache is None else _read_cache(cache, key, name)
        if hit is not None:
            results[name] = hit
            _notify(options, ProgressEvent(FINISHED, name, result=hit))
        else:
            pending[name] = key
            notebooks[name] = notebook
    workers = max(1, min(jobs or os.cpu_count() or 1, len(pending) or 1))
    changed: list[str] = []
    if pending:
        watched = [root, *(Path(folder) for folder in protect)]
        ours = [Path(folder) for folder in (*unprotected, *(path for path in (cache, logs) if path is not None))]
        before = fingerprint(watched, ours)
        ran = _run_copies(root, notebooks, options, workers)
        changed = changed_paths(before, fingerprint(watched, ours))
        for result in ran:
            # A run that changed the source proves nothing about the next one: nothing is cached.
            result = _record(result, pending[result.path], None if changed else cache, logs)
            results[result.path] = result
    ordered = tuple(results[name] for name in sorted(results))
    return ExecutionReport(ordered, workers, time.monotonic() - started, unmatched, tuple(changed))


def _kernel_of(notebook: Mapping[str, Any]) -> str:
    """The kernel the notebook asks for, or "" for the default."""
    return str((notebook.get("metadata", {}).get("kernelspec") or {}).get("name") or "")


def _notify(options: _Options, event: ProgressEvent) -> None:
    if options.on_progress is not None:
        options.on_progress(event)


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _cache_key(
    notebook: Mapping[str, Any],
    name: str,
    environment: str,
    kernel_argv: list[str] | None,
    options: _Options,
    inputs: Mapping[str, Any],
) -> str:
    """The sha256 of all that decides a run's outcome: code, execution tags, kernel, environment, options,
    and the ``inputs`` shared by the event's notebooks (its other files, variables, date, commit).

    Markdown, outputs other than saved errors (all saved outputs when they are compared),
    and other metadata are left out, so fixing a typo in the prose does not re-run a notebook.
    """
    cells = [
        [
            _source(cell),
            sorted(tag for tag in _tags(cell) if tag in (_SKIP_TAG, _RAISES_TAG)),
            sorted(_saved_errors(cell)),
            cell.get("outputs", []) if options.compare_outputs else [],
        ]
        for cell in notebook.get("cells", [])
        if cell.get("cell_type") == "code"
    ]
    data = {
        "version": _CACHE_VERSION,
        "notebook": name,
        "kernel": options.kernel_name or _kernel_of(notebook),
        "kernel_argv": _portable(kernel_argv),
        "settings": notebook_settings(notebook),
        "options": {
            "timeout": options.timeout,
            "allow_errors": options.allow_errors,
            "compare_outputs": options.compare_outputs,
            "output_limit": options.output_limit,
        },
        "environment": environment,
        "cells": cells,
        "inputs": inputs,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def _portable(kernel_argv: list[str] | None) -> list[str] | None:
    """The kernel's command with the checker's own interpreter named by its identity, not its path."""
    if not kernel_argv or os.path.realpath(kernel_argv[0]) != os.path.realpath(sys.executable):
        return kernel_argv
    return [f"checker:{environment_identity()}", *kernel_argv[1:]]


def _kernel_argv(kernel: str) -> list[str] | None:
    """The command that starts ``kernel``, its interpreter resolved: which Python the notebook gets."""
    try:
        argv = list(KernelSpecManager().get_kernel_spec(kernel or "python3").argv)
    except (NoSuchKernel, OSError, ValueError):
        return None
    if argv and not os.path.isabs(argv[0]):
        argv[0] = shutil.which(argv[0]) or argv[0]
    return argv


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _saved_errors(cell: Mapping[str, Any]) -> set[str]:
    return {output.get("ename", "") for output in cell.get("outputs", []) if output.get("output_type") == "error"}


def _first_line(source: str) -> str:
    line = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= 80 else line[:77] + "..."


def _clean(text: str, copy_root: Path | None, source_root: Path) -> str:
    """ANSI colours removed, and the temporary copy's path shown as the content's own."""
    text = _ANSI.sub("", text)
    if copy_root is not None:
        text = text.replace(str(copy_root), str(source_root))
    return text


async def _run_notebook(job: _Job, options: _Options, slots: _Slots) -> NotebookResult:
    """Run one notebook; every outcome, even a dead kernel or a bug here, comes back as a result."""
    try:
        result = await _execute(job, options, slots)
    except Exception as error:
        problem = Failure("internal", type(error).__name__, f"the check could not run it: {error_text(error)}")
        result = NotebookResult(job.name, FAILED, 0.0, code_cells=0, cells=0, failure=problem)
    written = slots.surroundings.new_writes() if slots.surroundings is not None else []
    if written:
        result = _wrote_outside(result, written)
    _notify(options, ProgressEvent(FINISHED, job.name, result=result))
    return result


def _wrote_outside(result: NotebookResult, written: list[str]) -> NotebookResult:
    """The notebook fails: it wrote above its content's folder, which on the hub is the attendee's home or worse.

    Several notebooks run at once: the write is reported on the one that ended first after it.
    """
    shown = ", ".join(written[:_SHOWN_WRITES]) + (
        f" and {len(written) - _SHOWN_WRITES} more" if len(written) > _SHOWN_WRITES else ""
    )
    evalue = (
        f"it wrote outside its copy of the content, by a relative path above the content's folder: {shown}; "
        "on the hub that is outside the pulled folder, and here it would reach your own files"
    )
    problem = Failure("outside", "WriteOutsideContent", evalue, cells=result.cells)
    return replace(result, status=FAILED, failure=problem)


async def _execute(job: _Job, options: _Options, slots: _Slots) -> NotebookResult:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from .client import BoundedClient, OutputLimitExceeded

    path, name, notebook, source_root, copy_root = job.path, job.name, job.notebook, job.source_root, job.copy_root
    cells = notebook.cells
    code = [index for index, cell in enumerate(cells) if cell.cell_type == "code"]
    skipped = tuple(index + 1 for index in code if _SKIP_TAG in _tags(cells[index]))
    runnable = [index for index in code if cells[index].source.strip() and _SKIP_TAG not in _tags(cells[index])]
    settings = notebook_settings(notebook)
    summary: dict[str, Any] = {"code_cells": len(code), "cells": len(cells), "skipped_cells": skipped}
    if settings["skip"]:
        return NotebookResult(name, SKIPPED, 0.0, reason="the notebook's metadata turns execution off", **summary)
    if not runnable:
        return NotebookResult(name, SKIPPED, 0.0, reason="no code cell to run", **summary)

    timeout = settings["timeout"] or math.ceil(options.timeout)
    allow_all = options.allow_errors or settings["allow_errors"]
    saved = {index: _saved_errors(cells[index]) for index in code}
    before = copy.deepcopy(notebook) if options.compare_outputs else None  # the saved outputs, to compare
    client = BoundedClient(
        notebook,
        OutputBudget(options.output_limit),
        timeout=timeout,
        startup_timeout=options.startup_timeout,
        kernel_name=options.kernel_name or "",
        allow_errors=True,  # every error is judged below, against the saved outputs
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.parent)}},
    )
    if options.kernel_manager_class is not None:
        client.kernel_manager_class = options.kernel_manager_class
    replies: dict[int, dict[str, Any]] = {}

    def keep_reply(cell: Any, cell_index: int, execute_reply: dict[str, Any]) -> None:
        replies[cell_index] = execute_reply.get("content", {})

    client.on_cell_executed = keep_reply

    def failure(kind: str, index: int | None, ename: str, evalue: str, traceback: str = "", hint: str = "") -> Failure:
        if index is None:
            return Failure(kind, ename, evalue, cells=len(cells), traceback=traceback)
        return Failure(
            kind,
            ename,
            _clean(evalue, copy_root, source_root),
            cell=index + 1,
            code_cell=code.index(index) + 1,
            cells=len(cells),
            first_line=_first_line(cells[index].source),
            traceback=_clean(traceback, copy_root, source_root),
            hint=hint,
        )

    async with slots.kernels:
        problem, kernel_output = await _start_kernel(client, path.parent, slots.run, options.kernel_argv)
        kernel_output.close()
        if problem is not None:
            return NotebookResult(name, FAILED, 0.0, failure=replace(problem, cells=len(cells)), **summary)
        expected: list[int] = []
        broken: Failure | None = None
        duration = 0.0
        probed: str | None = None
        try:
            async with slots.running:
                started = time.monotonic()
                _notify(options, ProgressEvent(STARTED, name))
                for index in runnable:
                    cell = cells[index]
                    try:
                        await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                    except CellTimeoutError:
                        stuck_at = await _interrupt_for_traceback(client, cell)
                        broken = failure("timeout", index, "CellTimeoutError", f"timed out after {timeout} s", stuck_at)
                        break
                    except OutputLimitExceeded as error:
                        broken = failure("output", index, "OutputLimitExceeded", str(error))
                        break
                    except DeadKernelError:
                        evalue = "the kernel died while running it (DeadKernelError): out of memory, or the code ended the process"
                        broken = failure("dead-kernel", index, "DeadKernelError", evalue, kernel_output.report())
                        break
                    except Exception as error:
                        broken = failure(
                            "kernel", index, type(error).__name__, f"the kernel stopped answering: {error_text(error)}"
                        )
                        break
                    reply = replies.pop(index, {})
                    if reply.get("status") != "error":
                        continue
                    ename, evalue = reply.get("ename", "Error"), reply.get("evalue", "")
                    evalue = evalue or ("out of memory" if ename == "MemoryError" else f"{ename} with no message")
                    if allow_all or _RAISES_TAG in _tags(cell) or ename in saved[index]:
                        expected.append(index + 1)
                        continue
                    traceback = "\n".join(reply.get("traceback", [])) or f"{ename}: {evalue}"
                    hint = _module_hint(evalue, source_root, options) if ename == "ModuleNotFoundError" else ""
                    if saved[index] and not hint:
                        evalue += f" (the saved output shows {', '.join(sorted(saved[index]))} instead)"
                    broken = failure("error", index, ename, evalue, traceback, hint)
                    break
                duration = time.monotonic() - started
                if options.probe is not None and (broken is None or broken.kind == "error"):
                    probed = await _probe(client, options.probe)
        finally:
            await _stop_kernel(client)
    if probed is not None:
        summary["probe_output"] = probed
    if broken is not None:
        return NotebookResult(name, FAILED, duration, failure=broken, **summary)
    status = EXPECTED_ERRORS if expected else PASSED
    changed: tuple[int, ...] = ()
    if before is not None:
        from .regression import changed_output_cells  # pytest-notebook is slow to import; only when comparing

        changed = changed_output_cells(before, notebook)
    return NotebookResult(name, status, duration, expected_errors=tuple(expected), changed_outputs=changed, **summary)


async def _probe(client: NotebookClient, code: str) -> str | None:
    """Run ``code`` in the notebook's kernel as one more cell (taken off again); its standard output, or None."""
    from nbformat import v4

    cell = v4.new_code_cell(code)
    client.nb.cells.append(cell)
    try:
        await client.async_execute_cell(cell, len(client.nb.cells) - 1, store_history=False)
    except Exception:  # the kernel could not answer: the run's own result stands, without the probe
        return None
    finally:
        client.nb.cells.pop()
    return "".join(output.get("text", "") for output in cell.outputs if output.get("name") == "stdout")


async def _interrupt_for_traceback(client: NotebookClient, cell: Any) -> str:
    """Interrupt a cell that timed out and return the traceback showing the line it was stuck on, if any.

    nbclient keeps collecting the cell's outputs after a timeout, so the interrupt's
    ``KeyboardInterrupt`` arrives there; a kernel that ignores interrupts gets
    ``_INTERRUPT_WAIT`` seconds before it is killed anyway.
    """
    if client.km is None:
        return ""
    try:
        await ensure_async(client.km.interrupt_kernel())
    except Exception:
        return ""
    deadline = time.monotonic() + _INTERRUPT_WAIT
    while time.monotonic() < deadline:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                lines = "\n".join(output.get("traceback", []))
                return f"Interrupted after the timeout, the cell was here:\n{lines}"
        await asyncio.sleep(0.05)
    return ""


async def _start_kernel(
    client: BoundedClient, cwd: Path, run: RunFolder, kernel_argv: tuple[str, ...] | None = None
) -> tuple[Failure | None, KernelOutput]:
    """Start the notebook's kernel in ``run``, retrying once: a start fails now and then for no lasting reason.

    The kernel's connection file goes into the run's folder, and its environment carries the
    run's id, so that whatever it starts can be found and ended with the run. Its stdout and
    stderr go to a bounded capture of its own (returned, for the caller to close), never the checker's.
    """
    for attempt in (1, 2):
        output = KernelOutput()
        try:
            manager = client.create_kernel_manager()
            if kernel_argv:  # the event's own environment runs every Python kernel
                manager.kernel_spec_manager = EnvironmentKernels(kernel_argv)
            manager.connection_file = run.connection_file()
            await client.async_start_new_kernel(cwd=str(cwd), stdout=output.fd, stderr=output.fd, env=run.environment())
            output.started()
            await client.async_start_new_kernel_client()
            return None, output
        except Exception as error:
            output.close()
            await _stop_kernel(client)
            client.km = None
            if isinstance(error, NoSuchKernel):
                installed = ", ".join(sorted(KernelSpecManager().find_kernel_specs())) or "none"
                evalue = f"no kernel named {client.kernel_name!r} is installed; installed kernels: {installed}"
                return Failure("kernel", "NoSuchKernel", evalue), output
            if attempt == 1:
                continue
            written = output.report()
            last = written.splitlines()[-1] if "\n" in written else written
            evalue = f"the kernel {client.kernel_name!r} did not start, twice: {error_text(error)}; {last.strip()}"
            return Failure("kernel", type(error).__name__, evalue, traceback=written), output
    raise AssertionError("not reached: the second attempt returns")


async def _stop_kernel(client: BoundedClient) -> None:
    """Stop the kernel however it ended; a kernel that already died only needs its files cleaned up."""
    await client.stop_polling()
    if client.kc is not None:
        client.kc.stop_channels()
        client.kc = None
    manager = client.km
    if manager is None or not manager.has_kernel:
        return
    if await ensure_async(manager.is_alive()):
        await ensure_async(manager.shutdown_kernel(now=True))
    else:
        await ensure_async(manager.cleanup_resources())


def _unreadable(name: str, error: Exception) -> NotebookResult:
    problem = Failure("notebook", type(error).__name__, f"the notebook cannot be read: {error_text(error)}")
    return NotebookResult(name, FAILED, 0.0, code_cells=0, cells=0, failure=problem)


def _run_copies(
    root: Path, notebooks: Mapping[str, NotebookNode], options: _Options, jobs: int
) -> list[NotebookResult]:
    """Run ``notebooks`` in a temporary copy of ``root``, removed afterwards, ``jobs`` at a time."""
    with terminate_as_interrupt(), RunFolder() as folder:
        copy = folder.content_copy(root.name)
        copy.parent.mkdir(parents=True)
        copy_content(root, copy, NEVER_RUN)
        surroundings = Surroundings(folder.above_copy(), copy)

        async def run_all() -> list[NotebookResult]:
            slots = _Slots(jobs, folder, surroundings)
            queued = [_Job(copy / name, name, notebook, root, copy) for name, notebook in notebooks.items()]
            return list(await asyncio.gather(*(_run_notebook(job, options, slots) for job in queued)))

        return _run_sync(run_all())


def _run_sync(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` to completion, in a thread of its own when this one already has an event loop."""
    coroutine = _quiet_teardown(coroutine)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=target, name="sphinx-event-execute")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


_TEARDOWN = "unhandled exception during asyncio.run() shutdown"


async def _quiet_teardown(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """``coroutine``, in a loop that does not print what its tasks raise as an interrupt tears it down.

    On Ctrl-C or SIGTERM, asyncio.run cancels the notebooks' tasks; nbclient's then raise
    ``DeadKernelError`` as their kernels are ended, which asyncio would print as a traceback
    before the check's own one-line message. Every other exception is handled as before.
    """

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if not str(context.get("message", "")).startswith(_TEARDOWN):
            loop.default_exception_handler(context)

    asyncio.get_running_loop().set_exception_handler(handle)
    return await coroutine


def _log_path(name: str) -> Path:
    return Path(name).with_suffix(".log")


def _record(result: NotebookResult, key: str, cache: Path | None, logs: Path | None) -> NotebookResult:
    """Cache a pass with when it ran, log a failure's full traceback (removing a stale log otherwise)."""
    if result.status in (PASSED, EXPECTED_ERRORS):
        result = replace(result, ran_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        if cache is not None:
            entry = {"version": _CACHE_VERSION, **result.to_json()}
            write_atomic(cache / f"{key}.json", dumps(entry))
    if logs is None:
        return result
    log = logs / _log_path(result.path)
    if result.failure is None:
        log.unlink(missing_ok=True)
        return result
    problem = result.failure
    header = [f"notebook: {one_line(result.path)}", f"failure: {problem.description}"]
    if problem.hint:
        header.append(f"error: {one_line(problem.ename)}: {one_line(problem.evalue)}")
    body = printable_lines(problem.traceback or f"{problem.ename}: {problem.evalue}")
    write_atomic(log, "\n".join(header) + "\n\n" + body + "\n")
    return replace(result, log=_log_path(result.path).as_posix())


def _read_cache(cache: Path, key: str, name: str) -> NotebookResult | None:
    """The cached pass for ``key``, or None when there is none or the file is not one of ours."""
    try:
        entry = json.loads((cache / f"{key}.json").read_text("utf-8"))
        if entry.get("version") != _CACHE_VERSION or entry.get("status") not in (PASSED, EXPECTED_ERRORS):
            return None
        return NotebookResult(
            name,
            CACHED,
            0.0,
            code_cells=int(entry["code_cells"]),
            cells=int(entry["cells"]),
            expected_errors=tuple(entry.get("expected_errors", ())),
            skipped_cells=tuple(entry.get("skipped_cells", ())),
            changed_outputs=tuple(entry.get("changed_outputs", ())),
            reason=f"{entry['status']} before in {entry['duration']} s, unchanged since",
            ran_at=entry.get("ran_at"),
            proven_duration=float(entry["duration"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
