"""Launch links for workshop content: nbgitpuller (hub, Canvas/LTI, Binder) and Binder.

Pure functions, no Sphinx: the roles, the directive, the CLI and the link checker all
build links here, so a page and ``sphinx-event link`` never disagree. The rules follow
nbgitpuller's official link generator, except where that generator is known to make
links that do not work (see the domain notes): the folder in ``urlpath`` is always the
one the nbgitpuller server clones into.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qsl, quote, quote_plus, urlsplit

from ..model.event import Event
from ..model.formats import check_branch_name, check_http_url, check_pull_url, check_redirect_path, repo_folder


class LinkError(ValueError):
    """A link cannot be built from these inputs; the message names the parameter."""


#: Apps nbgitpuller links can open after the pull, and the ``urlpath`` prefix each one uses.
APP_PREFIXES: dict[str, str] = {
    "lab": "lab/tree/",
    "notebook": "tree/",
    "retro": "retro/tree/",
    "shiny": "shiny/",
    "rstudio": "rstudio/",
}
APPS: tuple[str, ...] = tuple(APP_PREFIXES)

#: Binder providers and whether their spec ends with a git ref.
BINDER_PROVIDERS: dict[str, bool] = {
    "gh": True,
    "gl": True,
    "git": True,
    "gist": True,
    "zenodo": False,
    "figshare": False,
    "dataverse": False,
    "hydroshare": False,
    "ckan": False,
}
DEFAULT_BINDERHUB = "https://mybinder.org"

_SERVER_NAME = re.compile(r"^[A-Za-z0-9._~-]+$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = ("doi:", "https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")
_OWNER_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class PullLink:
    """What an nbgitpuller link asks for, decoded from its URL.

    ``kind`` is ``hub``, ``canvas`` or ``binder``; ``base`` is the hub or the BinderHub;
    ``server`` is the named server (hub links) and ``environment`` the Binder provider
    spec with its ref (Binder links).
    """

    kind: str
    base: str
    repo: str
    urlpath: str | None = None
    branch: str | None = None
    target_path: str | None = None
    server: str | None = None
    environment: str | None = None

    @property
    def folder(self) -> str:
        """The folder the nbgitpuller server clones into."""
        return self.target_path or server_folder(self.repo)

    @property
    def content_path(self) -> str | None:
        """The path inside the pulled folder that ``urlpath`` opens, or None when it opens no content path."""
        return content_path(self.urlpath, self.folder)


def _fail(param: str, expected: str, received: object, why: str) -> LinkError:
    return LinkError(f"{param}: {why}; expected {expected}, received {received!r}")


def form_encode(pairs: list[tuple[str, str]]) -> str:
    """Encode a query exactly like JavaScript's ``URLSearchParams``, as the official generator does.

    Python's ``quote_plus`` keeps ``~`` and encodes ``*``; the WHATWG form serializer does the
    opposite, so both are fixed to keep links byte-identical to the generator's.
    """
    return "&".join(f"{_form_value(key)}={_form_value(value)}" for key, value in pairs)


def _form_value(value: str) -> str:
    return quote_plus(value, safe="*").replace("~", "%7E")


def _split(param: str, expected: str, value: str) -> SplitResult:
    try:
        return urlsplit(value)
    except ValueError as error:
        raise _fail(param, expected, value, str(error)) from None


def _check_text(param: str, expected: str, value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail(param, expected, value, "it is not valid Unicode text") from None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise _fail(param, expected, value, "it contains a control character")
    return value


def _check(param: str, expected: str, value: str, check: Callable[[str], object]) -> str:
    """Run a ``formats`` check, turning its ValueError into a LinkError that names the parameter."""
    _check_text(param, expected, value)
    try:
        check(value)
    except ValueError as error:
        raise _fail(param, expected, value, str(error)) from None
    return value


def _base_url(param: str, value: str) -> str:
    """A hub or BinderHub URL, without a trailing slash; its path prefix is kept."""
    expected = "an http(s) URL such as https://hub.example.org"
    _check(param, expected, value, check_http_url)
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        raise _fail(param, expected, value, "it has a query or fragment, which the link would lose")
    return value.rstrip("/")


def _repo(param: str, value: str) -> str:
    """The same rule as the ``content-repo`` and ``environment-repo`` options (``git-url``)."""
    return _check(param, "a git URL (https, ssh, git or file) without credentials", value, check_pull_url)


def _branch(param: str, value: str | None) -> str | None:
    if not value:
        return None
    return _check(param, "a branch, tag or commit name", value, check_branch_name)


def _relative(param: str, value: str | None) -> str | None:
    """A relative path, normalised (no ``.`` or empty parts), safe to put in a redirect: the ``target-path`` rule."""
    if value is None or value == "":
        return None
    expected = "a relative path inside the folder"
    _check_text(param, expected, value)
    try:
        return check_redirect_path(value)
    except ValueError as error:
        raise _fail(param, expected, value, str(error)) from None


def server_folder(repo: str) -> str:
    """The folder nbgitpuller's server clones ``repo`` into when no targetPath is given."""
    return repo_folder(repo)


