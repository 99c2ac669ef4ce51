"""Small text helpers shared by the accounts, tables and reports."""

from __future__ import annotations

from typing import Any


def elide(value: Any, width: int = 60) -> str:
    """A value on one line: a multi-line value becomes its first line and `... (N lines)`, a
    long one is cut to `width` characters with `...`."""
    text = "-" if value is None else str(value)
    lines = text.splitlines()
    if len(lines) > 1:
        first = lines[0].strip()
        text = f"{first[:width]}... ({len(lines)} lines)"
        return text
    return text if len(text) <= width else text[:width - 3] + "..."
