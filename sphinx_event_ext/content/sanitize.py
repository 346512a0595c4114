"""The sanitiser, for the content layer's callers: it lives in ``util/`` so ``plan/`` (issue values) uses it too."""

from __future__ import annotations

from ..util.sanitize import error_text, one_line, printable_lines

__all__ = ["error_text", "one_line", "printable_lines"]
