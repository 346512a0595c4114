"""Outside text made safe to print: a file name, a cell line or an issue value must not drive the terminal or forge a log line.

Notebook names, cells, error values, kernel output and the hub team's issue are written by whoever wrote the
content. Printed as they are, an escape sequence recolours or rewrites the organizer's
terminal, and a newline in a file name starts a line that looks like a message of the
check's own (``ERROR: ... [event.execution]``). Control and bidirectional-override characters
are shown escaped instead, as Python writes them in a string literal.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, Unicode line and paragraph separators, and the bidirectional
# marks and overrides that reorder what a reader sees.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` on one line, every control character shown escaped (a newline as ``\\n``)."""
    return _UNSAFE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """``text`` with its line breaks and tabs kept and every other control character shown escaped.

    For tracebacks and logs, whose lines the check prints each behind its own prefix.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(_UNSAFE_IN_LINES.sub(_escape, line) for line in lines)


def error_text(error: BaseException) -> str:
    """What an exception says, never empty: a bare ``MemoryError`` says that memory ran out."""
    text = str(error).strip()
    if text:
        return text
    if isinstance(error, MemoryError):
        return "out of memory (MemoryError)"
    return f"{type(error).__name__} with no message"
