"""``sphinx-event check``: validate, then run the one Sphinx build that proves links and runs content.

The command line reaches Sphinx only here, through ``sphinx.cmd.build``, as a user's own
``sphinx-build`` would; it never imports the extension's glue.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..content.extra import INSTALL_LINE, missing_modules
from .scan import scan
from .site import find_confdir, relative, report


def run_check(args: argparse.Namespace) -> int:
    """Validate every event, then build the site with warnings as errors, proving links and running the content."""
    from sphinx.cmd.build import build_main

    source: Path = args.source
    missing = missing_modules()
    if missing:
        print(
            f"sphinx-event check: error: pulling and running content needs the 'check' extra "
            f"({', '.join(missing)} missing); install it with: {INSTALL_LINE}",
            file=sys.stderr,
        )
        return 2
    if not source.is_dir():
        print(f"sphinx-event check: error: {source} is not a folder", file=sys.stderr)
        return 2
    confdir = find_confdir(source)
    if confdir is None:
        print(f"sphinx-event check: error: no conf.py in {source} or the folders above it", file=sys.stderr)
        return 2
    lines = report(scan([source]))
    for line in lines:
        print(line)
    if lines:
        print(f"sphinx-event check: {len(lines)} problem(s) in event metadata; not building", file=sys.stderr)
        return 1
    out: Path = args.out or source / "_build" / "html"
    doctrees = out.parent / "doctrees" if args.out is None else out / ".doctrees"
    # Incremental: Sphinx re-reads what changed, and the extension gives again the warnings
    # of the pages it skipped, so -W fails on an unchanged broken page as a fresh build does.
    flags = ["-b", "html", "-W", "--keep-going", "-q", "-D", "event_verify_links=1", "-D", "event_execute=1"]
    if args.fresh:
        flags.append("-E")
    flags += ["-D", f"event_execute_jobs={args.jobs}", "-D", f"event_execute_force={int(args.force)}"]
    status = build_main([*flags, "-c", str(confdir), "-d", str(doctrees), str(source), str(out)])
    if status:
        print("sphinx-event check: the build failed; see the problems above", file=sys.stderr)
        return 1
    print(f"sphinx-event check: all events valid, site built in {relative(out)}", file=sys.stderr)
    return 0
