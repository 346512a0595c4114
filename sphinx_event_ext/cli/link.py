"""``sphinx-event link``: print one launch link, built by the same code as the event pages.

With ``--event`` the link is built from the event's own metadata (options override single
values) and its path is checked against the content, as the build checks it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..content.pull import PullError
from ..plan.links import (
    APPS,
    BINDER_PROVIDERS,
    DEFAULT_BINDERHUB,
    LinkError,
    binder_link,
    binder_nbgitpuller_link,
    canvas_link,
    nbgitpuller_link,
)
from .event_links import EVENT_ERRORS, link_from_event, links_table
from .site import add_event_flag, add_source

#: The link kinds; ``event`` (the event's own links) is what ``link --event ID`` runs when no kind is given.
KINDS = ("nbgitpuller", "binder", "binder-nbgitpuller")
FROM_EVENT = "event"


def _content_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", help="git URL of the content repository (default with --event: its content-repo)")
    parser.add_argument("--branch", help="branch or tag to pull (default: the repository's default branch)")
    opens = parser.add_mutually_exclusive_group()
    opens.add_argument("--path", help="file or folder inside the content to open after the pull")
    opens.add_argument("--urlpath", help="where to go after the pull, as typed (overrides --app and --path)")
    parser.add_argument("--app", choices=APPS, help="interface that opens the content (default: the event's, or lab)")


def _event_options(parser: argparse.ArgumentParser, required: bool = False) -> None:
    add_event_flag(parser, "build the link from this event's metadata in SOURCE_DIR", required=required)
    add_source(parser, "where to find the event with --event: a folder or MyST file")
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="with --event, do not check the path against the content (no pull)",
    )


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``link`` and its ``nbgitpuller``, ``binder`` and ``binder-nbgitpuller`` commands."""
    link = subparsers.add_parser(
        "link",
        help="print an nbgitpuller or Binder launch link, or an event's links",
        description="Print a launch link: an nbgitpuller link that pulls content into the hub, a Binder link, or "
        "a Binder link whose environment pulls the content; from flags, or from an event's metadata with --event, "
        "checked against the content unless --no-verify. 'link --event ID' needs no KIND: it runs 'link event'.",
    )
    link.set_defaults(func=run)
    kinds = link.add_subparsers(dest="link_kind", required=True, metavar="KIND")

    puller = kinds.add_parser(
        "nbgitpuller",
        help="a JupyterHub link that pulls content with nbgitpuller",
        description="A link that logs in to the hub, pulls the content repository into the attendee's home "
        "folder with nbgitpuller (never overwriting their changes) and opens it.",
    )
    puller.add_argument("--hub", help="JupyterHub URL, with its path prefix if any (default with --event: its hub)")
    _content_options(puller)
    puller.add_argument("--target-path", help="folder to pull into (default: the repository name, as nbgitpuller does)")
    puller.add_argument("--server", help="named server to pull into")
    puller.add_argument("--canvas", action="store_true", help="a Canvas/LTI launch link instead of a plain hub link")
    _event_options(puller)

    binder = kinds.add_parser(
        "binder",
        help="a Binder launch link",
        description="A link that builds the repository's environment on a BinderHub and opens it there.",
    )
    binder.add_argument(
        "--repo", help="repository URL, <owner>/<repo> on GitHub, or a Zenodo/Figshare DOI (default with --event: its)"
    )
    binder.add_argument("--ref", help="branch, tag or commit (default: HEAD)")
    binder.add_argument("--provider", choices=tuple(BINDER_PROVIDERS), help="Binder provider (default: detected)")
    opens = binder.add_mutually_exclusive_group()
    opens.add_argument("--path", help="file to open in JupyterLab")
    opens.add_argument("--urlpath", help="where to go once the server runs")
    binder.add_argument("--binderhub", help=f"BinderHub URL (default: the event's, or {DEFAULT_BINDERHUB})")
    _event_options(binder)

    through = kinds.add_parser(
        "binder-nbgitpuller",
        help="a Binder link whose environment pulls the content",
        description="A Binder link that builds the environment repository and pulls the content repository into "
        "it with nbgitpuller: environment and content kept apart, as on the hub.",
    )
    through.add_argument("--env-repo", help="git URL of the environment repository (default with --event: its)")
    through.add_argument("--env-ref", help="branch, tag or commit of the environment (default: HEAD)")
    _content_options(through)
    through.add_argument("--binderhub", help=f"BinderHub URL (default: the event's, or {DEFAULT_BINDERHUB})")
    _event_options(through)

    event = kinds.add_parser(
        FROM_EVENT,
        help="the event's links table, or with --path its hub link (the default with --event)",
        description="Every notebook of the event with its hub and Binder links, as a table, or with --path the "
        "hub link of one file, checked against the content unless --no-verify.",
    )
    event.add_argument("--path", help="file or folder inside the content: print its hub link instead of the table")
    _event_options(event, required=True)
    return link


def with_default_kind(argv: Sequence[str]) -> list[str]:
    """``link --event ID`` names no kind: it means the ``event`` kind."""
    argv = list(argv)
    if argv[:1] == ["link"] and len(argv) > 1 and not {*KINDS, FROM_EVENT, "-h", "--help"}.intersection(argv[1:]):
        argv.insert(1, FROM_EVENT)
    return argv


_REQUIRED = {"nbgitpuller": ("hub", "repo"), "binder": ("repo",), "binder-nbgitpuller": ("env_repo", "repo")}


def build(args: argparse.Namespace) -> str:
    """The link the parsed arguments ask for, without an event: every value given as an option."""
    missing = [f"--{name.replace('_', '-')}" for name in _REQUIRED[args.link_kind] if not getattr(args, name)]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise LinkError(f"{' and '.join(missing)} {verb} required, or give --event ID to use the event's values")
    if args.link_kind == "binder":
        return binder_link(
            args.repo,
            ref=args.ref,
            provider=args.provider,
            path=args.path,
            urlpath=args.urlpath,
            binderhub=args.binderhub or DEFAULT_BINDERHUB,
        )
    content = {"branch": args.branch, "path": args.path, "app": args.app or "lab", "urlpath": args.urlpath}
    if args.link_kind == "binder-nbgitpuller":
        return binder_nbgitpuller_link(
            args.env_repo, args.repo, env_ref=args.env_ref, binderhub=args.binderhub or DEFAULT_BINDERHUB, **content
        )
    make = canvas_link if args.canvas else nbgitpuller_link
    return make(args.hub, args.repo, target_path=args.target_path, server=args.server, **content)


def run(args: argparse.Namespace) -> int:
    """Print the link or table; bad input returns 2, as argparse does for usage errors, a missing path 1."""
    try:
        if args.link_kind == FROM_EVENT and not args.path:
            lines = links_table(args)
        elif getattr(args, "event", None):
            lines = [link_from_event(args)]
        else:
            lines = [build(args)]
    except EVENT_ERRORS as error:
        print(f"sphinx-event link: error: {error}", file=sys.stderr)
        return 1 if isinstance(error, PullError) else 2
    print("\n".join(lines))
    return 0
