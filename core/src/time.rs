//! Simulated time. Core never reads a clock: the host says what time it is
//! and advances it; everything here is arithmetic on that.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};

/// A point in simulated time: milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub i64);

impl SimTime {
    /// 2026-01-01T00:00:00Z: where tests start their clocks.
    pub const TEST_EPOCH: SimTime = SimTime(1_767_225_600_000);

    /// From whole seconds since the epoch.
    pub fn from_secs(secs: i64) -> Self {
        SimTime(secs.saturating_mul(1000))
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// This time plus `ms` milliseconds.
    pub fn plus_millis(self, ms: i64) -> Self {
        SimTime(self.0.saturating_add(ms))
    }

    /// This time plus `secs` seconds.
    pub fn plus_secs(self, secs: i64) -> Self {
        self.plus_millis(secs.saturating_mul(1000))
    }

    /// Milliseconds from `earlier` to `self` (negative when `earlier` is later).
    pub fn millis_since(self, earlier: SimTime) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// As a Kubernetes `Time` (second precision when serialised).
    pub fn to_time(self) -> Time {
        Time(self.to_timestamp())
    }

    /// As a Kubernetes `MicroTime`.
    pub fn to_micro_time(self) -> MicroTime {
        MicroTime(self.to_timestamp())
    }

    fn to_timestamp(self) -> k8s_openapi::jiff::Timestamp {
        k8s_openapi::jiff::Timestamp::from_millisecond(self.0)
            .unwrap_or(k8s_openapi::jiff::Timestamp::UNIX_EPOCH)
    }

    /// From a Kubernetes `Time`.
    pub fn from_time(time: &Time) -> Self {
        SimTime(time.0.as_millisecond())
    }
}

/// kubectl's `HumanDuration` (apimachinery `duration.HumanDuration`), used for
/// AGE columns and "(5s ago)": whole seconds, truncated.
pub fn human_duration(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    // Go truncates toward zero: -0.5s is 0s.
    let seconds = if millis < 0 && millis % 1000 != 0 {
        seconds + 1
    } else {
        seconds
    };
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        let d = hours / 24;
        return if h == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{h}h")
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let d = (hours / 24) % 365;
        let y = hours / 24 / 365;
        return if d == 0 {
            format!("{y}y")
        } else {
            format!("{y}y{d}d")
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_apimachinery() {
        let cases = [
            (-2_000, "<invalid>"),
            (-500, "0s"),
            (0, "0s"),
            (1_999, "1s"),
            (90_000, "90s"),
            (119_000, "119s"),
            (120_000, "2m"),
            (125_000, "2m5s"),
            (599_000, "9m59s"),
            (600_000, "10m"),
            (179 * 60_000, "179m"),
            (3 * 3_600_000, "3h"),
            (3 * 3_600_000 + 5 * 60_000, "3h5m"),
            (8 * 3_600_000, "8h"),
            (47 * 3_600_000, "47h"),
            (48 * 3_600_000, "2d"),
            (51 * 3_600_000, "2d3h"),
            (8 * 24 * 3_600_000, "8d"),
            (729 * 24 * 3_600_000, "729d"),
            (730 * 24 * 3_600_000, "2y"),
            (731 * 24 * 3_600_000, "2y1d"),
            (9 * 365 * 24 * 3_600_000, "9y"),
        ];
        for (millis, expected) in cases {
            assert_eq!(human_duration(millis), expected, "{millis} ms");
        }
    }

    #[test]
    fn times_serialise_at_second_precision() {
        let t = SimTime::TEST_EPOCH.plus_millis(1_500);
        assert_eq!(
            serde_json::to_value(t.to_time()).ok(),
            Some("2026-01-01T00:00:01Z".into())
        );
        assert_eq!(SimTime::from_time(&t.to_time()), t);
    }
}
