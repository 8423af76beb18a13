//! The scenario parser and checker: any text gives a scenario or located errors, never a
//! panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yalu_scenario::{Registry, Scenario, SourceText};

/// The evidence registry, read once.
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::embedded)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1);
    if let Err(errors) = Scenario::parse(&SourceText::new("f.toml", text), registry()) {
        assert!(!errors.errors.is_empty());
        for e in &errors.errors {
            assert!(e.line >= 1 && e.line <= lines + 1, "{e:?}");
        }
    }
});
