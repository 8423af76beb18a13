//! Setting parameters by path, for sweeps and sensitivity analysis. A path is the one
//! `yalu evidence` prints: dotted table keys, with `[id]` picking an element of an array
//! of tables by its `id`, `site`, `good` or `mode`, or `[n]` by position (for schedules),
//! e.g. `porter.sites[hyesan].crews` or `enforcement.schedule[1].level`. The new value
//! replaces the parameter's `value`; the scenario is then checked as usual, so a value
//! outside the parameter's stated range is refused.

use toml::{Table, Value};

use crate::error::{ScenarioErrors, SourceText};
use crate::evidence::Registry;
use crate::scenario::Scenario;

/// Why a parameter could not be set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OverrideError {
    /// The scenario text is not TOML.
    #[error("{file}: not a TOML document: {message}")]
    NotToml {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// No parameter has this path.
    #[error("{file}: no parameter `{path}` ({reason}); `yalu evidence` lists every path")]
    UnknownPath {
        /// The file.
        file: String,
        /// The path.
        path: String,
        /// Which part did not match.
        reason: String,
    },
    /// The scenario with the new values is invalid.
    #[error("{}", .0.describe())]
    Invalid(#[from] ScenarioErrors),
}

/// Identifying keys of elements in arrays of tables, in the order they are tried.
const ID_KEYS: [&str; 4] = ["id", "site", "good", "mode"];

/// Checks that `path` names a parameter of the scenario text.
pub fn check_path(text: &SourceText, path: &str) -> Result<(), OverrideError> {
    let mut document = parse(text)?;
    parameter(&mut document, path)
        .map(|_| ())
        .map_err(|reason| OverrideError::UnknownPath {
            file: text.name.clone(),
            path: path.to_owned(),
            reason,
        })
}

/// The scenario with each `(path, value)` set, validated: a value outside a parameter's
/// recorded range is refused.
pub fn with_values(
    text: &SourceText,
    values: &[(String, f64)],
    registry: &Registry,
) -> Result<Scenario, OverrideError> {
    Ok(Scenario::parse(&edit_text(text, values, false)?, registry)?)
}

/// The scenario with each `(path, value)` set even beyond the recorded ranges, each
/// widened to take the value and its parameter marked as set outside the evidence: for
/// knock-out tests that switch a mechanism off and stress tests beyond the record.
pub fn beyond_ranges(
    text: &SourceText,
    values: &[(String, f64)],
    registry: &Registry,
) -> Result<Scenario, OverrideError> {
    Ok(Scenario::parse(&edit_text(text, values, true)?, registry)?)
}

/// The scenario text with each `(path, value)` set (a claim-cited value becoming a named
/// assumption), not yet validated; [`with_values`] validates it.
pub fn text_with_values(
    text: &SourceText,
    values: &[(String, f64)],
) -> Result<SourceText, OverrideError> {
    edit_text(text, values, false)
}

/// As [`with_values`], also returning the edited text (for a scenario saved after editing).
pub fn edited(
    text: &SourceText,
    values: &[(String, f64)],
    registry: &Registry,
) -> Result<(SourceText, Scenario), OverrideError> {
    let changed = edit_text(text, values, false)?;
    let scenario = Scenario::parse(&changed, registry)?;
    Ok((changed, scenario))
}

/// The text with each value set, the ranges widened to take them when `widen`.
fn edit_text(
    text: &SourceText,
    values: &[(String, f64)],
    widen: bool,
) -> Result<SourceText, OverrideError> {
    let mut document = parse(text)?;
    for (path, value) in values {
        let table =
            parameter(&mut document, path).map_err(|reason| OverrideError::UnknownPath {
                file: text.name.clone(),
                path: path.clone(),
                reason,
            })?;
        let set = set_value(table, path, *value);
        if let Some(claim) = table.remove("claim") {
            departs_from(table, &claim, set);
        }
        if widen {
            widen_range(table, set);
        }
    }
    Ok(SourceText::new(
        text.name.clone(),
        toml::to_string(&document).expect("a TOML table serializes"),
    ))
}

/// The scenario text with each `(path, value, reason)` set as an assumption: the value
/// replaced, any source replaced by `reason`, the recorded range kept. Used to write a
/// calibrated scenario that says where each fitted value came from.
pub fn rewritten_as_assumptions(
    text: &SourceText,
    fitted: &[(String, f64, String)],
) -> Result<String, OverrideError> {
    let mut document = parse(text)?;
    for (path, value, reason) in fitted {
        let table = parameter(&mut document, path).map_err(|why| OverrideError::UnknownPath {
            file: text.name.clone(),
            path: path.clone(),
            reason: why,
        })?;
        set_value(table, path, *value);
        for key in ["claim", "derivation", "carry_over"] {
            table.remove(key);
        }
        table.insert("assumption".into(), Value::String(reason.clone()));
    }
    Ok(toml::to_string(&document).expect("a TOML table serializes"))
}

/// A value an experiment sets on a parameter that cites a claim is the experiment's input,
/// not the claim's figure: it becomes an assumption that says so and names the claim. A
/// stated range still bounds it; without one (the claim's bound stood in) the value is its
/// own range, as sourced values without a range were always free to be set.
fn departs_from(table: &mut Table, claim: &Value, value: f64) {
    table.remove("derivation");
    table.remove("carry_over");
    let claim = claim.as_str().unwrap_or_default();
    table.insert(
        "assumption".into(),
        Value::String(format!(
            "Set to {value} by an experiment; the registered evidence is claim `{claim}`."
        )),
    );
    if !table.contains_key("range") {
        table.insert(
            "range".into(),
            Value::Array(vec![Value::Float(value), Value::Float(value)]),
        );
    }
}

/// Widens a parameter's range to take `value`, saying so in its assumption.
fn widen_range(table: &mut Table, value: f64) {
    let number = |v: &Value| v.as_float().or(v.as_integer().map(|i| i as f64));
    let range = table
        .get("range")
        .and_then(Value::as_array)
        .and_then(|r| Some([number(r.first()?)?, number(r.get(1)?)?]));
    if let Some([low, high]) = range
        && !(low..=high).contains(&value)
    {
        table.insert(
            "range".into(),
            Value::Array(vec![
                Value::Float(low.min(value)),
                Value::Float(high.max(value)),
            ]),
        );
        if let Some(Value::String(reason)) = table.get_mut("assumption") {
            reason.push_str(&format!(
                " Set to {value}, outside the recorded range [{low}, {high}]."
            ));
        }
    }
}

/// Sets a parameter's value; a count (declared whole) is rounded, so designs over a
/// count's range give valid scenarios, while a price written as `1` stays free to take
/// 9.5.
fn set_value(table: &mut Table, path: &str, value: f64) -> f64 {
    let whole = crate::declared::spec_of(path).is_some_and(|spec| spec.whole);
    let (new, set) = if whole {
        (Value::Integer(value.round() as i64), value.round())
    } else {
        (Value::Float(value), value)
    };
    table.insert("value".into(), new);
    set
}

fn parse(text: &SourceText) -> Result<Table, OverrideError> {
    text.text
        .parse::<Table>()
        .map_err(|e| OverrideError::NotToml {
            file: text.name.clone(),
            message: e.message().to_owned(),
        })
}

/// The parameter table (`{ value = ..., ... }`) at `path`.
fn parameter<'d>(document: &'d mut Table, path: &str) -> Result<&'d mut Table, String> {
    let mut current = document;
    let segments: Vec<&str> = path.split('.').collect();
    for (i, segment) in segments.iter().enumerate() {
        let (key, selector) = match segment.split_once('[') {
            Some((key, rest)) => (key, Some(rest.trim_end_matches(']'))),
            None => (*segment, None),
        };
        let entry = current
            .get_mut(key)
            .ok_or_else(|| format!("no `{key}` in `{}`", segments[..i].join(".")))?;
        let table = match (entry, selector) {
            (Value::Table(table), None) => table,
            (Value::Array(items), Some(selector)) => select(items, selector)
                .ok_or_else(|| format!("no element `{selector}` in `{key}`"))?,
            _ => return Err(format!("`{segment}` is not a table")),
        };
        current = table;
    }
    if current
        .get("value")
        .is_some_and(|v| v.is_float() || v.is_integer())
    {
        Ok(current)
    } else {
        Err("it is not a number with evidence".into())
    }
}

