"""The text form of `kubefold route`: a table of pods and shares, how the request was routed,
and why nothing (or not everything) serves it."""

from __future__ import annotations

from kubefold.reducers.proxy import Routed


def describe_route(answer: Routed) -> list[str]:
    """`POD SERVICE REVISION SHARE` rows, then `via:` lines and notes; or the reason."""
    req = answer.request
    lines = [f"{req.method} {req.path} to {req.to}"
             + (f" port {req.port}" if req.port is not None else "")
             + (f" from {req.client_ip}" if req.client_ip else "")]
    lines += [f"via: {v}" for v in answer.via]
    if answer.shares:
        rows = [("POD", "SERVICE", "REVISION", "SHARE")]
        rows += [(s.pod, s.service, s.revision or "-", f"{s.share:.1%}") for s in answer.shares]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
                  for r in rows]
    else:
        label = "no route" if answer.no_route and not (answer.reason or "").startswith(
            "no route") else None
        reason = answer.reason or "nothing serves it"
        lines.append(f"{label}: {reason}" if label else reason)
    if answer.failed > 0 and answer.shares:
        lines.append(f"failed: {answer.failed:.1%} of requests find no backend to serve them")
    lines += [f"note: {n}" for n in answer.notes
              if answer.shares or not answer.reason or answer.reason not in n]
    return lines
