"""The Python API: runs, tables and their Arrow schemas, scenarios from files and dicts,
overrides, errors as exceptions with their location, compare, validate, evidence, sweeps,
shards, pickling, the GIL and Ctrl-C; the same numbers as the `yalu` command."""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
import tomllib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import yalu
from conftest import BASELINE, short_scenario_text, write_sweep

RUN_TABLES = [
    "flows", "money", "fx", "porters", "incomes", "trade", "prices", "rates", "activity",
    "balances", "observed", "declared",
]


def test_a_run_equals_the_command_line_run_table_for_table(tmp_path, short_scenario, yalu_bin):
    out = tmp_path / "cli"
    subprocess.run(
        [yalu_bin, "run", "--scenario", short_scenario, "--replicates", "2", "--seed", "5",
         "--out", out, "--quiet"],
        check=True,
    )
    result = yalu.run(short_scenario, replicates=2, seed=5, threads=2)
    assert result.table_names == RUN_TABLES + ["summary", "outputs"]
    for name in RUN_TABLES + ["summary"]:
        ours = pa.table(result[name])
        theirs = pq.read_table(out / f"{name}.parquet")
        assert ours.schema == theirs.schema, name
        assert ours.equals(theirs.cast(ours.schema)), f"{name} differs from the CLI's"


def test_tables_are_arrow_streams_with_pandas_and_polars(short_scenario):
    result = yalu.run(short_scenario, replicates=2, seed=1)
    flows = result.flows
    assert isinstance(flows, yalu.Table)
    assert flows.column_names == [
        "replicate", "seed", "month", "channel", "mode", "site", "good", "outcome",
        "sanctioned", "quantity", "unit", "value_cny",
    ]
    schema = pa.table(flows).schema
    assert schema.field("replicate").type == pa.int64()
    assert schema.field("month").type == pa.string()
    assert schema.field("sanctioned").type == pa.bool_()
    assert schema.field("value_cny").type == pa.float64() and schema.field("value_cny").nullable
    assert not schema.field("quantity").nullable
    frame = flows.to_pandas()
    assert len(frame) == flows.num_rows == len(flows) > 0
    assert set(frame.replicate) == {0, 1}
    assert result.money.to_polars().height == result.money.num_rows
    outputs = result.outputs.to_arrow()
    assert outputs.column_names == ["replicate", "output", "label", "value"]
    assert "fx.total_usd_per_year" in set(outputs.column("output").to_pylist())
    assert result.replicates == 2 and result.seed == 1
    with pytest.raises(AttributeError, match="no table `flow`"):
        result.flow


def test_summaries_only_keep_summary_and_outputs(short_scenario):
    result = yalu.run(short_scenario, replicates=1, tables=False)
    assert result.table_names == ["summary", "outputs"]


def test_the_same_seed_gives_the_same_numbers_whatever_the_threads(short_scenario):
    one = yalu.run(short_scenario, replicates=3, seed=9, threads=1)
    two = yalu.run(short_scenario, replicates=3, seed=9, threads=2)
    other = yalu.run(short_scenario, replicates=3, seed=10, threads=2)
    assert pa.table(one.money).equals(pa.table(two.money))
    assert not pa.table(one.money).equals(pa.table(other.money))


def test_a_dict_scenario_runs_like_its_file(short_scenario):
    as_dict = tomllib.loads(short_scenario.read_text())
    from_dict = yalu.run(as_dict, replicates=1, seed=2)
    from_file = yalu.run(short_scenario, replicates=1, seed=2)
    assert from_dict.scenario.file == "<dict>"
    assert pa.table(from_dict.fx).equals(pa.table(from_file.fx))


def test_overrides_change_the_run_and_are_checked(short_scenario):
    base = yalu.load_scenario(short_scenario)
    strength = next(p for p in base.parameters() if p["path"] == "porter.strength_mean_kg")
    changed = yalu.load_scenario(short_scenario, overrides={"porter.strength_mean_kg": 45})
    assert next(p for p in changed.parameters() if p["path"] == "porter.strength_mean_kg")["value"] == 45
    assert strength["value"] != 45
    a = yalu.run(short_scenario, replicates=1, seed=3, tables=False)
    b = yalu.run(short_scenario, overrides={"porter.strength_mean_kg": 45}, replicates=1, seed=3, tables=False)
    assert not pa.table(a.outputs).equals(pa.table(b.outputs))

    with pytest.raises(yalu.OverrideError) as unknown:
        yalu.run(short_scenario, overrides={"porter.strength_kg": 45})
    assert unknown.value.path == "porter.strength_kg"
    with pytest.raises(yalu.ScenarioError) as outside:
        yalu.run(short_scenario, overrides={"porter.strength_mean_kg": -5})
    assert outside.value.field.startswith("porter.strength_mean_kg")
    assert outside.value.line >= 1 and outside.value.column >= 1


