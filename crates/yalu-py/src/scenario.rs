//! Scenarios from Python: the built-in baseline (None), a file (str or path), a dict (as
//! TOML would parse), or a `Scenario` already loaded, with parameter overrides by path.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use yalu_lab::experiment::load_scenario;
use yalu_lab::sweep::ScenarioSource;
use yalu_scenario::overrides::text_with_values;
use yalu_scenario::{Registry, Scenario as Loaded, SourceText};

use crate::errors::{load_error, override_error};

/// A scenario, loaded and checked: its inputs with their evidence, and its text.
#[pyclass(module = "yalu._native", name = "Scenario", frozen)]
pub struct Scenario {
    pub loaded: Loaded,
    pub text: SourceText,
}

#[pymethods]
impl Scenario {
    /// A scenario from its TOML text, reported as `name` in errors.
    #[staticmethod]
    #[pyo3(signature = (text, name = "<text>"))]
    fn from_text(py: Python<'_>, text: &str, name: &str) -> PyResult<Scenario> {
        let text = SourceText::new(name, text);
        let loaded =
            Loaded::parse(&text, &Registry::embedded()).map_err(|e| load_error(py, e.into()))?;
        Ok(Scenario { loaded, text })
    }

    /// Pickles as its text (for multiprocessing and Ray workers).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String, String))> {
        let rebuild = py.import("yalu")?.getattr("_scenario_from_text")?;
        Ok((
            rebuild,
            (self.text.name.clone(), self.text.text.to_string()),
        ))
    }

    /// Short name.
    #[getter]
    fn name(&self) -> &str {
        &self.loaded.name
    }

    /// What it represents.
    #[getter]
    fn description(&self) -> &str {
        &self.loaded.description
    }

    /// The default master seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.loaded.seed
    }

    /// First simulated day, `YYYY-MM-DD`.
    #[getter]
    fn first_day(&self) -> String {
        self.loaded.params.first_day.to_string()
    }

    /// Last simulated day, `YYYY-MM-DD`.
    #[getter]
    fn last_day(&self) -> String {
        self.loaded.params.last_day.to_string()
    }

    /// Where it was read from: a path, `<baseline>` or `<dict>`.
    #[getter]
    fn file(&self) -> &str {
        &self.text.name
    }

    /// The scenario's TOML text (overrides applied).
    #[getter]
    fn text(&self) -> &str {
        &self.text.text
    }

    /// Every input as a dict: path, value, unit, doc and evidence (a claim with its source,
    /// or an assumption with its reason and range), as `yalu evidence --format json`.
    fn parameters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_string(&self.loaded.parameters).expect("serializes"),
        )
    }

    /// Each parameter's recorded range, `{path: (low, high)}` (the ranges sensitivity
    /// analysis and the EMA adapter sample); `assumptions_only` keeps assumptions' only.
    #[pyo3(signature = (assumptions_only = false))]
    fn ranges(&self, assumptions_only: bool) -> Vec<(String, (f64, f64))> {
        self.loaded
            .parameters
            .iter()
            .filter_map(|p| match &p.evidence {
                yalu_scenario::Evidence::Assumption {
                    range: Some([low, high]),
                    ..
                } => Some((p.path.clone(), (*low, *high))),
                yalu_scenario::Evidence::Claim {
                    range: Some([low, high]),
                    ..
                } if !assumptions_only => Some((p.path.clone(), (*low, *high))),
                _ => None,
            })
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "yalu.Scenario('{}', {} to {}, from {})",
            self.loaded.name,
            self.loaded.params.first_day,
            self.loaded.params.last_day,
            self.text.name
        )
    }
}

/// `json.loads(text)`.
pub fn from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// The scenario `scenario` names, with `overrides` (`{path: value}`) set and re-checked.
pub fn resolve(
    py: Python<'_>,
    scenario: Option<&Bound<'_, PyAny>>,
    overrides: Option<&Bound<'_, PyDict>>,
    registry: &Registry,
) -> PyResult<Scenario> {
    let text = match scenario {
        None => None,
        Some(s) if s.is_none() => None,
        Some(s) => {
            if let Ok(loaded) = s.cast::<Scenario>() {
                Some(loaded.get().text.clone())
            } else if let Ok(dict) = s.cast::<PyDict>() {
                let table = toml_value(dict.as_any())?;
                let text = toml::to_string(&table).map_err(|e| {
                    PyTypeError::new_err(format!("the scenario dict is not TOML: {e}"))
                })?;
                Some(SourceText::new("<dict>", text))
            } else {
                let path: std::path::PathBuf = s.extract().map_err(|_| {
                    PyTypeError::new_err(
                        "scenario must be None (the baseline), a path, a dict or a yalu.Scenario",
                    )
                })?;
                let (_, text) = load_scenario(&ScenarioSource::File(path), registry)
                    .map_err(|e| load_error(py, e))?;
                Some(text)
            }
        }
    };
    let text = match text {
        Some(text) => text,
        None => {
            load_scenario(&ScenarioSource::Baseline, registry)
                .map_err(|e| load_error(py, e))?
                .1
        }
    };
    let assignments: Vec<(String, f64)> = match overrides {
        Some(overrides) => overrides
            .iter()
            .map(|(path, value)| Ok((path.extract()?, value.extract()?)))
            .collect::<PyResult<_>>()?,
        None => Vec::new(),
    };
    // Overrides change the text the scenario runs from: keep the text that matches it.
    let text = if assignments.is_empty() {
        text
    } else {
        text_with_values(&text, &assignments).map_err(|e| override_error(py, e))?
    };
    let loaded = Loaded::parse(&text, registry).map_err(|e| load_error(py, e.into()))?;
    Ok(Scenario { loaded, text })
}

/// A Python value as TOML: dicts, lists, str, bool, int, float, and dates (`isoformat()`).
fn toml_value(value: &Bound<'_, PyAny>) -> PyResult<toml::Value> {
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut table = toml::Table::new();
        for (key, item) in dict.iter() {
            let key: String = key
                .extract()
                .map_err(|_| PyTypeError::new_err("scenario dict keys must be str"))?;
            table.insert(key, toml_value(&item)?);
        }
        Ok(toml::Value::Table(table))
    } else if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value
            .try_iter()?
            .map(|item| toml_value(&item?))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(toml::Value::Array(items))
    } else if value.is_instance_of::<PyBool>() {
        Ok(toml::Value::Boolean(value.extract()?))
    } else if value.is_instance_of::<PyInt>() {
        Ok(toml::Value::Integer(value.extract()?))
    } else if value.is_instance_of::<PyFloat>() {
        Ok(toml::Value::Float(value.extract()?))
    } else if value.is_instance_of::<PyString>() {
        Ok(toml::Value::String(value.extract()?))
    } else if value.hasattr("isoformat")? {
        let text: String = value.call_method0("isoformat")?.extract()?;
        text.parse::<toml::value::Datetime>()
            .map(toml::Value::Datetime)
            .map_err(|e| PyTypeError::new_err(format!("date {text}: {e}")))
    } else {
        Err(PyTypeError::new_err(format!(
            "cannot put a {} in a scenario",
            value.get_type().name()?
        )))
    }
}
