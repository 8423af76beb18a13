//! No calendar date is written in the model's code: every dated shock comes from a
//! scenario's events. The unit tests at the bottom of a file (after `#[cfg(test)]`) may
//! build dates; the model code above them may not.

use std::path::Path;

/// The code of every `.rs` file under `dir`, with its unit tests cut off.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("source is UTF-8");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            out.push((path.display().to_string(), code.to_owned()));
        }
    }
}

/// Date literals found in a text: `YYYY-MM-DD` with a year from 1900 to 2099, or a call
/// `date(19..`/`date(20..`.
fn date_literals(code: &str) -> Vec<String> {
    let bytes = code.as_bytes();
    let digits = |from: usize, n: usize| {
        bytes
            .get(from..from + n)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let mut found = Vec::new();
    for i in 0..bytes.len() {
        let century = bytes.get(i..i + 2);
        let iso = matches!(century, Some(b"19" | b"20"))
            && digits(i, 4)
            && bytes.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && bytes.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2);
        let call = code[i..].starts_with("date(19") || code[i..].starts_with("date(20");
        if iso || call {
            found.push(code[i..(i + 12).min(code.len())].to_owned());
        }
    }
    found
}

#[test]
fn the_finder_sees_both_forms() {
    assert_eq!(date_literals("let d = \"2020-01-31\";").len(), 1);
    assert_eq!(date_literals("date(2020, 1, 31)").len(), 1);
    assert!(date_literals("let days = 2020 - 1; 365.25").is_empty());
}

#[test]
fn no_date_literal_in_the_model_code() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10, "found the sources");
    let offending: Vec<String> = files
        .iter()
        .flat_map(|(path, code)| {
            date_literals(code)
                .into_iter()
                .map(move |d| format!("{path}: {d}"))
        })
        .collect();
    assert!(
        offending.is_empty(),
        "date literals in model code: {offending:#?}"
    );
}