def test_scenario_errors_carry_the_command_lines_location(tmp_path, yalu_bin):
    bad = tmp_path / "bad.toml"
    bad.write_text(short_scenario_text().replace("[porter]", "[porter]\nmistake = 1", 1))
    with pytest.raises(yalu.ScenarioError) as error:
        yalu.load_scenario(bad)
    first = error.value.problems[0]
    location = f"{first['file']}:{first['line']}:{first['column']}"
    assert (error.value.file, error.value.line, error.value.column, error.value.field) == (
        first["file"], first["line"], first["column"], first["field"],
    )
    assert first["field"] == "porter.mistake"
    assert location in str(error.value)
    cli = subprocess.run([yalu_bin, "check", bad], capture_output=True, text=True)
    assert cli.returncode == 2
    # miette wraps long lines at its width: compare without the wrapping.
    unwrapped = "".join(cli.stderr.replace("│", " ").split())
    assert f"{bad}:{first['line']}:{first['column']}:`porter.mistake`" in unwrapped
    assert isinstance(error.value, yalu.YaluError)
    with pytest.raises(OSError):
        yalu.load_scenario(tmp_path / "absent.toml")


def test_sweep_file_errors_are_located(tmp_path, short_scenario):
    path = write_sweep(tmp_path, short_scenario)
    path.write_text(path.read_text().replace("fx.total_usd_per_year", "fx.totl_usd_per_year"))
    with pytest.raises(yalu.ExperimentFileError) as error:
        yalu.Sweep(path)
    assert (error.value.file, error.value.line, error.value.field) == (str(path), 6, "sweep.metrics")
    assert f"{path}:6:" in str(error.value)


def test_compare_validate_evidence_and_outputs(short_scenario, tmp_path):
    tight = tmp_path / "tight.toml"
    tight.write_text(
        yalu.load_scenario(short_scenario, overrides={"porter.strength_mean_kg": 45}).text
    )
    table = yalu.compare(short_scenario, tight, replicates=2, seed=4).to_arrow()
    assert table.column_names[:4] == ["metric", "unit", "replicates", "mean_a"]
    assert table.num_rows > 10
    checks = yalu.validate(short_scenario, replicates=2, seed=4)
    assert {c["id"] for c in checks} >= {"P1", "P2"}
    document = yalu.evidence()
    assert document["name"] == "baseline" and len(document["parameters"]) > 100
    ids = yalu.outputs()
    assert "fx.total_usd_per_year" in ids and "porter.pay_cny_per_kg" in ids
    ranges = dict(yalu.load_scenario().ranges(assumptions_only=True))
    assert all(low <= high for low, high in ranges.values()) and ranges


def test_a_python_sweep_equals_the_command_line_sweep_and_shards_merge(tmp_path, sweep_file, yalu_bin):
    subprocess.run([yalu_bin, "sweep", sweep_file, "--out", tmp_path / "cli"], check=True,
                   capture_output=True)
    done = yalu.sweep(sweep_file, out=tmp_path / "py", threads=2)
    assert (done["total_units"], done["ran"]) == (9, 9)
    for k in (1, 2):
        yalu.sweep(sweep_file, out=tmp_path / f"s{k}", shard=f"{k}/2")
    merged = yalu.merge([tmp_path / "s1", tmp_path / "s2"], tmp_path / "merged")
    assert (merged["added"], merged["total"]) == (9, 9)
    plan = yalu.Sweep(sweep_file)
    tables = [plan.open_store(tmp_path / d).results().to_arrow() for d in ("cli", "py", "merged")]
    assert tables[0].num_rows == 18
    assert tables[0].equals(tables[1]) and tables[0].equals(tables[2])
    assert (tmp_path / "py" / "sweep_summary.csv").read_text() == (
        tmp_path / "cli" / "sweep_summary.csv"
    ).read_text()


