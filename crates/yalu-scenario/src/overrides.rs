//! Setting parameters by path, for sweeps and sensitivity analysis. A path is the one
//! `yalu evidence` prints: dotted table keys, with `[id]` picking an element of an array
//! of tables by its `id`, `site`, `good` or `mode`, or `[n]` by position (for schedules),
//! e.g. `porter.sites[hyesan].crews` or `enforcement.schedule[1].level`. The new value
//! replaces the parameter's `value`; the scenario is then checked as usual, so a value
//! outside the parameter's stated range is refused.

use toml_edit::{Array, DocumentMut, Item, TableLike, Value};

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
    #[error("{}", describe(.0))]
    Invalid(#[from] ScenarioErrors),
}

fn describe(errors: &ScenarioErrors) -> String {
    std::iter::once(errors.to_string())
        .chain(errors.errors.iter().map(|e| format!("  {e}")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Identifying keys of elements in arrays of tables, in the order they are tried.
const ID_KEYS: [&str; 4] = ["id", "site", "good", "mode"];

/// Checks that `path` names a parameter of the scenario text.
pub fn check_path(text: &SourceText, path: &str) -> Result<(), OverrideError> {
    let mut document = parse(text)?;
    located(&mut document, text, path).map(|_| ())
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

/// The text with each value set (comments and order kept), the ranges widened to take
/// them when `widen`.
fn edit_text(
    text: &SourceText,
    values: &[(String, f64)],
    widen: bool,
) -> Result<SourceText, OverrideError> {
    let mut document = parse(text)?;
    for (path, value) in values {
        let table = located(&mut document, text, path)?;
        let set = set_value(table, path, *value);
        if let Some(claim) = table.remove("claim") {
            departs_from(table, claim.as_str().unwrap_or_default(), set);
        }
        if widen {
            widen_range(table, set);
        }
    }
    Ok(SourceText::new(text.name.clone(), document.to_string()))
}

/// The scenario text with each `(path, value, reason)` set as an assumption: the value
/// replaced, any source replaced by `reason`, the recorded range kept, and the scenario
/// renamed `name` (so its default output folder is not its parent's). The rest of the
/// text, comments and order included, is left as it was. Used to write a calibrated
/// scenario that says where each fitted value came from.
pub fn rewritten_as_assumptions(
    text: &SourceText,
    fitted: &[(String, f64, String)],
    name: &str,
) -> Result<String, OverrideError> {
    let mut document = parse(text)?;
    for (path, value, reason) in fitted {
        let table = located(&mut document, text, path)?;
        set_value(table, path, *value);
        for key in ["claim", "derivation", "carry_over"] {
            table.remove(key);
        }
        set(table, "assumption", reason.as_str().into());
    }
    let scenario = document
        .get_mut("scenario")
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| OverrideError::UnknownPath {
            file: text.name.to_string(),
            path: "scenario.name".into(),
            reason: "no [scenario] table".into(),
        })?;
    set(scenario, "name", name.into());
    Ok(document.to_string())
}

/// A value an experiment sets on a parameter that cites a claim is the experiment's input,
/// not the claim's figure: it becomes an assumption that says so and names the claim. A
/// stated range still bounds it; without one (the claim's bound stood in) the value is its
/// own range, as sourced values without a range were always free to be set.
fn departs_from(table: &mut dyn TableLike, claim: &str, value: f64) {
    table.remove("derivation");
    table.remove("carry_over");
    set(
        table,
        "assumption",
        format!("Set to {value} by an experiment; the registered evidence is claim `{claim}`.")
            .into(),
    );
    if !table.contains_key("range") {
        set(
            table,
            "range",
            Value::Array(Array::from_iter([value, value])),
        );
    }
}

/// The `range = [low, high]` the scenario text states for the parameter at `path`: the
/// bounds [`with_values`] holds a new value to (a parameter without one takes any value
/// its declaration admits).
pub fn stated_range(text: &SourceText, path: &str) -> Result<Option<[f64; 2]>, OverrideError> {
    let mut document = parse(text)?;
    Ok(range_of(located(&mut document, text, path)?))
}

fn range_of(table: &dyn TableLike) -> Option<[f64; 2]> {
    let number = |v: &Value| v.as_float().or(v.as_integer().map(|i| i as f64));
    table
        .get("range")
        .and_then(Item::as_array)
        .and_then(|r| Some([number(r.get(0)?)?, number(r.get(1)?)?]))
}

/// Widens a parameter's range to take `value`, saying so in its assumption.
fn widen_range(table: &mut dyn TableLike, value: f64) {
    if let Some([low, high]) = range_of(table)
        && !(low..=high).contains(&value)
    {
        set(
            table,
            "range",
            Value::Array(Array::from_iter([low.min(value), high.max(value)])),
        );
        if let Some(reason) = table.get("assumption").and_then(Item::as_str) {
            let reason =
                format!("{reason} Set to {value}, outside the recorded range [{low}, {high}].");
            set(table, "assumption", reason.into());
        }
    }
}

/// Sets `key` to `new`, keeping the spacing around the old value.
fn set(table: &mut dyn TableLike, key: &str, mut new: Value) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        None => {
            table.insert(key, Item::Value(new));
        }
    }
}

/// Sets a parameter's value; a count (declared whole) is rounded, so designs over a
/// count's range give valid scenarios, while a price written as `1` stays free to take
/// 9.5.
fn set_value(table: &mut dyn TableLike, path: &str, value: f64) -> f64 {
    let whole = crate::declared::spec_of(path).is_some_and(|spec| spec.whole);
    let (new, set_to) = if whole {
        (Value::from(value.round() as i64), value.round())
    } else {
        (Value::from(value), value)
    };
    set(table, "value", new);
    set_to
}

fn parse(text: &SourceText) -> Result<DocumentMut, OverrideError> {
    text.text
        .parse::<DocumentMut>()
        .map_err(|e| OverrideError::NotToml {
            file: text.name.clone(),
            message: e.message().to_owned(),
        })
}

/// The parameter at `path`, or an error naming the file and the part that did not match.
fn located<'d>(
    document: &'d mut DocumentMut,
    text: &SourceText,
    path: &str,
) -> Result<&'d mut dyn TableLike, OverrideError> {
    parameter(document, path).map_err(|reason| OverrideError::UnknownPath {
        file: text.name.clone(),
        path: path.to_owned(),
        reason,
    })
}

