//! Mutating the embedded baseline one thing at a time and reading the error it causes.

use yalu_scenario::{BASELINE, Registry, Scenario, ScenarioError, SourceText};

/// Replaces `from` (which must occur in the baseline; the first occurrence is replaced)
/// and returns the only error, checking that its message leads with file, line, column and
/// field.
pub fn only_error(from: &str, to: &str) -> ScenarioError {
    let errors = errors_of(from, to);
    assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
    errors.into_iter().next().unwrap()
}

/// Replaces `from` as [`only_error`] does and returns every error, each checked to lead
/// with file, line, column and field.
pub fn errors_of(from: &str, to: &str) -> Vec<ScenarioError> {
    assert!(
        BASELINE.contains(from),
        "test bug: `{from}` not in the baseline"
    );
    let text = BASELINE.replacen(from, to, 1);
    let errors = Scenario::parse(&SourceText::new("bad.toml", text), &Registry::embedded())
        .expect_err("the scenario should be refused")
        .errors;
    for error in &errors {
        located(error);
    }
    errors
}

fn located(error: &ScenarioError) {
    assert_eq!(error.file, "bad.toml");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "bad.toml:{}:{}: `{}`",
            error.line, error.column, error.field
        )),
        "{message}"
    );
}

/// The line (from 1) of the baseline that first contains `pattern`.
pub fn line_of(pattern: &str) -> usize {
    BASELINE.lines().position(|l| l.contains(pattern)).unwrap() + 1
}

/// The whole line of the first parameter `key` that follows `anchor` in the baseline, so a
/// test can replace a parameter without depending on the wording of its evidence.
pub fn param_line(anchor: &str, key: &str) -> String {
    let start = BASELINE
        .find(anchor)
        .unwrap_or_else(|| panic!("test bug: `{anchor}` not in the baseline"));
    BASELINE[start..]
        .lines()
        .find(|l| l.starts_with(&format!("{key} = {{")))
        .unwrap_or_else(|| panic!("test bug: no `{key}` after `{anchor}`"))
        .to_owned()
}