fn select<'a>(items: &'a mut [Value], selector: &str) -> Option<&'a mut Table> {
    if let Ok(index) = selector.parse::<usize>() {
        return items.get_mut(index)?.as_table_mut();
    }
    let text = |t: &Table, key: &str| t.get(key).and_then(Value::as_str).map(str::to_owned);
    items.iter_mut().filter_map(Value::as_table_mut).find(|t| {
        // Crossings are named by site and mode together, `site/mode`.
        let crossing = text(t, "site")
            .zip(text(t, "mode"))
            .map(|(s, m)| format!("{s}/{m}"));
        crossing.as_deref() == Some(selector)
            || ID_KEYS
                .iter()
                .any(|k| t.get(*k).and_then(Value::as_str) == Some(selector))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::BASELINE;

    fn baseline() -> SourceText {
        SourceText::new("<baseline>", BASELINE)
    }

    #[test]
    fn every_number_yalu_evidence_lists_can_be_set_by_its_path() {
        let registry = Registry::embedded();
        let scenario = Scenario::parse(&baseline(), &registry).unwrap();
        for record in &scenario.parameters {
            if matches!(record.value, crate::Value::Number(_)) {
                check_path(&baseline(), &record.path)
                    .unwrap_or_else(|e| panic!("{}: {e}", record.path));
            }
        }
    }

    #[test]
    fn sets_values_by_path_including_array_elements() {
        let registry = Registry::embedded();
        let scenario = with_values(
            &baseline(),
            &[
                ("porter.sites[hyesan].crews".into(), 19.6),
                ("profit_split.border_guards_share".into(), 0.45),
                ("profit_split.donju_share".into(), 0.35),
                ("enforcement.schedule[1].level".into(), 0.6),
            ],
            &registry,
        )
        .unwrap();
        let porter = scenario.params.porter.unwrap();
        assert_eq!(porter.sites[0].crews, 20);
        assert_eq!(porter.profit_split.border_guards_share, 0.45);
        assert_eq!(scenario.params.enforcement.unwrap().schedule[1].1, 0.6);
    }

    #[test]
    fn rewrites_fitted_values_as_assumptions_that_still_validate() {
        let text = rewritten_as_assumptions(
            &baseline(),
            &[(
                "state_trade.choice_sensitivity".into(),
                33.0,
                "calibrated: ABC rejection against P14".into(),
            )],
        )
        .unwrap();
        let scenario = Scenario::parse(
            &SourceText::new("calibrated.toml", text),
            &Registry::embedded(),
        )
        .unwrap();
        assert_eq!(
            scenario.params.state_trade.unwrap().choice_sensitivity,
            33.0
        );
        let record = scenario
            .parameters
            .iter()
            .find(|p| p.path == "state_trade.choice_sensitivity")
            .unwrap();
        assert!(
            matches!(&record.evidence, crate::Evidence::Assumption { reason, range: Some(_) } if reason.contains("ABC"))
        );
    }

    #[test]
    fn unknown_paths_and_out_of_range_values_are_refused() {
        let registry = Registry::embedded();
        for path in [
            "porter.sites[musan].crews",
            "porter.crews",
            "scenario.name",
            "porter.sites[hyesan]",
        ] {
            assert!(
                matches!(
                    check_path(&baseline(), path),
                    Err(OverrideError::UnknownPath { .. })
                ),
                "{path}"
            );
        }
        check_path(&baseline(), "porter.sites[hyesan].crews").unwrap();
        let err = with_values(
            &baseline(),
            &[("porter.sites[hyesan].crews".into(), 500.0)],
            &registry,
        )
        .unwrap_err();
        assert!(err.to_string().contains("problem"), "{err}");
    }
}
