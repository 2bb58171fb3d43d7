//! Statistics: what one replication records, and estimates over replications.
//!
//! A [`Recorder`] consumes the model's observations as they happen and streams interval rows
//! out as intervals close; [`Estimate`] turns per-replication values into a ratio of sums (a
//! mean, for plain values) with a delta-method confidence interval.

mod call_log;
mod estimate;
mod histogram;
mod metrics;
mod recorder;
mod trace;

pub use call_log::{
    CALL_COLUMNS, CallLog, CallOutcome, CallRecord, CallbackKind, CallbackRecord, CallbackStatus,
    MAX_HELD_ROWS,
};
pub use estimate::{Estimate, Ratio, RatioEstimator, linearised, t_quantile, t_quantile_975};
pub use histogram::WaitHistogram;
pub use metrics::{
    AGENT_COLUMNS, CAMPAIGN_COLUMNS, Column, Direction, Estimator, INTERVAL_COLUMNS, Metric,
    MetricDef, Needs, QueueCounts, Scope, Unit, agent_columns_shown, campaign_columns_shown,
    catalog, finish_estimate, interval_columns_shown, ratio,
};
pub use recorder::{IntervalSink, Level, Recorder, ReplicationMetrics};
pub use trace::{CallType, TRACE_COLUMNS, TraceEvent, TraceLog, TraceRecord, TracedContact};
