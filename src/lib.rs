//! ccsim: a discrete-event contact-center simulator for capacity planners.
//!
//! Data flows one way: [`scenario`] (read and check a file) → [`model`] (the contact center's
//! state machine, driven by the [`engine`]) → [`stats`] (accumulate what happened) →
//! [`report`] (write CSV and JSON). [`erlang`] holds the analytic formulas the simulation is
//! checked against, and [`cli`] is the command line on top.

pub mod cli;
pub mod compare;
pub mod engine;
pub mod erlang;
pub mod experiment;
pub mod model;
pub mod report;
pub mod scenario;
pub mod shard;
pub mod staffing;
pub mod stats;
pub mod sweep;
