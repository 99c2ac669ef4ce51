"""Files in and out: the shell's side of snapshots, manifests and event logs."""

from __future__ import annotations

from pathlib import Path

import attrs

from kubefold.core import codec
from kubefold.core.cluster import Cluster
from kubefold.core.errors import InputError
from kubefold.core.events import Event
from kubefold.core.objects import KObject
from kubefold.reducers import apiserver, manager
from kubefold.reducers.controlplane import ControlPlane


def read_text(path: str | Path) -> str:
    """A file's text, or an InputError naming it."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "", "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "", "is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"byte {exc.start}", "not UTF-8 text") from None
    except OSError as exc:
        raise InputError(str(path), "", exc.strerror or str(exc)) from None


def load_objects(path: str | Path) -> tuple[KObject, ...]:
    """The objects of a manifest or snapshot file."""
    return codec.load_snapshot(read_text(path), str(path)).objects


def read_snapshot(path: str | Path) -> codec.Snapshot:
    """A snapshot file's objects, checked as a restored etcd must hold them: an InputError
    names the file, the item and what is wrong (apiserver.restore_problems)."""
    snapshot = codec.load_snapshot(read_text(path), str(path))
    for index, problem in apiserver.restore_problems(snapshot.objects)[:1]:
        where = snapshot.places[index] if index < len(snapshot.places) else f"item {index}"
        raise InputError(str(path), where, problem)
    return snapshot


def load_snapshot(path: str | Path, seed: int = 0, plane: ControlPlane | None = None
                  ) -> Cluster:
    """A cluster restored from a snapshot file (a `v1 List` or a stream of objects)."""
    snapshot = read_snapshot(path)
    cluster = apiserver.restore(Cluster(seed=seed), snapshot.objects, snapshot.latest_time)
    return manager.dispatch(cluster, plane)[0]


def load_log(path: str | Path) -> codec.Log:
    """The events of a log file (YAML stream, JSON Lines, watch stream or audit log); `helm:`
    events learn the log's folder and have their charts checked (kubefold/helm.py)."""
    from kubefold import helm

    log = codec.decode_log(read_text(path), str(path))
    return attrs.evolve(log, events=helm.attach(log.events, str(path)))


def load_events(*paths: str | Path) -> tuple[Event, ...]:
    return tuple(e for p in paths for e in load_log(p).events)


def dump(cluster: Cluster) -> str:
    """The cluster as a snapshot: a `v1 List` sorted by kind, namespace and name."""
    return codec.dump_snapshot(obj for kind in cluster.objects for obj in cluster.list(kind))


def write_dump(cluster: Cluster, path: str | Path) -> None:
    write_text(path, dump(cluster))


def write_text(path: str | Path, text: str) -> None:
    """Write a file, or an InputError naming it."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), "", f"cannot write: {exc.strerror or exc}") from None
