//! Helpers shared by the lab's integration tests. Each test file uses some of them.
#![allow(dead_code)]

use jiff::civil::Date;
use yalu_model::ReplicateResult;
use yalu_model::params::{ModelParams, SiteId};
use yalu_scenario::{Registry, Scenario};

/// The embedded baseline's parameters.
pub fn baseline() -> ModelParams {
    Scenario::baseline(&Registry::embedded())
        .expect("baseline is valid")
        .params
}

/// The site with this id.
pub fn site(p: &ModelParams, id: &str) -> SiteId {
    SiteId(p.sites.iter().position(|s| s.id == id).expect("site") as u16)
}

/// The index of the month holding `d` among the run's months.
pub fn month_of(r: &ReplicateResult, d: Date) -> usize {
    r.months
        .iter()
        .position(|m| m.year == d.year() && m.month == d.month())
        .expect("inside the run")
}
