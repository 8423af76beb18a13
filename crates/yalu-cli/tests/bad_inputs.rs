//! The hostile-input corpus: every case in `tests/bad_inputs/*.toml` runs the `yalu` binary
//! in a fresh folder and checks its exit code and a fragment of its message. Whatever the
//! case, the binary must never panic, abort or hang, and must never leave a partial folder
//! (`.NAME.partial-PID`) behind.
//!
//! A case:
//!
//! ```toml
//! [[case]]
//! name = "range-with-three-elements"
//! class = "values"                 # one of CLASSES
//! args = ["check", "s.toml"]       # run in the case's folder
//! exit = 2
//! message = "range"                # must appear in stderr or stdout
//! files."s.toml" = { base = "baseline", replace = [["range = [", "range = [1, "]] }
//! ```
//!
//! A file is `text = "..."` or a `base` (a file of `tests/bad_inputs/bases/`, or
//! `baseline`, `courier` or `drugs` from `scenarios/`, or `short`: the baseline for 2019 only) with `replace` pairs applied once
//! each (a pair that no longer matches fails the case, so the corpus cannot rot) and
//! `append`ed text; `invalid_utf8` replaces a marker with bytes that are not UTF-8.
//! `setup` commands run first and must succeed; `write_at` patches bytes of a file
//! they made (or create); `absent`, `present` and `unchanged` name paths checked
//! afterwards, and `once` a fragment that must be said exactly once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// The failure classes of the reliability issue, each of which must have cases.
const CLASSES: [&str; 9] = [
    "panic",
    "data_loss",
    "work",
    "values",
    "exit_codes",
    "paths",
    "leftovers",
    "stores",
    "messages",
];

/// At least this many cases in the corpus.
const MIN_CASES: usize = 150;

/// A case that takes longer than this has hung.
const TIME_LIMIT: Duration = Duration::from_secs(120);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    class: String,
    args: Vec<String>,
    exit: i32,
    message: String,
    #[serde(default)]
    files: BTreeMap<String, FileSpec>,
    #[serde(default)]
    dirs: Vec<String>,
    #[serde(default)]
    setup: Vec<Vec<String>>,
    #[serde(default)]
    write_at: Vec<Patch>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    unchanged: Vec<String>,
    /// A fragment that must appear exactly once (an error not printed twice).
    once: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    base: Option<String>,
    text: Option<String>,
    #[serde(default)]
    replace: Vec<[String; 2]>,
    #[serde(default)]
    append: String,
    invalid_utf8: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Patch {
    path: String,
    /// From the start of the file, or from its end when negative.
    offset: i64,
    text: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

fn base_text(base: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = match base {
        "short" => {
            return base_text("baseline")
                .replacen("name = \"baseline\"", "name = \"short\"", 1)
                .replacen(
                    "first_day = \"2017-01-01\"",
                    "first_day = \"2019-01-01\"",
                    1,
                )
                .replacen("last_day = \"2025-12-31\"", "last_day = \"2019-12-31\"", 1);
        }
        "baseline" => root.join("scenarios/baseline.toml"),
        "courier" => root.join("scenarios/courier-2014.toml"),
        "drugs" => root.join("scenarios/drugs-2003.toml"),
        other => corpus_dir().join("bases").join(other),
    };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

impl FileSpec {
    fn bytes(&self) -> Result<Vec<u8>, String> {
        let mut text = match (&self.base, &self.text) {
            (Some(base), None) => base_text(base),
            (None, Some(text)) => text.clone(),
            _ => return Err("a file takes exactly one of `base` and `text`".into()),
        };
        for [from, to] in &self.replace {
            if !text.contains(from.as_str()) {
                return Err(format!("`{from}` is not in the file"));
            }
            text = text.replacen(from.as_str(), to, 1);
        }
        text.push_str(&self.append);
        let mut bytes = text.into_bytes();
        if let Some(marker) = &self.invalid_utf8 {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let at = text
                .find(marker.as_str())
                .ok_or_else(|| format!("marker `{marker}` is not in the file"))?;
            bytes.splice(at..at + marker.len(), [0xff, 0xfe]);
        }
        Ok(bytes)
    }
}

/// Runs `yalu args` in `dir`, killing it after [`TIME_LIMIT`].
fn run(args: &[String], dir: &Path) -> Result<(Option<i32>, String), String> {
    let stdout = dir.join(".stdout");
    let stderr = dir.join(".stderr");
    // YALU_BIN runs the corpus against another build (an older one, say, to count what it
    // gets wrong).
    let binary = std::env::var("YALU_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_yalu").into());
    let mut child = Command::new(binary)
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).map_err(|e| e.to_string())?)
        .stderr(std::fs::File::create(&stderr).map_err(|e| e.to_string())?)
        .spawn()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("hung: still running after {TIME_LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    let output = format!("{}{}", read(&stderr), read(&stdout));
    let _ = std::fs::remove_file(&stdout);
    let _ = std::fs::remove_file(&stderr);
    Ok((status.code(), output))
}

