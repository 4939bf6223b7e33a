//! Points in time given on the command line (`--since`, `--until`):
//! a duration ago (`30s`, `5m`, `2h`, `1d`, `1h30m`) or an absolute time
//! (RFC 3339, `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DD`), local time unless a
//! zone is given. Parsed by clap (a bad value is a usage error, exit 2)
//! and resolved against one `now`, so `--since 5m --until 1m` is exact.

use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned, civil};

/// A time as the user wrote it.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeArg {
    /// This long before now.
    Ago(Duration),
    /// An absolute instant.
    At(Timestamp),
    Now,
}

const FORMS: &str = "use a duration such as 30s, 5m, 2h, 1d, or a time such as \
                     2024-05-01 12:00, 2024-05-01T12:00:00Z or 2024-05-01T12:00:00+02:00";

/// clap value parser.
pub fn parse_time_arg(s: &str) -> Result<TimeArg, String> {
    parse_in(s, &TimeZone::system())
}

/// Parse with local times read in `tz` (a seam for tests).
pub fn parse_in(s: &str, tz: &TimeZone) -> Result<TimeArg, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("'{s}' is empty: {FORMS}"));
    }
    if t.eq_ignore_ascii_case("now") {
        return Ok(TimeArg::Now);
    }
    // A duration starts with a digit and has no '-' or ':' (dates do).
    if t.starts_with(|c: char| c.is_ascii_digit()) && !t.contains(['-', ':']) {
        return parse_span(t)
            .map(TimeArg::Ago)
            .map_err(|e| format!("'{s}' is not a duration ({e}): {FORMS}"));
    }
    // With an IANA zone annotation: 2024-05-01T12:00[Europe/Paris].
    // A zone that does not parse is an error, never read as local time.
    if t.ends_with(']') {
        return match t.parse::<Zoned>() {
            Ok(z) => Ok(TimeArg::At(z.timestamp())),
            Err(e) => {
                let zone = t
                    .rsplit_once('[')
                    .map_or("", |(_, z)| z.trim_end_matches(']'));
                if jiff::tz::db().get(zone).is_err() {
                    Err(format!(
                        "'{s}': unknown time zone '{zone}'; use an IANA name such as Europe/Paris or America/New_York"
                    ))
                } else {
                    Err(format!(
                        "'{s}' is not a time ({}): {FORMS}",
                        short_error(&e)
                    ))
                }
            }
        };
    }
    // With an offset or Z: RFC 3339 (a space instead of T is accepted).
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(TimeArg::At(ts));
    }
    // Without a zone: local time.
    let civil = t.parse::<civil::DateTime>().or_else(|_| {
        t.parse::<civil::Date>()
            .map(|d| d.to_datetime(civil::Time::midnight()))
    });
    match civil {
        Ok(dt) => dt
            .to_zoned(tz.clone())
            .map(|z| TimeArg::At(z.timestamp()))
            .map_err(|e| format!("'{s}' is not a valid local time: {e}")),
        Err(_) => Err(format!("'{s}' is not a time: {FORMS}")),
    }
}

/// A duration such as `30s`, `5m`, `1h30m`, `250ms` or `1d` (a day is 24
/// hours): the one duration parser of every flag.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    parse_span(s.trim()).map_err(|e| format!("'{s}' is not a duration ({e}); use e.g. 30s, 5m, 2h"))
}

fn parse_span(s: &str) -> Result<Duration, String> {
    let span: jiff::Span = s.parse().map_err(|e: jiff::Error| short_error(&e))?;
    let d = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|e| short_error(&e))?;
    Duration::try_from(d).map_err(|_| "a duration cannot be negative".to_string())
}

/// jiff's message without its "failed to parse … format:" preamble.
fn short_error(e: &jiff::Error) -> String {
    let text = e.to_string();
    match text.split_once("format: ") {
        Some((_, rest)) => rest.to_string(),
        None => text,
    }
}

/// `15m`, `1h 30m`, `250ms`: how durations are written in messages.
pub fn format_duration(d: Duration) -> String {
    match jiff::SignedDuration::try_from(d) {
        Ok(d) => format!("{d:#}"),
        Err(_) => format!("{}s", d.as_secs()),
    }
}

