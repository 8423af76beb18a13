//! Helpers shared by the model's integration tests. Each test file uses some of them.
#![allow(dead_code)]

use yalu_model::ReplicateResult;
use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::params::ModelParams;
use yalu_scenario::{Registry, Scenario};

/// The embedded baseline's parameters.
pub fn baseline() -> ModelParams {
    Scenario::baseline(&Registry::embedded())
        .expect("baseline is valid")
        .params
}

/// Fen paid from one class to another for one purpose over the whole replicate.
pub fn money_total(
    result: &ReplicateResult,
    payer: ActorClass,
    payee: ActorClass,
    purpose: Purpose,
) -> i64 {
    result
        .money
        .iter()
        .filter(|m| m.payer == payer && m.payee == payee && m.purpose == purpose)
        .map(|m| m.amount.0)
        .sum()
}
