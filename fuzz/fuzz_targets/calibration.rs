//! The calibration-file parser: any text gives a checked experiment or a located error (or
//! a scenario error), never a panic. Nothing is run.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use yalu_fuzz::{on_text, registry};
use yalu_lab::calibration_file::CalibrationFile;

fuzz_target!(|data: &[u8]| {
    on_text(data, |text| {
        let _ = CalibrationFile::parse(Path::new("f.toml"), text, registry());
    });
});
