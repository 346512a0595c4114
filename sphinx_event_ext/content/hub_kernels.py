"""Kernels on a hub user's server, for nbclient: jupyter_server's gateway kernel manager and client.

The gateway classes speak the server's kernel REST API and its websocket channels protocol;
three things differ on a hub, and only those are changed here: each server has its own kernels
URL (the gateway's is one global setting), the websocket needs the token in a header, as the
hub's proxy and the server's hub authentication expect, and neither follows a redirect (tornado
and websocket-client would send the token along to wherever it points). The kernel starts in the
notebook's folder on the server (the REST API's ``path``), where the pulled content is.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path, PurePosixPath
from typing import Any, cast

import websocket
from jupyter_core.utils import ensure_async
from jupyter_server.gateway.gateway_client import GatewayClient, gateway_request
from jupyter_server.gateway.managers import GatewayKernelClient, GatewayKernelManager
from jupyter_server.utils import url_escape, url_path_join
from tornado.escape import json_decode, json_encode

_WEBSOCKET_TIMEOUT = 60


class SameOriginGatewayClient(GatewayClient):
    """The gateway settings, with redirects refused: a kernel request answered with one fails instead."""

    def load_connection_args(self, **kwargs: Any) -> dict[str, Any]:
        """The gateway's arguments of every request, and ``follow_redirects=False``."""
        arguments: dict[str, Any] = super().load_connection_args(**kwargs)
        arguments["follow_redirects"] = False
        return arguments


def use_token(hub_url: str, token: str, request_timeout: float) -> None:
    """Give the gateway settings (one per process) the hub and its token, for every kernel request."""
    if GatewayClient.initialized() and not isinstance(GatewayClient.instance(), SameOriginGatewayClient):
        GatewayClient.clear_instance()
    gateway = SameOriginGatewayClient.instance()
    gateway.url = hub_url
    gateway.auth_token = token
    gateway.request_timeout = request_timeout
    gateway.connect_timeout = min(request_timeout, 60.0)


class HubKernelClient(GatewayKernelClient):
    """The gateway client, connecting its websocket to this kernel's own server with the token header."""

    async def start_channels(  # type: ignore[override]  # async, as the gateway client's own
        self, shell: bool = True, iopub: bool = True, stdin: bool = True, hb: bool = True, control: bool = True
    ) -> None:
        """Open the kernel's websocket, then let the gateway client route its messages."""
        manager = cast(HubKernelManager, self.parent)
        url = "ws" + manager.kernel_url.removeprefix("http") + "/channels"
        self.channel_socket = websocket.create_connection(
            url,
            timeout=_WEBSOCKET_TIMEOUT,
            enable_multithread=True,
            header={"Authorization": f"token {GatewayClient.instance().auth_token}"},
            redirect_limit=0,  # a redirect fails the connection: the token goes nowhere else
        )
        # The gateway client's own start_channels would open a second socket at the global URL;
        # skip to jupyter_client's, which sets up the channel queues on this socket.
        await ensure_async(
            super(GatewayKernelClient, self).start_channels(
                shell=shell, iopub=iopub, stdin=stdin, hb=hb, control=control
            )
        )
        self.response_router = threading.Thread(target=self._route_responses, daemon=True)
        self.response_router.start()


class HubKernelManager(GatewayKernelManager):
    """A kernel on one server; subclassed per server by :func:`kernel_manager_for`."""

    server_url = ""
    server_folder = ""
    local_root_name = ""
    client_class = "sphinx_event_ext.content.hub_kernels.HubKernelClient"
    client_factory = HubKernelClient

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kernels_url = url_path_join(self.server_url, "api/kernels")

    def server_path(self, cwd: str | None) -> str:
        """The folder on the server matching the runner's local working folder ``cwd``."""
        if not cwd:
            return self.server_folder
        parts = Path(cwd).parts
        inside = parts[len(parts) - parts[::-1].index(self.local_root_name) :] if self.local_root_name in parts else ()
        return PurePosixPath(self.server_folder, *inside).as_posix()

    async def start_kernel(self, **kwargs: Any) -> None:  # type: ignore[override]  # async, as the gateway's own
        """Start a kernel through the server's REST API, in the notebook's folder on the server."""
        model = {"path": self.server_path(kwargs.get("cwd"))}
        if self.kernel_name:
            model["name"] = self.kernel_name
        response = await gateway_request(
            self.kernels_url, method="POST", headers={"Content-Type": "application/json"}, body=json_encode(model)
        )
        kernel = json_decode(response.body)
        self.kernel, self.kernel_id = kernel, kernel["id"]
        self.kernel_url = url_path_join(self.kernels_url, url_escape(str(self.kernel_id)))


