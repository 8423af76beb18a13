//! Yalu's errors as Python exceptions, carrying what the command line prints: the file,
//! line, column and field of a scenario or experiment-file problem.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use yalu_lab::experiment::ExperimentError;
use yalu_lab::sweep::SpecError;
use yalu_scenario::overrides::OverrideError as Override;
use yalu_scenario::{LoadError, ScenarioErrors};

create_exception!(yalu, YaluError, PyException, "Base class of Yalu's errors.");
create_exception!(
    yalu,
    ScenarioError,
    YaluError,
    "A scenario has problems. `file`, `line`, `column` and `field` locate the first; \
     `problems` lists every one as a dict with those keys and `message`."
);
create_exception!(
    yalu,
    ExperimentFileError,
    YaluError,
    "An experiment (sweep, sensitivity) file is malformed or names something that does not \
     exist; `file`, `line`, `column` and `field` locate the problem when it has a place."
);
create_exception!(
    yalu,
    OverrideError,
    YaluError,
    "A parameter override names no parameter of the scenario (`path`)."
);
create_exception!(
    yalu,
    StoreError,
    YaluError,
    "A sweep store cannot be used: another sweep's, not a store, or unreadable."
);
create_exception!(
    yalu,
    RunError,
    YaluError,
    "A run failed (a ledger that does not balance, say)."
);

/// Every problem of a scenario as a `ScenarioError`.
fn scenario_error(py: Python<'_>, errors: &ScenarioErrors, message: String) -> PyErr {
    let error = ScenarioError::new_err(message);
    let located = || -> PyResult<()> {
        let value = error.value(py);
        let problems = errors
            .errors
            .iter()
            .map(|e| {
                let problem = PyDict::new(py);
                problem.set_item("file", &e.file)?;
                problem.set_item("line", e.line)?;
                problem.set_item("column", e.column)?;
                problem.set_item("field", &e.field)?;
                problem.set_item("message", e.to_string())?;
                Ok(problem)
            })
            .collect::<PyResult<Vec<_>>>()?;
        let first = errors.errors.first();
        value.setattr("file", &errors.file)?;
        value.setattr("line", first.map(|e| e.line))?;
        value.setattr("column", first.map(|e| e.column))?;
        value.setattr("field", first.map(|e| e.field.as_str()))?;
        value.setattr("problems", problems)
    };
    match located() {
        Ok(()) => error,
        Err(e) => e,
    }
}

pub fn load_error(py: Python<'_>, error: LoadError) -> PyErr {
    match error {
        LoadError::Invalid(errors) => scenario_error(py, &errors, errors.describe()),
        LoadError::Read { path, error } => pyo3::exceptions::PyOSError::new_err(format!(
            "cannot read scenario file {path}: {error}"
        )),
        other => YaluError::new_err(other.to_string()),
    }
}

pub fn override_error(py: Python<'_>, error: Override) -> PyErr {
    match error {
        Override::Invalid(errors) => scenario_error(py, &errors, errors.describe()),
        Override::UnknownPath { ref path, .. } => {
            let exception = OverrideError::new_err(error.to_string());
            let _ = exception.value(py).setattr("path", path);
            exception
        }
        other => OverrideError::new_err(other.to_string()),
    }
}

pub fn experiment_error(py: Python<'_>, error: ExperimentError) -> PyErr {
    match error {
        ExperimentError::Scenario(error) => load_error(py, error),
        ExperimentError::Point { source, file } => {
            let exception = override_error(py, source);
            let _ = exception.value(py).setattr("experiment_file", file);
            exception
        }
        ExperimentError::OutsideRange {
            source,
            file,
            outside,
        } => {
            let exception = override_error(py, source);
            let value = exception.value(py);
            let _ = value.setattr("experiment_file", file);
            let _ = value.setattr(
                "outside_ranges",
                outside.iter().map(ToString::to_string).collect::<Vec<_>>(),
            );
            // Python 3.11+ shows notes under the message; 3.10 keeps the attribute only.
            let _ = value.call_method1(
                "add_note",
                ("outside the recorded range: pass allow_outside_range=True to run beyond it",),
            );
            exception
        }
        ExperimentError::File(SpecError::Invalid {
            ref file,
            line,
            column,
            ref field,
            ..
        }) => {
            let exception = ExperimentFileError::new_err(error.to_string());
            let value = exception.value(py);
            let located = value
                .setattr("file", file)
                .and_then(|()| value.setattr("line", line))
                .and_then(|()| value.setattr("column", column))
                .and_then(|()| value.setattr("field", field));
            match located {
                Ok(()) => exception,
                Err(e) => e,
            }
        }
        ExperimentError::Store(e) => StoreError::new_err(e.to_string()),
        e if e.is_bad_input() => ExperimentFileError::new_err(e.to_string()),
        e => RunError::new_err(e.to_string()),
    }
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("YaluError", py.get_type::<YaluError>())?;
    module.add("ScenarioError", py.get_type::<ScenarioError>())?;
    module.add("ExperimentFileError", py.get_type::<ExperimentFileError>())?;
    module.add("OverrideError", py.get_type::<OverrideError>())?;
    module.add("StoreError", py.get_type::<StoreError>())?;
    module.add("RunError", py.get_type::<RunError>())?;
    Ok(())
}
