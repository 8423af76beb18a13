//! What every fuzz target shares: the input as text and the evidence registry.

use std::sync::OnceLock;

use yalu_scenario::Registry;

/// The evidence registry, read once.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::embedded)
}

/// Runs `check` on the input when it is text (the parsers read text; other bytes are the
/// reader's concern, tested elsewhere).
pub fn on_text(data: &[u8], check: impl FnOnce(&str)) {
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
    }
}
