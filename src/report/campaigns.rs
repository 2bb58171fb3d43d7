//! `campaigns.csv` (with campaigns): one row per interval and campaign — dials and what came
//! of them (live answers, connected, dropped, each `call_result` code), ring, preview and
//! talk time, the agents' time on the campaign, and the list's progress — each estimated
//! over replications with its 95 % CI (rates and mean times as ratios of sums).
//!
//! A dial counts in the interval it was placed in, with everything that came of it (its
//! result, a connection or a drop seconds later, the record it finished); records left and
//! list penetration are as at the interval's end; agent time is the interval's own.

use super::{Exporter, write_interval_table};
use crate::experiment::RunResults;
use crate::stats::{CAMPAIGN_COLUMNS, campaign_columns_shown};
use std::io::Write;

pub struct CampaignsCsv;

impl Exporter for CampaignsCsv {
    fn file_name(&self) -> &'static str {
        "campaigns.csv"
    }

    fn write(&self, results: &RunResults, out: &mut dyn Write) -> std::io::Result<()> {
        let s = &results.scenario;
        let names: Vec<&str> = s.campaigns.iter().map(|c| c.name.as_str()).collect();
        write_interval_table(
            results,
            out,
            ("campaign", &names),
            (&CAMPAIGN_COLUMNS, campaign_columns_shown(s)),
            &mut results.campaign_rows()?,
        )
    }
}