def test_units_run_one_by_one_equal_the_sweep_and_pickle(tmp_path, sweep_file):
    plan = yalu.Sweep(sweep_file)
    assert plan.unit_count == 9 and plan.units() == [(p, r) for p in range(3) for r in range(3)]
    assert plan.units("2/3") == [(0, 1), (1, 1), (2, 1)]
    shipped = pickle.loads(pickle.dumps(plan))
    store = plan.open_store(tmp_path / "units")
    todo, total, already = plan.todo(store)
    assert (len(todo), total, already) == (9, 9, 0)
    for point, replicate, metrics in shipped.evaluate(todo):
        plan.record(store, point, replicate, metrics)
    assert plan.todo(store)[0] == []
    whole = yalu.sweep(sweep_file, out=tmp_path / "whole")
    assert whole["ran"] == 9
    assert store.results().to_arrow().equals(
        plan.open_store(tmp_path / "whole").results().to_arrow()
    )
    with pytest.raises(yalu.RunError, match="no such unit"):
        plan.evaluate([(3, 0)])
    with pytest.raises(yalu.RunError, match="expected the metrics"):
        plan.record(store, 0, 0, [("fx.total_usd_per_year", 1.0)])
    scenario = yalu.load_scenario(BASELINE)
    assert pickle.loads(pickle.dumps(scenario)).text == scenario.text


def test_the_gil_is_released_while_simulating(short_scenario):
    ticks = 0
    done = threading.Event()

    def simulate():
        yalu.run(short_scenario, replicates=4, threads=1, tables=False)
        done.set()

    worker = threading.Thread(target=simulate)
    started = time.monotonic()
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    elapsed = time.monotonic() - started
    # With the GIL held, this loop could not run at all until the run ended.
    assert ticks > 0.2 * elapsed / 0.001 * 0.5, (ticks, elapsed)


def test_ctrl_c_interrupts_a_long_run_cleanly(tmp_path):
    script = tmp_path / "long.py"
    script.write_text(textwrap.dedent(
        """
        import sys, yalu
        print("started", flush=True)
        try:
            yalu.run(replicates=100000, tables=False, threads=2)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(0)
        sys.exit(3)
        """
    ))
    process = subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "started"
    time.sleep(2.0)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the run did not stop within 60 s of Ctrl-C")
    assert process.returncode == 0, out
    assert "interrupted" in out
    assert time.monotonic() - sent < 60


def long_calls(tmp_path: Path) -> dict:
    """Calls that would run for many minutes, each with the GIL released inside."""
    scenario = tmp_path / "short.toml"
    scenario.write_text(short_scenario_text())
    sweep_file = write_sweep(tmp_path, scenario, values=(0.1, 0.3), replicates=5000)
    sensitivity_file = tmp_path / "sens.toml"
    sensitivity_file.write_text(
        f'[sensitivity]\nscenario = "{scenario}"\nparameters = ["state_trade.room39_share"]\n'
        'outputs = ["fx.total_usd_per_year"]\nreplicates = 5000\nseed = 3\n'
    )
    return {
        "compare": lambda: yalu.compare(None, scenario, replicates=100000, threads=2),
        "validate": lambda: yalu.validate(scenario, replicates=100000, threads=2),
        "sweep": lambda: yalu.sweep(sweep_file, out=tmp_path / "sweep", threads=2),
        "sensitivity": lambda: yalu.sensitivity(
            sensitivity_file, out=tmp_path / "sens", threads=2
        ),
    }


@pytest.mark.parametrize("call", ["compare", "validate", "sweep", "sensitivity"])
def test_ctrl_c_stops_a_long_call_promptly_and_the_interpreter_goes_on(tmp_path, call):
    import _thread

    work = long_calls(tmp_path)[call]
    interrupt_at = []

    def press_ctrl_c():
        time.sleep(1.5)
        interrupt_at.append(time.monotonic())
        _thread.interrupt_main()

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        work()
    stopped_after = time.monotonic() - interrupt_at[0]
    # Replicates already running finish; none starts after the interrupt.
    assert stopped_after < 30, f"{call} took {stopped_after:.1f} s to stop"
    # The interpreter and the library still work.
    assert "fx.total_usd_per_year" in yalu.outputs()
    short = tmp_path / "short.toml"
    assert yalu.compare(short, short, replicates=1, threads=1).num_rows > 0
