//! The scenario's wall clock: its time zone, where each day's clock times fall in simulated
//! time (shift starts), and how reports write a time in it. Time zones come from the IANA
//! database bundled into ccsim (jiff's `tzdb-bundle-always`), never the machine's, so that a
//! scenario gives the same results everywhere.
//!
//! Simulated time runs on without jumps; only the clock changes: on a spring-forward day the
//! clock skips an hour (the day has 23), on a fall-back day it shows an hour twice (25).

use crate::engine::{TICKS_PER_SECOND, Ticks};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

const DAY: i128 = 86_400 * TICKS_PER_SECOND as i128;

#[derive(Clone, Debug)]
pub struct Calendar {
    start: Timestamp,
    zone: TimeZone,
    /// The start's date on the clock (day 0).
    first_day: Date,
    /// For a zone of one fixed offset (UTC): ticks from the clock's midnight before the start
    /// to the start, which makes every day's clock times plain arithmetic.
    fixed_start_in_day: Option<Ticks>,
}

impl Calendar {
    pub fn new(start: Timestamp, zone: TimeZone) -> Calendar {
        let fixed_start_in_day = zone.to_fixed_offset().ok().map(|offset| {
            let seconds = start.as_second() + i64::from(offset.seconds());
            seconds.rem_euclid(86_400) as Ticks * TICKS_PER_SECOND
        });
        Calendar {
            first_day: zone.to_datetime(start).date(),
            start,
            zone,
            fixed_start_in_day,
        }
    }

    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The simulation's start: tick 0.
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// Ticks from the start (negative before it) at which the clock shows `clock` (ticks
    /// after midnight, less than a day) on day `day`, day 0 being the start's date. A time
    /// the clock skips (spring forward) falls as the clock would have shown it had it not
    /// jumped — `02:30` falls at `03:30` — and a time it shows twice (fall back) falls the
    /// first time, as the time-zone database's "compatible" rule has it.
    pub fn at(&self, day: i64, clock: Ticks) -> i128 {
        if let Some(start_in_day) = self.fixed_start_in_day {
            return i128::from(day) * DAY + clock as i128 - start_in_day as i128;
        }
        let seconds = (clock / TICKS_PER_SECOND) as i64;
        let micros = (clock % TICKS_PER_SECOND) as i64;
        let at = self
            .first_day
            .checked_add(day.days())
            .and_then(|date| {
                let time = Time::new(
                    (seconds / 3600) as i8,
                    (seconds / 60 % 60) as i8,
                    (seconds % 60) as i8,
                    0,
                )?;
                self.zone
                    .to_ambiguous_timestamp(DateTime::from_parts(date, time))
                    .compatible()
            })
            // Days beyond the calendar's range (year 9999) are never simulated: the run's
            // end is checked to be within it.
            .map_or(i128::MAX / 4, |t| {
                i128::from(t.as_microsecond() - self.start.as_microsecond())
            });
        at + i128::from(micros)
    }

    /// The day on the clock (day 0: the start's date) at `t` ticks from the start.
    pub fn day_of(&self, t: Ticks) -> i64 {
        if let Some(start_in_day) = self.fixed_start_in_day {
            // In u64: an i128 division is a call into the runtime, and this is on the
            // dialers' hot path (their measurement windows are days).
            return (t.saturating_add(start_in_day) / (DAY as u64)) as i64;
        }
        // Ticks are microseconds.
        let at = self.start + jiff::SignedDuration::from_micros(t as i64);
        let date = self.zone.to_datetime(at).date();
        i64::from((date - self.first_day).get_days())
    }

    /// The time `t` on the clock: its date and time (`2026-03-29 03:00`, seconds when it has
    /// them), which spreadsheets read as a date-time, and its offset from UTC (`+02:00`),
    /// which tells the two 02:00s of a fall-back day apart.
    pub fn local(&self, t: Timestamp) -> (String, String) {
        let zoned = t.to_zoned(self.zone.clone());
        let format = if zoned.second() == 0 && zoned.subsec_nanosecond() == 0 {
            "%Y-%m-%d %H:%M"
        } else {
            "%Y-%m-%d %H:%M:%S"
        };
        (
            zoned.strftime(format).to_string(),
            zoned.strftime("%:z").to_string(),
        )
    }

