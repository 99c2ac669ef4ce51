"""What kubectl does with the tables the apiserver sends: hide the wide columns, add the
NAMESPACE column and the `kind.group/` prefix, upper-case the headers, and lay the cells out
with cli-runtime's tabwriter.

Models: k8s.io/kubectl/pkg/printers/tableprinter.go (HumanReadablePrinter.PrintObj,
decorateTable, printTable: headers only for a table with rows, a cell cut at its first line
break with `...`), k8s.io/cli-runtime/pkg/printers terminal.go (WriteEscaped) and
tabwriter.go (GetNewTabWriter: minwidth 6, padding 3, spaces), Go's text/tabwriter (every
cell but a line's last padded to its column's widest cell plus the padding).
Simplifies:
- `--show-labels`, `-L`, `--sort-by`, `--no-headers` and custom columns are not offered.
Covered by: tests/test_printers.py (TestTabwriter, TestDecorateTable), tests/test_golden.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubefold.printers.internalversion import Cells, Column, Printer

TABWRITER_MIN_WIDTH = 6
TABWRITER_PADDING = 3


def tabulate(rows: Sequence[Sequence[str]]) -> list[str]:
    """text/tabwriter with kubectl's settings: every cell but a line's last as wide as its
    column's widest cell plus 3, at least 6; the last cell of a line unpadded."""
    if not rows:
        return []
    columns = max(len(r) for r in rows) - 1
    widths = []
    for i in range(columns):
        cells = [len(r[i]) for r in rows if i < len(r) - 1]
        widths.append(max([TABWRITER_MIN_WIDTH] + [w + TABWRITER_PADDING for w in cells]))
    lines = []
    for r in rows:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(r[:-1])]
        lines.append("".join(padded) + (r[-1] if r else ""))
    return lines


def escape_cell(cell: Any) -> str:
    """printTable's string cell: cut at the first form feed, newline or carriage return
    (with `...`), then WriteEscaped (ESC as `^[`, carriage return as `\\r`)."""
    if cell is None:
        return ""
    text = str(cell)
    cut = min((i for i in (text.find(c) for c in "\f\n\r") if i >= 0), default=-1)
    if cut >= 0:
        text = text[:cut] + "..."
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def print_table(printer: Printer, objects: Sequence[Mapping[str, Any]], now: int,
                wide: bool = False, with_namespace: bool = False, kind: str = "") -> list[str]:
    """The lines kubectl prints for one resource's table: the apiserver's rows (always
    generated wide), decorated (NAMESPACE first, `kind/` before the name column) and without
    the priority columns unless wide. No rows, no header."""
    if not objects:
        return []
    columns: list[Column] = list(printer.columns)
    rows: list[Cells] = [printer.cells(obj, now, True) for obj in objects]
    name_column = next((i for i, c in enumerate(columns) if c.is_name), -1) if kind else -1
    if name_column >= 0:
        for row in rows:
            if name_column < len(row):
                row[name_column] = f"{kind}/{row[name_column]}"
    if with_namespace:
        columns.insert(0, Column("Namespace"))
        for obj, row in zip(objects, rows, strict=True):
            row.insert(0, str((obj.get("metadata") or {}).get("namespace") or ""))
    shown = [i for i, c in enumerate(columns) if wide or c.priority == 0]
    lines = [[columns[i].name.upper() for i in shown]]
    for row in rows:
        lines.append([escape_cell(row[i]) for i in shown if i < len(row)])
    return tabulate(lines)
