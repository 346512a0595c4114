"""The link proof: every link into an event's content resolves, and against what it was proven.

A link into a local ``content-path`` copy is checked in the copy (cheap and offline, on every build); with
``verify_links`` the copy's branch is asked of the repository too, and links into content pulled from a
``content-repo`` are checked in what nbgitpuller pulls. A repository and branch that cannot be pulled is one
cause, reported once at its first link with the count of links that depend on it, not once per link.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..plan.links import LinkError
from .check_record import ERROR, INFO, EventSite, Finding, Key, LinkProof, LinkSite
from .pull import MissingBranchError, PullError, verify_in_folder, verify_path
from .pulls import Pulls


def branch_not_verified(branch: str | None) -> str:
    """What a link check against a local copy alone proved, in words (the page and the check's output)."""
    shown = f"branch `{branch}`" if branch else "the default branch"
    return f"checked against the local copy; {shown} not verified"


@dataclass
class LinkRun:
    """What the link proof found: per event, its proof, and the branches that could not be pulled."""

    proofs: dict[str, LinkProof] = field(default_factory=dict)
    unpulled: dict[Key, tuple[Exception, list[LinkSite]]] = field(default_factory=dict)
    failures: int = 0


def _where(uses: Sequence[LinkSite]) -> str:
    """``index:3 (card), index:15 (nbgitpuller, binder)``: each line once, with the kinds of link on it."""
    kinds: dict[tuple[str, int | None], list[str]] = {}
    for use in uses:
        kinds.setdefault((use.docname, use.lineno), []).append(use.kind)
    return ", ".join(f"{docname}:{line} ({', '.join(names)})" for (docname, line), names in kinds.items())


def _verify(site: EventSite, use: LinkSite, pulls: Pulls, remote: bool) -> bool:
    """Prove one link resolves: in the local copy when there is one, else in what nbgitpuller pulls. With
    ``remote``, a local copy's branch is asked of the repository too, once; False when it could not be reached,
    so the branch is unproven."""
    event = site.event
    root = site.content_folder
    if root is not None:
        verify_in_folder(root, use.path or ".", f"the content-path copy {event.content_path!r}")
        if not remote or event.content_repo is None:
            return remote
        return pulls.branch_commit(event.content_repo, event.content_branch) is not None
    if event.content_repo is None:
        raise PullError("the event has neither a content-path copy nor a content-repo to pull")
    checkout = pulls.pull(event.content_repo, event.content_branch)
    if use.path is not None:
        verify_path(checkout, use.path)
    return True


def prove_links(
    events: Sequence[EventSite],
    links: Sequence[LinkSite],
    pulls: Pulls,
    remote: bool,
    report: Callable[[Finding], None],
) -> LinkRun:
    """Prove ``links`` (in the order given) and return each event's proof; problems go to ``report``."""
    by_id = {site.event.id: site for site in events}
    run = LinkRun()
    counts: dict[str, int] = {}
    broken: dict[str, int] = {}
    verified: set[str] = set()
    local_only: dict[str, tuple[str | None, tuple[str, int]]] = {}
    missing: dict[tuple[str, str | None], tuple[PullError, list[LinkSite]]] = {}
    for use in links:
        site = by_id.get(use.event_id)
        if site is None:
            continue
        counts[use.event_id] = counts.get(use.event_id, 0) + 1
        event = site.event
        if not event.content_repo:
            continue
        pulled = site.content_folder is None
        if not remote and pulled:
            continue
        key = (event.content_repo, event.content_branch)
        if pulled and key in run.unpulled:
            run.unpulled[key][1].append(use)
            broken[event.id] = broken.get(event.id, 0) + 1
            continue
        try:
            if _verify(site, use, pulls, remote) or pulled:
                verified.add(event.id)
            else:
                local_only.setdefault(event.id, (event.content_branch, (use.docname, use.lineno)))
        except (PullError, LinkError) as error:
            broken[event.id] = broken.get(event.id, 0) + 1
            if pulled and pulls.failed(*key):
                run.unpulled[key] = (error, [use])
                continue
            if isinstance(error, MissingBranchError):  # a local copy's branch: one problem, however many links
                missing.setdefault(key, (error, []))[1].append(use)
                continue
            run.failures += 1
            report(
                Finding(
                    ERROR,
                    "link",
                    f"{use.kind} link to {use.path or 'the content folder'!r} does not resolve: {error}",
                    use.docname,
                    use.lineno,
                )
            )
    for cause, uses in run.unpulled.values():
        run.failures += 1
        site = by_id[uses[0].event_id]
        option = "content-branch" if isinstance(cause, MissingBranchError) else "content-repo"
        report(
            Finding(
                ERROR,
                "link",
                f"the content cannot be pulled, so no link to it resolves: {cause}; {len(uses)} link(s) depend on "
                f"it: {_where(uses)}",
                site.docname,
                site.line_of(option),
            )
        )
    for cause, uses in missing.values():
        run.failures += 1
        site = by_id[uses[0].event_id]
        report(
            Finding(
                ERROR,
                "link",
                f"the links resolve in the local copy {site.event.content_path!r}, but not on the hub, where "
                f"nbgitpuller pulls the branch they name: {cause}; {len(uses)} link(s) depend on it: {_where(uses)}",
                site.docname,
                site.line_of("content-branch"),
            )
        )
    for event_id in sorted(local_only.keys() - broken.keys()):
        branch, (docname, line) = local_only[event_id]
        # Information, not a warning: an offline site still passes under -W, and says what it did not prove.
        report(Finding(INFO, "link", f"event {event_id!r}: links {branch_not_verified(branch)}", docname, line))
    for site in events:
        event = site.event
        commit = pulls.remotes.get((event.content_repo, event.content_branch)) if event.content_repo else None
        checked = event.id in verified or event.id in broken or event.id in local_only
        run.proofs[event.id] = LinkProof(
            links=counts.get(event.id, 0),
            broken=broken.get(event.id, 0),
            checked=checked,
            local=site.content_folder is not None,
            repo=event.content_repo,
            branch=event.content_branch,
            commit=commit,
            branch_verified=event.id not in local_only or event.id in broken,
        )
    return run
