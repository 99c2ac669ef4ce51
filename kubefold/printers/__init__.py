"""What `kubectl get` prints for a state: the apiserver's table rows for each kind
(`internalversion` for built-in kinds, `tableconvertor` for custom resources), kubectl's
layout of them (`tableprinter`) and the command's names, selection and output formats
(`get`). The printers read an object's JSON (`encode_object`), never its class, so a kind
another module models later prints with kubectl's columns as soon as it is stored.

Covered by: tests/test_printers.py, tests/test_golden.py.
"""

from kubefold.printers.get import (
    ALL,
    SHORT_NAMES,
    Query,
    all_kinds,
    custom_resources,
    go_json_indent,
    go_yaml,
    is_namespaced,
    no_resources_message,
    printer_for,
    qualified_kind,
    qualified_name,
    render,
    resolve_kind,
    select,
)
from kubefold.printers.internalversion import (
    DEFAULT,
    NONE,
    PRINTERS,
    Column,
    Printer,
    _get,
    _time,
    find_node_roles,
    format_label_selector,
    human_duration,
    since,
)
from kubefold.printers.tableprinter import escape_cell, print_table, tabulate

__all__ = ["ALL", "DEFAULT", "NONE", "PRINTERS", "SHORT_NAMES", "Column", "Printer", "Query",
           "_get", "_time", "all_kinds", "custom_resources", "escape_cell", "find_node_roles",
           "format_label_selector", "go_json_indent", "go_yaml", "human_duration",
           "is_namespaced", "no_resources_message", "print_table", "printer_for",
           "qualified_kind", "qualified_name", "render", "resolve_kind", "select", "since",
           "tabulate"]
