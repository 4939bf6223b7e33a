//! `lamctl logs [NAME]`: a function's CloudWatch log events for a time
//! window, every event once and in order; `-f` follows new ones through
//! CloudWatch Live Tail, or by polling FilterLogEvents where Live Tail is
//! not offered. Decisions are written down in docs/logs.md.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde::Serialize;

use super::Ctx;
use crate::aws::{AwsContext, Service};
use crate::cli::logs::{LogFormat, LogsArgs};
use crate::error::{Error, Result};
use crate::lambda::names::function_name as validate_function_name;
use crate::logfmt::{self, Marker};
use crate::output::{self, Ui, write_stdout};
use crate::timewin::{self, Clock};

impl LogsArgs {
    fn interval(&self) -> Duration {
        self.poll_interval.unwrap_or(DEFAULT_POLL_INTERVAL)
    }
}

/// One log event; with `--output json` one such object per line.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Milliseconds since the epoch.
    pub timestamp: i64,
    pub ingestion_time: i64,
    pub stream: String,
    /// Null for events that came through Live Tail (it sends no ids).
    pub event_id: Option<String>,
    pub message: String,
}

/// How long before the newest event a poll looks again, for events that
/// arrive late; they are de-duplicated by event id.
const LOOKBACK_MS: i64 = 5_000;
/// A Live Tail session that ends sooner than this is not a real one (an
/// emulator answers with one snapshot): follow by polling instead.
const SHORT_SESSION: Duration = Duration::from_secs(60);
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(30);

pub async fn run(ctx: &Ctx<'_>, args: &LogsArgs) -> Result<()> {
    // Check: every mistake in the input is reported before any AWS call.
    let now = timewin::now_ms();
    let since = args.since.resolve(now);
    let until = args.until.as_ref().map(|u| u.resolve(now));
    let clock = Clock::local();
    if let Some(u) = until
        && u < since
    {
        return Err(Error::usage(format!(
            "--until ({}) is before --since ({})",
            clock.format_with_zone(u),
            clock.format_with_zone(since)
        ))
        .with_hint("--until is the end of the window; relative values count back from now"));
    }
    if args.format.is_some() && ctx.ui.json() {
        return Err(Error::usage("--format applies to text output")
            .with_hint("--output json prints every field of each event, one object per line"));
    }
    if !args.follow {
        for (set, flag) in [
            (args.follow_for.is_some(), "--follow-for"),
            (args.poll, "--poll"),
            (args.poll_interval.is_some(), "--poll-interval"),
        ] {
            if set {
                return Err(
                    Error::usage(format!("{flag} only applies with -f/--follow"))
                        .with_hint(format!("add -f to follow new events, or leave out {flag}")),
                );
            }
        }
    }
    if args.interval() < Duration::from_millis(10) {
        return Err(Error::usage("--poll-interval must be at least 10ms"));
    }
    if let Some(id) = &args.request_id
        && (id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == '"'))
    {
        return Err(Error::usage(format!("'{id}' is not a request id"))
            .with_hint("request ids look like 6e3c6d04-5a54-4c2d-9d3b-0f2c1f6f1c11"));
    }
    if let Some(p) = &args.stream_prefix
        && p.is_empty()
    {
        return Err(Error::usage("--stream-prefix is empty"));
    }
    let source = match &args.log_group {
        Some(g) if g.trim().is_empty() => return Err(Error::usage("--log-group is empty")),
        Some(g) => GroupSource::Given(g.clone()),
        None => {
            let name = args
                .name
                .clone()
                .or_else(|| ctx.project.as_ref().and_then(|p| p.file.name.clone()))
                .ok_or_else(|| {
                    Error::usage("no function given").with_hint(
                        "name one (lamctl logs NAME), set `name` in lamctl.toml, or pass --log-group GROUP",
                    )
                })?;
            validate_function_name(&name).map_err(Error::usage)?;
            GroupSource::Function(name)
        }
    };
    let qualifier = match args.qualifier.as_deref() {
        None => None,
        Some(q) => Some(Qualifier::parse(q, &source)?),
    };

    // Resolve: the log group, and the versions a qualifier stands for.
    let aws = ctx.aws().await?;
    let client = aws.logs().await;
    let (group, group_origin) = resolve_group(ctx, &aws, &source).await?;
    let versions = match &qualifier {
        None => Vec::new(),
        Some(Qualifier::Versions(v)) => v.clone(),
        Some(Qualifier::Alias(a)) => resolve_alias(ctx, &aws, &source, a).await?,
    };
    let streams = match (&args.stream_prefix, versions.is_empty()) {
        (Some(p), _) => StreamSelect::Prefix(p.clone()),
        (None, false) => StreamSelect::Versions(versions),
        (None, true) => StreamSelect::All,
    };
    ctx.ui.detail(format!(
        "log group {group} ({group_origin}), from {}{}",
        clock.format_with_zone(since),
        match until {
            Some(u) => format!(" to {}", clock.format_with_zone(u)),
            None if args.follow => ", following".to_string(),
            None => " to now".to_string(),
        }
    ));

    let reader = Reader {
        aws: &aws,
        client: &client,
        group: &group,
        group_origin: &group_origin,
        from_function: matches!(source, GroupSource::Function(_)),
        filter: args.filter.as_deref(),
        streams,
    };
    let mut printer = Printer::new(ctx, args, clock);

    // Act and report: each batch is printed (and flushed) as soon as it is known.
    if let Some(id) = &args.request_id {
        return request_id(ctx, &reader, &mut printer, args, id, since, until).await;
    }
    if !args.follow {
        let events = reader.read(since, until).await?;
        ctx.ui.detail(format!("{} events", events.len()));
        return printer.print(&events);
    }
    follow(ctx, &reader, &mut printer, args, since, until).await
}

