"""nbclient's NotebookClient with its output bounded: the part of the runner that reads kernel messages.

Imported only where notebooks run (it imports nbclient). Every output message is counted
against the notebook's :class:`~.output_limits.OutputBudget`; what is beyond the cell's share
is dropped as it arrives, and a notebook past its limit has its cell interrupted, or its
kernel stopped when the interrupt is ignored.

The budget counts what arrives; :class:`BoundedKernelClient` bounds what can arrive. The
kernel batches a loop's prints into one message per flush, tens of MB each, and the checker
holds a message two or three times over while it decodes it. So no message from the kernel
may be larger than :data:`MESSAGE_LIMIT`: libzmq reads the size first and drops the
connection instead of allocating the message, and the cell is stopped as a flood.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from typing import Any

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from nbformat import NotebookNode
from nbformat import v4 as _v4

from .output_limits import MESSAGE_LIMIT, OutputBudget, output_size, size_text

v4: Any = _v4  # nbformat has no type hints

STOP_WAIT = 2.0  # seconds an interrupted cell gets to end before its kernel is stopped
_DEAD_WAIT = 10.0  # seconds for nbclient to notice a stopped kernel
_DYING_WAIT = 1.0  # seconds a kernel whose connection dropped gets to show it died rather than flooded


class OutputLimitExceeded(Exception):
    """The notebook's output passed its limit; the cell was stopped."""


def _marker(dropped: int, keep: int) -> NotebookNode:
    text = (
        f"\n[... {size_text(dropped)} ({dropped} characters) of output dropped here by the check, "
        f"which keeps the first and last {size_text(keep // 2)} of a cell's output ...]\n"
    )
    marker: NotebookNode = v4.new_output("stream", name="stdout", text=text)
    return marker


class BoundedKernelClient(AsyncKernelClient):
    """A kernel client that refuses any message larger than :data:`MESSAGE_LIMIT`, and says when it did.

    The limit is a default of the client's own zmq context, so it holds on every channel. A
    refused message ends the iopub connection for good; ``iopub_monitor`` reports that end.
    """

    iopub_monitor: Any = None  # a zmq.asyncio socket: the client's context is asynchronous

    def _context_default(self) -> zmq.asyncio.Context:
        context = super()._context_default()
        context.setsockopt(zmq.MAXMSGSIZE, MESSAGE_LIMIT)
        return context

    def connect_iopub(self, identity: bytes | None = None) -> Any:
        socket = super().connect_iopub(identity)
        self.iopub_monitor = socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        return socket

    def stop_channels(self) -> None:
        if self.iopub_monitor is not None:
            with suppress(zmq.ZMQError):
                self.iopub_channel.socket.disable_monitor()
            self.iopub_monitor.close(linger=0)
            self.iopub_monitor = None
        super().stop_channels()


