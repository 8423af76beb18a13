//! Golden outputs: a refactor must not change a single byte of what a run writes. The
//! digests in `golden/baseline.sha256` are of the embedded baseline, seed 7, two replicates.
//! When a change is meant to alter results (new evidence, a new mechanism), regenerate them
//! with `YALU_BLESS=1 cargo test -p yalu-cli --test golden` and say why in the commit.

mod common;

use common::{text, yalu};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Files whose bytes depend on the code and the scenario only (the manifest holds the wall
/// time and `scenario.json` the evidence text, so they are left out).
fn digests(run: &std::path::Path) -> String {
    let mut names: Vec<_> = std::fs::read_dir(run)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    let mut lines = String::new();
    for name in names {
        let bytes = std::fs::read(run.join(&name)).unwrap();
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        writeln!(lines, "{hex}  {name}").unwrap();
    }
    lines
}

#[test]
fn baseline_outputs_match_the_golden_digests() {
    let dir = tempfile::tempdir().unwrap();
    let out = yalu(
        &[
            "run",
            "--seed",
            "7",
            "--replicates",
            "2",
            "--out",
            "golden",
            "--quiet",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let actual = digests(&dir.path().join("golden"));
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/baseline.sha256");
    if std::env::var_os("YALU_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        actual == expected,
        "outputs changed:\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}
