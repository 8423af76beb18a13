//! The sweep-file parser: any text gives a sweep or a located error, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use yalu_fuzz::on_text;
use yalu_lab::sweep::{SpecError, SweepFile};

fuzz_target!(|data: &[u8]| {
    on_text(data, |text| {
        let lines = text.lines().count().max(1);
        if let Err(SpecError::Invalid { line, .. }) =
            SweepFile::parse("f.toml", text, Path::new(""))
        {
            assert!(line >= 1 && line <= lines + 1);
        }
    });
});
