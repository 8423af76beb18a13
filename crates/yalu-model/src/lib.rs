//! Yalu's domain and engine, with no input or output of its own.
//!
//! Read the modules in this order, the way the model is built up:
//! - domain: [`units`] (money in fen), [`events`] (dated events and their effects on
//!   channels), [`calendar`] (days, months, ice, the events' conditions per day),
//!   [`declare`] (how a parameter is declared once: key, unit, bounds, doc), [`params`]
//!   (the validated inputs the engine runs on, declared that way);
//! - money: [`ledger`] (double-entry accounts between actor classes);
//! - state: [`world`] (sites, porters and crews stored as columns);
//! - randomness: [`streams`] (per-replicate random streams);
//! - processes: [`process`] (one file per daily process);
//! - engine: [`engine`] (the day in one function, and a whole replicate);
//! - observation: [`observe`] (monthly metrics and the tidy records they become), and
//!   [`stats`] (quantiles shared by every summary), [`indicators`] (figures computed from
//!   a replicate's records).
#![deny(missing_docs)]

pub mod calendar;
pub mod declare;
pub mod engine;
pub mod events;
pub mod indicators;
pub mod ledger;
pub mod observe;
pub mod params;
pub mod process;
pub mod stats;
pub mod streams;
pub mod units;
pub mod world;

pub use engine::{ModelError, ReplicateResult, Setup, run_replicate};
pub use params::ModelParams;
pub use units::Fen;
