"""Event page and site skeleton templates, rendered with Jinja2.

The templates live in the repository's ``event_templates/`` folder, which the wheel ships
as ``sphinx_event_ext/templates``; they are read with importlib.resources, so they work
from an installed wheel as from a clone. Files ending in ``.jinja`` are rendered (the
suffix dropped), others are copied as they are; a leading ``dot-`` becomes ``.`` (so
``.gitignore`` and ``.github`` are not taken for this repository's own).

Every value is data, whoever wrote it (an issue, a folder's name): each template renders it
through the filter of where it lands, so no value can end a line, a string or a comment,
or add a directive, raw HTML or code: ``pyliteral`` (Python), ``yamlliteral`` (YAML),
``myst_argument`` and ``myst_option`` (a directive's argument or option value: one line), ``myst_comment`` (a ``%``
comment line: one line) and ``myst_text`` (Markdown text: one line, punctuation escaped).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

from ..util.sanitize import one_line

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


def _yaml_literal(value: Any) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's), every non-ASCII character escaped."""
    return json.dumps(str(value), ensure_ascii=True)


def _one_line(value: Any) -> str:
    """One line: whitespace runs made one space, control and bidirectional characters shown escaped."""
    return one_line(" ".join(str(value).split()))


def _argument(value: Any) -> str:
    """A directive's argument on its fence's opening line: one line, without backticks, which would end
    the fence's info string (CommonMark allows no backtick there, escaped or not)."""
    return _one_line(value).replace("`", "'")


def _markdown_text(value: Any) -> str:
    """Plain text in Markdown: one line, every ASCII punctuation character backslash-escaped (CommonMark allows
    it for each), so no HTML, role, link, emphasis or directive fence can start."""
    return "".join(
        f"\\{char}" if char.isascii() and not char.isalnum() and not char.isspace() else char
        for char in _one_line(value)
    )


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # only when a template is rendered: the check's stamp only needs to know where they are

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
    environment.filters["yamlliteral"] = _yaml_literal
    environment.filters["myst_option"] = _one_line
    environment.filters["myst_argument"] = _argument
    environment.filters["myst_comment"] = _one_line
    environment.filters["myst_text"] = _markdown_text
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