/// Text with every run of spaces, line breaks and miette's margin (`│`) made one space,
/// so a message fragment matches however the error was wrapped.
fn flat(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Hidden partial folders or files left anywhere under `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && (name.contains(".partial-") || name.contains(".old-")) {
                found.push(entry.path().display().to_string());
            }
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            }
        }
    }
    found
}

/// Writes the case's files as fuzzing seeds under `dir/TARGET/` (the fuzz target that
/// parses them: scenario, sweep, sensitivity or calibration).
fn write_seeds(case: &Case, dir: &Path) -> Result<(), String> {
    for (name, spec) in &case.files {
        let bytes = spec.bytes()?;
        let text = String::from_utf8_lossy(&bytes);
        let target = ["sweep", "sensitivity", "calibration"]
            .into_iter()
            .find(|t| text.contains(&format!("[{t}]")))
            .unwrap_or("scenario");
        let folder = dir.join(target);
        std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
        let file = format!("{}-{}", case.name, name.replace('/', "_"));
        std::fs::write(folder.join(file), bytes).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn check(case: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = dir.path();
    for folder in &case.dirs {
        std::fs::create_dir_all(root.join(folder)).map_err(|e| e.to_string())?;
    }
    for (name, spec) in &case.files {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(
            &path,
            spec.bytes().map_err(|e| format!("file {name}: {e}"))?,
        )
        .map_err(|e| e.to_string())?;
    }
    for command in &case.setup {
        let (code, output) = run(command, root)?;
        if code != Some(0) {
            return Err(format!("setup {command:?} exited {code:?}:\n{output}"));
        }
    }
    for patch in &case.write_at {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(root.join(&patch.path))
            .map_err(|e| format!("{}: {e}", patch.path))?;
        let from = if patch.offset < 0 {
            SeekFrom::End(patch.offset)
        } else {
            SeekFrom::Start(patch.offset as u64)
        };
        file.seek(from).map_err(|e| e.to_string())?;
        file.write_all(patch.text.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let before: Vec<Option<Vec<u8>>> = case
        .unchanged
        .iter()
        .map(|p| std::fs::read(root.join(p)).ok())
        .collect();
    let (code, output) = run(&case.args, root)?;
    let mut problems = Vec::new();
    if output.contains("panicked") || code == Some(101) || code.is_none() {
        problems.push(format!("panicked or was killed (exit {code:?})"));
    }
    if code != Some(case.exit) {
        problems.push(format!("exit {code:?}, expected {}", case.exit));
    }
    if !flat(&output).contains(&flat(&case.message)) {
        problems.push(format!("no `{}` in the output", case.message));
    }
    if let Some(once) = &case.once
        && output.matches(once.as_str()).count() != 1
    {
        problems.push(format!("`{once}` is not said exactly once"));
    }
    // Temporaries a case made on purpose (of a live process, say) are named in `present`.
    let left: Vec<String> = leftovers(root)
        .into_iter()
        .filter(|l| !case.present.iter().any(|p| root.join(p) == Path::new(l)))
        .collect();
    if !left.is_empty() {
        problems.push(format!("left partial files: {left:?}"));
    }
    for path in &case.absent {
        if root.join(path).exists() {
            problems.push(format!("{path} exists"));
        }
    }
    for path in &case.present {
        if !root.join(path).exists() {
            problems.push(format!("{path} is missing"));
        }
    }
    for (path, before) in case.unchanged.iter().zip(before) {
        if std::fs::read(root.join(path)).ok() != before {
            problems.push(format!("{path} changed"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- output ---\n{output}", problems.join("; ")))
    }
}

fn load_corpus() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad_inputs exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            toml::from_str::<Corpus>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .cases
        })
        .collect()
}

#[test]
fn every_bad_input_gets_its_exit_code_and_message() {
    let cases = load_corpus();
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
    for case in &cases {
        assert!(
            CLASSES.contains(&case.class.as_str()),
            "{}: unknown class {}",
            case.name,
            case.class
        );
    }
    for class in CLASSES {
        assert!(
            cases.iter().any(|c| c.class == class),
            "no case of class {class}"
        );
    }
    assert!(cases.len() >= MIN_CASES, "{} cases", cases.len());
    // Seeds for the fuzz targets: YALU_SEEDS=fuzz/seeds cargo test --test bad_inputs
    if let Ok(dir) = std::env::var("YALU_SEEDS") {
        for case in &cases {
            write_seeds(case, Path::new(&dir)).unwrap();
        }
    }
    // An optional filter, to rerun one case: YALU_CASE=name cargo test --test bad_inputs
    let only = std::env::var("YALU_CASE").ok();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    if only.as_ref().is_some_and(|o| *o != case.name) {
                        continue;
                    }
                    if let Err(problem) = check(case) {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("[{}] {}: {problem}", case.class, case.name));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
