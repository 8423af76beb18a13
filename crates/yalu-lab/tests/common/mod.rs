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

/// The baseline from `first` to `last` with no events, so nothing dated moves it.
pub fn quiet(first: Date, last: Date) -> ModelParams {
    let mut p = baseline();
    p.first_day = first;
    p.last_day = last;
    p.events.clear();
    p
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
