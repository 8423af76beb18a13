"""Yalu from Python.

Yalu is an evidence-backed agent-based simulator of North Korea's state-run smuggling and
foreign-currency network, built for sanctions analysts and researchers (an analysis tool,
not operational advice). This package runs the same Rust library as the ``yalu`` command:
the same scenario and seed give the same numbers here as there.

>>> import yalu
>>> result = yalu.run(overrides={"porter.strength_mean_kg": 45}, replicates=10, seed=7)
>>> result.flows.to_pandas().groupby("channel").value_cny.sum()

Tables are Arrow tables handed over without copying (the Arrow C stream interface), with
``to_arrow()``, ``to_pandas()`` and ``to_polars()``. Problems raise :class:`YaluError`
subclasses carrying the file, line, column and field the command line prints.

Submodules: :mod:`yalu.ema` (an EMA Workbench model, ``pip install 'yalu[ema]'``) and
:mod:`yalu.ray` (sweeps on a Ray cluster, ``pip install 'yalu[ray]'``).
"""

from __future__ import annotations

import functools
import os
from typing import Any, Mapping, Union

from . import _native
from ._native import (
    ExperimentFileError,
    OverrideError,
    RunError,
    RunResult,
    Scenario,
    ScenarioError,
    Sensitivity,
    StoreError,
    Sweep,
    SweepStore,
    Table,
    YaluError,
)

__version__: str = _native.__version__

ScenarioLike = Union[None, str, "os.PathLike[str]", Mapping[str, Any], Scenario]
"""None (the built-in baseline), a scenario file, a dict as TOML would parse, or a Scenario."""

__all__ = [
    "ExperimentFileError",
    "OverrideError",
    "RunError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "StoreError",
    "Sweep",
    "SweepStore",
    "Table",
    "YaluError",
    "compare",
    "evidence",
    "load_scenario",
    "merge",
    "outputs",
    "run",
    "sensitivity",
    "sweep",
    "validate",
]


def load_scenario(
    scenario: ScenarioLike = None, overrides: Mapping[str, float] | None = None
) -> Scenario:
    """Load and check a scenario, with parameters set by path.

    ``overrides`` maps parameter paths (as ``yalu evidence`` prints them, e.g.
    ``"porter.strength_mean_kg"`` or ``"porter.sites[hyesan].crews"``) to values; the
    scenario is re-checked with them, so a value outside a parameter's stated range raises
    :class:`ScenarioError`, and an unknown path :class:`OverrideError`.
    """
    return _native.load_scenario(scenario, _overrides(overrides))


def run(
    scenario: ScenarioLike = None,
    overrides: Mapping[str, float] | None = None,
    replicates: int = 1,
    seed: int | None = None,
    threads: int = 0,
    tables: bool = True,
) -> RunResult:
    """Run a scenario's replicates, as ``yalu run`` does, and return its tables.

    The result holds every table a run folder holds, as Arrow tables: ``flows``,
    ``money``, ``fx``, ``porters``, ``incomes``, ``trade``, ``prices``, ``rates``,
    ``activity``, ``balances``, ``observed`` (one row per replicate, month and key),
    ``summary`` (every numeric series across replicates) and ``outputs`` (every registry
    output in every replicate: ``replicate, output, label, value``). With ``tables=False`` only
    ``summary`` and ``outputs`` are kept (like ``--no-replicate-files``).

    ``seed`` defaults to the scenario's; ``threads=0`` uses one thread per core, and the
    numbers do not depend on it. The GIL is released while simulating, and Ctrl-C stops
    the run (within one batch of replicates) with ``KeyboardInterrupt``.
    """
    return _native.run(scenario, _overrides(overrides), replicates, seed, threads, tables)


def compare(
    a: ScenarioLike,
    b: ScenarioLike,
    replicates: int = 20,
    seed: int | None = None,
    threads: int = 0,
    common_random_numbers: bool = True,
) -> Table:
    """Compare two scenarios replicate by replicate, as ``yalu compare`` does (Ctrl-C stops
    it between replicates with ``KeyboardInterrupt``).

    Returns the ``compare`` table: per output, ``replicates, mean_a, mean_b,
    mean_difference, difference_p05, difference_p95`` (B - A). With common random numbers
    replicate i of A and of B draw the same random streams.
    """
    return _native.compare(a, b, replicates, seed, threads, common_random_numbers)


