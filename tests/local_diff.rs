//! The differential suite: the official runtime client is the oracle. Each
//! case of a corpus of handlers (every JSON type, bytes and unicode results,
//! errors of every kind, context, environment, logging, init failures,
//! timeouts, exits) runs through `lamctl invoke --local --tail` twice: under
//! lamctl's embedded client and under AWS's own (`python -m awslambdaric`
//! against lamctl's Runtime API). Payload, error document (stack trace
//! included), exit code and every log line must be the same, once request
//! ids, timestamps, durations and memory figures are masked.
//!
//! Node.js: AWS's npm client (aws-lambda-ric) builds native code that does
//! not build on this machine, so the Node cases check the embedded client
//! against outputs taken from that client's source (see docs/local.md).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::harness::*;
use crate::local::*;

/// The corpus' handlers, in one module (`cases.NAME`).
const CASES_PY: &str = r#"
import decimal, json, logging, os, sys, time, collections

def ret_dict(e, c): return {"a": 1, "b": [1, 2.5, None, True, False], "c": "x", "d": {}}
def ret_str(e, c): return "hello"
def ret_empty_str(e, c): return ""
def ret_int(e, c): return 42
def ret_negative(e, c): return -7
def ret_float(e, c): return 1.5
def ret_big_int(e, c): return 2 ** 70
def ret_none(e, c): return None
def ret_true(e, c): return True
def ret_list(e, c): return [1, "two", {"three": 3}, [None]]
def ret_tuple(e, c): return (1, "a")
def ret_unicode(e, c): return {"text": "h\u00e9llo \u2713 \u65e5\u672c", "emoji": "\U0001F600"}
def ret_escapes(e, c): return "quote\" backslash\\ newline\n tab\t nul\x00"
def ret_bytes(e, c): return b"raw\x00bytes\xff"
def ret_decimal(e, c): return {"price": decimal.Decimal("1.10")}
def ret_nan(e, c): return [float("nan"), float("inf")]
def ret_set(e, c): return {1, 2}
def ret_object(e, c): return object()
def ret_namedtuple(e, c): return collections.namedtuple("P", "x y")(1, 2)
def echo(e, c): return e

class CustomError(Exception):
    pass

def inner(n):
    if n == 0:
        raise ValueError("deep inside")
    return inner(n - 1)

def raise_value(e, c): raise ValueError("bad value")
def raise_custom(e, c): raise CustomError("custom \u00e9")
def raise_empty(e, c): raise RuntimeError()
def raise_key(e, c): return {}["missing"]
def raise_deep(e, c): return inner(3)
def raise_assert(e, c): assert e == "never", "assertion message"
def raise_type(e, c): return len(5)
def raise_zero(e, c): return 1 / 0
def raise_chained(e, c):
    try:
        raise KeyError("first")
    except KeyError as k:
        raise ValueError("second") from k
def raise_multiline(e, c): raise ValueError("line one\nline two")
def exit_zero(e, c): sys.exit(0)
def exit_three(e, c): sys.exit(3)
def exit_message(e, c): raise SystemExit("leaving now")
def os_exit(e, c): os._exit(5)
def keyboard(e, c): raise KeyboardInterrupt()
not_callable = 5

def prints(e, c):
    print("plain print")
    print("no newline", end="")
    print(" continued")
    print("to stderr", file=sys.stderr)
    print("unicode \u00e9 \u2713")
    return "ok"

def logs(e, c):
    logging.debug("debug hidden")
    logging.info("info hidden")
    logging.warning("a warning %s", 1)
    logging.error("an error")
    logging.getLogger("named").critical("critical from a named logger")
    try:
        1 / 0
    except ZeroDivisionError:
        logging.exception("with a traceback")
    return "ok"

def logs_configured(e, c):
    logging.getLogger().setLevel(logging.INFO)
    logging.info("info shown")
    return "ok"

def context_log(e, c):
    c.log("via context.log\n")
    c.log("no newline")
    c.log(" then more\n")
    return "ok"