    /// As [`Calendar::local`], always with seconds and milliseconds (`2026-03-29 03:00:07.250`),
    /// for the times of contacts' events.
    pub fn local_to_the_millisecond(&self, t: Timestamp) -> (String, String) {
        let zoned = t.to_zoned(self.zone.clone());
        (
            zoned.strftime("%Y-%m-%d %H:%M:%S%.3f").to_string(),
            zoned.strftime("%:z").to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Ticks = 3600 * TICKS_PER_SECOND;

    fn copenhagen(start: &str) -> Calendar {
        Calendar::new(
            start.parse().unwrap(),
            jiff::tz::db().get("Europe/Copenhagen").unwrap(),
        )
    }

    #[test]
    fn the_day_of_a_time_is_the_inverse_of_a_day_s_midnight() {
        let utc = Calendar::new("2026-03-28T22:30:00Z".parse().unwrap(), TimeZone::UTC);
        for calendar in [copenhagen("2026-03-28T22:30:00+01:00"), utc] {
            // Day 0 began before the start; day 1 is 23 hours long in Copenhagen.
            for day in 1..4 {
                let midnight = calendar.at(day, 0) as Ticks;
                assert_eq!(calendar.day_of(midnight), day);
                assert_eq!(calendar.day_of(midnight - 1), day - 1);
                assert_eq!(calendar.day_of(midnight + 23 * HOUR - 1), day, "{day}");
            }
            assert_eq!(calendar.day_of(0), 0);
        }
    }

    #[test]
    fn clock_times_fall_by_the_zone_s_rules_on_daylight_saving_days() {
        // 2026-03-29: clocks go from 02:00 to 03:00; 2026-10-25: from 03:00 back to 02:00.
        let spring = copenhagen("2026-03-29T00:00:00+01:00");
        assert_eq!(spring.at(0, 0), 0);
        assert_eq!(
            spring.at(0, 8 * HOUR),
            7 * i128::from(HOUR),
            "08:00 is 7 h on"
        );
        assert_eq!(spring.at(1, 0), 23 * i128::from(HOUR), "a 23-hour day");
        assert_eq!(
            spring.at(0, 2 * HOUR + HOUR / 2),
            2 * i128::from(HOUR) + i128::from(HOUR / 2),
            "02:30 is skipped: it falls as 03:30"
        );
        let autumn = copenhagen("2026-10-25T00:00:00+02:00");
        assert_eq!(autumn.at(1, 0), 25 * i128::from(HOUR), "a 25-hour day");
        assert_eq!(
            autumn.at(0, 2 * HOUR),
            2 * i128::from(HOUR),
            "the first 02:00"
        );
        assert_eq!(autumn.at(0, 8 * HOUR), 9 * i128::from(HOUR));
        assert_eq!(autumn.at(-1, 22 * HOUR), -2 * i128::from(HOUR));
    }

    #[test]
    fn a_fixed_zone_is_arithmetic_and_agrees_with_the_database() {
        let utc = Calendar::new("2026-01-05T06:30:00Z".parse().unwrap(), TimeZone::UTC);
        assert_eq!(utc.at(0, 8 * HOUR), i128::from(HOUR) * 3 / 2);
        assert_eq!(utc.at(-1, 23 * HOUR), -i128::from(HOUR) * 15 / 2);
        let zoned = Calendar::new(
            "2026-01-05T06:30:00Z".parse().unwrap(),
            jiff::tz::db().get("Etc/UTC").unwrap(),
        );
        for (day, clock) in [(0, 8 * HOUR), (-1, 23 * HOUR), (400, 7 * HOUR + 59)] {
            assert_eq!(zoned.at(day, clock), utc.at(day, clock));
        }
    }

    #[test]
    fn local_times_carry_their_offset() {
        let autumn = copenhagen("2026-10-25T00:00:00+02:00");
        let first: Timestamp = "2026-10-25T00:30:00Z".parse().unwrap();
        let second: Timestamp = "2026-10-25T01:30:00Z".parse().unwrap();
        assert_eq!(
            autumn.local(first),
            ("2026-10-25 02:30".into(), "+02:00".into())
        );
        assert_eq!(
            autumn.local(second),
            ("2026-10-25 02:30".into(), "+01:00".into())
        );
        let later = second + jiff::SignedDuration::from_millis(7_250);
        assert_eq!(
            autumn.local_to_the_millisecond(later),
            ("2026-10-25 02:30:07.250".into(), "+01:00".into())
        );
        assert_eq!(
            autumn.local_to_the_millisecond(first).0,
            "2026-10-25 02:30:00.000"
        );
    }
}