def validate(
    scenario: ScenarioLike = None,
    replicates: int = 10,
    seed: int | None = None,
    threads: int = 0,
) -> list[dict[str, Any]]:
    """Check patterns P1-P15 against a scenario's replicates, as ``yalu validate`` does.

    Returns one dict per pattern (``id``, ``kind``, ``target``, ``low``, ``high``,
    ``covered``, ``simulated``, ``pass``, ...), as ``validation.json`` holds them under
    ``patterns``.
    """
    return _native.validate(scenario, replicates, seed, threads)


def evidence(scenario: ScenarioLike = None) -> dict[str, Any]:
    """A scenario's inputs with their evidence, as ``yalu evidence --format json``."""
    return _native.evidence(scenario)


def outputs(scenario: ScenarioLike = None) -> list[str]:
    """Every output id (``yalu outputs``) a sweep, the EMA adapter or compare can use."""
    return _native.outputs(scenario)


def sweep(
    file: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    threads: int = 0,
    shard: str | None = None,
    allow_outside_range: bool = False,
) -> dict[str, Any]:
    """Run a sweep file on local threads, as ``yalu sweep FILE [--shard K/N]`` does.

    Resumes whatever ``out/sweep.sqlite`` holds; writes ``sweep_points`` and
    ``sweep_summary``. Returns ``{"store", "total_units", "already_done", "ran"}``. A value
    outside its parameter's recorded range raises :class:`ScenarioError` unless
    ``allow_outside_range`` (``--allow-outside-range``): the sweep then runs it and records
    the parameters in the store's ``meta`` table (``outside_recorded_ranges``). Ctrl-C stops
    it with ``KeyboardInterrupt``; the units already recorded stay, and a rerun resumes.
    """
    return _native.sweep(
        os.fspath(file),
        None if out is None else os.fspath(out),
        threads,
        shard,
        allow_outside_range,
    )


def sensitivity(
    file: str | os.PathLike[str],
    method: str = "morris",
    out: str | os.PathLike[str] | None = None,
    threads: int = 0,
) -> str:
    """Run a sensitivity file on local threads, as ``yalu sensitivity FILE --method M`` does.

    ``method`` is ``"morris"`` (mu, mu*, sigma) or ``"sobol"`` (first- and total-order
    indices with bootstrap intervals). Writes ``sensitivity`` and ``ranking`` (CSV and
    Parquet) into ``out`` (default ``out/sensitivity-METHOD``) and returns the ranked
    tables the command prints. Ctrl-C stops it between replicates with
    ``KeyboardInterrupt``. :mod:`yalu.ray` runs the same design on a Ray cluster.
    """
    return _native.sensitivity(
        os.fspath(file), method, None if out is None else os.fspath(out), threads
    )


def merge(stores: list[str | os.PathLike[str]], out: str | os.PathLike[str]) -> dict[str, Any]:
    """Merge shards' stores into ``out/sweep.sqlite``, as ``yalu sweep merge`` does."""
    return _native.merge([os.fspath(s) for s in stores], os.fspath(out))


def _overrides(overrides: Mapping[str, float] | None) -> dict[str, float] | None:
    return None if overrides is None else {str(k): float(v) for k, v in overrides.items()}


@functools.lru_cache(maxsize=8)
def _sweep_from_texts(
    file: str, text: str, scenario_name: str, scenario_text: str, allow_outside_range: bool = False
) -> Sweep:
    """Unpickles a Sweep, once per process for the same texts (Ray workers reuse it)."""
    return Sweep.from_texts(file, text, scenario_name, scenario_text, allow_outside_range)


@functools.lru_cache(maxsize=8)
def _scenario_from_text(name: str, text: str) -> Scenario:
    """Unpickles a Scenario, once per process for the same text."""
    return Scenario.from_text(text, name)
