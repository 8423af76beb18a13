"""Shared fixtures: a one-year scenario, sweep files, the `yalu` binary, and a real local
Ray cluster (a head and a second worker node, each started with `ray start --block` and
stopped by their own process ids).

Tests marked `ray` run only with `-m ray` (pyproject.toml deselects them by default; .ci/run
runs them). With CI=true a missing Ray fails them instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# The test cluster lives on this machine for one session: no token authentication, which
# Ray turns on by default and which would otherwise depend on a token file left in ~/.ray
# by whatever Ray ran here before. Nodes and drivers (and the drivers tests start) inherit it.
os.environ["RAY_AUTH_MODE"] = "disabled"
BASELINE = REPO / "scenarios" / "baseline.toml"


def short_scenario_text(name: str = "short") -> str:
    """The baseline cut to 2019 (as the Rust CLI tests do), quick in a debug build."""
    text = BASELINE.read_text()
    for old, new in [
        ('name = "baseline"', f'name = "{name}"'),
        ('first_day = "2017-01-01"', 'first_day = "2019-01-01"'),
        ('last_day = "2025-12-31"', 'last_day = "2019-12-31"'),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def short_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "short.toml"
    path.write_text(short_scenario_text())
    return path


def write_sweep(directory: Path, scenario: Path, values=(0.1, 0.3, 0.5), replicates=3, seed=11) -> Path:
    """A grid sweep of the levy share on `scenario`: len(values) x replicates units."""
    path = directory / "sweep.toml"
    listed = ", ".join(str(v) for v in values)
    path.write_text(
        f"""[sweep]
name = "levy"
scenario = "{scenario}"
replicates = {replicates}
seed = {seed}
metrics = ["state_trade.smuggling_value_share", "fx.total_usd_per_year"]

[design]
kind = "grid"

[[parameters]]
path = "state_trade.official_levy_share"
values = [{listed}]
"""
    )
    return path


@pytest.fixture
def sweep_file(tmp_path: Path, short_scenario: Path) -> Path:
    return write_sweep(tmp_path, short_scenario)


@pytest.fixture(scope="session")
def yalu_bin() -> Path:
    """The `yalu` binary: $YALU_BIN, else the newest of target/{release,debug}/yalu."""
    if "YALU_BIN" in os.environ:
        return Path(os.environ["YALU_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    built = [p for p in (target / "release" / "yalu", target / "debug" / "yalu") if p.exists()]
    if not built:
        pytest.fail("no yalu binary: build it (cargo build) or set YALU_BIN")
    return max(built, key=lambda p: p.stat().st_mtime)


def need_ray():
    """Ray, or a failure under CI (where the Ray tests must run), or a skip elsewhere."""
    try:
        import ray
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("Ray is not installed, and CI must run the Ray tests")
        pytest.skip("Ray is not installed (pip install 'yalu[ray]')")
    return ray


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RayCluster:
    """A head node and a worker node on this machine, one CPU each."""

    def __init__(self, base: Path):
        ray_cli = shutil.which("ray", path=os.path.dirname(sys.executable)) or shutil.which("ray")
        if ray_cli is None:
            pytest.fail("the `ray` command is not on PATH")
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        common = [
            "--block",
            "--num-cpus=1",
            "--node-ip-address=127.0.0.1",
            "--object-store-memory=200000000",
            "--disable-usage-stats",
        ]
        self.log = base / "ray-nodes.log"
        try:
            self._start(ray_cli, base, common)
        except BaseException:
            self.stop()  # a node that did start must not outlive a failed setup
            raise

    def _start(self, ray_cli: str, base: Path, common: list[str]) -> None:
        log = self.log.open("w")
        env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
        self.processes.append(
            subprocess.Popen(
                [ray_cli, "start", "--head", f"--port={self.port}", "--include-dashboard=false",
                 f"--temp-dir={base}/ray", *common],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env,
            )
        )
        self._wait_for_nodes(1)
        self.processes.append(
            subprocess.Popen(
                [ray_cli, "start", f"--address={self.address}", *common],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env,
            )
        )
        self._wait_for_nodes(2)

    def _wait_for_nodes(self, count: int, timeout: float = 120.0) -> None:
        ray = need_ray()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    pytest.fail(f"`ray start` exited ({process.returncode}):\n{self.log.read_text()}")
            try:
                ray.init(address=self.address, log_to_driver=False)
                alive = [n for n in ray.nodes() if n["Alive"]]
                ray.shutdown()
                if len(alive) >= count:
                    return
            except Exception:  # the head is not listening yet
                ray.shutdown()
            time.sleep(1.0)
        pytest.fail(f"the Ray cluster did not reach {count} nodes:\n{self.log.read_text()}")

    def stop(self) -> None:
        # SIGTERM to each `ray start --block` we started: it stops the node's processes.
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="session")
def ray_cluster():
    need_ray()
    # A short folder: Ray's Unix sockets live under it, and their paths are limited.
    base = Path(tempfile.mkdtemp(prefix="yr", dir="/tmp"))
    cluster = RayCluster(base)
    yield cluster
    cluster.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def ray_driver(ray_cluster):
    """The test process connected to the cluster as a Ray driver."""
    ray = need_ray()
    ray.init(address=ray_cluster.address, log_to_driver=False)
    yield ray
    ray.shutdown()
