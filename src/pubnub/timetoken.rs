//! Timetokens: 17-digit counts of 100-nanosecond intervals since the Unix epoch.
//!
//! On the wire a timetoken is a JSON string (it exceeds JavaScript's safe integers); a few legacy
//! places send a bare number, so deserialising accepts both.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Local, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of timetoken units (100 ns) in one second.
pub const UNITS_PER_SECOND: u64 = 10_000_000;

/// A PubNub timetoken.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timetoken(pub u64);

impl Timetoken {
    /// The timetoken of the current wall-clock time.
    pub fn now() -> Self {
        Self::from_datetime(Utc::now())
    }

    /// The timetoken of a UTC instant (instants before 1970 become 0).
    pub fn from_datetime(at: DateTime<Utc>) -> Self {
        let nanos = at.timestamp_nanos_opt().unwrap_or(0).max(0) as u64;
        Self(nanos / 100)
    }

    /// The raw 100-ns count.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Whole Unix seconds.
    pub fn unix_seconds(self) -> i64 {
        (self.0 / UNITS_PER_SECOND) as i64
    }

    /// The UTC instant this timetoken stands for.
    pub fn to_utc(self) -> DateTime<Utc> {
        let secs = (self.0 / UNITS_PER_SECOND) as i64;
        let nanos = ((self.0 % UNITS_PER_SECOND) * 100) as u32;
        Utc.timestamp_opt(secs, nanos).single().unwrap_or_default()
    }

    /// Local time as `YYYY-MM-DD HH:MM:SS`, for human output.
    pub fn local_string(self) -> String {
        self.to_utc()
            .with_timezone(&Local)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }
}

impl fmt::Display for Timetoken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Timetoken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timetoken({})", self.0)
    }
}

/// Why a string is not a timetoken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a timetoken: {0:?} (expected up to 19 decimal digits)")]
pub struct ParseTimetokenError(pub String);

impl FromStr for Timetoken {
    type Err = ParseTimetokenError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseTimetokenError(s.to_string()));
        }
        t.parse::<u64>()
            .map(Timetoken)
            .map_err(|_| ParseTimetokenError(s.to_string()))
    }
}

impl From<u64> for Timetoken {
    fn from(v: u64) -> Self {
        Self(v)
    }
}

impl Serialize for Timetoken {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timetoken {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timetoken;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a timetoken as a string or a non-negative integer")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timetoken, E> {
                Ok(Timetoken(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timetoken, E> {
                u64::try_from(v)
                    .map(Timetoken)
                    .map_err(|_| E::custom("negative timetoken"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Timetoken, E> {
                if v >= 0.0 && v.fract() == 0.0 {
                    Ok(Timetoken(v as u64))
                } else {
                    Err(E::custom("timetoken is not a whole number"))
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timetoken, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_the_instant_a_recorded_response_was_sent() {
        // From a recorded cassette: timetoken 16075190358030554 was answered with
        // `Date: Wed, 09 Dec 2020 13:03:55 GMT`.
        let tt = Timetoken(16075190358030554);
        assert_eq!(
            tt.to_utc().format("%Y-%m-%d %H:%M:%S").to_string(),
            "2020-12-09 13:03:55"
        );
        assert_eq!(Timetoken::from_datetime(tt.to_utc()), tt);
    }

    #[test]
    fn serialises_as_a_string_and_reads_strings_and_numbers() {
        let tt = Timetoken(15610547826970050);
        assert_eq!(serde_json::to_string(&tt).unwrap(), "\"15610547826970050\"");
        let from_str: Timetoken = serde_json::from_str("\"15610547826970050\"").unwrap();
        let from_num: Timetoken = serde_json::from_str("15610547826970050").unwrap();
        assert_eq!(from_str, tt);
        assert_eq!(from_num, tt);
        assert!(serde_json::from_str::<Timetoken>("\"12ab\"").is_err());
        assert!(serde_json::from_str::<Timetoken>("-5").is_err());
    }

    #[test]
    fn parse_rejects_signs_and_blanks() {
        assert!("".parse::<Timetoken>().is_err());
        assert!("+1".parse::<Timetoken>().is_err());
        assert!("99999999999999999999".parse::<Timetoken>().is_err());
        assert_eq!("42".parse::<Timetoken>(), Ok(Timetoken(42)));
    }
}
