"""Run hostile inputs (fuzz/hostile.py) through the `kubefold` command line and count outcomes.

    .venv/bin/python fuzz/campaign.py --count 3000 --workers 2 [--start 0] [--out build/campaign]

Each case runs in its own folder as a subprocess with a 20 s wall-clock limit and a 2 GB
address-space limit. A case passes when it exits 0, 1 or 2, prints no traceback and no
"internal error", and — for a mixed log — its `--dump` equals the dump of the same log without
the bad events. Failing cases are kept under `--out` with a `why` file; the summary prints
counts per family and outcome.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402

TIMEOUT = 20
MEMORY = 2 * 1024**3
EXE = str(Path(sys.executable).parent / "kubefold")


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(argv: tuple[str, ...], cwd: Path) -> tuple[int | None, str, float]:
    start = time.monotonic()
    try:
        done = subprocess.run([EXE, *argv], cwd=cwd, capture_output=True, timeout=TIMEOUT,
                              preexec_fn=_limit, env={**os.environ, "PYTHONHASHSEED": "0"})
    except subprocess.TimeoutExpired:
        return None, "", time.monotonic() - start
    text = (done.stdout + done.stderr).decode("utf-8", "replace")
    return done.returncode, text, time.monotonic() - start


def run_case(seed: int, root: Path) -> tuple[str, str, str, float]:
    """(family, outcome, detail, seconds) for one case."""
    case = hostile.case(seed)
    folder = root / f"case-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in case.files.items():
        (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    code, out, seconds = _run(case.argv, folder)
    outcome, detail = "ok", ""
    if code is None:
        outcome, detail = "timeout", f"over {TIMEOUT}s"
    elif code not in (0, 1, 2):
        outcome, detail = f"exit {code}", out[-400:]
    elif "Traceback" in out or "internal error" in out:
        outcome, detail = "traceback", out[-400:]
    elif case.clean is not None and code in (0, 1):
        clean_argv = tuple("clean-out.yaml" if a == "out.yaml" else
                           case.clean if a == "log.yaml" else a for a in case.argv)
        clean_code, clean_out, _ = _run(clean_argv, folder)
        mixed_dump = (folder / "out.yaml").read_text() if (folder / "out.yaml").exists() else ""
        clean_dump = ((folder / "clean-out.yaml").read_text()
                      if (folder / "clean-out.yaml").exists() else "")
        if clean_code not in (0, 1):
            outcome, detail = "clean-log-failed", clean_out[-400:]
        elif mixed_dump != clean_dump:
            outcome, detail = "state-differs", case.note
    elif case.clean is not None and code == 2:
        outcome, detail = "mixed-exit-2", out[-300:]
    if outcome == "ok":
        shutil.rmtree(folder, ignore_errors=True)
    else:
        (folder / "why").write_text(f"{' '.join(case.argv)}\n{outcome}\n{detail}\n")
    return case.family, outcome, detail, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="build/campaign")
    args = parser.parse_args()
    root = Path(args.out)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    slowest = (0.0, -1)
    seeds = range(args.start, args.start + args.count)
    with ThreadPoolExecutor(args.workers) as pool:
        for seed, (family, outcome, detail, seconds) in zip(
                seeds, pool.map(lambda s: run_case(s, root), seeds), strict=True):
            counts[(family, outcome)] += 1
            slowest = max(slowest, (seconds, seed))
            if outcome != "ok":
                print(f"seed {seed} {family}: {outcome}: {detail.strip()[-200:]!r}",
                      flush=True)
    print(f"\n{args.count} cases from seed {args.start}; slowest {slowest[0]:.1f}s "
          f"(seed {slowest[1]})")
    for family in sorted({f for f, _ in counts}):
        row = {o: n for (f, o), n in counts.items() if f == family}
        print(f"  {family:18} " + ", ".join(f"{o} {n}" for o, n in sorted(row.items())))
    bad = sum(n for (_, o), n in counts.items() if o != "ok")
    print(f"failures: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
