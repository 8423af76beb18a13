//! The scenario parser and checker: any text gives a scenario or located errors, never a
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yalu_fuzz::{on_text, registry};
use yalu_scenario::{Scenario, SourceText};

fuzz_target!(|data: &[u8]| {
    on_text(data, |text| {
        let lines = text.lines().count().max(1);
        if let Err(errors) = Scenario::parse(&SourceText::new("f.toml", text), registry()) {
            assert!(!errors.errors.is_empty());
            for e in &errors.errors {
                assert!(e.line >= 1 && e.line <= lines + 1, "{e:?}");
            }
        }
    });
});