def context_fields(e, c):
    return {
        "function_name": c.function_name,
        "function_version": c.function_version,
        "memory_limit_in_mb": c.memory_limit_in_mb,
        "arn": c.invoked_function_arn,
        "log_group": c.log_group_name,
        "stream_prefix": c.log_stream_name[:11],
        "request_id_len": len(c.aws_request_id),
        "remaining_positive": 0 < c.get_remaining_time_in_millis() <= 3000,
        "identity": [c.identity.cognito_identity_id, c.identity.cognito_identity_pool_id],
        "client_context": c.client_context is None,
        "has_log": callable(getattr(c, "log", None)),
    }

def client_context(e, c):
    cc = c.client_context
    return {"custom": cc.custom, "env": cc.env, "client": cc.client.app_title if cc.client else None}

def environment(e, c):
    keys = ["_HANDLER", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_REGION", "AWS_DEFAULT_REGION", "TZ", "LANG", "PYTHONUNBUFFERED",
            "PYTHONDONTWRITEBYTECODE", "LAMBDA_RUNTIME_DIR", "CUSTOM"]
    out = {k: os.environ.get(k) for k in keys}
    out["task_root_is_cwd"] = os.environ["LAMBDA_TASK_ROOT"] == os.getcwd()
    out["trace_id"] = os.environ.get("_X_AMZN_TRACE_ID", "").startswith("Root=1-")
    out["api"] = ":" in os.environ["AWS_LAMBDA_RUNTIME_API"]
    out["stdout_unbuffered"] = type(sys.stdout).__name__
    return out

def sleeps(e, c):
    print("before sleeping")
    time.sleep(10)

def big_log(e, c):
    for i in range(300):
        print("line %03d %s" % (i, "x" * 40))
    return "ok"
"#;

/// Modules whose import fails, one per init failure.
const INIT_MODULES: &[(&str, &str)] = &[
    (
        "init_raise",
        "print('module level output')\nraise RuntimeError('init failed')\ndef handler(e, c): return 1\n",
    ),
    ("init_syntax", "def handler(e, c):\n    return (\n"),
    (
        "init_import",
        "import no_such_module_anywhere\ndef handler(e, c): return 1\n",
    ),
    (
        "init_exit",
        "import sys\nprint('exiting at import')\nsys.exit(2)\n",
    ),
    ("init_exit_zero", "import sys\nsys.exit(0)\n"),
    (
        "init_nested",
        "import helper_that_fails\ndef handler(e, c): return 1\n",
    ),
    ("no_handler", "def other(e, c): return 1\n"),
];

struct Case {
    name: String,
    handler: String,
    payload: &'static str,
    extra: Vec<&'static str>,
}

fn case(name: &str, handler: &str, payload: &'static str, extra: &[&'static str]) -> Case {
    Case {
        name: name.to_string(),
        handler: handler.to_string(),
        payload,
        extra: extra.to_vec(),
    }
}