def app_urlpath(app: str, folder: str, path: str | None = None) -> str:
    """The ``urlpath`` that opens ``path`` inside ``folder`` with ``app`` after the pull."""
    if app not in APP_PREFIXES:
        raise _fail("app", " or ".join(APPS), app, "unknown app")
    if app == "rstudio":
        return APP_PREFIXES[app]
    target = f"{folder}/{path}" if path else folder
    urlpath = APP_PREFIXES[app] + target
    if app == "shiny" and not urlpath.endswith("/"):
        urlpath += "/"
    return urlpath


def content_path(urlpath: str | None, folder: str) -> str | None:
    """The path inside ``folder`` that ``urlpath`` opens: ``""`` for the folder itself, None if it opens no content.

    A link whose ``urlpath`` points outside the pulled folder (the generator's targetPath bug)
    gets None too, so a checker can report it.
    """
    if not urlpath:
        return ""
    for prefix in sorted(APP_PREFIXES.values(), key=len, reverse=True):
        if urlpath.startswith(prefix):
            rest = urlpath[len(prefix) :].rstrip("/")
            if rest == folder:
                return ""
            if rest.startswith(folder + "/"):
                return rest[len(folder) + 1 :]
            return None
    return None


def nbgitpuller_query(
    repo: str,
    *,
    branch: str | None = None,
    path: str | None = None,
    app: str = "lab",
    urlpath: str | None = None,
    target_path: str | None = None,
) -> str:
    """The ``git-pull`` query: repo, urlpath, branch, targetPath, in the generator's order, empty ones left out."""
    repo = _repo("repo", repo)
    branch = _branch("branch", branch)
    path = _relative("path", path)
    target_path = _relative("target_path", target_path)
    if urlpath:
        _check_text("urlpath", "a path relative to the server, such as lab/tree/folder", urlpath)
        if path:
            raise _fail("urlpath", "either a path or a urlpath, not both", urlpath, "a path was given too")
    else:
        folder = target_path or server_folder(repo)
        if folder in ("", ".", ".."):
            raise _fail("repo", "a URL ending in the repository name", repo, "it names no folder; give a target path")
        urlpath = app_urlpath(app, folder, path)
    pairs = [("repo", repo), ("urlpath", urlpath), ("branch", branch), ("targetPath", target_path)]
    return form_encode([(key, value) for key, value in pairs if value])


def _user_redirect(server: str | None) -> str:
    if server is None or server == "":
        return "hub/user-redirect/git-pull"
    _check_text("server", "a named server such as gpu", server)
    if not _SERVER_NAME.match(server):
        raise _fail("server", "letters, digits, '.', '_', '~' or '-'", server, "not a server name")
    return f"hub/user-redirect/{server}/git-pull"


