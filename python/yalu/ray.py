"""Sweeps and sensitivity analyses on a Ray cluster.

``python -m yalu.ray sweep FILE --address auto`` (or ``yalu sweep FILE --ray auto``) runs
a sweep file's units as Ray tasks, each a batch of (point, replicate) units.
``python -m yalu.ray sensitivity FILE --method morris --address auto`` (or ``yalu
sensitivity FILE --ray auto``) does the same with a sensitivity design's points, then
computes the indices from the store: they equal those of the local ``yalu sensitivity``. The driver
holds the sweep's SQLite store, the same ``sweep.sqlite`` a local ``yalu sweep`` writes,
and commits each unit as its batch comes back, so:

- results equal the local sweep of the same file (every unit runs the same code on the
  same seed, and the store does not depend on who ran a unit or in what order);
- a driver that is killed loses only the batches in flight: rerunning the command resumes
  from the store, and nothing is recorded twice;
- a worker that dies has its batch retried by Ray (``max_retries``).

Workers need this package (``pip install 'yalu[ray]'`` on every node) but not the sweep or
scenario files: the sweep is shipped as its texts.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from . import RunError, Sensitivity, Sweep, SweepStore, YaluError

__all__ = ["sensitivity", "sweep", "main"]

#: Batches per worker CPU when no batch size is given: enough to balance the load and to
#: lose little when a worker dies, few enough that Ray's per-task cost stays small.
BATCHES_PER_CPU = 4


def _run_batch(plan: Sweep, units: list[tuple[int, int]]) -> tuple[int, list]:
    """A Ray task: run units of the sweep (GIL released inside); return the worker's
    process id (the driver counts workers) and each unit's metrics."""
    return os.getpid(), plan.evaluate(units)


def _chunks(units: list[tuple[int, int]], size: int) -> Iterable[list[tuple[int, int]]]:
    for start in range(0, len(units), size):
        yield units[start : start + size]


class _Progress:
    """Units done out of the total, on standard error at most every `every` seconds."""

    def __init__(self, total: int, done: int, show: bool, every: float = 2.0):
        self.total, self.done, self.show, self.every = total, done, show, every
        self.started = self.last = time.monotonic()
        self._print()

    def add(self, units: int) -> None:
        self.done += units
        now = time.monotonic()
        if now - self.last >= self.every or self.done == self.total:
            self.last = now
            self._print()

    def _print(self) -> None:
        if self.show:
            elapsed = time.monotonic() - self.started
            print(f"units {self.done}/{self.total} ({elapsed:.1f} s)", file=sys.stderr, flush=True)


def sweep(
    file: str | os.PathLike[str],
    address: str | None = None,
    out: str | os.PathLike[str] | None = None,
    batch: int | None = None,
    max_retries: int = 3,
    progress: bool = True,
    on_recorded: Callable[[int, int, int], None] | None = None,
    allow_outside_range: bool = False,
) -> dict[str, Any]:
    """Run a sweep file's units as Ray tasks into ``out/sweep.sqlite``.

    ``address`` is passed to ``ray.init`` (``"auto"``, ``"ray://host:10001"``,
    ``"host:6379"``; None starts or joins a local Ray). An already initialised Ray is used
    as it is. ``batch`` is the units per task (default: the units left divided by ``4 x``
    the cluster's CPUs). ``on_recorded(units_recorded, total, worker_pid)`` is called on
    the driver after each batch is committed. ``allow_outside_range`` runs values beyond
    their parameters' recorded ranges (recorded in the store, as ``yalu sweep
    --allow-outside-range``). Returns ``{"store", "total_units", "already_done", "ran",
    "tasks", "workers"}``; the sweep's tables are written as ``yalu sweep`` writes them.
    """
    plan = Sweep(os.fspath(file), allow_outside_range)
    for outside in plan.outside_ranges:
        low, high = outside["recorded_range"]
        values = ", ".join(str(v) for v in outside["values"])
        print(
            f"warning: --allow-outside-range: `{outside['parameter']}` = {values} "
            f"(recorded range [{low}, {high}])",
            file=sys.stderr,
        )
    out_dir = Path(out) if out is not None else Path("out") / f"sweep-{plan.name}"
    store = plan.open_store(os.fspath(out_dir))
    done = _schedule(plan, store, address, batch, max_retries, progress, on_recorded)
    plan.write_tables(store, os.fspath(out_dir))
    return done


