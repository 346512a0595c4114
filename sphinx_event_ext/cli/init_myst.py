"""``sphinx-event init --engine myst``: a Jupyter Book 2 (mystmd) skeleton whose check passes straight away.

The example event page and its content are the Sphinx skeleton's; what differs is the configuration
(``myst.yml`` with the plugin line), the plugin's three-line file, the noxfile and the CI workflow.
"""

from __future__ import annotations

from ..plan.templates import render_page, render_site
from ..util.install_source import InstallSource

#: The file ``myst.yml`` names: mystmd runs it to read the plugin's spec and each directive.
PLUGIN_FILE = "event_plugin.py"
PLUGIN_TEXT = "#!/usr/bin/env python3\nfrom sphinx_event_ext.myst.plugin import run_plugin\n\nrun_plugin()\n"

MYST_YML = """\
# Jupyter Book 2 (mystmd) configuration: https://mystmd.org/guide/frontmatter
# No table of contents: every page is built, so a page `sphinx-event new` writes is in the site at once.
version: 1
project:
  title: {project}
  plugins:
    # The event, event-checklist, event-links and event-list directives and the nbgitpuller and binder roles.
    - type: executable
      path: {plugin}
  error_rules:
    # `sphinx-event check` proves the event links itself (by pulling them); mystmd's own web check of
    # every link cannot run offline, in CI without the web.
    - rule: link-resolves
      severity: ignore
site:
  template: book-theme
"""

INDEX = """\
# {project}

Our events, upcoming first.

```{{event-list}}
```
"""

NOXFILE = '''\
"""Sessions: `nox -s check` (validate, prove links, run notebooks, myst build --site --strict)."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["check"]

# The sphinx-event-ext that made this site with `sphinx-event init --engine myst`.
SPHINX_EVENT_EXT = {install_check!r}


@nox.session
def check(session: nox.Session) -> None:
    """Validate every event, prove its links, run its notebooks and build the site with mystmd (--strict)."""
    session.install(*SPHINX_EVENT_EXT)
    if not session.env.get("SPHINX_EVENT_MYST"):
        session.run("npm", "install", "--no-fund", "--no-audit", "--prefix", ".nox/mystmd", "mystmd", external=True)
        session.env["SPHINX_EVENT_MYST"] = ".nox/mystmd/node_modules/.bin/myst"
    session.run("sphinx-event", "check", *(session.posargs or ["."]))
'''

WORKFLOW = """\
# Check the events on every pull request.
name: events
on:
  pull_request:
  push:
    branches: [main]
  workflow_dispatch:

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - uses: actions/setup-node@v4
        with:
          node-version: "20"
      - run: pip install "nox[uv]"
      # Validate every event, prove its links, run its notebooks and build the site with mystmd --strict.
      - run: nox -s check
"""


def myst_site_files(
    project: str, source: InstallSource, example_id: str, example: dict[str, str]
) -> dict[str, str | bytes]:
    """Every file of the new mystmd site, by its relative path; ``example`` holds the example event's values."""
    content = f"docs/events/{example_id}/"
    sphinx_files = render_site(
        {
            "project": project,
            "install_check": [],
            "install_base": [],
            "source_note": "",
            "hook_repository": "",
            "hook_revision": "",
            # Only the example's content is kept from the Sphinx skeleton: its conf.py settings do not matter.
            "provider_hub": False,
            "provider_domain": "",
            "support_email": "",
            "issue_repo": "",
        }
    )
    files: dict[str, str | bytes] = {
        name.removeprefix("docs/"): data for name, data in sphinx_files.items() if name.startswith(content)
    }
    files.update(
        {
            "myst.yml": MYST_YML.format(project=project, plugin=PLUGIN_FILE),
            PLUGIN_FILE: PLUGIN_TEXT,
            "index.md": INDEX.format(project=project),
            f"events/{example_id}.md": render_page("workshop", example),
            "noxfile.py": NOXFILE.format(install_check=list(source.install_args("check"))),
            ".github/workflows/events.yml": WORKFLOW,
            ".gitignore": "_build/\n.nox/\n",
        }
    )
    return files