def kernel_manager_for(server_url: str, server_folder: str, local_root: Path) -> type[HubKernelManager]:
    """A kernel manager class for one server: nbclient takes a class, and each server needs its own URL.

    ``local_root`` is the local folder of notebooks the runner reads; their folders under it
    are the kernels' folders under ``server_folder`` on the server.
    """
    attributes = {"server_url": server_url, "server_folder": server_folder, "local_root_name": local_root.name}
    return type("HubKernelManagerForServer", (HubKernelManager,), attributes)


_VERSIONS = """\
import importlib.metadata as _metadata, json as _json
def _version(name):
    try:
        return _metadata.version(name)
    except _metadata.PackageNotFoundError:
        return None
print(_json.dumps({name: _version(name) for name in %r}))
"""

#: Read in a notebook's own kernel after it ran: the kernel's peak resident memory (the kernel's high-water
#: mark; Linux counts ru_maxrss in KiB, macOS in bytes) and its CPU time. One line of JSON after a marker.
USAGE_PROBE = """\
def __sphinx_event_usage():
    import json, resource, sys
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    print("SPHINX-EVENT-USAGE " + json.dumps({"peak_rss_bytes": peak, "cpu_seconds": usage.ru_utime + usage.ru_stime}))
__sphinx_event_usage()
del __sphinx_event_usage
"""
#: What starts the usage probe's line.
USAGE_MARKER = "SPHINX-EVENT-USAGE "

#: The server's own facts, read in a kernel at the server's root: KubeSpawner's environment variables (image,
#: limits), the size of the pulled content (its git history too), and the volume that holds the home.
_FACTS = """\
import json as _json, os as _os, shutil as _shutil
_size = 0
for _root, _dirs, _files in _os.walk(%r):
    for _name in _files:
        try:
            _size += _os.lstat(_os.path.join(_root, _name)).st_size
        except OSError:
            pass
_disk = _shutil.disk_usage(".")
_names = ("JUPYTER_IMAGE", "JUPYTER_IMAGE_SPEC", "MEM_LIMIT", "MEM_GUARANTEE", "CPU_LIMIT")
print(_json.dumps({"env": {_n: _os.environ.get(_n) for _n in _names}, "content_bytes": _size,
                   "volume_total_bytes": _disk.total, "volume_free_bytes": _disk.free}))
"""

#: At clean-up, in a kernel at the server's root: which repository and branch the event's own folder holds
#: (a clone an attendee's next click would fetch into), then remove the rehearsal's own content folder.
_HOME = """\
import json as _json, os as _os, shutil as _shutil, subprocess as _subprocess
def _git(*args):
    try:
        done = _subprocess.run(["git", "-C", %r, *args], capture_output=True, text=True, timeout=20)
    except (OSError, _subprocess.SubprocessError):
        return None
    return done.stdout.strip()[:500] if done.returncode == 0 else None
_found = {}
if _os.path.isdir(_os.path.join(%r, ".git")):
    _found = {"repo": _git("remote", "get-url", "origin"), "branch": _git("rev-parse", "--abbrev-ref", "HEAD")}
_shutil.rmtree(%r, ignore_errors=True)
_found["removed"] = not _os.path.exists(%r)
print(_json.dumps(_found))
"""


def run_code(server_url: str, folder: str, code: str, kernel_name: str | None, timeout: int) -> str:
    """Run ``code`` in a new kernel on the server, started in ``folder`` ("" for the server's root); its stdout."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    client = NotebookClient(notebook, timeout=timeout, kernel_name=kernel_name or "", shutdown_kernel="immediate")
    client.kernel_manager_class = kernel_manager_for(server_url, folder, Path(folder or "."))
    client.execute()
    return "".join(output.get("text", "") for output in notebook.cells[0].outputs if output.get("name") == "stdout")


def installed_versions(
    server_url: str, folder: str, names: list[str], kernel_name: str | None, timeout: int
) -> dict[str, str | None]:
    """Ask a kernel on the server which versions of ``names`` its environment has (None: not installed)."""
    versions: dict[str, str | None] = json.loads(
        run_code(server_url, folder, _VERSIONS % (sorted(names),), kernel_name, timeout)
    )
    return versions


def server_facts(server_url: str, content_folder: str, timeout: int) -> dict[str, Any]:
    """What the server says about itself (see ``_FACTS``), as JSON read in its default kernel."""
    facts: dict[str, Any] = json.loads(run_code(server_url, "", _FACTS % (content_folder,), None, timeout))
    return facts


def home_check_and_remove(server_url: str, event_folder: str, rehearsal_folder: str, timeout: int) -> dict[str, Any]:
    """The repository and branch in the event's own folder of this home (if a clone), after removing the
    rehearsal's folder; ``removed`` says whether it is gone."""
    code = _HOME % (event_folder, event_folder, rehearsal_folder, rehearsal_folder)
    found: dict[str, Any] = json.loads(run_code(server_url, "", code, None, timeout))
    return found
