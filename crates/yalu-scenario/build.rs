//! Embeds every registry file (`evidence/sources/*.toml`) and series (`evidence/series/*.csv`)
//! in the binary, so a new file is picked up without editing a list.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let evidence = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../evidence");
    let mut code = String::new();
    for (folder, extension, name) in [
        ("sources", "toml", "EMBEDDED_SOURCES"),
        ("series", "csv", "EMBEDDED_SERIES"),
    ] {
        let dir = evidence.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == extension))
            .collect();
        files.sort();
        let _ = writeln!(
            code,
            "/// The {folder} files shipped with Yalu, by path.\npub const {name}: &[(&str, &str)] = &["
        );
        for path in files {
            let file = path.file_name().expect("a file name").to_string_lossy();
            let absolute = path.canonicalize().expect("an existing file");
            let _ = writeln!(
                code,
                "    (\"evidence/{folder}/{file}\", include_str!({:?})),",
                absolute.display()
            );
        }
        code.push_str("];\n");
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