// ---------------------------------------------------------------- resolve

enum GroupSource {
    Given(String),
    Function(String),
}

enum Qualifier {
    Versions(Vec<String>),
    Alias(String),
}

impl Qualifier {
    fn parse(q: &str, source: &GroupSource) -> Result<Qualifier> {
        if q == "$LATEST" || (!q.is_empty() && q.chars().all(|c| c.is_ascii_digit())) {
            return Ok(Qualifier::Versions(vec![q.to_string()]));
        }
        let alias_like = !q.is_empty()
            && q.len() <= 128
            && q.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !alias_like {
            return Err(Error::usage(format!(
                "--qualifier '{q}' is not a version number, $LATEST or an alias name"
            )));
        }
        if matches!(source, GroupSource::Given(_)) {
            return Err(Error::usage(format!(
                "--qualifier '{q}' is an alias, which needs a function to resolve"
            ))
            .with_hint("name the function instead of --log-group, or give a version number"));
        }
        Ok(Qualifier::Alias(q.to_string()))
    }
}

/// The function's own log group: its LoggingConfig's when custom, else
/// `/aws/lambda/NAME`. Returns the group and where it came from.
async fn resolve_group(
    ctx: &Ctx<'_>,
    aws: &AwsContext,
    source: &GroupSource,
) -> Result<(String, String)> {
    let name = match source {
        GroupSource::Given(g) => return Ok((g.clone(), "from --log-group".into())),
        GroupSource::Function(n) => n,
    };
    let conf = aws
        .lambda()
        .await
        .get_function_configuration()
        .function_name(name)
        .send()
        .await
        .map_err(|e| {
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception())
            {
                function_not_found(aws, name)
            } else {
                aws.error(Service::Lambda, "GetFunctionConfiguration", e)
            }
        })?;
    let fname = conf.function_name().unwrap_or(name).to_string();
    let custom = conf
        .logging_config()
        .and_then(|l| l.log_group())
        .filter(|g| !g.is_empty());
    ctx.ui.detail(format!(
        "function {fname}: log format {}",
        conf.logging_config()
            .and_then(|l| l.log_format())
            .map_or("Text", |f| f.as_str())
    ));
    Ok(match custom {
        Some(g) => (
            g.to_string(),
            format!("the LoggingConfig of function {fname}"),
        ),
        None => (
            format!("/aws/lambda/{fname}"),
            format!("the default of function {fname}"),
        ),
    })
}

fn function_not_found(aws: &AwsContext, name: &str) -> Error {
    Error::Aws {
        message: format!("function '{name}' not found in {}", aws.region.value),
        hint: Some(format!(
            "check the name and the region (from {}); `lamctl whoami` shows where calls go",
            aws.region.from
        )),
        code: None,
        status: None,
    }
}