def sensitivity(
    file: str | os.PathLike[str],
    method: str = "morris",
    address: str | None = None,
    out: str | os.PathLike[str] | None = None,
    batch: int | None = None,
    max_retries: int = 3,
    progress: bool = True,
    on_recorded: Callable[[int, int, int], None] | None = None,
) -> dict[str, Any]:
    """Run a sensitivity file's design (``method`` "morris" or "sobol") as Ray tasks.

    The design's points are the units of a sweep whose store, ``out/sweep.sqlite``
    (default ``out/sensitivity-METHOD``), resumes like any sweep's; once every unit is in,
    the indices are computed from it and written as ``yalu sensitivity`` writes them
    (``sensitivity`` and ``ranking``), equal to the local analysis of the same file.
    Returns what :func:`sweep` returns, with ``"text"``: the ranked tables it prints.
    """
    design = Sensitivity(os.fspath(file), method)
    plan = design.sweep
    out_dir = Path(out) if out is not None else Path(design.default_out)
    store = plan.open_store(os.fspath(out_dir))
    done = _schedule(plan, store, address, batch, max_retries, progress, on_recorded)
    done["text"] = design.analyse(store, os.fspath(out_dir))
    return done


def _schedule(
    plan: Sweep,
    store: SweepStore,
    address: str | None,
    batch: int | None,
    max_retries: int,
    progress: bool,
    on_recorded: Callable[[int, int, int], None] | None,
) -> dict[str, Any]:
    """Runs the units the store lacks as Ray tasks, recording each batch as it returns."""
    import ray

    todo, total, already_done = plan.todo(store)
    if not ray.is_initialized():
        ray.init(address=address, log_to_driver=False)
    if batch is None:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        batch = max(1, math.ceil(len(todo) / (BATCHES_PER_CPU * cpus)))
    if batch < 1:
        raise ValueError("batch must be at least 1")
    task = ray.remote(num_cpus=1, max_retries=max_retries)(_run_batch)
    plan_ref = ray.put(plan)
    pending = [task.remote(plan_ref, chunk) for chunk in _chunks(todo, batch)]
    tasks = len(pending)
    shown = _Progress(total, already_done, progress)
    workers: set[int] = set()
    ran = 0
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        pid, results = ray.get(ready[0])
        workers.add(pid)
        for point, replicate, metrics in results:
            plan.record(store, point, replicate, metrics)
        ran += len(results)
        shown.add(len(results))
        if on_recorded is not None:
            on_recorded(already_done + ran, total, pid)
    return {
        "store": str(store.path),
        "total_units": total,
        "already_done": already_done,
        "ran": ran,
        "tasks": tasks,
        "workers": len(workers),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m yalu.ray",
        description="Run a Yalu sweep or sensitivity analysis on a Ray cluster "
        "(the store stays with this driver).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("sweep", help="run a sweep file's units as Ray tasks")
    run.add_argument("file", help="the sweep file")
    run.add_argument(
        "--allow-outside-range",
        action="store_true",
        help="run values outside their parameters' recorded ranges (recorded in the store)",
    )
    analyse = commands.add_parser(
        "sensitivity", help="run a sensitivity design's points as Ray tasks, then its indices"
    )
    analyse.add_argument("file", help="the sensitivity file")
    analyse.add_argument("--method", choices=["morris", "sobol"], default="morris")
    for command, out in [(run, "out/sweep-NAME"), (analyse, "out/sensitivity-METHOD")]:
        command.add_argument("--address", default=None, help="Ray address (auto, host:port, ray://...)")
        command.add_argument("--out", default=None, help=f"folder of sweep.sqlite (default {out})")
        command.add_argument("--batch", type=int, default=None, help="units per Ray task")
        command.add_argument(
            "--max-retries", type=int, default=3, help="retries of a task whose worker died"
        )
        command.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    common = dict(
        address=args.address,
        out=args.out,
        batch=args.batch,
        max_retries=args.max_retries,
        progress=not args.quiet,
    )
    try:
        if args.command == "sweep":
            done = sweep(args.file, allow_outside_range=args.allow_outside_range, **common)
        else:
            done = sensitivity(args.file, method=args.method, **common)
    except YaluError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1 if isinstance(error, RunError) else 2
    what = "Sweep" if args.command == "sweep" else f"{args.method.capitalize()} design"
    print(
        f"{what} on Ray: {done['total_units']} units; {done['already_done']} were already done, "
        f"{done['ran']} ran now in {done['tasks']} tasks on {done['workers']} workers.\n"
        f"Results: {done['store']}"
    )
    if "text" in done:
        print(done["text"], end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
