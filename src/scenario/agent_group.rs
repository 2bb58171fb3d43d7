//! `[[agent_group]]`: skills with levels, staffing by counts or shifts with breaks, aux
//! (not-ready) periods, and how agents answer offered contacts (RONA).

use super::error::ScenarioError;
use super::interval_csv::{IntervalGrid, Series};
use super::raw::{RawAgentGroup, RawShift, RawStaffing};
use super::validate::{Checker, MAX_AGENTS, list_or_none};
use super::{AgentGroup, Break, BreakKind, NotReadyPolicy, PerInterval, Queue, Shift, Staffing};
use crate::engine::{TICKS_PER_SECOND, Ticks};
use toml::Spanned;

/// `ronaTimeout` of seed 003.
pub const DEFAULT_RONA_TIMEOUT: Ticks = 18 * TICKS_PER_SECOND;
const DEFAULT_RONA_NOT_READY: Ticks = 30 * TICKS_PER_SECOND;
const DAY: Ticks = 24 * 3600 * TICKS_PER_SECOND;
/// Skill levels beyond this are no contact center's.
const MAX_LEVEL: u32 = 100;

impl Checker<'_> {
    /// Checks a group; `period` is the simulated period (the scenario's clock from its start,
    /// and the duration), for warnings about shifts that never work in it.
    pub fn agent_group(
        &self,
        g: &RawAgentGroup,
        // Its name, and whether a campaign lists it (then it may serve no queue).
        (name, works_campaign): (String, bool),
        queues: &[Queue],
        grid: &IntervalGrid,
        period: (&super::Calendar, Ticks),
        warnings: &mut Vec<String>,
    ) -> Result<AgentGroup, ScenarioError> {
        let key = format!("agent_group.{name}");
        if g.queues.get_ref().is_empty() && !works_campaign {
            return Err(self.error(
                g.queues.span(),
                format!("{key}.queues"),
                "is empty: name the queues this group serves (a group may serve none when a [[campaign]] lists it in `groups`)",
            ));
        }
        let mut served = Vec::new();
        for q in g.queues.get_ref() {
            let index = queues
                .iter()
                .position(|queue| queue.name == *q.get_ref())
                .ok_or_else(|| {
                    let known: Vec<_> = queues.iter().map(|q| q.name.as_str()).collect();
                    self.error(
                        q.span(),
                        format!("{key}.queues"),
                        format!(
                            "no [[queue]] is named \"{}\"; defined: {}",
                            q.get_ref(),
                            list_or_none(&known)
                        ),
                    )
                })?;
            if served.contains(&index) {
                return Err(self.error(
                    q.span(),
                    format!("{key}.queues"),
                    format!("\"{}\" is listed twice", q.get_ref()),
                ));
            }
            served.push(index);
        }
        let names: Vec<&str> = served.iter().map(|&q| queues[q].name.as_str()).collect();
        let levels = self.per_served_queue(&g.level, &format!("{key}.level"), &names, 1, |v| {
            let level = *v.get_ref();
            (1..=MAX_LEVEL).contains(&level).then_some(level).ok_or_else(|| {
                format!("{level} is not a skill level: use 1 (primary), 2 (secondary), … up to {MAX_LEVEL}")
            })
        })?;
        let handle_factors = self.per_served_queue(
            &g.handle_factor,
            &format!("{key}.handle_factor"),
            &names,
            1.0,
            |v| {
                let f = *v.get_ref();
                (f.is_finite() && f > 0.0 && f <= 100.0)
                    .then_some(f)
                    .ok_or_else(|| {
                        format!("{f} is not a handle-time factor: it must be more than 0 and at most 100 (1.2 = 20 % slower)")
                    })
            },
        )?;
        let (staffing, staffing_line) = match (&g.staffing, g.shift.is_empty()) {
            (Some(s), true) => (
                Staffing::Counts(self.staffing_counts(s, &format!("{key}.staffing"), grid)?),
                self.line_column(s.span().start).0,
            ),
            (None, false) => {
                let shifts = self.shifts(&g.shift, &format!("{key}.shift"))?;
                for (i, shift) in shifts.iter().enumerate() {
                    if !shift.works_in(period.0, period.1) {
                        let (line, _) = self.line_column(g.shift[i].span().start);
                        warnings.push(format!(
                            "{}:{line}: `{key}.shift[{i}]` never overlaps the simulated period: its agents never work",
                            self.path().display()
                        ));
                    }
                }
                (
                    Staffing::Shifts(shifts),
                    self.line_column(g.shift[0].span().start).0,
                )
            }
            (Some(s), false) => {
                return Err(self.error(
                    s.span(),
                    format!("{key}.staffing"),
                    "give either `staffing` or [[agent_group.shift]] tables, not both",
                ));
            }
            (None, true) => {
                return Err(self.error(
                    g.name.span(),
                    key,
                    "has no staffing: give `staffing = { count = N }`, `staffing = { per_interval = [...] }` or [[agent_group.shift]] tables",
                ));
            }
        };
        let not_ready = g
            .not_ready
            .as_ref()
            .map(|nr| {
                let nr = nr.get_ref();
                let every = self.distribution(&nr.every, &format!("{key}.not_ready.every"))?;
                let length = self.distribution(&nr.length, &format!("{key}.not_ready.length"))?;
                if every.mean() <= 0.0 {
                    return Err(self.error(
                        nr.every.span(),
                        format!("{key}.not_ready.every"),
                        "has a mean of 0: agents would never be ready; give the time between aux periods",
                    ));
                }
                Ok(NotReadyPolicy { every, length })
            })
            .transpose()?;
        let answer_after = g
            .answer_after
            .as_ref()
            .map(|d| self.distribution(d, &format!("{key}.answer_after")))
            .transpose()?;
        let rona_timeout = match &g.rona_timeout {
            None => DEFAULT_RONA_TIMEOUT,
            Some(t) if t.get_ref().ticks() == 0 => {
                return Err(self.error(
                    t.span(),
                    format!("{key}.rona_timeout"),
                    "must be more than 0s: an offer needs time to be answered",
                ));
            }
            Some(t) => t.get_ref().ticks(),
        };
        let rona_not_ready = g
            .rona_not_ready
            .as_ref()
            .map_or(DEFAULT_RONA_NOT_READY, |t| t.get_ref().ticks());
        if answer_after.is_none() {
            for (what, span) in [
                ("rona_timeout", g.rona_timeout.as_ref().map(|t| t.span())),
                (
                    "rona_not_ready",
                    g.rona_not_ready.as_ref().map(|t| t.span()),
                ),
            ] {
                if let Some(span) = span {
                    let (line, _) = self.line_column(span.start);
                    warnings.push(format!(
                        "{}:{line}: `{key}.{what}` has no effect without `answer_after`: the group's agents answer at once, so nothing rings unanswered",
                        self.path().display()
                    ));
                }
            }
        }
        Ok(AgentGroup {
            name,
            queues: served,
            levels,
            handle_factors,
            staffing,
            staffing_line,
            not_ready,
            answer_after,
            rona_timeout,
            rona_not_ready,
        })
    }

    /// A table keyed by served queue names (`level`, `handle_factor`), as one value per
    /// served queue; queues it does not name get `default`.
    fn per_served_queue<T: Copy, V>(
        &self,
        raw: &Option<Spanned<std::collections::BTreeMap<String, Spanned<V>>>>,
        key: &str,
        served: &[&str],
        default: T,
        check: impl Fn(&Spanned<V>) -> Result<T, String>,
    ) -> Result<Vec<T>, ScenarioError> {
        let mut out = vec![default; served.len()];
        let Some(table) = raw else { return Ok(out) };
        for (queue, v) in table.get_ref() {
            let Some(i) = served.iter().position(|s| s == queue) else {
                return Err(self.error(
                    table.span(),
                    format!("{key}.{queue}"),
                    format!(
                        "\"{queue}\" is not among the group's `queues`: {}",
                        list_or_none(served)
                    ),
                ));
            };
            out[i] = check(v).map_err(|m| self.error(v.span(), format!("{key}.{queue}"), m))?;
        }
        Ok(out)
    }

    fn staffing_counts(
        &self,
        raw: &Spanned<RawStaffing>,
        key: &str,
        grid: &IntervalGrid,
    ) -> Result<PerInterval<u32>, ScenarioError> {
        let s = raw.get_ref();
        let agents = |v: &Spanned<u32>, key: &str| self.at_most(v, key, MAX_AGENTS, "agents");
        self.column_needs_file(&s.file, &s.column, key)?;
        match (&s.per_interval, &s.count, &s.file) {
            (Some(list), None, None) => {
                self.series_len(
                    list.get_ref().len(),
                    list.span(),
                    &format!("{key}.per_interval"),
                    grid,
                )?;
                let counts = list
                    .get_ref()
                    .iter()
                    .map(|v| agents(v, &format!("{key}.per_interval")));
                Ok(PerInterval::Values(counts.collect::<Result<_, _>>()?))
            }
            (None, Some(count), None) => Ok(PerInterval::Constant(agents(
                count,
                &format!("{key}.count"),
            )?)),
            (None, None, Some(file)) => {
                let values = self.interval_column(
                    (file.get_ref(), file.span()),
                    s.column.as_ref().map(|c| (c.get_ref().as_str(), c.span())),
                    key,
                    grid,
                    Series::Agents { max: MAX_AGENTS },
                )?;
                // Whole numbers within MAX_AGENTS: checked as they were read.
                Ok(PerInterval::Values(
                    values.into_iter().map(|v| v as u32).collect(),
                ))
            }
            _ => Err(self.error(
                raw.span(),
                key,
                "give exactly one of `per_interval = [...]` (agents in each interval), `count = N`, or `file = \"staffing.csv\", column = \"…\"` (agents per interval from a CSV file)",
            )),
        }
    }

    fn shifts(&self, raw: &[Spanned<RawShift>], key: &str) -> Result<Vec<Shift>, ScenarioError> {
        let mut total: u64 = 0;
        let mut out = Vec::new();
        for (i, shift) in raw.iter().enumerate() {
            let r = shift.get_ref();
            let key = format!("{key}[{i}]");
            let start = clock_time(r.start.get_ref()).ok_or_else(|| {
                self.error(
                    r.start.span(),
                    format!("{key}.start"),
                    format!(
                        "\"{}\" is not a time of day: write it like \"08:00\" or \"13:30:00\" (on the clock of simulation.time_zone, or UTC)",
                        r.start.get_ref()
                    ),
                )
            })?;
            let length = r.length.get_ref().ticks();
            if length == 0 || length > DAY {
                return Err(self.error(
                    r.length.span(),
                    format!("{key}.length"),
                    "must be more than 0s and at most 24h (the shift recurs every day)",
                ));
            }
            let count = self.at_most(&r.count, &format!("{key}.count"), MAX_AGENTS, "agents")?;
            total += u64::from(count);
            if total > u64::from(MAX_AGENTS) {
                return Err(self.error(
                    r.count.span(),
                    format!("{key}.count"),
                    format!("brings the group's shifts to {total} agents; at most {MAX_AGENTS} are allowed"),
                ));
            }
            let mut breaks: Vec<Break> = Vec::new();
            for (b, raw_break) in r.breaks.iter().enumerate() {
                let rb = raw_break.get_ref();
                let bkey = format!("{key}.breaks[{b}]");
                let kind = match rb.kind.as_ref().map(|k| k.get_ref().as_str()) {
                    None | Some("break") => BreakKind::Break,
                    Some("lunch") => BreakKind::Lunch,
                    Some(other) => {
                        let span = rb.kind.as_ref().map(|k| k.span()).unwrap_or(0..0);
                        return Err(self.error(
                            span,
                            format!("{bkey}.kind"),
                            format!("unknown break kind \"{other}\"; allowed: break, lunch"),
                        ));
                    }
                };
                let (after, len) = (rb.after.get_ref().ticks(), rb.length.get_ref().ticks());
                if len == 0 {
                    return Err(self.error(
                        rb.length.span(),
                        format!("{bkey}.length"),
                        "must be more than 0s",
                    ));
                }
                if after.saturating_add(len) > length {
                    return Err(self.error(
                        rb.after.span(),
                        format!("{bkey}.after"),
                        format!(
                            "the break ({} after the start, for {}) does not fit in the shift of {}",
                            rb.after.get_ref(),
                            rb.length.get_ref(),
                            r.length.get_ref()
                        ),
                    ));
                }
                if let Some(last) = breaks.last()
                    && after < last.after + last.length
                {
                    return Err(self.error(
                        rb.after.span(),
                        format!("{bkey}.after"),
                        "starts before the break listed before it has ended: list breaks in order, without overlap",
                    ));
                }
                breaks.push(Break {
                    after,
                    length: len,
                    kind,
                });
            }
            out.push(Shift {
                start,
                length,
                count,
                breaks,
            });
        }
        Ok(out)
    }

    fn at_most(
        &self,
        v: &Spanned<u32>,
        key: &str,
        max: u32,
        what: &str,
    ) -> Result<u32, ScenarioError> {
        if *v.get_ref() > max {
            return Err(self.error(
                v.span(),
                key,
                format!("{} {what} is more than the {max} allowed", v.get_ref()),
            ));
        }
        Ok(*v.get_ref())
    }
}

/// A time of day `HH:MM` or `HH:MM:SS`, from midnight.
pub(super) fn clock_time(text: &str) -> Option<Ticks> {
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<u64> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (h, m, s) = (n[0], n[1], n.get(2).copied().unwrap_or(0));
    (h < 24 && m < 60 && s < 60).then(|| (h * 3600 + m * 60 + s) * TICKS_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times() {
        assert_eq!(
            clock_time("08:30"),
            Some(8 * 3600 * TICKS_PER_SECOND + 1800 * TICKS_PER_SECOND)
        );
        assert_eq!(clock_time("23:59:59"), Some(86_399 * TICKS_PER_SECOND));
        for bad in ["24:00", "8:30", "08:60", "08", "08:30:00:00", "ab:cd", ""] {
            assert_eq!(clock_time(bad), None, "{bad}");
        }
    }
}
