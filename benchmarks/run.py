"""Run every benchmark in this folder and print its figures (the long envelope and per-event
ones have their own targets: `make bench-envelope`, `make bench-events`)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent

if __name__ == "__main__":
    for script in sorted(HERE.glob("*.py")):
        if script.name in ("run.py", "__init__.py", "envelope.py", "per_event.py"):
            continue
        print(f"== {script.stem}")
        sys.argv = [str(script)]
        runpy.run_path(str(script), run_name="__main__")
