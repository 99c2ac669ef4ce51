"""`replay --plot FILE.png|svg`: the rollout timeline alone, drawn with matplotlib (the `plot`
extra, installed by `make run` and `make test`): one panel per workload, a step line of
replicas per revision over logical time, for at most four workloads (those with the most
revisions, then the busiest). The image is 900 x 450 pixels (9 x 4.5 in at 100 dpi).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kubefold import timeline
from kubefold.core.errors import InputError

SIZE_INCHES = (9.0, 4.5)
MAX_PANELS = 4
DPI = 100


def write(path: str, history: Any, samples: Sequence[Any] | None = None) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise InputError(path, "", "--plot writes a .png or a .svg file")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError(path, "", "--plot needs matplotlib (pip install 'kubefold[plot]')"
                         ) from None
    series = (timeline.from_samples(samples) if samples is not None
              else timeline.from_history(history))
    workloads = list(dict.fromkeys(s.workload for s in series)) or ["no workload"]
    if len(workloads) > MAX_PANELS:  # the workloads with the most revisions, then the busiest
        busy = sorted(workloads, key=lambda w: (-sum(1 for s in series if s.workload == w),
                                                -sum(len(s.points) for s in series
                                                     if s.workload == w)))
        workloads = [w for w in workloads if w in busy[:MAX_PANELS]]
    fig, axes = plt.subplots(len(workloads), 1, figsize=SIZE_INCHES, dpi=DPI, squeeze=False,
                             sharex=True)
    for ax, workload in zip(axes[:, 0], workloads, strict=True):
        for s in (s for s in series if s.workload == workload):
            xs = [t for t, _ in s.points]
            ys = [v for _, v in s.points]
            ax.step(xs, ys, where="post", label=f"revision {s.revision}")
        ax.set_title(workload, fontsize=9)
        ax.set_ylabel("replicas", fontsize=8)
        if any(s.workload == workload for s in series):
            ax.legend(fontsize=7, loc="upper left")
    axes[-1, 0].set_xlabel("seconds since the start")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=DPI, format=suffix[1:])
    except OSError as exc:
        raise InputError(path, "", f"cannot write: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