impl TimeArg {
    /// Milliseconds since the epoch, relative values counted back from `now_ms`.
    pub fn resolve(&self, now_ms: i64) -> i64 {
        match self {
            TimeArg::Ago(d) => {
                now_ms.saturating_sub(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            }
            TimeArg::At(ts) => ts.as_millisecond(),
            TimeArg::Now => now_ms,
        }
    }
}

pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

/// Renders epoch milliseconds in one time zone (the local one by default),
/// the same zone `--since`/`--until` read times in.
pub struct Clock {
    tz: TimeZone,
}

impl Clock {
    pub fn local() -> Self {
        Clock {
            tz: TimeZone::system(),
        }
    }

    pub fn in_zone(tz: TimeZone) -> Self {
        Clock { tz }
    }

    /// `2024-05-01 12:00:00.123`
    pub fn format(&self, ms: i64) -> String {
        match Timestamp::from_millisecond(ms) {
            Ok(ts) => ts
                .to_zoned(self.tz.clone())
                .strftime("%Y-%m-%d %H:%M:%S%.3f")
                .to_string(),
            Err(_) => ms.to_string(),
        }
    }

    /// `2024-05-01 12:00:00 +02:00`, for messages.
    pub fn format_with_zone(&self, ms: i64) -> String {
        match Timestamp::from_millisecond(ms) {
            Ok(ts) => ts
                .to_zoned(self.tz.clone())
                .strftime("%Y-%m-%d %H:%M:%S %:z")
                .to_string(),
            Err(_) => ms.to_string(),
        }
    }
}

/// UTC calendar days (`YYYY/MM/DD`, as Lambda names log streams) from the
/// day of `from_ms` to the day of `to_ms`, inclusive.
pub fn utc_days(from_ms: i64, to_ms: i64) -> Vec<String> {
    let day = |ms: i64| {
        Timestamp::from_millisecond(ms)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(TimeZone::UTC)
            .date()
    };
    let (mut d, last) = (day(from_ms), day(to_ms));
    let mut out = Vec::new();
    while d <= last {
        out.push(d.strftime("%Y/%m/%d").to_string());
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        // A fixed +02:00 so the tests do not depend on the machine's zone database.
        TimeZone::fixed(jiff::tz::offset(2))
    }

    fn at(s: &str) -> i64 {
        match parse_in(s, &paris()).unwrap() {
            TimeArg::At(t) => t.as_millisecond(),
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn durations_are_relative_to_one_now() {
        let now = 1_700_000_000_000;
        for (s, ms) in [
            ("30s", 30_000),
            ("5m", 300_000),
            ("2h", 7_200_000),
            ("1d", 86_400_000),
            ("1h30m", 5_400_000),
            ("250ms", 250),
        ] {
            assert_eq!(parse_in(s, &paris()).unwrap().resolve(now), now - ms, "{s}");
        }
        assert_eq!(parse_in("now", &paris()).unwrap().resolve(now), now);
    }

    #[test]
    fn absolute_times_local_unless_zoned() {
        let utc_noon = 1_714_564_800_000; // 2024-05-01T12:00:00Z
        assert_eq!(at("2024-05-01T12:00:00Z"), utc_noon);
        assert_eq!(at("2024-05-01 12:00:00Z"), utc_noon);
        assert_eq!(at("2024-05-01T14:00:00+02:00"), utc_noon);
        assert_eq!(at("2024-05-01T12:00:00.250Z"), utc_noon + 250);
        // No zone: local (+02:00 here).
        assert_eq!(at("2024-05-01 14:00"), utc_noon);
        assert_eq!(at("2024-05-01 14:00:30"), utc_noon + 30_000);
        assert_eq!(at("2024-05-01T14:00"), utc_noon);
        assert_eq!(at("2024-05-01"), utc_noon - 14 * 3_600_000);
    }

    #[test]
    fn bad_times_say_what_is_accepted() {
        for s in ["yesterday", "5 parsecs", "2024-13-01", "12:00", "", "10x"] {
            let e = parse_in(s, &paris()).unwrap_err();
            assert!(e.contains("use a duration such as 30s"), "{s}: {e}");
        }
    }

    #[test]
    fn days_cover_the_window() {
        let d = utc_days(1_714_564_800_000 - 86_400_000, 1_714_564_800_000);
        assert_eq!(d, ["2024/04/30", "2024/05/01"]);
        assert_eq!(utc_days(1_714_564_800_000, 1_714_564_800_000).len(), 1);
    }

    #[test]
    fn clock_formats_in_its_zone() {
        let c = Clock::in_zone(paris());
        assert_eq!(c.format(1_714_564_800_123), "2024-05-01 14:00:00.123");
        assert_eq!(
            c.format_with_zone(1_714_564_800_123),
            "2024-05-01 14:00:00 +02:00"
        );
    }
}
