//! The terminal's view of an experiment's [`Progress`]: a bar on standard error.

use indicatif::{ProgressBar, ProgressStyle};

use crate::experiment::Progress;

/// A bar of steps on standard error (hidden when it is not a terminal), cleared when
/// dropped, so a bar made for one call is gone when the call returns.
pub struct Bar(ProgressBar);

impl Bar {
    /// A bar of `total` steps, each one of `what` (`replicates`, `runs`).
    pub fn new(total: u64, what: &str) -> Bar {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{elapsed}} eta {{eta}}"
            ))
            .expect("static template")
            .progress_chars("=> "),
        );
        Bar(bar)
    }

    /// `done` steps of `total` (a total that is known only as the work goes).
    pub fn set(&self, done: usize, total: usize) {
        self.0.set_length(total as u64);
        self.0.set_position(done as u64);
    }
}

impl Progress for Bar {
    fn done(&self) {
        self.0.inc(1);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
