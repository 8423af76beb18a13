"""The EMA Workbench adapter: uncertainties from the scenario's recorded ranges, outcomes
by output id, 10 experiments run serially and with the multiprocessing evaluator."""

from __future__ import annotations

import math
import os

import pytest

import yalu

if os.environ.get("CI") != "true":  # CI must run these: there a missing EMA fails
    pytest.importorskip("ema_workbench")
import yalu.ema  # noqa: E402
from ema_workbench import MultiprocessingEvaluator, SequentialEvaluator  # noqa: E402
from ema_workbench.em_framework.samplers import sample_uncertainties  # noqa: E402

PARAMETERS = ["porter.strength_mean_kg", "state_trade.official_levy_share"]
OUTCOMES = ["porter.pay_cny_per_kg", "state_trade.smuggling_value_share"]


def test_uncertainties_are_the_recorded_ranges_and_outcomes_the_output_ids(short_scenario):
    model = yalu.ema.model(OUTCOMES, scenario=short_scenario, parameters=PARAMETERS)
    ranges = dict(yalu.load_scenario(short_scenario).ranges())
    for path, uncertainty in zip(PARAMETERS, model.uncertainties):
        assert uncertainty.name == yalu.ema.identifier(path)
        assert uncertainty.variable_name == [path]
        assert (uncertainty.lower_bound, uncertainty.upper_bound) == ranges[path]
    assert [list(o.variable_name) for o in model.outcomes] == [[o] for o in OUTCOMES]
    everything = yalu.ema.model(OUTCOMES, scenario=short_scenario, assumptions_only=True)
    assert len(everything.uncertainties) == len(dict(yalu.load_scenario(short_scenario).ranges(True)))
    with pytest.raises(yalu.ExperimentFileError, match="unknown output ids"):
        yalu.ema.model(["fx.totl_usd_per_year"])


def test_ten_experiments_serially_and_with_multiprocessing_agree(short_scenario):
    model = yalu.ema.model(OUTCOMES, scenario=short_scenario, parameters=PARAMETERS, seed=3)
    design = sample_uncertainties(model, 10)
    with SequentialEvaluator(model) as evaluator:
        serial_experiments, serial = evaluator.perform_experiments(scenarios=design)
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        _, parallel = evaluator.perform_experiments(scenarios=design)
    assert len(serial_experiments) == 10
    for outcome in OUTCOMES:
        name = yalu.ema.identifier(outcome)
        assert len(serial[name]) == 10
        assert all(math.isfinite(v) for v in serial[name])
        assert list(serial[name]) == list(parallel[name])
    # An experiment's outcome is the run with those values set.
    row = serial_experiments.iloc[0]
    values = {p: float(row[yalu.ema.identifier(p)]) for p in PARAMETERS}
    direct = yalu.run(short_scenario, overrides=values, seed=3, tables=False).outputs.to_arrow().to_pydict()
    expected = dict(zip(direct["output"], direct["value"]))["state_trade.smuggling_value_share"]
    assert serial[yalu.ema.identifier("state_trade.smuggling_value_share")][0] == expected
