"""Sweeps on a real local Ray cluster (a head and a worker node): the same store as a
local sweep, resuming after a killed driver, and a worker killed mid-sweep."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import yalu
import yalu.ray
from conftest import write_sweep

pytestmark = pytest.mark.ray


def stored(sweep_file, out):
    return yalu.Sweep(sweep_file).open_store(out).results().to_arrow()


def test_a_ray_sweep_equals_the_local_sweep(tmp_path, sweep_file, ray_driver):
    local = yalu.sweep(sweep_file, out=tmp_path / "local", threads=2)
    done = yalu.ray.sweep(sweep_file, out=tmp_path / "ray", batch=2, progress=False)
    assert (done["total_units"], done["ran"], done["tasks"]) == (9, 9, 5)
    assert done["workers"] >= 1
    assert stored(sweep_file, tmp_path / "ray").equals(stored(sweep_file, tmp_path / "local"))
    assert (tmp_path / "ray" / "sweep_summary.csv").read_text() == (
        tmp_path / "local" / "sweep_summary.csv"
    ).read_text()
    # Rerun: nothing left to do, nothing recorded twice.
    again = yalu.ray.sweep(sweep_file, out=tmp_path / "ray", progress=False)
    assert (again["already_done"], again["ran"]) == (local["total_units"], 0)


def test_both_nodes_run_tasks(ray_driver):
    @ray_driver.remote(num_cpus=1)
    def node():
        time.sleep(1.0)
        return ray_driver.get_runtime_context().get_node_id()

    nodes = set(ray_driver.get([node.remote() for _ in range(4)]))
    assert len(nodes) == 2


def done_units(store: Path) -> int:
    """Units the store holds, read as another reader would (0 before it exists)."""
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10) as db:
            return db.execute("SELECT count(*) FROM done").fetchone()[0]
    except sqlite3.OperationalError:  # created but not yet linked into place
        return 0


def test_a_killed_driver_resumes_without_losing_or_doubling_units(tmp_path, short_scenario, ray_cluster):
    sweep_file = write_sweep(tmp_path, short_scenario, values=(0.1, 0.2, 0.3, 0.4), replicates=8)
    out = tmp_path / "ray"
    driver = subprocess.Popen(
        [sys.executable, "-m", "yalu.ray", "sweep", sweep_file, "--address", ray_cluster.address,
         "--out", out, "--batch", "1", "--quiet"],
        start_new_session=True,
    )
    # Kill the driver once a few units are recorded.
    deadline = time.monotonic() + 240
    while done_units(out / "sweep.sqlite") < 3:
        assert driver.poll() is None, "the driver ended before it was killed"
        assert time.monotonic() < deadline, "no progress from the driver"
        time.sleep(0.05)
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait()
    plan = yalu.Sweep(sweep_file)
    partial = plan.open_store(out).done_units()
    assert 3 <= len(partial) < 32
    resumed = subprocess.run(
        [sys.executable, "-m", "yalu.ray", "sweep", sweep_file, "--address", ray_cluster.address,
         "--out", out, "--quiet"],
        capture_output=True, text=True, timeout=600,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(partial)} were already done, {32 - len(partial)} ran now" in resumed.stdout
    yalu.sweep(sweep_file, out=tmp_path / "local")
    assert stored(sweep_file, out).equals(stored(sweep_file, tmp_path / "local"))


def test_a_worker_killed_mid_sweep_has_its_units_retried(tmp_path, short_scenario, ray_driver):
    sweep_file = write_sweep(tmp_path, short_scenario, values=(0.1, 0.2, 0.3, 0.4), replicates=3)
    killed = []

    def kill_a_worker(recorded, total, pid):
        # After the first batch: kill the worker that ran it, most likely busy with another.
        if not killed:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    done = yalu.ray.sweep(
        sweep_file, out=tmp_path / "ray", batch=2, progress=False, on_recorded=kill_a_worker
    )
    assert killed
    assert done["ran"] == 12
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)
    yalu.sweep(sweep_file, out=tmp_path / "local")
    assert stored(sweep_file, tmp_path / "ray").equals(stored(sweep_file, tmp_path / "local"))


def test_yalu_sweep_ray_hands_over_to_the_python_driver(tmp_path, sweep_file, ray_cluster, yalu_bin):
    env = dict(os.environ, YALU_PYTHON=sys.executable)
    cli = subprocess.run(
        [yalu_bin, "sweep", sweep_file, "--ray", ray_cluster.address, "--out", tmp_path / "cli-ray"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert cli.returncode == 0, cli.stderr
    assert "9 ran now" in cli.stdout
    yalu.sweep(sweep_file, out=tmp_path / "local")
    assert stored(sweep_file, tmp_path / "cli-ray").equals(stored(sweep_file, tmp_path / "local"))


def write_sensitivity(directory: Path, scenario: Path) -> Path:
    """A small design over two parameters and two outputs (Morris: 9 points, Sobol: 16)."""
    path = directory / "sens.toml"
    path.write_text(
        f'[sensitivity]\nscenario = "{scenario}"\n'
        'parameters = ["state_trade.room39_share", "porter.sites[hyesan].crews"]\n'
        'outputs = ["fx.total_usd_per_year", "porter.kg_sold_per_year"]\n'
        "replicates = 2\nseed = 5\n\n[morris]\ntrajectories = 3\nlevels = 4\n\n"
        "[sobol]\nbase_samples = 4\nbootstrap_resamples = 50\nconfidence_level = 0.9\n"
    )
    return path


def without_paths(text: str) -> str:
    """The printed analysis without its last line, which names the output folder."""
    return text.rstrip("\n").rsplit("\n", 1)[0]


@pytest.mark.parametrize("method, units", [("morris", 18), ("sobol", 32)])
def test_a_sensitivity_design_on_ray_equals_the_local_analysis(
    tmp_path, short_scenario, ray_driver, method, units
):
    file = write_sensitivity(tmp_path, short_scenario)
    local = yalu.sensitivity(file, method, out=tmp_path / "local", threads=2)
    done = yalu.ray.sensitivity(file, method, out=tmp_path / "ray", batch=3, progress=False)
    assert (done["total_units"], done["ran"]) == (units, units)
    for table in ["sensitivity.csv", "ranking.csv"]:
        assert (tmp_path / "ray" / table).read_text() == (tmp_path / "local" / table).read_text()
    assert without_paths(done["text"]) == without_paths(local)
    # The design's units went into a sweep store, which a rerun finds complete.
    again = yalu.ray.sensitivity(file, method, out=tmp_path / "ray", progress=False)
    assert (again["already_done"], again["ran"]) == (units, 0)


def test_yalu_sensitivity_ray_hands_over_to_the_python_driver(
    tmp_path, short_scenario, ray_cluster, yalu_bin
):
    file = write_sensitivity(tmp_path, short_scenario)
    env = dict(os.environ, YALU_PYTHON=sys.executable)
    ray_run = subprocess.run(
        [yalu_bin, "sensitivity", file, "--method", "morris", "--ray", ray_cluster.address,
         "--out", tmp_path / "cli-ray"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert ray_run.returncode == 0, ray_run.stderr
    assert "18 ran now" in ray_run.stdout
    local = subprocess.run(
        [yalu_bin, "sensitivity", file, "--method", "morris", "--out", tmp_path / "cli-local"],
        capture_output=True, text=True, timeout=600,
    )
    assert local.returncode == 0, local.stderr
    assert (tmp_path / "cli-ray" / "sensitivity.csv").read_text() == (
        tmp_path / "cli-local" / "sensitivity.csv"
    ).read_text()
    assert without_paths(local.stdout) in ray_run.stdout
