"""`replay --report FILE.html`: one self-contained page (no network, no external script or
font) that shows a replay: the replicas of every revision of every workload over time, the
events on the same time axis, the rejections, the invariant violations with the event that
caused them, and where pods landed on each node with the scheduler's scores for the last
placements (per plugin, weighted, as kube-scheduler-simulator shows a placement).

The charts are inline SVG written here; a few lines of inline script only fill in the counts
the page shows (`data-*` attributes), so a browser that runs it proves the page renders.

Covered by: tests/test_htmlreport.py (headless Chromium where installed).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from kubefold import account, io, timeline
from kubefold.core.schema import format_time
from kubefold.reducers.scheduler.explain import explain_cycle

COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
WIDTH, HEIGHT, PAD = 900, 240, 40

STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1000px}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:2px 6px}
th{background:#f4f4f4}.bad{color:#b00}.muted{color:#777}svg{background:#fafafa}
.node{display:inline-block;vertical-align:top;border:1px solid #999;margin:4px;padding:4px;
min-width:160px}.pod{display:inline-block;width:14px;height:14px;margin:1px;border-radius:2px}
code{font-size:.9em}
"""

SCRIPT = """
document.querySelectorAll('[data-count]').forEach(function (el) {
  el.textContent = document.querySelectorAll(el.getAttribute('data-count')).length;
});
document.getElementById('rendered').textContent = 'rendered';
"""


def _e(text: Any) -> str:
    return html.escape(str(text))


def _x(t: int, t_max: int) -> float:
    return PAD + (WIDTH - 2 * PAD) * (t / t_max if t_max else 0)


