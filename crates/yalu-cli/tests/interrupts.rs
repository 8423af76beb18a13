//! What other processes and signals do to a run: SIGTERM and Ctrl-C remove the run's
//! partial folder, and a second sweep on a store in use is refused with the pid of the
//! first.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn baseline() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/baseline.toml"),
    )
    .unwrap()
}

/// Starts `yalu args` in `dir` without waiting for it.
fn spawn(args: &[&str], dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_yalu"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits up to a minute for `ready`.
fn wait_for(ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < Duration::from_secs(60), "timed out");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn partials(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect()
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[test]
fn a_signal_stops_a_run_and_removes_its_partial_folder() {
    for name in ["TERM", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.toml"), baseline()).unwrap();
        let mut child = spawn(
            &[
                "run",
                "--scenario",
                "s.toml",
                "--replicates",
                "200",
                "--threads",
                "1",
                "--out",
                "o",
            ],
            dir.path(),
        );
        wait_for(|| !partials(dir.path()).is_empty());
        signal(&child, name);
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "SIG{name}");
        assert!(partials(dir.path()).is_empty(), "SIG{name}: partial left");
        assert!(!dir.path().join("o").exists());
    }
}

#[test]
fn a_second_sweep_on_a_store_in_use_names_the_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), baseline()).unwrap();
    let values: Vec<String> = (0..40)
        .map(|i| format!("{}", 0.1 + f64::from(i) * 0.01))
        .collect();
    std::fs::write(
        dir.path().join("w.toml"),
        format!(
            "[sweep]\nname = \"busy\"\nscenario = \"s.toml\"\nreplicates = 1\nseed = 1\n\
             metrics = [\"fx.total_usd_per_year\"]\n\n[design]\nkind = \"grid\"\n\n\
             [[parameters]]\npath = \"state_trade.official_levy_share\"\nvalues = [{}]\n",
            values.join(", ")
        ),
    )
    .unwrap();
    let mut first = spawn(
        &["sweep", "w.toml", "--out", "o", "--threads", "1"],
        dir.path(),
    );
    let lock = dir.path().join("o/sweep.sqlite.lock");
    wait_for(|| std::fs::read_to_string(&lock).is_ok_and(|pid| pid == first.id().to_string()));
    let second = Command::new(env!("CARGO_BIN_EXE_yalu"))
        .args(["sweep", "w.toml", "--out", "o", "--threads", "1"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    first.kill().unwrap();
    first.wait().unwrap();
    let message = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{message}");
    assert!(
        message.contains(&format!("already running on it (pid {})", first.id())),
        "{message}"
    );
    // Killed, the first releases its lock: another sweep gets past it (and is refused
    // only because the store holds the first sweep's results).
    std::fs::write(
        dir.path().join("other.toml"),
        std::fs::read_to_string(dir.path().join("w.toml"))
            .unwrap()
            .replace("seed = 1", "seed = 2"),
    )
    .unwrap();
    let other = Command::new(env!("CARGO_BIN_EXE_yalu"))
        .args(["sweep", "other.toml", "--out", "o", "--threads", "1"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let message = String::from_utf8_lossy(&other.stderr);
    assert_eq!(other.status.code(), Some(2), "{message}");
    assert!(
        message.contains("holds results of sweep `busy`"),
        "{message}"
    );
}