/// The parameter table (`{ value = ..., ... }`) at `path`.
fn parameter<'d>(
    document: &'d mut DocumentMut,
    path: &str,
) -> Result<&'d mut dyn TableLike, String> {
    let mut current: &mut dyn TableLike = document.as_table_mut();
    let segments: Vec<&str> = path.split('.').collect();
    for (i, segment) in segments.iter().enumerate() {
        let (key, selector) = match segment.split_once('[') {
            Some((key, rest)) => (key, Some(rest.trim_end_matches(']'))),
            None => (*segment, None),
        };
        let entry = current
            .get_mut(key)
            .ok_or_else(|| format!("no `{key}` in `{}`", segments[..i].join(".")))?;
        let not_found = || format!("no element `{}` in `{key}`", selector.unwrap_or_default());
        current = match (entry, selector) {
            (Item::ArrayOfTables(items), Some(selector)) => select(
                items.iter_mut().map(|t| t as &mut dyn TableLike).collect(),
                selector,
            )
            .ok_or_else(not_found)?,
            (Item::Value(Value::Array(items)), Some(selector)) => select(
                items
                    .iter_mut()
                    .filter_map(Value::as_inline_table_mut)
                    .map(|t| t as &mut dyn TableLike)
                    .collect(),
                selector,
            )
            .ok_or_else(not_found)?,
            (entry, None) => entry
                .as_table_like_mut()
                .ok_or_else(|| format!("`{segment}` is not a table"))?,
            _ => return Err(format!("`{segment}` is not a table")),
        };
    }
    if current
        .get("value")
        .and_then(Item::as_value)
        .is_some_and(|v| v.is_float() || v.is_integer())
    {
        Ok(current)
    } else {
        Err("it is not a number with evidence".into())
    }
}

/// The element of `tables` picked by a position or by its identifying key.
fn select<'a>(
    mut tables: Vec<&'a mut dyn TableLike>,
    selector: &str,
) -> Option<&'a mut dyn TableLike> {
    let at = match selector.parse::<usize>() {
        Ok(index) => (index < tables.len()).then_some(index)?,
        Err(_) => {
            let text =
                |t: &dyn TableLike, key: &str| t.get(key).and_then(Item::as_str).map(str::to_owned);
            tables.iter().position(|t| {
                // Crossings are named by site and mode together, `site/mode`.
                let crossing = text(&**t, "site")
                    .zip(text(&**t, "mode"))
                    .map(|(s, m)| format!("{s}/{m}"));
                crossing.as_deref() == Some(selector)
                    || ID_KEYS
                        .iter()
                        .any(|k| text(&**t, k).as_deref() == Some(selector))
            })?
        }
    };
    Some(tables.swap_remove(at))
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
            "baseline-calibrated",
        )
        .unwrap();
        let scenario = Scenario::parse(
            &SourceText::new("calibrated.toml", text),
            &Registry::embedded(),
        )
        .unwrap();
        assert_eq!(scenario.name, "baseline-calibrated");
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
    fn a_rewritten_scenario_keeps_its_comments_and_order() {
        let text = rewritten_as_assumptions(
            &baseline(),
            &[(
                "takeover.state_trade_multiplier".into(),
                3.0,
                "fitted".into(),
            )],
            "baseline-calibrated",
        )
        .unwrap();
        let changed: Vec<&str> = BASELINE
            .lines()
            .zip(text.lines())
            .filter(|(a, b)| a != b)
            .map(|(_, b)| b)
            .collect();
        assert_eq!(BASELINE.lines().count(), text.lines().count());
        assert_eq!(changed.len(), 2, "{changed:?}");
        assert_eq!(changed[0], "name = \"baseline-calibrated\"");
        assert!(
            changed[1].starts_with("state_trade_multiplier = { value = 3.0"),
            "{}",
            changed[1]
        );
        assert!(
            changed[1].contains("assumption = \"fitted\""),
            "{}",
            changed[1]
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
