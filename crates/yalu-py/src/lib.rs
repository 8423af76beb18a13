//! `yalu._native`: Yalu from Python. The `yalu` package (python/yalu) re-exports it with
//! docstrings and type stubs; see the README's Python section.
//!
//! Simulations run with the GIL released, on Yalu's own thread pool, and check for Ctrl-C
//! (runs, comparisons, validation, sweeps and sensitivity analyses alike): a
//! `KeyboardInterrupt` stops the work cleanly between replicates.

mod arrow;
mod errors;
mod run;
mod scenario;
mod sensitivity;
mod sweep;

use pyo3::prelude::*;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(module)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<arrow::Table>()?;
    module.add_class::<scenario::Scenario>()?;
    module.add_class::<run::RunResult>()?;
    module.add_class::<sweep::Sweep>()?;
    module.add_class::<sweep::SweepStore>()?;
    module.add_class::<sensitivity::Sensitivity>()?;
    module.add_function(wrap_pyfunction!(run::load_scenario, module)?)?;
    module.add_function(wrap_pyfunction!(run::run, module)?)?;
    module.add_function(wrap_pyfunction!(run::compare, module)?)?;
    module.add_function(wrap_pyfunction!(run::validate, module)?)?;
    module.add_function(wrap_pyfunction!(run::evidence, module)?)?;
    module.add_function(wrap_pyfunction!(run::outputs, module)?)?;
    module.add_function(wrap_pyfunction!(sweep::sweep, module)?)?;
    module.add_function(wrap_pyfunction!(sensitivity::sensitivity, module)?)?;
    module.add_function(wrap_pyfunction!(sweep::merge, module)?)?;
    Ok(())
}