/// An alias stands for one version, or two while traffic is shifted.
async fn resolve_alias(
    ctx: &Ctx<'_>,
    aws: &AwsContext,
    source: &GroupSource,
    alias: &str,
) -> Result<Vec<String>> {
    let GroupSource::Function(name) = source else {
        unreachable!("checked in Qualifier::parse")
    };
    let a = aws
        .lambda()
        .await
        .get_alias()
        .function_name(name)
        .name(alias)
        .send()
        .await
        .map_err(|e| {
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception())
            {
                Error::Aws {
                    message: format!(
                        "alias '{alias}' of function '{name}' not found in {}",
                        aws.region.value
                    ),
                    hint: Some("--qualifier takes a version number, $LATEST or an alias".into()),
                    code: None,
                    status: None,
                }
            } else {
                aws.error(Service::Lambda, "GetAlias", e)
            }
        })?;
    let mut versions: Vec<String> = a.function_version().into_iter().map(String::from).collect();
    if let Some(w) = a
        .routing_config()
        .and_then(|r| r.additional_version_weights())
    {
        versions.extend(w.keys().cloned());
    }
    ctx.ui.detail(format!(
        "alias {alias} points at version {}",
        versions.join(" and ")
    ));
    Ok(versions)
}

// ---------------------------------------------------------------- reading

/// Which log streams are read. Lambda names them `YYYY/MM/DD/[VERSION]id`
/// (the UTC day the execution environment started).
#[derive(Debug, Clone)]
enum StreamSelect {
    All,
    Prefix(String),
    /// One prefix per version and UTC day of the window, starting the day
    /// before it (an environment started before midnight logs after it).
    Versions(Vec<String>),
}

impl StreamSelect {
    fn prefixes(&self, from_ms: i64, to_ms: i64) -> Vec<Option<String>> {
        match self {
            StreamSelect::All => vec![None],
            StreamSelect::Prefix(p) => vec![Some(p.clone())],
            StreamSelect::Versions(vs) => {
                let days = timewin::utc_days(from_ms - 86_400_000, to_ms.max(from_ms));
                vs.iter()
                    .flat_map(|v| days.iter().map(move |d| Some(format!("{d}/[{v}]"))))
                    .collect()
            }
        }
    }
}

struct Reader<'a> {
    aws: &'a AwsContext,
    client: &'a Client,
    group: &'a str,
    group_origin: &'a str,
    /// The group is a function's (not --log-group).
    from_function: bool,
    filter: Option<&'a str>,
    streams: StreamSelect,
}

impl Reader<'_> {
    /// Every event of the window, once, sorted.
    async fn read(&self, start: i64, end: Option<i64>) -> Result<Vec<Event>> {
        let to = end.unwrap_or_else(timewin::now_ms);
        let prefixes = self.streams.prefixes(start, to);
        self.fetch(&prefixes, None, start, end, self.filter).await
    }

    /// FilterLogEvents for each prefix, pagination followed to the end,
    /// merged by timestamp (ties: ingestion time, then event id).
    async fn fetch(
        &self,
        prefixes: &[Option<String>],
        stream: Option<&str>,
        start: i64,
        end: Option<i64>,
        filter: Option<&str>,
    ) -> Result<Vec<Event>> {
        let mut out = Vec::new();
        let mut ids = HashSet::new();
        for prefix in prefixes {
            let mut token: Option<String> = None;
            let mut pages = 0usize;
            loop {
                let resp = self
                    .client
                    .filter_log_events()
                    .log_group_name(self.group)
                    .start_time(start)
                    .set_end_time(end)
                    .set_filter_pattern(filter.map(String::from))
                    .set_log_stream_name_prefix(prefix.clone())
                    .set_log_stream_names(stream.map(|s| vec![s.to_string()]))
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .map_err(|e| {
                        if e.as_service_error()
                            .is_some_and(|s| s.is_resource_not_found_exception())
                        {
                            self.group_not_found()
                        } else {
                            self.aws.error(Service::Logs, "FilterLogEvents", e)
                        }
                    })?;
                pages += 1;
                for e in resp.events() {
                    let stream_name = e.log_stream_name().unwrap_or_default();
                    // Emulators may ignore the prefix; AWS applies it.
                    if let Some(p) = prefix
                        && !stream_name.starts_with(p.as_str())
                    {
                        continue;
                    }
                    if let Some(id) = e.event_id()
                        && !ids.insert(id.to_string())
                    {
                        continue;
                    }
                    out.push(Event {
                        timestamp: e.timestamp().unwrap_or_default(),
                        ingestion_time: e.ingestion_time().unwrap_or_default(),
                        stream: stream_name.to_string(),
                        event_id: e.event_id().map(String::from),
                        message: e.message().unwrap_or_default().to_string(),
                    });
                }
                match resp.next_token() {
                    // A token repeated means the service has nothing more.
                    Some(t) if !t.is_empty() && token.as_deref() != Some(t) => {
                        token = Some(t.to_string())
                    }
                    _ => break,
                }
            }
            tracing::debug!(
                "FilterLogEvents {} prefix {:?}: {pages} pages",
                self.group,
                prefix
            );
        }
        sort_events(&mut out);
        Ok(out)
    }

    fn group_not_found(&self) -> Error {
        Error::Aws {
            message: format!(
                "log group '{}' does not exist in {}",
                self.group, self.aws.region.value
            ),
            hint: Some(if self.from_function {
                format!(
                    "it is {}; Lambda creates it at the first invocation that logs (the role needs logs:CreateLogGroup)",
                    self.group_origin
                )
            } else {
                "check the name; `aws logs describe-log-groups` lists them".into()
            }),
            code: None,
            status: None,
        }
    }

    /// The group's ARN, which StartLiveTail needs.
    async fn group_arn(&self) -> std::result::Result<String, String> {
        let resp = self
            .client
            .describe_log_groups()
            .log_group_name_prefix(self.group)
            .send()
            .await
            .map_err(|e| {
                crate::error::chain(&self.aws.error(Service::Logs, "DescribeLogGroups", e))
            })?;
        let g = resp
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(self.group))
            .ok_or_else(|| "no such group".to_string())?;
        g.log_group_arn()
            .map(String::from)
            .or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_string()))
            .ok_or_else(|| "DescribeLogGroups returned no ARN".to_string())
    }
}

