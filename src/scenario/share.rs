//! Shares (fractions from 0 to 1), written as planners write them: `0.8` or `"80%"`. One
//! parser for scenario keys, CSV cells and command-line values.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A fraction from 0 to 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share(pub f64);

/// What a share may be written as, for messages.
pub const SHARE_HELP: &str =
    "give a fraction from 0 to 1 (0.8) or a percentage from 0% to 100% (80%)";

impl Share {
    /// `text` as a share: a number from 0 to 1, or a percentage from 0 % to 100 %.
    pub fn parse(text: &str) -> Result<Share, String> {
        let t = text.trim();
        let (number, scale) = match t.strip_suffix('%') {
            Some(p) => (p.trim_end(), 100.0),
            None => (t, 1.0),
        };
        match number.parse::<f64>() {
            Ok(x) => {
                Share::of(x / scale).map_err(|_| format!("\"{text}\" is not a share: {SHARE_HELP}"))
            }
            Err(_) => Err(format!("\"{text}\" is not a share: {SHARE_HELP}")),
        }
    }

    /// `x` as a share, if it is one.
    pub fn of(x: f64) -> Result<Share, String> {
        if (0.0..=1.0).contains(&x) {
            Ok(Share(x))
        } else {
            Err(format!("{x} is not a share: {SHARE_HELP}"))
        }
    }
}

impl std::str::FromStr for Share {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Share::parse(s)
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ShareVisitor;
        impl Visitor<'_> for ShareVisitor {
            type Value = Share;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a share: 0.8 or \"80%\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Share, E> {
                Share::parse(v).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Share, E> {
                Share::of(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Share, E> {
                Share::of(v as f64).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Share, E> {
                Share::of(v as f64).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(ShareVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_fractions_or_percentages() {
        for (text, x) in [
            ("0.8", 0.8),
            ("80%", 0.8),
            ("80 %", 0.8),
            ("0", 0.0),
            ("100%", 1.0),
        ] {
            assert_eq!(Share::parse(text), Ok(Share(x)), "{text}");
        }
        for bad in ["80", "180%", "-0.1", "x", "%", "NaN"] {
            assert!(Share::parse(bad).is_err(), "{bad}");
        }
    }
}
