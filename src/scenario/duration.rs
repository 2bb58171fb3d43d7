//! Durations as planners write them: `20s`, `3m`, `1h30m`, `1.5s`, `01:30:00` (or ISO 8601 `PT20S`).

use crate::engine::{TICKS_PER_SECOND, Ticks};
use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;

/// A non-negative duration read from a scenario or the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Duration(Ticks);

pub const DURATION_HELP: &str =
    "write a duration with a unit, like \"20s\", \"3m\", \"1h30m\", \"1.5s\" or \"01:30:00\"";

impl Duration {
    pub fn from_ticks(ticks: Ticks) -> Self {
        Duration(ticks)
    }

    pub fn from_secs(secs: u64) -> Self {
        Duration(secs * TICKS_PER_SECOND)
    }

    pub fn ticks(self) -> Ticks {
        self.0
    }

    pub fn secs(self) -> f64 {
        crate::engine::secs_from_ticks(self.0)
    }

    /// Parses `20s`, `1h30m`, `1.5s`, `01:30:00`, `90:00` or ISO 8601 `PT1H30M`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let invalid = || format!("invalid duration \"{text}\": {DURATION_HELP}");
        if text.is_empty() {
            return Err(invalid());
        }
        if text.starts_with('-') || text.ends_with("ago") {
            return Err(format!(
                "negative duration \"{text}\": durations must be zero or more"
            ));
        }
        let nanos: i128 = if text.contains(':') {
            parse_clock(text).ok_or_else(invalid)?
        } else {
            let d: jiff::SignedDuration = text.parse().map_err(|_| invalid())?;
            if d.is_negative() {
                return Err(format!(
                    "negative duration \"{text}\": durations must be zero or more"
                ));
            }
            d.as_nanos()
        };
        let ticks = nanos / (1_000_000_000 / TICKS_PER_SECOND as i128);
        Ticks::try_from(ticks).map(Duration).map_err(|_| invalid())
    }
}

/// `HH:MM:SS(.fff)` or `MM:SS(.fff)`, in nanoseconds.
fn parse_clock(text: &str) -> Option<i128> {
    let parts: Vec<&str> = text.split(':').collect();
    let (h, m, s, minutes_bounded) = match parts.as_slice() {
        [h, m, s] => (*h, *m, *s, true),
        [m, s] => ("0", *m, *s, false),
        _ => return None,
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if !digits(whole) || !(frac.is_empty() || digits(frac)) || frac.len() > 9 {
        return None;
    }
    let (h, m, whole): (i128, i128, i128) = (h.parse().ok()?, m.parse().ok()?, whole.parse().ok()?);
    if (minutes_bounded && m >= 60) || whole >= 60 {
        return None;
    }
    let frac_nanos: i128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    // Checked: an hours field of 30 digits overflows even i128.
    h.checked_mul(60)?
        .checked_add(m)?
        .checked_mul(60)?
        .checked_add(whole)?
        .checked_mul(1_000_000_000)?
        .checked_add(frac_nanos)
}

impl fmt::Display for Duration {
    /// Shortest friendly form: `1h30m`, `20s`, `1.5s`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest == 0 {
            return f.write_str("0s");
        }
        let hours = rest / (3600 * TICKS_PER_SECOND);
        rest %= 3600 * TICKS_PER_SECOND;
        let minutes = rest / (60 * TICKS_PER_SECOND);
        rest %= 60 * TICKS_PER_SECOND;
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        if rest > 0 {
            let secs = rest / TICKS_PER_SECOND;
            let micros = rest % TICKS_PER_SECOND;
            if micros == 0 {
                write!(f, "{secs}s")?;
            } else {
                let frac = format!("{micros:06}");
                write!(f, "{secs}.{}s", frac.trim_end_matches('0'))?;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Duration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Duration::parse(s)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DurationVisitor;
        impl Visitor<'_> for DurationVisitor {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string such as \"20s\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "the number {v} has no unit: {DURATION_HELP}"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "the number {v} has no unit: {DURATION_HELP}"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
                Err(E::custom(format!(
                    "the number {v} has no unit: {DURATION_HELP}"
                )))
            }
        }
        deserializer.deserialize_any(DurationVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_clock_durations_are_refused_not_wrapped() {
        assert!(Duration::parse("999999999999999999999999999999999:00:00").is_err());
        assert!(Duration::parse(&format!("{}:00:00", "9".repeat(40))).is_err());
    }

    fn secs(text: &str) -> f64 {
        Duration::parse(text).unwrap().secs()
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(secs("20s"), 20.0);
        assert_eq!(secs("3m"), 180.0);
        assert_eq!(secs("1h30m"), 5400.0);
        assert_eq!(secs("1h 30m"), 5400.0);
        assert_eq!(secs("01:30:00"), 5400.0);
        assert_eq!(secs("90:00"), 5400.0);
        assert_eq!(secs("00:00:01.25"), 1.25);
        assert_eq!(secs("1.5s"), 1.5);
        assert_eq!(secs("PT1H"), 3600.0);
        assert_eq!(secs("0s"), 0.0);
    }

    #[test]
    fn rejects_malformed_and_negative() {
        for bad in [
            "", "20", "abc", "-5s", "1:75:00", "1:2:3:4", "5s ago", "x:00",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(Duration::parse("-5s").unwrap_err().contains("negative"));
    }

    #[test]
    fn displays_the_shortest_form() {
        for text in ["1h30m", "20s", "1.5s", "0s", "2h", "1h0m5s"] {
            let d = Duration::parse(text).unwrap();
            assert_eq!(Duration::parse(&d.to_string()).unwrap(), d);
        }
        assert_eq!(Duration::parse("01:30:00").unwrap().to_string(), "1h30m");
    }
}
