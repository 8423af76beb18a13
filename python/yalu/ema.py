"""An EMA Workbench model of a Yalu scenario (``pip install 'yalu[ema]'``).

>>> from ema_workbench import perform_experiments
>>> import yalu.ema
>>> model = yalu.ema.model(outcomes=["fx.total_usd_per_year", "porter.pay_cny_per_kg"])
>>> experiments, outcomes = perform_experiments(model, scenarios=100)

The uncertainties are the scenario's recorded parameter ranges (every parameter with a
range, only assumptions', or the paths you choose); each experiment runs the scenario with
those values set (re-checked like any override) and reports each outcome as its mean over
the replicates. Outcomes are output ids, as ``yalu outputs`` lists them. EMA names must be
Python identifiers, so ``porter.sites[hyesan].crews`` is named ``porter_sites_hyesan_crews``
in EMA's tables; ``variable_name`` keeps the path. The model pickles, so EMA's
multiprocessing evaluator runs it too.
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

from . import ExperimentFileError, Scenario, ScenarioLike, load_scenario, outputs, run

__all__ = ["model", "identifier"]


def identifier(path: str) -> str:
    """The EMA name of a parameter path or output id: a Python identifier."""
    name = re.sub(r"[^0-9a-zA-Z_]+", "_", path).strip("_")
    return name if name.isidentifier() else f"v_{name}"


class _Experiment:
    """The model function: a picklable callable running one experiment."""

    def __init__(
        self, scenario: Scenario, outcomes: Sequence[str], replicates: int, seed: int | None, threads: int
    ):
        self.scenario = scenario
        self.outcomes = list(outcomes)
        self.replicates = replicates
        self.seed = seed
        self.threads = threads

    def __call__(self, **values: float) -> dict[str, float]:
        result = run(
            self.scenario,
            overrides=values,
            replicates=self.replicates,
            seed=self.seed,
            threads=self.threads,
            tables=False,
        )
        table = result.outputs.to_arrow().to_pydict()
        sums: dict[str, list[float]] = {}
        for output, value in zip(table["output"], table["value"]):
            if value is not None and not math.isnan(value):
                sums.setdefault(output, []).append(value)
        return {
            outcome: (sum(sums[outcome]) / len(sums[outcome]) if outcome in sums else math.nan)
            for outcome in self.outcomes
        }


def model(
    outcomes: Sequence[str],
    scenario: ScenarioLike = None,
    parameters: Sequence[str] | None = None,
    assumptions_only: bool = False,
    replicates: int = 1,
    seed: int | None = None,
    threads: int = 1,
    name: str = "yalu",
) -> Any:
    """An ``ema_workbench.Model`` of a scenario.

    ``outcomes``: output ids (``yalu outputs``), each an EMA ``ScalarOutcome`` (the mean
    over ``replicates``). ``parameters``: the paths to vary (default: every parameter with a
    recorded range, or only assumptions' with ``assumptions_only``), each an EMA
    ``RealParameter`` over its recorded range. ``seed`` defaults to the scenario's (every
    experiment then sees the same random streams: common random numbers). ``threads``
    per experiment defaults to 1, as EMA's evaluators run experiments in parallel.
    """
    from ema_workbench import Model, RealParameter, ScalarOutcome

    loaded = load_scenario(scenario)
    known = set(outputs(loaded))
    unknown = [o for o in outcomes if o not in known]
    if unknown:
        raise ExperimentFileError(
            f"unknown output ids {unknown}; `yalu outputs` (yalu.outputs()) lists them"
        )
    ranges = dict(loaded.ranges(assumptions_only))
    chosen = list(parameters) if parameters is not None else list(ranges)
    missing = [p for p in chosen if p not in ranges]
    if missing:
        raise ExperimentFileError(
            f"parameters without a recorded range in scenario `{loaded.name}`: {missing}"
        )
    names = [identifier(p) for p in chosen] + [identifier(o) for o in outcomes]
    if len(set(names)) != len(names):
        raise ExperimentFileError(f"two paths or outputs map to one EMA name: {names}")
    ema = Model(identifier(name), function=_Experiment(loaded, outcomes, replicates, seed, threads))
    ema.uncertainties = [
        RealParameter(identifier(p), ranges[p][0], ranges[p][1], variable_name=p) for p in chosen
    ]
    ema.outcomes = [ScalarOutcome(identifier(o), variable_name=o) for o in outcomes]
    return ema
