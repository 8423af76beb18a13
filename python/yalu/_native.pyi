"""Type stubs of the extension module built from crates/yalu-py (use it through `yalu`)."""

import os
from typing import Any, Mapping, Sequence

__version__: str

class YaluError(Exception):
    """Base class of Yalu's errors."""

class ScenarioError(YaluError):
    """A scenario has problems; the first is located by file, line, column and field."""

    file: str
    line: int | None
    column: int | None
    field: str | None
    problems: list[dict[str, Any]]

class ExperimentFileError(YaluError):
    """An experiment file is malformed or names something that does not exist."""

    file: str
    line: int
    column: int
    field: str

class OverrideError(YaluError):
    """A parameter override names no parameter of the scenario."""

    path: str

class StoreError(YaluError):
    """A sweep store cannot be used."""

class RunError(YaluError):
    """A run failed."""

class Table:
    """An Arrow table (record batches of one schema), exported without copying."""

    @property
    def name(self) -> str: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> list[str]: ...
    def __len__(self) -> int: ...
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def to_arrow(self) -> Any:
        """A pyarrow.Table."""
    def to_pandas(self) -> Any:
        """A pandas.DataFrame."""
    def to_polars(self) -> Any:
        """A polars.DataFrame."""

class Scenario:
    """A loaded and checked scenario."""

    @staticmethod
    def from_text(text: str, name: str = "<text>") -> Scenario: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def first_day(self) -> str: ...
    @property
    def last_day(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def text(self) -> str: ...
    def parameters(self) -> list[dict[str, Any]]: ...
    def ranges(self, assumptions_only: bool = False) -> list[tuple[str, tuple[float, float]]]: ...

class RunResult:
    """Every table a run writes, by name (`result.flows` or `result["flows"]`)."""

    @property
    def scenario(self) -> Scenario: ...
    @property
    def seed(self) -> int: ...
    @property
    def replicates(self) -> int: ...
    @property
    def wall_time_s(self) -> float: ...
    @property
    def table_names(self) -> list[str]: ...
    def __getitem__(self, name: str) -> Table: ...
    def __getattr__(self, name: str) -> Table: ...

Unit = tuple[int, int]
Metrics = list[tuple[str, float]]

class SweepStore:
    """A sweep's SQLite store, held by the driver (the one writer)."""

    @property
    def path(self) -> os.PathLike[str]: ...
    def results(self) -> Table: ...
    def done_units(self) -> list[Unit]: ...

class Sweep:
    """A sweep file checked against its scenario; pickles as its texts."""

    def __init__(self, file: str | os.PathLike[str], allow_outside_range: bool = False) -> None: ...
    @staticmethod
    def from_texts(
        file: str,
        text: str,
        scenario_name: str,
        scenario_text: str,
        allow_outside_range: bool = False,
    ) -> Sweep: ...
    @property
    def outside_ranges(self) -> list[dict[str, Any]]: ...
    @property
    def name(self) -> str: ...
    @property
    def file(self) -> os.PathLike[str]: ...
    @property
    def replicates(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def metrics(self) -> list[str]: ...
    @property
    def points(self) -> list[list[tuple[str, float]]]: ...
    @property
    def unit_count(self) -> int: ...
    def units(self, shard: str | None = None) -> list[Unit]: ...
    def evaluate(self, units: Sequence[Unit]) -> list[tuple[int, int, Metrics]]: ...
    def open_store(self, out: str | os.PathLike[str]) -> SweepStore: ...
    def todo(self, store: SweepStore, shard: str | None = None) -> tuple[list[Unit], int, int]: ...
    def record(self, store: SweepStore, point: int, replicate: int, metrics: Metrics) -> None: ...
    def write_tables(self, store: SweepStore, out: str | os.PathLike[str]) -> None: ...

class Sensitivity:
    """A sensitivity file checked against its scenario, with its method."""

    def __init__(self, file: str | os.PathLike[str], method: str = "morris") -> None: ...
    @property
    def method(self) -> str: ...
    @property
    def default_out(self) -> os.PathLike[str]: ...
    @property
    def sweep(self) -> Sweep: ...
    def analyse(self, store: SweepStore, out: str | os.PathLike[str]) -> str: ...

def sensitivity(
    file: str, method: str = "morris", out: str | None = None, threads: int = 0
) -> str: ...
def load_scenario(scenario: Any = None, overrides: Mapping[str, float] | None = None) -> Scenario: ...
def run(
    scenario: Any = None,
    overrides: Mapping[str, float] | None = None,
    replicates: int = 1,
    seed: int | None = None,
    threads: int = 0,
    tables: bool = True,
) -> RunResult: ...
def compare(
    a: Any,
    b: Any,
    replicates: int = 20,
    seed: int | None = None,
    threads: int = 0,
    common_random_numbers: bool = True,
) -> Table: ...
def validate(
    scenario: Any = None, replicates: int = 10, seed: int | None = None, threads: int = 0
) -> list[dict[str, Any]]: ...
def evidence(scenario: Any = None) -> dict[str, Any]: ...
def outputs(scenario: Any = None) -> list[str]: ...
def sweep(
    file: str,
    out: str | None = None,
    threads: int = 0,
    shard: str | None = None,
    allow_outside_range: bool = False,
) -> dict[str, Any]: ...
def merge(stores: list[str], out: str) -> dict[str, Any]: ...