def nbgitpuller_link(
    hub: str,
    repo: str,
    *,
    branch: str | None = None,
    path: str | None = None,
    app: str = "lab",
    urlpath: str | None = None,
    target_path: str | None = None,
    server: str | None = None,
) -> str:
    """A hub link that pulls ``repo`` into the user's server, then opens ``path`` (or ``urlpath``)."""
    base = _base_url("hub", hub)
    query = nbgitpuller_query(repo, branch=branch, path=path, app=app, urlpath=urlpath, target_path=target_path)
    return f"{base}/{_user_redirect(server)}?{query}"


def canvas_link(
    hub: str,
    repo: str,
    *,
    branch: str | None = None,
    path: str | None = None,
    app: str = "lab",
    urlpath: str | None = None,
    target_path: str | None = None,
    server: str | None = None,
) -> str:
    """A Canvas/LTI launch link: the hub logs the student in, then follows ``next`` to the pull.

    ``next`` is an absolute path on the hub, so a hub served under a prefix keeps it.
    """
    base = _base_url("hub", hub)
    query = nbgitpuller_query(repo, branch=branch, path=path, app=app, urlpath=urlpath, target_path=target_path)
    prefix = urlsplit(base).path
    next_url = f"{prefix}/{_user_redirect(server)}?{query}"
    return f"{base}/hub/lti/launch?{form_encode([('next', next_url)])}"


def binder_nbgitpuller_link(
    env_repo: str,
    repo: str,
    *,
    env_ref: str | None = None,
    branch: str | None = None,
    path: str | None = None,
    app: str = "lab",
    urlpath: str | None = None,
    target_path: str | None = None,
    binderhub: str = DEFAULT_BINDERHUB,
) -> str:
    """A Binder link that builds ``env_repo``'s environment, then pulls ``repo`` into it.

    Unlike the generator's Binder tab, the environment may live on GitHub, GitLab or any git
    host, and the content folder keeps ``.git`` as the server does.
    """
    base = _base_url("binderhub", binderhub)
    env_provider = detect_provider(env_repo)
    if env_provider not in ("gh", "gl", "git"):
        raise _fail("env_repo", "a git repository URL", env_repo, f"it is a {env_provider} source, not a repository")
    spec = binder_spec(env_provider, env_repo, env_ref, param="env_repo")
    inner = nbgitpuller_query(repo, branch=branch, path=path, app=app, urlpath=urlpath, target_path=target_path)
    return f"{base}/v2/{env_provider}/{spec}?{form_encode([('urlpath', f'git-pull?{inner}')])}"


def _doi(value: str) -> str | None:
    lowered = value.lower()
    for prefix in _DOI_PREFIXES:
        if lowered.startswith(prefix):
            value = value[len(prefix) :]
            break
    return value if _DOI.match(value) else None


def detect_provider(source: str) -> str:
    """The Binder provider for a repository URL or DOI, so authors rarely have to name one."""
    expected = "a repository URL or a Zenodo/Figshare DOI"
    _check_text("repo", expected, source)
    doi = _doi(source)
    if doi:
        if doi.lower().startswith("10.5281/zenodo."):
            return "zenodo"
        if doi.lower().startswith("10.6084/m9.figshare."):
            return "figshare"
        raise _fail("provider", "zenodo, figshare or dataverse, given explicitly", source, "unknown DOI publisher")
    if _OWNER_REPO.match(source):
        return "gh"  # the GitHub shorthand <owner>/<repo>, as BinderHub's own form reads it
    host = (_split("repo", expected, source).hostname or "") if "://" in source else ""
    by_host = {"github.com": "gh", "gist.github.com": "gist", "gitlab.com": "gl", "zenodo.org": "zenodo"}
    if host in by_host:
        return by_host[host]
    if host == "hydroshare.org" or host.endswith(".hydroshare.org"):
        return "hydroshare"
    _repo("repo", source)
    return "git"


def _url_path_parts(param: str, expected: str, source: str, host: str) -> list[str]:
    _check(param, expected, source, check_http_url)
    parts = urlsplit(source)
    if parts.hostname != host:
        raise _fail(param, expected, source, f"not a {host} URL")
    return [part for part in parts.path.split("/") if part]


