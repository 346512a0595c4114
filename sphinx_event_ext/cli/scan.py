"""Find ``event`` directives in MyST files without a Sphinx build.

This is what ``sphinx-event validate`` reads: MyST's own markdown-it parser and
directive-option parser, so a file is read exactly as a build would read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser

from ..model.directive import EventDirectiveShape, option_lines, options_format_problem, with_repeats
from ..model.validate import ParseResult, parse_event
from .myst_project import find_myst_project
from .skipped import SKIP_FOLDERS

_DIRECTIVE = re.compile(r"^\{([A-Za-z0-9_:.-]+)\}\s*(.*)$", re.S)
_EVENT_FENCE = "{event}"


@dataclass(frozen=True)
class FoundEvent:
    """An event directive found in a file, validated."""

    path: Path
    line: int
    docname: str
    result: ParseResult
    options_at: dict[str, int] = field(default_factory=dict)
    title: str | None = None
    options: dict[str, str | None] = field(default_factory=dict)

    def line_of(self, option: str) -> int:
        """The line of an option, or the directive's line for a missing option or the title."""
        return self.options_at.get(option, self.line)


@cache
def md_parser() -> MarkdownIt:
    """One parser for every file: building it costs more than parsing a short page."""
    return create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)


def _directives(text: str, offset: int) -> Iterator[tuple[str, str, str, int]]:
    """(name, first line, content, 1-based line) of every directive, nested ones included."""
    for token in md_parser().parse(text):
        if token.type not in ("fence", "colon_fence") or not token.map:
            continue
        match = _DIRECTIVE.match(token.info.strip())
        if not match:
            continue
        line = offset + token.map[0] + 1
        yield match.group(1), match.group(2), token.content, line
        yield from _directives(token.content, line)


def scan_text(text: str, path: Path, default_id: str, ids_from_titles: bool = False) -> list[FoundEvent]:
    """Validate every ``event`` directive of one MyST document; ``ids_from_titles`` takes an event's
    default id from its title, as the mystmd plugin must (it is not told its page's name)."""
    found: list[FoundEvent] = []
    if _EVENT_FENCE not in text:  # no directive can be named event: skip parsing the page
        return found
    for name, first_line, content, line in _directives(text, 0):
        if name != "event":
            continue
        # MyST reads only the directive's shape (arguments, content, option_spec) from the class.
        parsed = parse_directive_text(EventDirectiveShape, first_line, content, line=line)  # type: ignore[arg-type]
        title = parsed.arguments[0] if parsed.arguments else None
        problem = options_format_problem((warning.msg, warning.lineno) for warning in parsed.warnings)
        if problem:
            result = ParseResult(None, [problem])
        else:
            event_default = (title or "event") if ids_from_titles else default_id
            result = parse_event(title, parsed.options, default_id=event_default, page_dir=path.parent)
        result, repeats = with_repeats(result, content)
        at = {name: line + 1 + offset for name, offset in {**option_lines(content), **repeats}.items()}
        options = {str(name): value for name, value in parsed.options.items()}
        found.append(FoundEvent(path, line, default_id, result, at, title, options))
    return found


def markdown_files(targets: list[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, the folder it is relative to) for every ``.md`` file under the targets."""
    for target in targets:
        if target.is_file():
            yield target, target.parent
            continue
        for path in sorted(target.rglob("*.md")):
            if not SKIP_FOLDERS.intersection(path.relative_to(target).parts):
                yield path, target


def scan(targets: list[Path], ids_from_titles: bool = False) -> list[FoundEvent]:
    """Validate every event in the given files and folders; ids default as in a build (from the page's
    name for Sphinx, from the title with ``ids_from_titles``, for mystmd)."""
    found = []
    for path, base in markdown_files(targets):
        docname = path.relative_to(base).with_suffix("").as_posix()
        found.extend(scan_text(path.read_text("utf-8"), path, docname, ids_from_titles))
    return found


def scan_site(paths: list[Path]) -> list[FoundEvent]:
    """The events of the paths; in a mystmd project (``myst.yml``) ids default from titles, as its plugin's do."""
    myst = any(find_myst_project(path if path.is_dir() else path.parent) for path in paths)
    return scan(paths, ids_from_titles=myst)
