"""``sphinx-event link``: print one launch link, built by the same code as the event pages."""

from __future__ import annotations

import argparse
import sys

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


def _content_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", required=True, help="git URL of the content repository")
    parser.add_argument("--branch", help="branch or tag to pull (default: the repository's default branch)")
    opens = parser.add_mutually_exclusive_group()
    opens.add_argument("--path", help="file or folder inside the content to open after the pull")
    opens.add_argument("--urlpath", help="where to go after the pull, as typed (overrides --app and --path)")
    parser.add_argument("--app", choices=APPS, default="lab", help="interface that opens the content (default: lab)")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``link`` and its ``nbgitpuller``, ``binder`` and ``binder-nbgitpuller`` commands."""
    link = subparsers.add_parser("link", help="print an nbgitpuller or Binder launch link")
    link.set_defaults(func=run)
    kinds = link.add_subparsers(dest="link_kind", required=True, metavar="KIND")

    puller = kinds.add_parser("nbgitpuller", help="a JupyterHub link that pulls content with nbgitpuller")
    puller.add_argument("--hub", required=True, help="JupyterHub URL, with its path prefix if any")
    _content_options(puller)
    puller.add_argument("--target-path", help="folder to pull into (default: the repository name, as nbgitpuller does)")
    puller.add_argument("--server", help="named server to pull into")
    puller.add_argument("--canvas", action="store_true", help="a Canvas/LTI launch link instead of a plain hub link")

    binder = kinds.add_parser("binder", help="a Binder launch link")
    binder.add_argument("--repo", required=True, help="repository URL, or a Zenodo/Figshare/Dataverse DOI")
    binder.add_argument("--ref", help="branch, tag or commit (default: HEAD)")
    binder.add_argument("--provider", choices=tuple(BINDER_PROVIDERS), help="Binder provider (default: detected)")
    opens = binder.add_mutually_exclusive_group()
    opens.add_argument("--path", help="file to open in JupyterLab")
    opens.add_argument("--urlpath", help="where to go once the server runs")
    binder.add_argument("--binderhub", default=DEFAULT_BINDERHUB, help=f"BinderHub URL (default: {DEFAULT_BINDERHUB})")

    through = kinds.add_parser("binder-nbgitpuller", help="a Binder link whose environment pulls the content")
    through.add_argument("--env-repo", required=True, help="git URL of the environment repository")
    through.add_argument("--env-ref", help="branch, tag or commit of the environment (default: HEAD)")
    _content_options(through)
    through.add_argument("--binderhub", default=DEFAULT_BINDERHUB, help=f"BinderHub URL (default: {DEFAULT_BINDERHUB})")
    return link


def build(args: argparse.Namespace) -> str:
    """The link the parsed arguments ask for."""
    if args.link_kind == "binder":
        return binder_link(
            args.repo,
            ref=args.ref,
            provider=args.provider,
            path=args.path,
            urlpath=args.urlpath,
            binderhub=args.binderhub,
        )
    content = {"branch": args.branch, "path": args.path, "app": args.app, "urlpath": args.urlpath}
    if args.link_kind == "binder-nbgitpuller":
        return binder_nbgitpuller_link(
            args.env_repo, args.repo, env_ref=args.env_ref, binderhub=args.binderhub, **content
        )
    make = canvas_link if args.canvas else nbgitpuller_link
    return make(args.hub, args.repo, target_path=args.target_path, server=args.server, **content)


def run(args: argparse.Namespace) -> int:
    """Print the link; on bad input print why and return 2, as argparse does for usage errors."""
    try:
        url = build(args)
    except LinkError as error:
        print(f"sphinx-event link: error: {error}", file=sys.stderr)
        return 2
    print(url)
    return 0
