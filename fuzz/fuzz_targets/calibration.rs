//! The calibration-file parser: any text gives a checked experiment or a located error (or
//! a scenario error), never a panic. Nothing is run.
#![no_main]

use std::path::Path;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yalu_lab::calibration_file::CalibrationFile;
use yalu_scenario::Registry;

/// The evidence registry, read once.
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::embedded)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = CalibrationFile::parse(Path::new("f.toml"), text, registry());
});
