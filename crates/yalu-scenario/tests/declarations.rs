//! The declarations are the single description of every parameter: each one the baseline
//! records is declared, and the parameter tables of `docs/ODD.md` are generated from them.
//! Regenerate the tables with `YALU_BLESS=1 cargo test -p yalu-scenario --test declarations`.

use yalu_scenario::declared::{parameter_tables, spec_of};
use yalu_scenario::{Registry, Scenario, Value};

const BEGIN: &str = "<!-- parameter tables: generated from the declarations -->\n";
const END: &str = "<!-- end of parameter tables -->";

#[test]
fn every_numeric_input_of_the_baseline_is_declared_with_its_unit() {
    let scenario = Scenario::baseline(&Registry::embedded()).unwrap();
    for record in &scenario.parameters {
        if matches!(record.value, Value::Number(_)) {
            let spec = spec_of(&record.path)
                .unwrap_or_else(|| panic!("{} is not in declared::SECTIONS", record.path));
            assert_eq!(spec.unit.name(), record.unit, "{}", record.path);
            assert_eq!(spec.doc, record.doc, "{}", record.path);
            assert!(!spec.doc.is_empty(), "{} has no doc", record.path);
        }
    }
}

#[test]
fn the_odd_parameter_tables_are_generated_from_the_declarations() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ODD.md");
    let odd = std::fs::read_to_string(&path).unwrap();
    let start = odd
        .find(BEGIN)
        .expect("ODD.md has the tables' opening marker")
        + BEGIN.len();
    let end = odd
        .find(END)
        .expect("ODD.md has the tables' closing marker");
    let generated = parameter_tables();
    if std::env::var_os("YALU_BLESS").is_some() {
        let updated = format!("{}{generated}{}", &odd[..start], &odd[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        odd[start..end] == generated,
        "docs/ODD.md's parameter tables are stale; regenerate them with \
         YALU_BLESS=1 cargo test -p yalu-scenario --test declarations"
    );
}