fn corpus() -> Vec<Case> {
    let mut v = Vec::new();
    let handlers: Vec<&str> = CASES_PY
        .lines()
        .filter_map(|l| l.strip_prefix("def "))
        .map(|l| l.split('(').next().unwrap())
        .filter(|n| *n != "inner")
        .collect();
    for h in handlers {
        let mut extra: Vec<&'static str> = Vec::new();
        if h == "sleeps" {
            extra.extend(["--timeout", "1"]);
        }
        if h == "client_context" {
            extra.extend([
                "--client-context",
                r#"{"custom":{"k":"v"},"env":{"e":"1"},"client":{"app_title":"t"}}"#,
            ]);
        }
        if h == "environment" {
            extra.extend(["--env", "CUSTOM=from-flag"]);
        }
        v.push(case(h, &format!("cases.{h}"), "{}", &extra));
        // Python 3.12+ runtimes: non-ASCII text unescaped.
        if ["ret_unicode", "ret_escapes", "raise_custom", "environment"].contains(&h) {
            let mut e = extra.clone();
            e.extend(["--runtime", "python3.12"]);
            v.push(case(&format!("{h}@3.12"), &format!("cases.{h}"), "{}", &e));
        }
    }
    v.push(case("not_callable", "cases.not_callable", "{}", &[]));
    for (event, payload) in [
        ("event_string", r#""text""#),
        ("event_number", "3.25"),
        ("event_array", r#"[1, "a", null]"#),
        ("event_null", "null"),
        (
            "event_nested",
            r#"{"a": {"b": [true, false, {"c": "\u00e9"}]}}"#,
        ),
        ("event_unicode", r#"{"t": "日本 ✓"}"#),
    ] {
        v.push(case(event, "cases.echo", payload, &[]));
    }
    for (m, _) in INIT_MODULES {
        let handler = if *m == "no_handler" {
            "no_handler.handler".to_string()
        } else {
            format!("{m}.handler")
        };
        v.push(case(m, &handler, "{}", &[]));
    }
    v.push(case("missing_module", "not_there.handler", "{}", &[]));
    v.push(case("nested_module", "pkg/sub/mod.handler", "{}", &[]));
    v
}

/// Mask what differs between any two runs: ids, times, durations, memory.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // A UUID (8-4-4-4-12 hex).
        if i + 36 <= b.len() && is_uuid(&b[i..i + 36]) {
            out.push_str("<ID>");
            i += 36;
            continue;
        }
        // An ISO timestamp 2026-11-30T09:00:00.123Z (or with more digits).
        if i + 20 <= b.len() && is_timestamp(&b[i..]) {
            let mut j = i + 19;
            while j < b.len() && (b[j] == b'.' || b[j].is_ascii_digit()) {
                j += 1;
            }
            if j < b.len() && b[j] == b'Z' {
                j += 1;
            }
            out.push_str("<TS>");
            i = j;
            continue;
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    // Python's own report of an exception no client catches (SystemExit's
    // cousins) names the client's files: those frames are not the function's.
    let mut kept: Vec<&str> = Vec::new();
    let mut skip_code = false;
    for l in out.lines() {
        if skip_code && l.starts_with("    ") {
            continue;
        }
        skip_code = false;
        if l.starts_with("  File \"")
            && (l.contains("awslambdaric")
                || l.contains("/bootstrap.py")
                || l.contains("<string>")
                || l.contains("<frozen runpy>"))
        {
            skip_code = true;
            continue;
        }
        kept.push(l);
    }
    let kept: Vec<String> = kept.into_iter().map(runtime_frames).collect();
    // Figures in the platform lines.
    kept.iter()
        .map(|l| {
            if ["REPORT ", "INIT_REPORT "].iter().any(|p| l.starts_with(p)) {
                l.split('\t')
                    .map(|f| match f.split_once(": ") {
                        Some((k, v)) if v.ends_with(" ms") || v.ends_with(" MB") => {
                            format!("{k}: <N>")
                        }
                        _ => f.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("\t")
            } else if l.contains("Root=1-") {
                "<TRACE>".into()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one frame both clients keep when the handler cannot even be called
/// is their own file, named by its own path and line: masked, in the log's
/// form (`File "…"`) and the JSON document's (`File \"…\"`).
fn runtime_frames(l: &str) -> String {
    let mut out = String::new();
    let mut rest = l;
    while let Some(at) = rest.find("/bootstrap.py") {
        let head = &rest[..at];
        let Some(open) = head.rfind("File ") else {
            out.push_str(&rest[..at + 1]);
            rest = &rest[at + 1..];
            continue;
        };
        let quote = if head[open..].starts_with("File \\\"") {
            "\\\""
        } else {
            "\""
        };
        let after = &rest[at + "/bootstrap.py".len()..];
        let Some(tail) = after.strip_prefix(&format!("{quote}, line ")) else {
            out.push_str(&rest[..at + 1]);
            rest = &rest[at + 1..];
            continue;
        };
        let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(&head[..open]);
        out.push_str(&format!(
            "File {quote}<RUNTIME>/bootstrap.py{quote}, line <N>"
        ));
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

fn is_uuid(s: &[u8]) -> bool {
    s.iter().enumerate().all(|(i, c)| match i {
        8 | 13 | 18 | 23 => *c == b'-',
        _ => c.is_ascii_hexdigit() && !c.is_ascii_uppercase(),
    })
}

fn is_timestamp(s: &[u8]) -> bool {
    let pat = b"dddd-dd-ddTdd:dd:dd";
    s.len() >= pat.len()
        && pat.iter().zip(s).all(|(p, c)| match p {
            b'd' => c.is_ascii_digit(),
            p => p == c,
        })
}

fn function_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("cases.py"), CASES_PY).unwrap();
    for (m, code) in INIT_MODULES {
        std::fs::write(d.path().join(format!("{m}.py")), code).unwrap();
    }
    std::fs::write(
        d.path().join("helper_that_fails.py"),
        "def f():\n    raise ImportError('helper cannot load')\nf()\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.path().join("pkg/sub")).unwrap();
    std::fs::write(
        d.path().join("pkg/sub/mod.py"),
        "def handler(e, c): return 'nested'\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        "name = \"diff\"\nruntime = \"python3.11\"\nhandler = \"cases.ret_dict\"\n",
    )
    .unwrap();
    d
}

/// `lamctl invoke --local --tail` of case `c` in `dir` with the runtime
/// client `client`, with `bin` first on PATH and no AWS credentials.
fn invoke_local(dir: &Path, c: &Case, client: &str, bin: &Path) -> Out {
    // One cache for both clients: LAMBDA_RUNTIME_DIR is then the same path.
    let cache = dir.with_extension("cache");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let d = dir.to_string_lossy().into_owned();
    let mut args = vec![
        "invoke",
        "--local",
        "--tail",
        "--dir",
        &d,
        "--handler",
        &c.handler,
        "--runtime-client",
        client,
        "--payload",
        c.payload,
    ];
    args.extend(c.extra.iter().copied());
    lamctl(args)
        .env("PATH", path)
        .env("XDG_CACHE_HOME", &cache)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .run()
}

fn run(dir: &Path, c: &Case, client: &str) -> (i32, String, String) {
    let out = invoke_local(dir, c, client, &venv_bin());
    (
        out.code,
        normalize(&String::from_utf8_lossy(&out.stdout)),
        normalize(&out.stderr),
    )
}

/// Runs every case under both clients on 4 threads; one report per case
/// whose exit code, stdout or stderr differ.
fn differ(
    cases: &Arc<Vec<Case>>,
    dir: &Path,
    run: fn(&Path, &Case, &str) -> (i32, String, String),
) -> Vec<String> {
    let next = Arc::new(AtomicUsize::new(0));
    let dir_path = Arc::new(dir.to_path_buf());
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (cases, next, dir_path) =
                (Arc::clone(cases), Arc::clone(&next), Arc::clone(&dir_path));
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(c) = cases.get(i) else { break };
                    let official = run(&dir_path, c, "official");
                    let embedded = run(&dir_path, c, "embedded");
                    if official != embedded {
                        failures.push(format!(
                            "== case {}: exit {} (official) vs {} (embedded)\n-- official stdout:\n{}\n-- embedded stdout:\n{}\n-- official stderr:\n{}\n-- embedded stderr:\n{}",
                            c.name, official.0, embedded.0, official.1, embedded.1, official.2, embedded.2
                        ));
                    }
                }
                failures
            })
        })
        .collect();
    workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect()
}

#[test]
fn python_embedded_client_matches_awslambdaric() {
    let dir = function_dir();
    let cases = Arc::new(corpus());
    let failures = differ(&cases, dir.path(), run);
    eprintln!(
        "differential suite (Python): {} cases, {} differ",
        cases.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_normalizer_masks_only_what_varies() {
    let t = "START RequestId: 0f8fad5b-d9cb-469f-a165-70867728950e Version: $LATEST\n[ERROR]\t2026-11-30T09:00:00.123Z\tx\nREPORT RequestId: a\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 21 MB\t";
    assert_eq!(
        normalize(t),
        "START RequestId: <ID> Version: $LATEST\n[ERROR]\t<TS>\tx\nREPORT RequestId: a\tDuration: <N>\tBilled Duration: <N>\tMemory Size: <N>\tMax Memory Used: <N>\t"
    );
    assert_eq!(normalize("plain 12 ms"), "plain 12 ms");
}

// ---------------------------------------------------------------- Node.js

const CASES_JS: &str = r#"
const util = require("util");
exports.ret_object = async () => ({ a: 1, b: [1, 2.5, null, true, false], c: "x", d: {} });
exports.ret_string = async () => "hello";
exports.ret_number = async () => 42;
exports.ret_null = async () => null;
exports.ret_undefined = async () => undefined;
exports.ret_array = async () => [1, "two", { three: 3 }];
exports.ret_unicode = async () => ({ text: "h\u00e9llo \u2713 \u65e5\u672c \u{1F600}" });
exports.ret_bigint = async () => ({ n: 10n });
exports.ret_circular = async () => { const o = {}; o.o = o; return o; };
exports.ret_date = async () => ({ when: new Date(0) });
exports.echo = async (e) => e;
exports.promise_fn = (e) => Promise.resolve("from a promise");
exports.sync_value = (e) => 42;
exports.sync_throw = (e) => { throw new Error("sync boom"); };
exports.cb_value = (e, c, cb) => cb(null, { via: "callback" });
exports.cb_error = (e, c, cb) => cb(new TypeError("callback error"));
exports.cb_string_error = (e, c, cb) => cb("callback string");
exports.cb_waits = (e, c, cb) => { setTimeout(() => console.log("timer after callback"), 200); cb(null, "waited"); };
exports.cb_nowait = (e, c, cb) => { c.callbackWaitsForEmptyEventLoop = false; setTimeout(() => console.log("late timer"), 5000); cb(null, "did not wait"); };
exports.cb_twice = (e, c, cb) => { cb(null, "first"); cb(null, "second"); };
exports.succeed = (e, c) => c.succeed("via succeed");
exports.fail = (e, c) => c.fail(new Error("via fail"));
exports.fail_empty = (e, c) => c.fail();
exports.done_ok = (e, c) => c.done(null, "via done");
exports.done_err = (e, c) => c.done(new RangeError("via done"));
exports.throw_error = async () => { throw new Error("async boom"); };
exports.throw_type = async () => { null.x; };
exports.throw_custom = async () => { const e = new Error("with props"); e.name = "CustomError"; e.code = "E_CUSTOM"; e.extra = { a: 1 }; throw e; };
exports.throw_string = async () => { throw "a string"; };
exports.throw_object = async () => { throw { a: 1 }; };
exports.throw_null = async () => { throw null; };
exports.throw_undefined = async () => { throw undefined; };
exports.throw_number = async () => { throw 42; };
exports.throw_multiline = async () => { throw new Error("line one\nline two"); };
exports.throw_after_await = async () => { await null; throw new Error("after an await"); };
exports.throw_in_nested_async = async () => { const inner = async () => { await null; throw new Error("nested"); }; await inner(); };
exports.unhandled_rejection = async () => { Promise.reject(new Error("nobody catches")); await new Promise((r) => setTimeout(r, 100)); return "never"; };
exports.unhandled_rejection_string = async () => { Promise.reject("plain reason"); await new Promise((r) => setTimeout(r, 100)); return "never"; };
exports.uncaught_in_timer = async () => { setTimeout(() => { throw new Error("from a timer"); }, 10); await new Promise((r) => setTimeout(r, 100)); return "never"; };
exports.never_settles = async () => new Promise(() => {});
exports.sync_never_answers = (e, c, cb) => { };
exports.exit_zero = async () => { process.exit(0); };
exports.exit_two = async () => { process.exit(2); };
exports.logs = async () => {
  console.log("plain log");
  console.log("format %s %d %j", "str", 42, { a: 1 });
  console.log({ nested: { deep: [1, 2] } });
  console.info("info");
  console.warn("warn");
  console.error("error");
  console.debug("debug");
  console.log("multi\nline");
  console.error(new Error("an error object"));
  process.stdout.write("raw stdout\n");
  process.stderr.write("raw stderr\n");
  return "logged";
};
exports.context_fields = async (e, c) => ({
  functionName: c.functionName,
  functionVersion: c.functionVersion,
  memoryLimitInMB: c.memoryLimitInMB,
  arn: c.invokedFunctionArn,
  logGroupName: c.logGroupName,
  stream: c.logStreamName.slice(0, 11),
  idLength: c.awsRequestId.length,
  remaining: c.getRemainingTimeInMillis() > 0 && c.getRemainingTimeInMillis() <= 3000,
  waits: c.callbackWaitsForEmptyEventLoop,
  clientContext: c.clientContext === undefined,
  identity: c.identity === undefined,
  keys: Object.keys(c).sort(),
});
exports.client_context = async (e, c) => c.clientContext;
exports.environment = async () => {
  const keys = ["_HANDLER", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_REGION", "TZ", "LANG", "NODE_PATH", "CUSTOM"];
  const out = Object.fromEntries(keys.map((k) => [k, process.env[k] ?? null]));
  out.taskRootIsCwd = process.env.LAMBDA_TASK_ROOT === process.cwd();
  out.trace = (process.env._X_AMZN_TRACE_ID || "").startsWith("Root=1-");
  out.awslambda = typeof awslambda === "object" && typeof awslambda.streamifyResponse;
  return out;
};
exports.sleeps = async () => { console.log("before sleeping"); await new Promise((r) => setTimeout(r, 10000)); };
exports.nested = { inner: { handler: async () => "nested property" } };
exports.not_a_function = 5;
"#;

const NODE_MODULES: &[(&str, &str)] = &[
    (
        "init_throw.js",
        "console.log('module level output');\nthrow new Error('init failed');\n",
    ),
    (
        "init_require.js",
        "require('definitely-not-installed');\nexports.handler = async () => 1;\n",
    ),
    ("init_syntax.js", "exports.handler = async () => {\n"),
    (
        "init_exit.js",
        "console.log('exiting at load');\nprocess.exit(3);\n",
    ),
    // (A promise rejected at load is left out: whether the official
    // client's init error or its first /next reaches the Runtime API first
    // is a race between its native and its JavaScript HTTP clients.)
    (
        "esm.mjs",
        "export const handler = async (e) => ({ esm: true, e });\n",
    ),
    (
        "esm_init.mjs",
        "await Promise.resolve();\nthrow new Error('esm top-level');\nexport const handler = async () => 1;\n",
    ),
    ("cjs.cjs", "exports.handler = async () => 'cjs';\n"),
];

fn node_corpus() -> Vec<Case> {
    let mut v = Vec::new();
    for line in CASES_JS.lines() {
        let Some(rest) = line.strip_prefix("exports.") else {
            continue;
        };
        let name = rest.split(' ').next().unwrap();
        let mut extra: Vec<&'static str> = Vec::new();
        if name == "sleeps" {
            extra.extend(["--timeout", "1"]);
        }
        if name == "client_context" {
            extra.extend([
                "--client-context",
                r#"{"custom":{"k":"v"},"env":{"e":"1"},"client":{"app_title":"t"}}"#,
            ]);
        }
        if name == "environment" {
            extra.extend(["--env", "CUSTOM=from-flag"]);
        }
        let handler = if name == "nested" {
            "index.nested.inner.handler".to_string()
        } else {
            format!("index.{name}")
        };
        v.push(case(name, &handler, "{}", &extra));
    }
    for (event, payload) in [
        ("event_string", r#""text""#),
        ("event_number", "3.25"),
        ("event_array", r#"[1, "a", null]"#),
        ("event_null", "null"),
        ("event_unicode", r#"{"t": "日本 ✓"}"#),
    ] {
        v.push(case(event, "index.echo", payload, &[]));
    }
    for (file, _) in NODE_MODULES {
        let module = file.split('.').next().unwrap();
        v.push(case(module, &format!("{module}.handler"), "{}", &[]));
    }
    v.push(case("missing_file", "nothere.handler", "{}", &[]));
    v.push(case("missing_export", "index.nope", "{}", &[]));
    v.push(case("malformed", "index", "{}", &[]));
    v.push(case("subdir", "lib/sub.handler", "{}", &[]));
    v
}

fn node_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("index.js"), CASES_JS).unwrap();
    for (f, code) in NODE_MODULES {
        std::fs::write(d.path().join(f), code).unwrap();
    }
    std::fs::create_dir_all(d.path().join("lib")).unwrap();
    std::fs::write(
        d.path().join("lib/sub.js"),
        "exports.handler = async () => 'from lib';\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        "name = \"diffjs\"\nruntime = \"nodejs20.x\"\nhandler = \"index.ret_object\"\n",
    )
    .unwrap();
    d
}

/// Stack frames that are not the function's (the two clients' own files,
/// Node's internals between them) are masked, a run of them as one.
fn mask_node_frames(text: &str, task_root: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut masked_last = false;
    while let Some(at) = rest.find("    at ") {
        let frame_len = rest[at..]
            .find(['"', '\r', '\n'])
            .unwrap_or(rest.len() - at);
        let frame = &rest[at..at + frame_len];
        let own = frame.contains(&format!("{task_root}/"));
        let before = &rest[..at];
        if own {
            out.push_str(before);
            out.push_str(frame);
            masked_last = false;
        } else {
            // The separator between two masked frames goes with them.
            let sep_only = before.trim_matches(['"', ',', '\r', '\n']).is_empty();
            if !(masked_last && sep_only) {
                out.push_str(before);
                out.push_str("    at <RUNTIME>");
            }
            masked_last = true;
        }
        rest = &rest[at + frame_len..];
    }
    out.push_str(rest);
    out
}

/// The clients' own files where messages name them ("Require stack: -
/// …/index.mjs"): masked.
fn mask_client_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let hit = ["/aws-lambda-ric/dist/index.mjs", "/runtime.js"]
            .iter()
            .filter_map(|m| rest.find(m).map(|at| (at, m.len())))
            .min();
        let Some((at, len)) = hit else { break };
        let start = rest[..at].rfind([' ', '"', '(', '\n']).map_or(0, |i| i + 1);
        out.push_str(&rest[..start]);
        out.push_str("<CLIENT>");
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    out
}

fn run_node(dir: &Path, c: &Case, client: &str) -> (i32, String, String) {
    let out = invoke_local(dir, c, client, &repo(".venv/node/node_modules/.bin"));
    let root = std::fs::canonicalize(dir)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let clean = |s: &str| {
        // aws-lambda-ric's command announces itself; the cloud's runtime does not.
        let s: String = s
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("Executing '"))
            .collect();
        normalize(&mask_client_paths(&mask_node_frames(&s, &root)))
    };
    (
        out.code,
        clean(&String::from_utf8_lossy(&out.stdout)),
        clean(&out.stderr),
    )
}

#[test]
fn node_embedded_client_matches_aws_lambda_ric() {
    let ric = repo(".venv/node/node_modules/.bin/aws-lambda-ric");
    assert!(
        ric.exists(),
        "{} is missing: run scripts/test-deps",
        ric.display()
    );
    let dir = node_dir();
    let cases = Arc::new(node_corpus());
    let failures = differ(&cases, dir.path(), run_node);
    eprintln!(
        "differential suite (Node.js): {} cases, {} differ",
        cases.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The shims and NOTICE name the upstream versions the differential suite
/// compares against (scripts/test-deps installs them): a bumped client
/// without its port's header and NOTICE updated fails here.
#[test]
fn shims_and_notice_name_the_versions_the_suite_compares_with() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let deps = read("scripts/test-deps");
    let pinned = |var: &str| {
        deps.lines()
            .find_map(|l| l.strip_prefix(&format!("{var}=")))
            .unwrap_or_else(|| panic!("{var} not in scripts/test-deps"))
            .trim()
            .to_string()
    };
    let notice = read("NOTICE");
    for (shim, upstream, var) in [
        (
            "src/local/shims/runtime.py",
            "awslambdaric",
            "AWSLAMBDARIC_VERSION",
        ),
        (
            "src/local/shims/runtime.js",
            "aws-lambda-ric",
            "AWS_LAMBDA_RIC_VERSION",
        ),
    ] {
        let named = format!("{upstream} {}", pinned(var));
        let head: String = read(shim).lines().take(12).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains(&format!("Upstream: {named}")),
            "{shim}: {head}"
        );
        assert!(
            notice.contains(&format!("follows {named}")),
            "NOTICE lacks {named}"
        );
    }
    assert!(read("LICENSE-APACHE").contains("Apache License"));
    assert!(read("LICENSE-MIT").contains("MIT License"));
}