class BoundedClient(NotebookClient):
    """A NotebookClient whose cells keep a bounded part of their output and stop at the notebook's limit."""

    def __init__(self, nb: NotebookNode, budget: OutputBudget, **kwargs: Any) -> None:
        super().__init__(nb, **kwargs)
        self.budget = budget
        self.flooded: asyncio.Event | None = None
        self.pollers: set[asyncio.Task[Any]] = set()

    def create_kernel_manager(self) -> Any:
        """The kernel manager, with the bounded client for a local kernel (a hub's kernels have their own)."""
        manager = super().create_kernel_manager()
        if manager.client_factory is AsyncKernelClient:
            manager.client_factory = BoundedKernelClient
        return manager

    async def async_start_new_kernel_client(self) -> Any:
        client = await super().async_start_new_kernel_client()
        monitor = getattr(client, "iopub_monitor", None)
        if monitor is not None:
            watch = asyncio.ensure_future(self._watch_iopub(monitor))
            self.pollers.add(watch)
            watch.add_done_callback(self.pollers.discard)
        return client

    async def _watch_iopub(self, monitor: Any) -> None:
        """Stop the running cell when the iopub connection drops while the kernel lives: a refused message."""
        with suppress(zmq.ZMQError):
            await monitor.recv_multipart()
            deadline = time.monotonic() + _DYING_WAIT
            while time.monotonic() < deadline:
                if self.km is None or not await ensure_async(self.km.is_alive()):
                    return  # the kernel died: nbclient reports it as such
                await asyncio.sleep(0.1)
            self.budget.refuse()
            if self.flooded is not None:
                self.flooded.set()

    async def _async_poll_output_msg(self, parent_msg_id: str, cell: NotebookNode, cell_index: int) -> None:
        # nbclient leaves this task reading after a timeout; it is tracked so stopping the kernel can end it.
        await self._tracked(super()._async_poll_output_msg(parent_msg_id, cell, cell_index))

    async def _async_poll_kernel_alive(self) -> None:
        await self._tracked(super()._async_poll_kernel_alive())

    async def _tracked(self, poll: Any) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.pollers.add(task)
        try:
            await poll
        finally:
            if task is not None:
                self.pollers.discard(task)

    async def stop_polling(self) -> None:
        """End nbclient's readers before the channels close, so none fails reading a closed socket."""
        pollers = [task for task in self.pollers if task is not asyncio.current_task()]
        for task in pollers:
            task.cancel()
        if pollers:
            await asyncio.wait(pollers, timeout=1)

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        content = msg.get("content") or {}
        size = output_size(content)
        self.budget.count(size)
        if self.budget.exceeded:
            if self.flooded is not None:
                self.flooded.set()
            return None
        cell = self.budget.cell
        if cell.fits_head(size):
            cell.kept_in_head(size)
            return super().output(outs, msg, display_id, cell_index)
        room = cell.head_room()
        if room and msg.get("msg_type") == "stream" and isinstance(content.get("text"), str):
            head = {**msg, "content": {**content, "text": content["text"][:room]}}
            cell.kept_in_head(room)
            super().output(outs, head, None, cell_index)
            content = {**content, "text": content["text"][room:]}
            msg = {**msg, "content": content}
            size -= room
        try:
            late = v4.output_from_msg(msg)
        except ValueError:
            return None
        if self.clear_before_next_output:
            outs[:] = []
            self.clear_display_id_mapping(cell_index)
            self.clear_before_next_output = False
            cell.clear()
        cell.to_tail(late, size)
        return None

    def clear_output(self, outs: list[NotebookNode], msg: dict[str, Any], cell_index: int) -> None:
        super().clear_output(outs, msg, cell_index)
        if not (msg.get("content") or {}).get("wait"):
            self.budget.cell.clear()

    async def async_execute_cell(
        self,
        cell: NotebookNode,
        cell_index: int,
        execution_count: int | None = None,
        store_history: bool = True,
    ) -> NotebookNode:
        """Run the cell as nbclient does; stop it when the notebook's output passes the limit."""
        if cell.cell_type != "code":
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        self.flooded = asyncio.Event()
        self.budget.start_cell()
        running = asyncio.ensure_future(super().async_execute_cell(cell, cell_index, execution_count, store_history))
        running.add_done_callback(_retrieve)
        flooded = asyncio.ensure_future(self.flooded.wait())
        try:
            await asyncio.wait({running, flooded}, return_when=asyncio.FIRST_COMPLETED)
            if running.done() and not self.budget.exceeded:
                return running.result()
            await self._stop(running)
            raise OutputLimitExceeded(self.budget.message)
        finally:
            flooded.cancel()
            running.cancel()  # when this task was cancelled itself; a no-op once the cell ended
            self.budget.finish_cell(cell.outputs, _marker)

    async def _stop(self, running: asyncio.Future[Any]) -> None:
        """Interrupt the cell; a kernel that goes on anyway is stopped, and nbclient notices it died."""
        manager: Any = self.km
        if not running.done():
            with suppress(Exception):
                await ensure_async(manager.interrupt_kernel())
            await asyncio.wait({running}, timeout=STOP_WAIT)
        if not running.done():
            with suppress(Exception):
                await ensure_async(manager.shutdown_kernel(now=True))
            await asyncio.wait({running}, timeout=_DEAD_WAIT)
        if not running.done():
            running.cancel()
            await asyncio.wait({running}, timeout=1)


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Mark the outcome of a cell that was stopped as seen: it is reported as the output limit instead."""
    if not task.cancelled():
        task.exception()
