"""Event page and site skeleton templates, rendered with Jinja2.

The templates live in the repository's ``event_templates/`` folder, which the wheel ships
as ``sphinx_event_ext/templates``; they are read with importlib.resources, so they work
from an installed wheel as from a clone. Files ending in ``.jinja`` are rendered (the
suffix dropped), others are copied as they are; a leading ``dot-`` becomes ``.`` (so
``.gitignore`` and ``.github`` are not taken for this repository's own).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:
    from importlib.abc import Traversable

PAGE_TEMPLATES = ("workshop", "hackathon", "course")
_RENDERED = ".jinja"
_DOT = "dot-"


def template_root() -> Traversable:
    """The templates folder: inside the installed package, or ``event_templates/`` of a source checkout."""
    packaged = resources.files("sphinx_event_ext").joinpath("templates")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "event_templates"


def _load(root: Traversable, name: str) -> str:
    return str(root.joinpath(*name.split("/")).read_text("utf-8"))


def _literal(value: Any) -> str:
    """A Python literal of a string or a list of strings, double-quoted as ruff formats it."""
    return json.dumps(value, ensure_ascii=False)


@cache
def _environment() -> jinja2.Environment:
    root = template_root()
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: _load(root, name)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pyliteral"] = _literal
    return environment


def render(name: str, values: Mapping[str, Any]) -> str:
    """One template, by its path under the templates folder, rendered with ``values``."""
    return _environment().get_template(name).render(values)


_PAGE_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(("content_repo", "content_branch", "content_path", "notified", "contact", "ticket", "from_issue")),
    "placeholders": (),
}


def render_page(template: str, values: Mapping[str, Any]) -> str:
    """An event page (``workshop``, ``hackathon`` or ``course``); optional options may be left out."""
    if template not in PAGE_TEMPLATES:
        raise ValueError(f"no page template {template!r}; expected one of {', '.join(PAGE_TEMPLATES)}")
    return render(f"pages/{template}.md{_RENDERED}", {**_PAGE_DEFAULTS, **values})


def _walk(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _walk(entry, f"{name}/")
        else:
            yield name, entry


def _output_path(name: str) -> str:
    parts = [f".{part[len(_DOT) :]}" if part.startswith(_DOT) else part for part in name.split("/")]
    return "/".join(parts).removesuffix(_RENDERED)


def render_site(values: Mapping[str, Any]) -> dict[str, str | bytes]:
    """Every file of the site skeleton, by its path in the new site, rendered with ``values``."""
    files: dict[str, str | bytes] = {}
    for name, entry in _walk(template_root().joinpath("site"), ""):
        target = _output_path(name)
        files[target] = render(f"site/{name}", values) if name.endswith(_RENDERED) else entry.read_bytes()
    return files