def timeline_svg(workload: str, series: Sequence[timeline.Series], t_max: int) -> str:
    """Step lines of replicas per revision for one workload."""
    y_max = max((v for s in series for _, v in s.points), default=1) or 1

    def y(v: int) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / y_max

    parts = [f'<svg class="timeline" data-workload="{_e(workload)}" width="{WIDTH}" '
             f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
             'stroke="#888"/>',
             f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>',
             f'<text x="{PAD - 6}" y="{y(y_max) + 4}" text-anchor="end" font-size="11">'
             f'{y_max}</text>',
             f'<text x="{PAD - 6}" y="{HEIGHT - PAD + 4}" text-anchor="end" font-size="11">0'
             '</text>',
             f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 16}" text-anchor="end" '
             f'font-size="11">+{t_max}s</text>']
    for i, s in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        coords = []
        for j, (t, v) in enumerate(s.points):
            if j:
                coords.append(f"{_x(t, t_max):.1f},{y(s.points[j - 1][1]):.1f}")
            coords.append(f"{_x(t, t_max):.1f},{y(v):.1f}")
        parts.append(f'<g class="revision" data-revision="{_e(s.revision)}">'
                     f'<title>revision {_e(s.revision)}</title>'
                     f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{" ".join(coords)}"/>'
                     f'<text x="{WIDTH - PAD + 4}" y="{y(s.points[-1][1]) + 4}" '
                     f'font-size="11" fill="{colour}">rev {_e(s.revision)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def events_svg(history: Any, t_max: int) -> str:
    """Every event as a tick on the time axis (rejected ones red), numbered as the account
    numbers them."""
    parts = [f'<svg class="events" width="{WIDTH}" height="60" viewBox="0 0 {WIDTH} 60">',
             f'<line x1="{PAD}" y1="30" x2="{WIDTH - PAD}" y2="30" stroke="#888"/>']
    before = history.start
    for index, outcome in enumerate(history.outcomes, 1):
        t = account._event_start(outcome, before) - history.start.clock_start
        colour = "#b00" if outcome.rejected is not None else "#333"
        label = f"#{index} +{t}s {account.describe_event(outcome.event)}"
        if outcome.rejected is not None:
            label += f" (rejected: {outcome.rejected})"
        parts.append(f'<g class="event"><title>{_e(label)}</title><line x1="{_x(t, t_max):.1f}"'
                     f' y1="18" x2="{_x(t, t_max):.1f}" y2="42" stroke="{colour}" '
                     'stroke-width="2"/></g>')
        before = outcome.cluster
    parts.append("</svg>")
    return "".join(parts)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><tr>{head}</tr>{body}</table>'


def nodes_html(cluster: Any, placements: Sequence[tuple[Any, str, str]]) -> str:
    """Each node with a square per pod on it, coloured by the pod's owner, and the scores of
    the last placements."""
    owners: dict[str, str] = {}
    parts = []
    for node_name in cluster.node_names():
        node = cluster.get("Node", "", node_name)
        pods = cluster.pods_on_node(node_name)
        cpu = node.status.allocatable.get("cpu") if node is not None else "?"
        squares = []
        for p in pods:
            ref = p.metadata.owner_references
            owner = ref[0].name if ref else p.metadata.name
            colour = owners.setdefault(owner, COLOURS[len(owners) % len(COLOURS)])
            squares.append(f'<span class="pod" style="background:{colour}" '
                           f'title="{_e(p.metadata.namespace)}/{_e(p.metadata.name)} '
                           f'({_e(p.status.phase)})"></span>')
        parts.append(f'<div class="node" data-node="{_e(node_name)}"><b>{_e(node_name)}</b> '
                     f'<span class="muted">{cpu} cpu, {len(pods)} pods</span><br>'
                     f'{"".join(squares)}</div>')
    legend = " ".join(f'<span class="pod" style="background:{c}"></span>{_e(o)}'
                      for o, c in owners.items())
    out = "".join(parts) + f"<p>{legend}</p>"
    for before, key, chosen in placements[-5:]:
        explained = explain_cycle(before, key)
        header = ["node", *(f"{p} (x{w})" for p, w in explained.plugins), "total"]
        rows = [[("* " if node == chosen else "") + node, *scores, total]
                for node, scores, total in sorted(explained.scores, key=lambda r: -r[2])]
        rows += [[node, f"filtered out: {why}"] for node, why in explained.rejected]
        out += (f'<h3>pod {_e(key)} &rarr; {_e(chosen)}</h3>'
                + _table(header, rows, "scores"))
    return out


def build(history: Any, findings: Sequence[Any] = (),
          placements: Sequence[tuple[Any, str, str]] = (),
          samples: Sequence[Any] | None = None, title: str = "replay") -> str:
    """The report's HTML text."""
    final = history.final
    t_max = max(final.elapsed, 1)
    series = (timeline.from_samples(samples) if samples is not None
              else timeline.from_history(history))
    by_workload: dict[str, list[timeline.Series]] = {}
    for s in series:
        by_workload.setdefault(s.workload, []).append(s)
    outcomes = list(history.outcomes)
    rejected = account.grouped_rejections(enumerate(outcomes, 1))
    body = [f"<h1>kubefold replay: {_e(title)}</h1>",
            f'<p id="summary">{len(outcomes)} events, '
            f'{sum(1 for o in outcomes if o.rejected is not None)} rejected; clock '
            f'{format_time(history.start.now)} to {format_time(final.now)} '
            f'(+{final.elapsed}s). <span class="muted">Revisions drawn: '
            f'<span id="revisions" data-count="g.revision"></span>, events: '
            f'<span data-count="g.event"></span>, <span id="rendered"></span></span></p>',
            "<h2>Replicas per revision</h2>"]
    if not by_workload:
        body.append("<p>No workload with revisions.</p>")
    for workload, group in by_workload.items():
        body.append(f"<h3>{_e(workload)}</h3>" + timeline_svg(workload, group, t_max))
    body.append("<h2>Events</h2>" + events_svg(history, t_max))
    rows = []
    before = history.start
    for index, o in enumerate(outcomes, 1):
        t = account._event_start(o, before) - history.start.clock_start
        rows.append([f"#{index}", f"+{t}s", account.describe_event(o.event),
                     f"rejected: {o.rejected}" if o.rejected is not None else ""])
        before = o.cluster
    body.append("<details><summary>every event</summary>"
                + _table(["#", "time", "event", ""], rows) + "</details>")
    body.append("<h2>Rejections</h2>" + ("<pre>" + _e("\n".join(rejected)) + "</pre>"
                                         if rejected else "<p>None.</p>"))
    body.append("<h2>Invariant violations</h2>")
    if findings:
        body.append(_table(["after event", "step", "violation"],
                           [[f"#{f.index} {account.describe_event(f.event)}", f.step,
                             str(f.violation)] for f in findings], "bad"))
    else:
        body.append("<p>None found" + (" (run with --check to look)." if not findings else ".")
                    + "</p>")
    body.append("<h2>Nodes and placements</h2>" + nodes_html(final, placements))
    body.append("<h2>Workloads at the end</h2><pre>"
                + _e("\n".join(account.workloads_table(final))) + "</pre>")
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>kubefold: "
            f"{_e(title)}</title><style>{STYLE}</style></head><body>{''.join(body)}"
            f"<script>{SCRIPT}</script></body></html>\n")


