"""`kubefold campaign PLAN.yaml`: many explorations and replays, fanned out over Ray.

The plan (DESIGN, "Campaigns") names manifest sets, the explorer's profiles, seeds and a
budget, and logs to replay with the checker; each (manifest set, profile, seed) is one task,
each log (and each what-if variation of it) one task too. The tasks run as Ray tasks — on a
local Ray instance with `--workers` CPUs, or on the cluster `--ray ADDRESS` names — or, when
Ray is not installed, one after another in this process. Results stream back as they finish
(a progress line per task); the summary (properties/campaign.py) does not depend on their
order, so the same plan gives the same violations with any number of workers.

`--out DIR` receives `summary.json` and one replayable log per distinct counterexample.

Models: nothing in Kubernetes; Ray's task API (ray.remote with max_retries for a worker that
dies, ray.wait to stream results).
Simplifies: a task that raises (a kubefold bug) is retried once by Ray and then reported as
failed in the summary; it is never silently dropped.
Covered by: tests/test_campaign.py.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import yaml

from kubefold import htmlreport, io
from kubefold.core.codec import decode_log, encode_object
from kubefold.core.errors import InputError
from kubefold.properties.campaign import (
    PROFILES,
    Summary,
    Task,
    TaskResult,
    run_task,
    summarize,
    vary,
)
from kubefold.reducers.controlplane import ControlPlane

MAX_RETRIES = 1  # Ray retries a task once (a dead worker, or an exception) before reporting it


# -- the plan ----------------------------------------------------------------------------------


@attrs.frozen
class Plan:
    path: str
    sets: tuple[tuple[str, tuple[Any, ...]], ...]  # (name, manifests as plain JSON)
    profiles: tuple[str, ...]
    seeds: tuple[int, ...]
    budget: int
    max_actions: int
    # (label, path, events, variation) for each log and what-if
    logs: tuple[tuple[str, str, Any, dict[str, Any] | None], ...]
    invariants: tuple[str, ...]


def load_plan(path: str | Path) -> Plan:
    """Read and check a plan; an InputError names the plan and the key that is wrong."""
    text = io.read_text(path)
    where = str(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(where, "", f"not YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(where, "", "a plan is a mapping (manifests or sets, profiles, seeds, "
                         "budget, logs)")
    unknown = set(raw) - {"manifests", "sets", "profiles", "seeds", "budget", "max_events",
                          "logs", "invariants"}
    if unknown:
        raise InputError(where, "", f"unknown key(s) {', '.join(sorted(unknown))}")
    folder = Path(path).parent
    sets = _sets(raw, folder, where)
    logs = _logs(raw.get("logs") or [], folder, where)
    if not sets and not logs:
        raise InputError(where, "", "the plan names no manifests, sets or logs")
    profiles = tuple(raw.get("profiles") or ["default"])
    for p in profiles:
        if p not in PROFILES:
            raise InputError(where, "profiles", f"unknown profile {p!r} (known: "
                             f"{', '.join(PROFILES)})")
    return Plan(where, sets, profiles, _seeds(raw.get("seeds", [0]), where),
                _positive(raw.get("budget", 50), "budget", where),
                _positive(raw.get("max_events", 12), "max_events", where), logs,
                tuple(raw.get("invariants") or ()))


def _positive(value: Any, key: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(where, key, f"must be a whole number of at least 1, not {value!r}")
    return value


def _seeds(raw: Any, where: str) -> tuple[int, ...]:
    if isinstance(raw, dict):
        start = raw.get("from", 0)
        count = _positive(raw.get("count"), "seeds.count", where)
        if isinstance(start, bool) or not isinstance(start, int):
            raise InputError(where, "seeds.from", f"must be a whole number, not {start!r}")
        return tuple(range(start, start + count))
    if isinstance(raw, int) and not isinstance(raw, bool):
        return (raw,)
    if isinstance(raw, list) and all(isinstance(s, int) and not isinstance(s, bool)
                                     for s in raw):
        return tuple(raw)
    raise InputError(where, "seeds", "a list of whole numbers or {from: N, count: N}")


def _manifests(paths: Any, folder: Path, where: str, key: str) -> tuple[Any, ...]:
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise InputError(where, key, "a list of manifest files")
    objects = [encode_object(o) for p in paths for o in io.load_objects(folder / p)]
    if not any(o.get("kind") == "Deployment" for o in objects):
        raise InputError(where, key, "the explorer needs at least one Deployment")
    return tuple(objects)


def _sets(raw: dict[str, Any], folder: Path, where: str) -> tuple[tuple[str, tuple[Any, ...]],
                                                                  ...]:
    if "manifests" in raw and "sets" in raw:
        raise InputError(where, "", "give manifests or sets, not both")
    if "manifests" in raw:
        paths = raw["manifests"]
        name = ",".join(paths) if isinstance(paths, list) else "manifests"
        return ((name, _manifests(paths, folder, where, "manifests")),)
    sets = []
    for i, entry in enumerate(raw.get("sets") or []):
        if not isinstance(entry, dict) or "manifests" not in entry:
            raise InputError(where, f"sets[{i}]", "each set is {name: ..., manifests: [...]}")
        name = str(entry.get("name") or f"set-{i}")
        sets.append((name, _manifests(entry["manifests"], folder, where,
                                      f"sets[{i}].manifests")))
    return tuple(sets)


def _logs(raw: Any, folder: Path, where: str) -> tuple[tuple[str, str, Any, Any], ...]:
    """Each log as (label, path, events, variation); a log with `whatif:` variations is the
    plain log and one entry per variation."""
    if not isinstance(raw, list):
        raise InputError(where, "logs", "a list of log files")
    out: list[tuple[str, str, Any, Any]] = []
    for i, entry in enumerate(raw):
        path, variations = (entry, []) if isinstance(entry, str) else \
            (entry.get("log"), entry.get("whatif") or []) if isinstance(entry, dict) else \
            (None, [])
        if not isinstance(path, str) or not isinstance(variations, list):
            raise InputError(where, f"logs[{i}]", "a log file, or {log: FILE, whatif: [...]}")
        events = io.load_log(folder / path).events
        out.append((path, path, events, None))
        for k, variation in enumerate(variations):
            out.append((f"{path} whatif[{k}]", path, events,
                        _variation(variation, where, f"logs[{i}].whatif[{k}]")))
    return tuple(out)


def _variation(raw: Any, where: str, key: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or not raw or set(raw) - {"seed", "event", "at", "set"}:
        raise InputError(where, key, "a variation is {seed: N}, {event: {...}, at: SECONDS} "
                         "or {set: {kind, name, namespace, path, value}}")
    variation = dict(raw)
    if "event" in raw:
        doc = dict(raw["event"]) if isinstance(raw["event"], dict) else raw["event"]
        if isinstance(doc, dict) and "at" in raw:
            doc["at"] = raw["at"]
        try:
            (variation["event"],) = decode_log(json.dumps(doc), f"{where} {key}").events
        except ValueError:
            raise InputError(where, key, "the event must be one event of the log format") \
                from None
    return variation


def tasks_of(plan: Plan) -> tuple[Task, ...]:
    """Every (set, profile, seed) and every log and variation, numbered in plan order."""
    tasks: list[Task] = []
    for name, manifests in plan.sets:
        for profile in plan.profiles:
            for seed in plan.seeds:
                tasks.append(Task(len(tasks), "explore", name, manifests, profile, seed,
                                  plan.budget, plan.max_actions))
    for label, _, events, variation in plan.logs:
        varied, cluster_seed = vary(events, variation) if variation else (tuple(events), 0)
        tasks.append(Task(len(tasks), "check", label, events=varied,
                          cluster_seed=cluster_seed))
    return tuple(tasks)


# -- running the tasks ---------------------------------------------------------------------


Progress = Callable[[int, int, TaskResult | None, str | None], None]


@attrs.frozen
class Failed:
    task: Task
    error: str


def run_local(tasks: Sequence[Task], plane: ControlPlane | None = None
              ) -> Iterator[TaskResult | Failed]:
    """One task after another in this process."""
    for task in tasks:
        try:
            yield run_task(task, plane)
        except Exception as exc:  # a kubefold bug: report it with the task, go on
            yield Failed(task, f"{type(exc).__name__}: {exc}")


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        return None
    return ray


def unreachable(address: str, timeout: float = 5.0) -> str | None:
    """Why a `host:port` (or `ray://host:port`) Ray address cannot be reached, or None. Ray
    itself keeps retrying for minutes; this asks the socket once."""
    host_port = address.removeprefix("ray://")
    host, _, port = host_port.rpartition(":")
    if not host or not port.isdigit():
        return None if address == "auto" else "expected HOST:PORT or ray://HOST:PORT"
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return None
    except OSError as exc:
        return exc.strerror or str(exc)


def run_ray(ray: Any, tasks: Sequence[Task], plane: ControlPlane | None, address: str | None,
            workers: int) -> Iterator[TaskResult | Failed]:
    """The tasks as Ray tasks, results yielded as they finish."""
    owned = not ray.is_initialized()  # a Ray session the caller started is used as it is
    if owned:
        _init(ray, address, workers)
    try:
        remote = ray.remote(max_retries=MAX_RETRIES, retry_exceptions=True)(run_task)
        plane_ref = ray.put(plane)
        pending = {remote.remote(task, plane_ref): task for task in tasks}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                task = pending.pop(ref)
                try:
                    yield ray.get(ref)
                except Exception as exc:
                    yield Failed(task, f"{type(exc).__name__}: {exc}".splitlines()[0])
    finally:
        if owned:
            ray.shutdown()


def _init(ray: Any, address: str | None, workers: int) -> None:
    why = unreachable(address) if address else None
    if why is not None:
        raise InputError("--ray", "", f"cannot reach the Ray cluster at {address}: {why}")
    try:
        if address:
            ray.init(address=address, log_to_driver=False, logging_level="ERROR")
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                     logging_level="ERROR")
    except Exception as exc:  # ConnectionError, ValueError, RuntimeError ...
        message = f"cannot reach the Ray cluster at {address}: {exc}" if address else \
            f"cannot start a local Ray instance: {exc}"
        raise InputError("--ray" if address else "ray", "", message) from None


@attrs.frozen
class Campaign:
    summary: Summary
    failed: tuple[Failed, ...]
    seconds: float
    runner: str


def run(plan: Plan, *, ray_address: str | None = None, workers: int | None = None,
        plane: ControlPlane | None = None, progress: Progress | None = None,
        use_ray: bool = True) -> Campaign:
    """Run every task of the plan; Ray when installed (and `use_ray`), else in-process."""
    tasks = tasks_of(plan)
    ray = _ray() if use_ray else None
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    if ray is None:
        if ray_address:
            raise InputError(ray_address, "", "--ray needs Ray: pip install 'kubefold[ray]'")
        stream, runner = run_local(tasks, plane), "one local process (Ray is not installed)"
    else:
        stream = run_ray(ray, tasks, plane, ray_address, workers)
        runner = f"Ray at {ray_address}" if ray_address else f"local Ray, {workers} workers"
    results: list[TaskResult] = []
    failed: list[Failed] = []
    for n, item in enumerate(stream, 1):
        if isinstance(item, Failed):
            failed.append(item)
            if progress is not None:
                progress(n, len(tasks), None, item.error)
        else:
            results.append(item)
            if progress is not None:
                progress(n, len(tasks), item, None)
    failed.sort(key=lambda f: f.task.index)
    return Campaign(summarize(results, plan.invariants), tuple(failed),
                    time.perf_counter() - started, runner)


# -- writing the results ---------------------------------------------------------------------


def write(campaign: Campaign, plan: Plan, out: str | Path) -> dict[str, Any]:
    """summary.json, report.html (the same, for a person) and one log per distinct
    counterexample under `out`; returns the JSON."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}  # digest -> file name

    def save(found: Any, task: Task, name: str) -> str:
        if found.digest in written:
            return written[found.digest]
        file_name = f"{name}.yaml"
        if task.kind == "check" and task.cluster_seed == 0 and \
                not task.label.endswith("]"):  # a plain log: the log itself, copied
            source = Path(plan.path).parent / task.label
            file_name = f"{name}-{Path(task.label).name}"
            shutil.copyfile(source, folder / file_name)
        else:
            text = found.log
            if task.kind == "check" and task.cluster_seed:
                text = f"# replay with: kubefold replay --check --seed {task.cluster_seed} " \
                       f"FILE\n" + text
            (folder / file_name).write_text(text, encoding="utf-8")
        written[found.digest] = file_name
        return file_name

    violations = []
    for v in campaign.summary.violations:
        first = save(v.shortest, v.shortest_task, v.property)
        others = [save(f, t, f"{v.property}-{k}") for k, (f, t) in enumerate(v.others, 2)]
        violations.append({"property": v.property, "count": v.count, "seeds": list(v.seeds),
                           "counterexample": first, "others": others})
    summary: dict[str, Any] = {"tasks": campaign.summary.tasks + len(campaign.failed),
                               "examples": campaign.summary.examples,
                               "steps": campaign.summary.steps,
                               "violations": violations}
    logs = [{"log": r.task.label, "broke": list(r.found.properties) if r.found else [],
             "summary": list(r.summary)}
            for r in campaign.summary.results if r.task.kind == "check"]
    if logs:
        summary["logs"] = logs
    if campaign.failed:
        summary["failed"] = [{"task": f.task.label, "seed": f.task.seed, "error": f.error}
                             for f in campaign.failed]
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n",
                                         encoding="utf-8")
    (folder / "report.html").write_text(
        htmlreport.campaign_page(summary, campaign.runner, campaign.seconds), encoding="utf-8")
    return summary


