"""What seeing a replay costs: the SimKube large trace (251 events, 27 Deployments) replayed
with the summary only (-q), with the default account, and with the HTML report and the plot.
Prints the seconds of each and their ratios to -q (the fold alone).

    .venv/bin/python benchmarks/replay_account.py
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
from pathlib import Path

from kubefold.cli import main

TRACE = (Path(__file__).parent.parent / "tests" / "data" / "corpus" / "watch-streams"
         / "simkube-large_trace.json")


def timed(*argv: str) -> float:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(list(argv)) == 0
    return time.perf_counter() - start


if __name__ == "__main__":
    base = ["replay", str(TRACE), "--nodes", "4"]
    timed(*base, "-q")  # warm up: imports and caches
    with tempfile.TemporaryDirectory() as tmp:
        runs = {
            "summary only (-q)": timed(*base, "-q"),
            "default account": timed(*base),
            "-v account": timed(*base, "-v"),
            "-q --report --plot": timed(*base, "-q", "--report", f"{tmp}/r.html", "--plot",
                                        f"{tmp}/r.png"),
        }
    quiet = runs["summary only (-q)"]
    for name, seconds in runs.items():
        print(f"{name:22} {seconds:6.2f} s  x{seconds / quiet:.2f}")
