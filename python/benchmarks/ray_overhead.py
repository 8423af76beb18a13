"""What Ray adds to a sweep: wall time of a local sweep (`yalu.sweep`, the code `yalu
sweep` runs) on N threads against the same sweep as Ray tasks on a one-machine Ray with N
worker CPUs, for several batch sizes.

    python python/benchmarks/ray_overhead.py [SWEEP_FILE] [--cpus 2] [--batches 1,10,50]

Needs a release build (`pip install '.[ray]'`). Each run starts from an empty store; the
Ray runs check that their store equals the local one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a one-machine Ray: no token file left in ~/.ray

import ray  # noqa: E402

import yalu  # noqa: E402
import yalu.ray  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=str(REPO / "sweeps" / "bench-2000.toml"))
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--batches", default="1,10,50")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="yalu-bench-"))
    units = yalu.Sweep(args.file).unit_count

    started = time.monotonic()
    yalu.sweep(args.file, out=work / "local", threads=args.cpus)
    local = time.monotonic() - started
    expected = yalu.Sweep(args.file).open_store(work / "local").results().to_arrow()
    print(f"{units} units; local sweep on {args.cpus} threads: {local:.1f} s "
          f"({1000 * local / units * args.cpus:.1f} ms of CPU per unit)")

    started = time.monotonic()
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    print(f"ray.init: {time.monotonic() - started:.1f} s (not counted below)")
    for batch in [int(b) for b in args.batches.split(",")]:
        out = work / f"ray-{batch}"
        started = time.monotonic()
        done = yalu.ray.sweep(args.file, out=out, batch=batch, progress=False)
        took = time.monotonic() - started
        same = yalu.Sweep(args.file).open_store(out).results().to_arrow().equals(expected)
        overhead = took - local
        print(f"Ray, batch {batch:>3} ({done['tasks']:>4} tasks): {took:.1f} s; "
              f"overhead {overhead:+.1f} s = {100 * overhead / local:+.1f}% of local, "
              f"{1000 * overhead / units:+.2f} ms per unit; same results: {same}")
    ray.shutdown()
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