def report(campaign: Campaign) -> list[str]:
    """The terminal's table: totals, states per second, each violation, each checked log."""
    s = campaign.summary
    rate = s.steps / campaign.seconds if campaign.seconds > 0 else 0.0
    lines = [f"{s.tasks} tasks ({campaign.runner}), {s.examples} examples, {s.steps} steps "
             f"in {campaign.seconds:.1f} s ({rate:.0f} states/s)"]
    if campaign.failed:
        lines.append(f"{len(campaign.failed)} task(s) failed after a retry:")
        lines += [f"  {f.task.label} seed {f.task.seed}: {f.error}" for f in campaign.failed]
    if not s.violations:
        lines.append("no violation found")
    for v in s.violations:
        seeds = ", ".join("log" if x is None else str(x) for x in v.seeds)
        lines.append(f"violated: {v.property} in {v.count} task(s) (seeds {seeds}); shortest "
                     f"{v.shortest.length} event(s), {len(v.others)} other distinct")
    for r in s.results:
        if r.task.kind == "check":
            broke = ", ".join(r.found.properties) if r.found else "nothing broken"
            lines.append(f"log {r.task.label}: {broke}; {'; '.join(r.summary)}")
    return lines


def main(args: Any, plane: ControlPlane | None = None) -> int:
    """The CLI's `campaign` command."""
    plan = load_plan(args.plan)
    tasks = len(tasks_of(plan))
    use_ray = _ray() is not None
    if not use_ray:
        print(f"Ray is not installed (pip install 'kubefold[ray]'): running the {tasks} tasks "
              "in one local process")

    def progress(n: int, total: int, result: TaskResult | None, error: str | None) -> None:
        if result is None:
            print(f"[{n}/{total}] failed: {error}", file=sys.stderr)
            return
        what = f"{result.task.label} {result.task.profile} seed {result.task.seed}" \
            if result.task.kind == "explore" else f"log {result.task.label}"
        verdict = ", ".join(result.found.properties) if result.found else "ok"
        print(f"[{n}/{total}] {what}: {verdict}")

    campaign = run(plan, ray_address=args.ray, workers=args.workers, plane=plane,
                   progress=progress, use_ray=use_ray)
    print("\n".join(report(campaign)))
    if args.out:
        write(campaign, plan, args.out)
        print(f"summary written to {Path(args.out) / 'summary.json'} and "
              f"{Path(args.out) / 'report.html'}")
    return 1 if campaign.summary.violations else 0


__all__ = ["Campaign", "Plan", "load_plan", "main", "report", "run", "tasks_of", "write"]
