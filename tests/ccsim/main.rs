//! ccsim's integration tests: the CLI run end to end, checked against theory and invariants.

mod harness;

mod agents;
mod bad_scenarios;
mod callbacks;
mod campaigns;
mod compare;
mod conservation;
mod contact_lists;
mod csv_inputs;
mod determinism;
mod erlang_cli;
mod estimators;
mod golden;
mod html_report;
mod model_rules;
mod properties;
mod readme;
mod robustness;
mod shards;
mod staff;
mod sweep;
mod theory;
mod time_zones;
mod trace;
mod xlsx_report;
