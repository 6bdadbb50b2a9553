//! Wall-clock timestamps in the formats the programs print. Always UTC: a
//! `FROM scratch` image has no zoneinfo, so Go and nginx print UTC there too.

use std::time::{SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// A UTC calendar time, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcTime {
    /// The year, e.g. 2006.
    pub year: i64,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
    /// The hour, 0 to 23.
    pub hour: u32,
    /// The minute, 0 to 59.
    pub minute: u32,
    /// The second, 0 to 59.
    pub second: u32,
    /// The day of the week, 0 (Sunday) to 6.
    pub weekday: u32,
}

impl UtcTime {
    /// The time now.
    pub fn now() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        Self::from_unix(i64::try_from(secs).unwrap_or(0))
    }

    /// The calendar time `secs` seconds after the Unix epoch.
    pub fn from_unix(secs: i64) -> Self {
        let days = secs.div_euclid(86_400);
        let of_day = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: (of_day / 3600) as u32,
            minute: (of_day / 60 % 60) as u32,
            second: (of_day % 60) as u32,
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    /// Go's `log` prefix (without the trailing space): `2006/01/02 15:04:05`.
    pub fn go_log(self) -> String {
        format!(
            "{}/{:02}/{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// nginx's `$time_local` in UTC: `02/Jan/2006:15:04:05 +0000`.
    pub fn nginx_local(self) -> String {
        format!(
            "{:02}/{}/{}:{:02}:{:02}:{:02} +0000",
            self.day,
            self.month_name(),
            self.year,
            self.hour,
            self.minute,
            self.second
        )
    }

    /// An HTTP `Date` header's value: `Mon, 02 Jan 2006 15:04:05 GMT`.
    pub fn http_date(self) -> String {
        format!(
            "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
            WEEKDAYS[self.weekday as usize % 7],
            self.day,
            self.month_name(),
            self.year,
            self.hour,
            self.minute,
            self.second
        )
    }

    fn month_name(self) -> &'static str {
        MONTHS[(self.month as usize + 11) % 12]
    }
}

/// Year, month and day of the `days`th day after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's reference time, 2006-01-02T15:04:05Z, a Monday.
    const GO_REFERENCE: i64 = 1_136_214_245;

    #[test]
    fn go_log_prints_year_first_with_slashes() {
        assert_eq!(
            UtcTime::from_unix(GO_REFERENCE).go_log(),
            "2006/01/02 15:04:05"
        );
    }

    #[test]
    fn nginx_local_prints_day_month_name_and_utc_offset() {
        assert_eq!(
            UtcTime::from_unix(GO_REFERENCE).nginx_local(),
            "02/Jan/2006:15:04:05 +0000"
        );
    }

    #[test]
    fn http_date_is_imf_fixdate() {
        assert_eq!(
            UtcTime::from_unix(GO_REFERENCE).http_date(),
            "Mon, 02 Jan 2006 15:04:05 GMT"
        );
        assert_eq!(
            UtcTime::from_unix(0).http_date(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }

    #[test]
    fn leap_days_and_year_ends_land_on_the_right_date() {
        // 2024-02-29T23:59:59Z and the second after it.
        let leap = UtcTime::from_unix(1_709_251_199);
        assert_eq!((leap.year, leap.month, leap.day), (2024, 2, 29));
        let march = UtcTime::from_unix(1_709_251_200);
        assert_eq!((march.month, march.day, march.hour), (3, 1, 0));
        // 1999-12-31T23:59:59Z.
        assert_eq!(
            UtcTime::from_unix(946_684_799).go_log(),
            "1999/12/31 23:59:59"
        );
    }
}
