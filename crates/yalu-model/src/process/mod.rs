//! The daily processes, one file each, named after what they do. The engine calls them in
//! schedule order ([`crate::engine::step_day`]); each documents when it runs, the parameters
//! it reads and the ledger entries it makes.

pub mod consumption;
pub mod hiring;
pub mod market;
pub mod pass_up;
pub mod porters;