def _github_like(param: str, source: str, host: str, expected: str) -> list[str]:
    if _OWNER_REPO.match(source):
        return source.split("/")
    segments = _url_path_parts(param, expected, source, host)
    if len(segments) != 2:
        raise _fail(param, expected, source, "it does not name exactly one owner and one repository")
    return segments


def _ref_part(provider: str, ref: str | None) -> str:
    """The ``/<ref>`` ending of a spec; BinderHub unquotes it, and a ref may contain ``/``."""
    if BINDER_PROVIDERS[provider]:
        if not ref:
            return "" if provider == "gist" else "/HEAD"
        return "/" + quote(_check("ref", "a branch, tag or commit", ref, check_branch_name), safe="/")
    if ref:
        raise _fail("ref", f"no ref for a {provider} source", ref, f"{provider} records are not versioned by ref")
    return ""


def binder_spec(provider: str, source: str, ref: str | None = None, *, param: str = "repo") -> str:
    """The ``<spec>/<ref>`` part of a BinderHub launch URL for ``source`` on ``provider``."""
    if provider not in BINDER_PROVIDERS:
        raise _fail("provider", ", ".join(BINDER_PROVIDERS), provider, "unknown Binder provider")
    _check_text(param, "a repository URL or DOI", source)
    tail = _ref_part(provider, ref)
    if provider == "gh":
        owner, name = _github_like(param, source, "github.com", "https://github.com/<owner>/<repo> or <owner>/<repo>")
        return f"{owner}/{name.removesuffix('.git')}{tail}"
    if provider == "gist":
        user, gist_id = _github_like(param, source, "gist.github.com", "https://gist.github.com/<user>/<id>")
        return f"{user}/{gist_id}{tail}"
    if provider == "gl":
        if "://" in source:
            segments = _url_path_parts(param, "https://gitlab.com/<group>/<project>", source, "gitlab.com")
            source = "/".join(segments)
        if source.count("/") < 1 or not all(source.split("/")):
            raise _fail(param, "https://gitlab.com/<group>/<project>", source, "it names no project")
        return quote(source.removesuffix(".git"), safe="") + tail
    if provider == "git":
        repo = _repo(param, source)
        if repo.startswith("file:"):
            raise _fail(param, "a URL BinderHub can reach", repo, "BinderHub cannot clone a file: URL")
        return quote(repo, safe="") + tail
    if provider in ("zenodo", "figshare", "dataverse"):
        return quote(_doi_of(provider, source, param), safe="/")
    if provider == "hydroshare":
        return _hydroshare_id(source, param)
    _check(param, "a CKAN dataset URL", source, check_http_url)
    return quote(source, safe="")


def _doi_of(provider: str, source: str, param: str) -> str:
    doi = _doi(source)
    if doi:
        return doi
    if provider == "zenodo" and "://" in source:
        segments = _url_path_parts(param, "a Zenodo DOI or record URL", source, "zenodo.org")
        if len(segments) == 2 and segments[0] in ("record", "records") and segments[1].isdigit():
            return f"10.5281/zenodo.{segments[1]}"
    raise _fail(param, f"a DOI such as 10.5281/zenodo.3242074 for {provider}", source, "not a DOI")


def _hydroshare_id(source: str, param: str) -> str:
    if re.fullmatch(r"[0-9a-f]{32}", source):
        return source
    expected = "https://www.hydroshare.org/resource/<id>/ or a resource id"
    if "://" in source:
        _check(param, expected, source, check_http_url)
        segments = [part for part in urlsplit(source).path.split("/") if part]
        if len(segments) >= 2 and segments[0] == "resource" and re.fullmatch(r"[0-9a-f]{32}", segments[1]):
            return segments[1]
    raise _fail(param, expected, source, "no HydroShare resource id")


