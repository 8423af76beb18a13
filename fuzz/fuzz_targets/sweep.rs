//! The sweep-file parser: any text gives a sweep or a located error, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use yalu_lab::sweep::{SpecError, SweepFile};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1);
    if let Err(SpecError::Invalid { line, .. }) = SweepFile::parse("f.toml", text, Path::new("")) {
        assert!(line >= 1 && line <= lines + 1);
    }
});
