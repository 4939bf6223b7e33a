//! The formats of a schedule's settings (`[[schedule]]` in lamctl.toml),
//! as the EventBridge Scheduler user guide gives them ("Schedule types"):
//! the expression, the time zone, the schedule's name.

/// `rate(VALUE UNIT)`, `cron(MIN HOUR DOM MONTH DOW YEAR)` or
/// `at(yyyy-mm-ddThh:mm:ss)`.
pub fn schedule_expression(e: &str) -> Result<(), String> {
    let inner = |p: &str| e.strip_prefix(p).and_then(|r| r.strip_suffix(')'));
    if let Some(r) = inner("rate(") {
        let bad = || {
            format!(
                "'{e}' is not a rate: use rate(VALUE UNIT), e.g. rate(5 minutes) or rate(1 hour)"
            )
        };
        let (n, unit) = r.split_once(' ').ok_or_else(bad)?;
        let n: u32 = n.parse().map_err(|_| bad())?;
        let ok = match n {
            0 => false,
            1 => matches!(unit, "minute" | "hour" | "day"),
            _ => matches!(unit, "minutes" | "hours" | "days"),
        };
        return ok.then_some(()).ok_or_else(bad);
    }
    if let Some(r) = inner("cron(") {
        let fields: Vec<&str> = r.split(' ').collect();
        let allowed = |f: &str| {
            !f.is_empty()
                && f.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ",-*?/LW#".contains(c))
        };
        if fields.len() != 6 || !fields.iter().all(|f| allowed(f)) {
            return Err(format!(
                "'{e}' is not a cron expression: use cron(MINUTES HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR), e.g. cron(0 12 * * ? *)"
            ));
        }
        // One of day-of-month and day-of-week must be `?`.
        if (fields[2] == "?") == (fields[4] == "?") {
            return Err(format!(
                "'{e}': one of day-of-month and day-of-week must be '?' (and only one)"
            ));
        }
        return Ok(());
    }
    if let Some(r) = inner("at(") {
        return r
            .parse::<jiff::civil::DateTime>()
            .ok()
            .filter(|_| r.len() == 19)
            .map(|_| ())
            .ok_or_else(|| {
                format!("'{e}' is not a one-time schedule: use at(yyyy-mm-ddThh:mm:ss)")
            });
    }
    Err(format!(
        "'{e}' is not a schedule expression: use rate(5 minutes), cron(0 12 * * ? *) or at(2030-01-01T09:00:00)"
    ))
}

/// An IANA time zone the time zone database knows (`Europe/Paris`).
pub fn time_zone(tz: &str) -> Result<(), String> {
    jiff::tz::db().get(tz).map(|_| ()).map_err(|_| {
        format!("'{tz}' is not an IANA time zone (e.g. UTC, Europe/Paris, America/New_York)")
    })
}

/// A schedule's name: 1-64 of `[0-9a-zA-Z-_.]`.
pub fn schedule_name(n: &str) -> Result<(), String> {
    let ok = !n.is_empty()
        && n.len() <= 64
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    ok.then_some(()).ok_or_else(|| {
        format!("invalid schedule name '{n}': 1-64 letters, digits, '-', '_' or '.'")
    })
}

/// The role lamctl creates for Scheduler to invoke `function` with
/// (IAM's 64 characters at most).
pub fn scheduler_role_name_for(function: &str) -> String {
    let mut n = format!("lamctl-{function}-scheduler");
    n.truncate(64);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_zones_and_names() {
        for good in [
            "rate(5 minutes)",
            "rate(1 hour)",
            "rate(2 days)",
            "cron(0 12 * * ? *)",
            "cron(15 10 ? * MON-FRI *)",
            "at(2030-01-01T09:00:00)",
        ] {
            assert!(schedule_expression(good).is_ok(), "{good}");
        }
        for bad in [
            "rate(0 minutes)",
            "rate(1 minutes)",
            "rate(5 minute)",
            "rate(5 weeks)",
            "cron(0 12 * * *)",
            "cron(0 12 * * 1 *)",
            "at(2030-01-01)",
            "every 5 minutes",
        ] {
            assert!(schedule_expression(bad).is_err(), "{bad}");
        }
        assert!(time_zone("Europe/Paris").is_ok());
        assert!(time_zone("UTC").is_ok());
        assert!(time_zone("Mars/Olympus").is_err());
        assert!(schedule_name("nightly-report").is_ok());
        assert!(schedule_name("a b").is_err());
        assert!(schedule_name(&"x".repeat(65)).is_err());
    }
}