fn sort_events(events: &mut [Event]) {
    // Event ids are decimal strings: shorter means smaller.
    events.sort_by(|a, b| {
        (a.timestamp, a.ingestion_time)
            .cmp(&(b.timestamp, b.ingestion_time))
            .then_with(|| {
                let (x, y) = (
                    a.event_id.as_deref().unwrap_or(""),
                    b.event_id.as_deref().unwrap_or(""),
                );
                (x.len(), x).cmp(&(y.len(), y))
            })
    });
}

// ---------------------------------------------------------------- request id

/// One invocation: the lines of its log stream from START to REPORT
/// (an execution environment runs one invocation at a time).
async fn request_id(
    ctx: &Ctx<'_>,
    reader: &Reader<'_>,
    printer: &mut Printer,
    args: &LogsArgs,
    id: &str,
    since: i64,
    until: Option<i64>,
) -> Result<()> {
    let started = Instant::now();
    let deadline = follow_deadline(args, until);
    if args.follow {
        ctx.ui.detail(format!(
            "following request {id} by polling FilterLogEvents every {} until its REPORT line",
            secs(args.interval())
        ));
    }
    let mut printed: HashSet<String> = HashSet::new();
    loop {
        let last = !args.follow || deadline.is_some_and(|d| started.elapsed() >= d);
        let (events, complete) = invocation(ctx, reader, id, since, until).await?;
        let fresh: Vec<Event> = events
            .into_iter()
            .filter(|e| {
                e.event_id
                    .as_ref()
                    .is_none_or(|i| printed.insert(i.clone()))
            })
            .collect();
        printer.print(&fresh)?;
        if last || complete {
            if printed.is_empty() {
                ctx.ui.note(format!(
                    "no log events of request {id} in {} in this window (widen it with --since)",
                    reader.group
                ));
            }
            return Ok(());
        }
        // At the deadline, one last look, then stop.
        let wait = match deadline {
            Some(d) => args.interval().min(d.saturating_sub(started.elapsed())),
            None => args.interval(),
        };
        tokio::time::sleep(wait).await;
    }
}