def binder_link(
    repo: str,
    *,
    ref: str | None = None,
    provider: str | None = None,
    path: str | None = None,
    urlpath: str | None = None,
    binderhub: str = DEFAULT_BINDERHUB,
) -> str:
    """A Binder launch link; ``path`` opens one file in JupyterLab, as BinderHub's own generator does."""
    base = _base_url("binderhub", binderhub)
    provider = provider or detect_provider(repo)
    spec = binder_spec(provider, repo, ref)
    path = _relative("path", path)
    if path and urlpath:
        raise _fail("urlpath", "either a path or a urlpath, not both", urlpath, "a path was given too")
    if path:
        urlpath = f"/doc/tree/{path}"
    if not urlpath:
        return f"{base}/v2/{provider}/{spec}"
    _check_text("urlpath", "a path on the Binder server, such as /lab", urlpath)
    return f"{base}/v2/{provider}/{spec}?{form_encode([('urlpath', urlpath)])}"


def decode_nbgitpuller_link(url: str) -> PullLink:
    """Read back what a hub, Canvas or Binder nbgitpuller link asks for; checkers pull exactly that."""
    parts = _split("url", "an nbgitpuller link", url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    base = f"{parts.scheme}://{parts.netloc}"
    if parts.path.endswith("/hub/lti/launch") and "next" in query:
        inner = _split("url", "a Canvas launch link", query["next"])
        return _decode_hub(url, "canvas", base + parts.path.removesuffix("/hub/lti/launch"), inner.path, inner.query)
    binder = re.fullmatch(r"(.*)/v2/([^/]+/.+)", parts.path)
    if binder and query.get("urlpath", "").startswith("git-pull?"):
        inner_query = query["urlpath"].removeprefix("git-pull?")
        return _from_query(url, "binder", base + binder.group(1), inner_query, environment=binder.group(2))
    hub = re.fullmatch(r"(.*)/hub/user-redirect/(?:([^/]+)/)?git-pull", parts.path)
    if hub:
        return _from_query(url, "hub", base + hub.group(1), parts.query, server=hub.group(2))
    raise LinkError(f"url: not an nbgitpuller link; expected a hub, Canvas or Binder git-pull link, received {url!r}")


def _decode_hub(url: str, kind: str, base: str, path: str, query: str) -> PullLink:
    hub = re.fullmatch(r".*/hub/user-redirect/(?:([^/]+)/)?git-pull", path)
    if not hub:
        raise LinkError(f"url: the launch's next is not a git-pull path; received {url!r}")
    return _from_query(url, kind, base, query, server=hub.group(1))


def _from_query(url: str, kind: str, base: str, query: str, **extra: str | None) -> PullLink:
    params = dict(parse_qsl(query, keep_blank_values=True))
    if not params.get("repo"):
        raise LinkError(f"url: the link has no repo parameter; received {url!r}")
    return PullLink(
        kind=kind,
        base=base,
        repo=params["repo"],
        urlpath=params.get("urlpath") or None,
        branch=params.get("branch") or None,
        target_path=params.get("targetPath") or params.get("targetpath") or None,
        **extra,
    )


def event_nbgitpuller_link(event: Event, path: str | None = None) -> str:
    """The event's hub link that pulls its content and opens ``path`` with the event's app."""
    if not event.content_repo:
        raise _fail("content-repo", "a git URL in the event metadata", None, "the event has no content repository")
    return nbgitpuller_link(
        event.hub,
        event.content_repo,
        branch=event.content_branch,
        path=path,
        app=event.app,
        target_path=event.target_path,
    )


def event_binder_link(event: Event, path: str | None = None) -> str:
    """The event's Binder link: its environment repo pulling the content, or the content repo alone."""
    if not event.content_repo:
        raise _fail("content-repo", "a git URL in the event metadata", None, "the event has no content repository")
    if event.environment_repo:
        return binder_nbgitpuller_link(
            event.environment_repo,
            event.content_repo,
            branch=event.content_branch,
            path=path,
            app=event.app,
            target_path=event.target_path,
            binderhub=event.binderhub,
        )
    return binder_link(event.content_repo, ref=event.content_branch, path=path, binderhub=event.binderhub)
