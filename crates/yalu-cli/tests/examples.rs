//! Every example in `yalu --help`, in each command's help and in the README runs. The
//! commands are taken from the texts themselves, replicate counts and experiment sizes are
//! shrunk, and they run in order in a scratch folder holding the repository's scenarios and
//! experiment files, with the README's what-if as `my.toml`. Each must exit 0, except
//! `validate`, which exits 1 when a pattern misses its target (an honest model outcome,
//! not a broken example); none may exit 2 (bad input) or crash.

mod common;

use std::path::Path;
use std::process::Command;

use common::{text, yalu};

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).unwrap()
}

/// The README's commands: `cargo run --release [-- ARGS]` lines of its `sh` blocks, as
/// `yalu ARGS`, without their comments.
fn readme_commands() -> Vec<String> {
    let mut in_sh = false;
    let mut commands = Vec::new();
    for line in readme().lines().map(str::trim) {
        if let Some(language) = line.strip_prefix("```") {
            in_sh = language == "sh";
            continue;
        }
        if let Some(rest) = line.strip_prefix("cargo run --release").filter(|_| in_sh) {
            let rest = rest.split(" #").next().unwrap_or_default().trim();
            let args = rest.strip_prefix("--").unwrap_or(rest).trim();
            commands.push(format!("yalu {args}").trim().to_owned());
        }
    }
    commands
}

fn help(args: &[&str]) -> String {
    let out = yalu(args, repo());
    assert!(out.status.success(), "yalu {args:?}");
    text(&out.stdout)
}

/// The help's commands: `yalu ...` lines of the main help's examples (the command ends
/// where two spaces begin its description) and each command's `Example: yalu ...`.
fn help_commands() -> Vec<String> {
    let main = help(&["--help"]);
    let mut commands: Vec<String> = main
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("yalu"))
        .map(|l| l.split("  ").next().unwrap().to_owned())
        .collect();
    let listed = main
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help" && *name != "serve");
    for name in listed {
        let text = help(&[name, "--help"]);
        // `Example: yalu ...` on one line, or the first line under `Examples:`.
        let example = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Example: "))
            .or_else(|| {
                let mut lines = text.lines().skip_while(|l| l.trim() != "Examples:");
                lines
                    .nth(1)
                    .map(|l| l.trim().split("  ").next().unwrap_or_default())
            })
            .unwrap_or_else(|| panic!("`yalu {name} --help` gives an example"));
        commands.push(example.to_owned());
    }
    commands
}

/// `--replicates N` cut to at most 2.
fn shrunk(command: &str) -> String {
    let words: Vec<&str> = command.split_whitespace().collect();
    words
        .iter()
        .enumerate()
        .map(|(i, word)| match i.checked_sub(1).map(|p| words[p]) {
            Some("--replicates") => word.parse::<u32>().unwrap().min(2).to_string(),
            _ => (*word).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The scratch folder: scenarios, experiment files with small designs, and `my.toml`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["scenarios", "sweeps"] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(repo().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let small: String = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .map(|line| {
                    let key = line.split(" = ").next().unwrap_or_default();
                    let small = match key {
                        "replicates" => "1",
                        "trajectories" | "base_samples" => "2",
                        "bootstrap_resamples" => "10",
                        "samples" => "4",
                        _ => return format!("{line}\n"),
                    };
                    format!("{key} = {small}\n")
                })
                .collect();
            std::fs::write(
                dir.path().join(folder).join(path.file_name().unwrap()),
                small,
            )
            .unwrap();
        }
    }
    // The README's walkthrough: the baseline copied, renamed, the what-if appended.
    let readme = readme();
    let walkthrough = &readme[readme.find("## Write a what-if scenario").unwrap()..];
    let start = walkthrough.find("```toml\n").unwrap() + "```toml\n".len();
    let end = start + walkthrough[start..].find("```").unwrap();
    let what_if: String = walkthrough[start..end]
        .lines()
        .map(|l| format!("{}\n", l.trim()))
        .collect();
    let baseline = std::fs::read_to_string(repo().join("scenarios/baseline.toml")).unwrap();
    let my = baseline.replacen("name = \"baseline\"", "name = \"my-what-if\"", 1);
    assert_ne!(my, baseline, "the baseline's name line");
    std::fs::write(dir.path().join("my.toml"), format!("{my}\n{what_if}")).unwrap();
    dir
}

#[test]
fn every_example_in_the_help_and_the_readme_runs() {
    let readme = readme_commands();
    let help = help_commands();
    assert!(
        readme.len() >= 10 && help.len() >= 20,
        "{readme:?}\n{help:?}"
    );
    let dir = scratch();
    let mut ran: Vec<String> = Vec::new();
    for command in readme.iter().chain(&help).map(|c| shrunk(c)) {
        // `yalu serve` runs until stopped: the workbench's own tests start and stop it.
        if ran.contains(&command) || command.starts_with("yalu serve") {
            continue;
        }
        // The shell expands globs such as scenarios/*.toml, as it would for a reader.
        let out = Command::new("sh")
            .arg("-c")
            .arg(command.replacen("yalu", env!("CARGO_BIN_EXE_yalu"), 1))
            .current_dir(dir.path())
            .output()
            .unwrap();
        let code = out.status.code();
        let pattern_missed = command.starts_with("yalu validate")
            && code == Some(1)
            && text(&out.stderr).contains("patterns missed their targets");
        assert!(
            code == Some(0) || pattern_missed,
            "`{command}` exited {code:?}\n{}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        ran.push(command);
    }
}