/// The invocation's events so far, and whether its REPORT line is among them.
async fn invocation(
    ctx: &Ctx<'_>,
    reader: &Reader<'_>,
    id: &str,
    since: i64,
    until: Option<i64>,
) -> Result<(Vec<Event>, bool)> {
    // Find its lines: every one carries the id (text START/END/REPORT and
    // runtime lines, JSON "requestId").
    let to = until.unwrap_or_else(timewin::now_ms);
    let prefixes = reader.streams.prefixes(since, to);
    let quoted = format!("\"{id}\"");
    let mentions: Vec<Event> = reader
        .fetch(&prefixes, None, since, until, Some(&quoted))
        .await?
        .into_iter()
        .filter(|e| e.message.contains(id))
        .collect();
    let is =
        |e: &Event, m: Marker| logfmt::marker(&e.message).is_some_and(|(k, i)| k == m && i == id);
    let Some(first) = mentions
        .iter()
        .find(|e| is(e, Marker::Start))
        .or_else(|| mentions.first())
        .cloned()
    else {
        return Ok((Vec::new(), false));
    };
    if !is(&first, Marker::Start) {
        ctx.ui.detail(format!(
            "the START line of {id} is before the window; showing from its first line in it"
        ));
    }
    let report = mentions
        .iter()
        .find(|e| {
            e.stream == first.stream && is(e, Marker::Report) && e.timestamp >= first.timestamp
        })
        .cloned();

    // Everything in its stream between the two.
    let end = report.as_ref().map(|r| r.timestamp).or(until);
    let all = reader
        .fetch(&[None], Some(&first.stream), first.timestamp, end, None)
        .await?;
    let from = all
        .iter()
        .position(|e| e.event_id == first.event_id)
        .unwrap_or(0);
    let mut slice = Vec::new();
    for e in &all[from..] {
        if slice.is_empty()
            || !matches!(logfmt::marker(&e.message), Some((Marker::Start, ref other)) if other != id)
        {
            slice.push(e.clone());
        } else {
            break; // The next invocation began and this one never reported.
        }
        if report.as_ref().is_some_and(|r| r.event_id == e.event_id) {
            break;
        }
    }
    let complete = report.is_some();
    if let Some(f) = reader.filter {
        // Narrow the invocation's lines with the user's pattern, server-side.
        let keep: HashSet<Option<String>> = reader
            .fetch(&[None], Some(&first.stream), first.timestamp, end, Some(f))
            .await?
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        slice.retain(|e| keep.contains(&e.event_id));
    }
    Ok((slice, complete))
}

// ---------------------------------------------------------------- follow

fn follow_deadline(args: &LogsArgs, until: Option<i64>) -> Option<Duration> {
    let to_until =
        until.map(|u| Duration::from_millis(u.saturating_sub(timewin::now_ms()).max(0) as u64));
    match (args.follow_for, to_until) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What has been printed, so no event is printed twice across polls and
/// across Live Tail (which sends no event ids) and FilterLogEvents.
#[derive(Default)]
struct Seen {
    /// Event id -> timestamp.
    ids: HashMap<String, i64>,
    /// Content keys of events printed from FilterLogEvents, for Live Tail.
    polled: HashMap<u64, (u32, i64)>,
    /// Content keys of events printed from Live Tail, for FilterLogEvents.
    live: HashMap<u64, (u32, i64)>,
    newest: Option<i64>,
}

fn content_key(e: &Event) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&e.stream, e.timestamp, e.ingestion_time, &e.message).hash(&mut h);
    h.finish()
}

fn take(map: &mut HashMap<u64, (u32, i64)>, k: u64) -> bool {
    match map.get_mut(&k) {
        Some((n, _)) if *n > 0 => {
            *n -= 1;
            if *n == 0 {
                map.remove(&k);
            }
            true
        }
        _ => false,
    }
}

fn bump(map: &mut HashMap<u64, (u32, i64)>, k: u64, ts: i64) {
    map.entry(k).or_insert((0, ts)).0 += 1;
}

impl Seen {
    fn admit_polled(&mut self, e: &Event) -> bool {
        if let Some(id) = &e.event_id {
            if self.ids.contains_key(id) {
                return false;
            }
            self.ids.insert(id.clone(), e.timestamp);
        }
        let k = content_key(e);
        if take(&mut self.live, k) {
            return false;
        }
        bump(&mut self.polled, k, e.timestamp);
        self.saw(e.timestamp);
        true
    }

    fn admit_live(&mut self, e: &Event) -> bool {
        let k = content_key(e);
        if take(&mut self.polled, k) {
            return false;
        }
        bump(&mut self.live, k, e.timestamp);
        self.saw(e.timestamp);
        true
    }

    fn saw(&mut self, ts: i64) {
        self.newest = Some(self.newest.map_or(ts, |n| n.max(ts)));
    }

    /// Forget what a poll starting at `floor` can no longer return. While
    /// a Live Tail session runs, keep what polls printed: Live Tail may
    /// still send it (late arrivals; an emulator's snapshot of old events).
    fn prune(&mut self, floor: i64, live_tail: bool) {
        self.ids.retain(|_, ts| *ts >= floor);
        if !live_tail {
            self.polled.retain(|_, (_, ts)| *ts >= floor);
        }
        self.live.retain(|_, (_, ts)| *ts >= floor);
    }
}

struct Follower<'r, 'a> {
    reader: &'r Reader<'a>,
    since: i64,
    until: Option<i64>,
    seen: Seen,
    /// Where the next poll starts: only moves forward.
    floor: i64,
    /// A Live Tail session is running.
    live_tail: bool,
}