def campaign_page(summary: dict[str, Any], runner: str, seconds: float) -> str:
    """A campaign's page (`campaign --out DIR` writes it as DIR/report.html): the totals, each
    distinct violation with its seeds and a link to its counterexample log, the failed tasks
    and every checked log's verdict. Built from summary.json's content, so the two agree."""
    rate = summary["steps"] / seconds if seconds > 0 else 0.0
    violations = summary["violations"]
    body = ["<h1>kubefold campaign</h1>",
            f'<p id="summary">{summary["tasks"]} tasks ({_e(runner)}), {summary["examples"]} '
            f'examples, {summary["steps"]} steps in {seconds:.1f} s ({rate:.0f} states/s); '
            f'<span id="violations" data-count="tr.violation"></span> distinct violations. '
            '<span id="rendered" class="muted"></span></p>', "<h2>Violations</h2>"]
    if violations:
        head = "".join(f"<th>{h}</th>" for h in ("property", "tasks", "seeds",
                                                  "shortest counterexample", "others"))
        rows = "".join(
            f'<tr class="violation"><td>{_e(v["property"])}</td><td>{v["count"]}</td>'
            f'<td>{_e(", ".join("log" if x is None else str(x) for x in v["seeds"]))}</td>'
            f'<td><a href="{_e(v["counterexample"])}">{_e(v["counterexample"])}</a></td><td>'
            + " ".join(f'<a href="{_e(o)}">{_e(o)}</a>' for o in v["others"]) + "</td></tr>"
            for v in violations)
        body.append(f'<table class="bad"><tr>{head}</tr>{rows}</table>'
                    "<p class=\"muted\">Each log replays the violation: <code>kubefold replay "
                    "--check FILE</code>.</p>")
    else:
        body.append("<p>No violation found.</p>")
    if summary.get("failed"):
        body.append("<h2>Failed tasks</h2>" + _table(
            ["task", "seed", "error"], [[f["task"], f["seed"], f["error"]]
                                        for f in summary["failed"]], "bad"))
    if summary.get("logs"):
        body.append("<h2>Checked logs</h2>" + _table(
            ["log", "broke", "final state"],
            [[x["log"], ", ".join(x["broke"]) or "nothing", "; ".join(x["summary"])]
             for x in summary["logs"]]))
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>kubefold campaign"
            f"</title><style>{STYLE}</style></head><body>{''.join(body)}"
            f"<script>{SCRIPT}</script></body></html>\n")


def write(path: str, history: Any, findings: Sequence[Any] = (),
          placements: Sequence[tuple[Any, str, str]] = (),
          samples: Sequence[Any] | None = None, title: str = "replay") -> None:
    io.write_text(path, build(history, findings, placements, samples, title))
