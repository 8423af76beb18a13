//! Running the `yalu` binary from tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `yalu` with `args` in `cwd`.
pub fn yalu(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yalu"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("yalu runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