impl Follower<'_, '_> {
    /// One FilterLogEvents pass from the floor; prints what is new.
    async fn poll(&mut self, printer: &mut Printer) -> Result<()> {
        let events = self.reader.read(self.floor, self.until).await?;
        let fresh: Vec<Event> = events
            .into_iter()
            .filter(|e| self.seen.admit_polled(e))
            .collect();
        printer.print(&fresh)?;
        if let Some(newest) = self.seen.newest {
            let f = newest.min(timewin::now_ms()) - LOOKBACK_MS;
            self.floor = self.floor.max(f).max(self.since);
            self.seen.prune(self.floor, self.live_tail);
        }
        Ok(())
    }
}

async fn follow(
    ctx: &Ctx<'_>,
    reader: &Reader<'_>,
    printer: &mut Printer,
    args: &LogsArgs,
    since: i64,
    until: Option<i64>,
) -> Result<()> {
    let started = Instant::now();
    let deadline = follow_deadline(args, until);
    let mut f = Follower {
        reader,
        since,
        until,
        seen: Seen::default(),
        floor: since,
        live_tail: false,
    };
    if until.is_some_and(|u| u <= timewin::now_ms()) {
        ctx.ui.detail("--until is in the past: nothing to follow");
        return f.poll(printer).await;
    }

    // Live Tail first (so nothing written from now on is missed), then the window.
    let mut session = if args.poll {
        ctx.ui
            .detail("following by polling FilterLogEvents (--poll)");
        None
    } else {
        start_live_tail(ctx, reader).await?
    };
    f.live_tail = session.is_some();
    f.poll(printer).await?;

    let mut interval = args.interval();
    let mut sampled_warned = false;
    loop {
        let remaining = deadline.map(|d| d.saturating_sub(started.elapsed()));
        if remaining.is_some_and(|r| r.is_zero()) {
            break;
        }
        let stop = tokio::time::sleep(remaining.unwrap_or(Duration::from_secs(86_400 * 365)));
        tokio::pin!(stop);
        match session.as_mut() {
            Some(live) => {
                let next = tokio::select! {
                    r = live.stream.recv() => r,
                    _ = &mut stop => break,
                };
                match next {
                    Ok(Some(StartLiveTailResponseStream::SessionUpdate(u))) => {
                        if u.session_metadata().is_some_and(|m| m.sampled()) && !sampled_warned {
                            sampled_warned = true;
                            ctx.ui.warn("Live Tail is sampling this log group (over 500 events a second): some events are not shown; --poll shows every one");
                        }
                        let mut events: Vec<Event> = u
                            .session_results()
                            .iter()
                            .filter(|e| {
                                // Emulators may send other groups' events.
                                e.log_group_identifier()
                                    .is_none_or(|g| g == live.arn || g == reader.group)
                            })
                            .map(|e| Event {
                                timestamp: e.timestamp().unwrap_or_default(),
                                ingestion_time: e.ingestion_time().unwrap_or_default(),
                                stream: e.log_stream_name().unwrap_or_default().to_string(),
                                event_id: None,
                                message: e.message().unwrap_or_default().to_string(),
                            })
                            .filter(|e| {
                                (live.prefixes.is_empty()
                                    || live
                                        .prefixes
                                        .iter()
                                        .any(|p| e.stream.starts_with(p.as_str())))
                                    && e.timestamp >= since
                                    && until.is_none_or(|u| e.timestamp <= u)
                            })
                            .collect();
                        sort_events(&mut events);
                        let fresh: Vec<Event> = events
                            .into_iter()
                            .filter(|e| f.seen.admit_live(e))
                            .collect();
                        printer.print(&fresh)?;
                    }
                    Ok(Some(_)) => {}
                    end => {
                        let lasted = live.started.elapsed();
                        match end {
                            Err(e) => ctx.ui.detail(format!(
                                "the Live Tail session ended after {}: {}",
                                secs(lasted),
                                crate::error::chain(&e)
                            )),
                            _ => ctx.ui.detail(format!(
                                "the Live Tail session ended after {}",
                                secs(lasted)
                            )),
                        }
                        if lasted < SHORT_SESSION {
                            ctx.ui.detail(format!(
                                "following by polling FilterLogEvents every {}",
                                secs(interval)
                            ));
                            session = None;
                        } else {
                            // AWS ends sessions after 3 hours: start another,
                            // then fill the gap from FilterLogEvents.
                            session = start_live_tail(ctx, reader).await?;
                        }
                        f.live_tail = session.is_some();
                        f.poll(printer).await?;
                    }
                }
            }
            None => {
                tokio::select! {
                    _ = tokio::time::sleep(interval) => {}
                    _ = &mut stop => break,
                }
                match f.poll(printer).await {
                    Ok(()) => interval = args.interval(),
                    Err(e) if is_throttling(&e) => {
                        interval = (interval * 2).min(MAX_POLL_INTERVAL.max(args.interval()));
                        ctx.ui.detail(format!(
                            "FilterLogEvents is throttled: polling every {}",
                            secs(interval)
                        ));
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    // At --until, one last pass for events that arrived late; --follow-for just stops.
    if until.is_some_and(|u| u <= timewin::now_ms()) {
        f.poll(printer).await?;
    }
    ctx.ui.detail("stopped following");
    Ok(())
}

fn is_throttling(e: &Error) -> bool {
    matches!(e, Error::Aws { message, .. } if message.contains("ThrottlingException") || message.contains("Throttling:"))
}

fn secs(d: Duration) -> String {
    timewin::format_duration(Duration::from_millis(d.as_millis() as u64))
}

struct LiveSession {
    stream: aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver<
        StartLiveTailResponseStream,
        aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError,
    >,
    arn: String,
    prefixes: Vec<String>,
    started: Instant,
}

/// Start a Live Tail session, or say why not (with -v) and return None so
/// the caller polls. A group that does not exist is an error.
async fn start_live_tail(ctx: &Ctx<'_>, reader: &Reader<'_>) -> Result<Option<LiveSession>> {
    let arn = match reader.group_arn().await {
        Ok(a) => a,
        Err(e) if e == "no such group" => return Err(reader.group_not_found()),
        Err(e) => {
            ctx.ui.detail(format!(
                "cannot use Live Tail ({e}); following by polling FilterLogEvents"
            ));
            return Ok(None);
        }
    };
    let now = timewin::now_ms();
    let prefixes: Vec<String> = match &reader.streams {
        StreamSelect::All => Vec::new(),
        StreamSelect::Prefix(p) => vec![p.clone()],
        // Sessions last up to 3 hours: yesterday's environments to tomorrow's.
        StreamSelect::Versions(_) => reader
            .streams
            .prefixes(now, now + 86_400_000)
            .into_iter()
            .flatten()
            .collect(),
    };
    let custom = reader.aws.endpoint_for(Service::Logs).is_some();
    let mut req = reader
        .client
        .start_live_tail()
        .log_group_identifiers(&arn)
        .set_log_stream_name_prefixes((!prefixes.is_empty()).then(|| prefixes.clone()))
        .set_log_event_filter_pattern(reader.filter.map(String::from))
        .customize();
    if custom {
        // The SDK sends StartLiveTail to a `stream-` host, which a custom
        // endpoint (an emulator on 127.0.0.1) does not have.
        req = req.interceptor(NoHostPrefix);
    }
    let started = Instant::now();
    let attempt = async {
        let out = req.send().await.map_err(|e| {
            crate::error::chain(&reader.aws.error(Service::Logs, "StartLiveTail", e))
        })?;
        let mut stream = out.response_stream;
        // The session is on once the service says so.
        match stream.recv().await {
            Ok(Some(StartLiveTailResponseStream::SessionStart(_))) => Ok(stream),
            Ok(Some(_)) => Err("the first message was not a session start".to_string()),
            Ok(None) => Err("the stream ended at once".to_string()),
            Err(e) => Err(crate::error::chain(&e)),
        }
    };
    match tokio::time::timeout(reader.aws.read_timeout(), attempt).await {
        Ok(Ok(stream)) => {
            ctx.ui.detail(format!(
                "following with CloudWatch Live Tail ({})",
                reader.aws.endpoint_label(Service::Logs)
            ));
            Ok(Some(LiveSession {
                stream,
                arn,
                prefixes,
                started,
            }))
        }
        Ok(Err(e)) => {
            ctx.ui.detail(format!(
                "Live Tail is not available ({e}); following by polling FilterLogEvents"
            ));
            Ok(None)
        }
        Err(_) => {
            ctx.ui
                .detail("Live Tail did not start in time; following by polling FilterLogEvents");
            Ok(None)
        }
    }
}

/// Removes the host prefix the SDK puts on StartLiveTail's endpoint.
#[derive(Debug)]
struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        cfg.interceptor_state().unset::<EndpointPrefix>();
        Ok(())
    }
}

// ---------------------------------------------------------------- printing

struct Printer {
    json: bool,
    format: LogFormat,
    clock: Clock,
    /// Paints stdout (a terminal, or --color always).
    paint: Ui,
    buf: String,
}

impl Printer {
    fn new(ctx: &Ctx<'_>, args: &LogsArgs, clock: Clock) -> Self {
        // Colour follows stdout here (the log lines are the result).
        let paint = ctx.ui.for_stdout();
        Printer {
            json: ctx.ui.json(),
            format: args.format.unwrap_or(LogFormat::Short),
            clock,
            paint,
            buf: String::new(),
        }
    }

    /// Print a batch and flush it before lamctl waits for anything else.
    fn print(&mut self, events: &[Event]) -> Result<()> {
        for e in events {
            self.line(e)?;
            if self.buf.len() >= 64 * 1024 {
                self.flush()?;
            }
        }
        self.flush()
    }

    fn flush(&mut self) -> Result<()> {
        if !self.buf.is_empty() {
            write_stdout(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    fn line(&mut self, e: &Event) -> Result<()> {
        use std::fmt::Write;
        if self.json {
            let s = serde_json::to_string(e)
                .map_err(|err| Error::failed(format!("cannot render JSON: {err}")))?;
            self.buf.push_str(&s);
            self.buf.push('\n');
            return Ok(());
        }
        if self.format == LogFormat::Raw {
            // As stored, so JSON-format lines can go straight into jq.
            self.buf.push_str(e.message.trim_end_matches(['\n', '\r']));
            self.buf.push('\n');
            return Ok(());
        }
        let l = logfmt::render(&e.message);
        let p = &self.paint;
        let _ = write!(
            self.buf,
            "{} ",
            p.paint(output::DIM, self.clock.format(e.timestamp))
        );
        if self.format == LogFormat::Detailed {
            let _ = write!(self.buf, "{} ", p.paint(output::HINT, &e.stream));
        }
        if let Some(level) = &l.level {
            let style = match level.as_str() {
                "ERROR" | "FATAL" | "CRITICAL" => output::ERROR,
                "WARN" | "WARNING" => output::WARN,
                _ => output::BOLD,
            };
            let _ = write!(self.buf, "{} ", p.paint(style, level));
        }
        if l.platform {
            self.buf.push_str(&p.paint(output::DIM, &l.text));
        } else {
            self.buf.push_str(&l.text);
        }
        self.buf.push('\n');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, ing: i64, id: &str, msg: &str) -> Event {
        Event {
            timestamp: ts,
            ingestion_time: ing,
            stream: "s".into(),
            event_id: Some(id.into()),
            message: msg.into(),
        }
    }

    #[test]
    fn merge_order_is_timestamp_then_ingestion_then_id() {
        let mut v = vec![
            ev(2, 5, "10", "c"),
            ev(2, 5, "9", "b"),
            ev(1, 9, "11", "a"),
            ev(2, 4, "12", "b0"),
        ];
        sort_events(&mut v);
        let m: Vec<&str> = v.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(m, ["a", "b0", "b", "c"]);
    }

    #[test]
    fn seen_dedupes_across_polls_and_live_tail() {
        let mut s = Seen::default();
        let a = ev(1000, 1001, "1", "a");
        assert!(s.admit_polled(&a));
        assert!(!s.admit_polled(&a), "same id twice");
        // Two identical lines with different ids are two events.
        let b1 = ev(2000, 2001, "2", "same");
        let b2 = ev(2000, 2001, "3", "same");
        assert!(s.admit_polled(&b1) && s.admit_polled(&b2));
        // Live Tail's copy of a polled event (no id) is not printed again.
        let mut live_a = a.clone();
        live_a.event_id = None;
        assert!(!s.admit_live(&live_a));
        // A Live Tail event later seen by a poll is not printed again either.
        let mut c = ev(3000, 3001, "4", "c");
        c.event_id = None;
        assert!(s.admit_live(&c));
        c.event_id = Some("4".into());
        assert!(!s.admit_polled(&c));
        s.prune(2500, false);
        assert!(!s.ids.contains_key("1") && s.ids.contains_key("4"));
    }

    #[test]
    fn qualifier_prefixes_cover_the_day_before() {
        let sel = StreamSelect::Versions(vec!["3".into(), "$LATEST".into()]);
        let noon = 1_714_564_800_000; // 2024-05-01 12:00 UTC
        let p: Vec<String> = sel.prefixes(noon, noon).into_iter().flatten().collect();
        assert_eq!(
            p,
            [
                "2024/04/30/[3]",
                "2024/05/01/[3]",
                "2024/04/30/[$LATEST]",
                "2024/05/01/[$LATEST]"
            ]
        );
    }
}
