//! InvokeWithResponseStream locally (issue 23's found gap 5): `serve`
//! answers it in the event-stream framing boto3 and lamctl's own client
//! read, and `invoke --local --stream` prints the chunks as they come.

use std::io::{BufRead, BufReader, Read};

use crate::harness::*;
use crate::local::*;
use crate::local_gaps::boto3;

/// A Node.js handler that streams two chunks, the second only once `go`
/// exists; and one that answers in one piece, and one that fails.
fn streaming_fn() -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let go = d.path().join("go");
    std::fs::write(
        d.path().join("index.mjs"),
        format!(
            r#"import fs from "fs";
export const handler = awslambda.streamifyResponse(async (event, stream) => {{
  stream.write("first chunk\n");
  while (event.wait && !fs.existsSync({go:?})) await new Promise((r) => setTimeout(r, 20));
  stream.write("second chunk\n");
  stream.end();
}});
export const buffered = async (event) => ({{ whole: event }});
export const fails = async () => {{ throw new TypeError("streamed boom"); }};
"#,
            go = go.to_string_lossy()
        ),
    )
    .unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        "name = \"st\"\nruntime = \"nodejs20.x\"\nhandler = \"index.handler\"\ntimeout = 20\n",
    )
    .unwrap();
    (d, go)
}

const BOTO3_STREAM: &str = r#"
import base64, boto3, json, sys
c = boto3.client("lambda", endpoint_url=sys.argv[1])
r = c.invoke_with_response_stream(FunctionName=sys.argv[2], Payload=b"{}", LogType="Tail")
out = {"status": r["StatusCode"], "version": r.get("ExecutedVersion"), "id": r["ResponseMetadata"]["RequestId"], "chunks": [], "complete": None}
for e in r["EventStream"]:
    if "PayloadChunk" in e:
        out["chunks"].append(e["PayloadChunk"]["Payload"].decode())
    if "InvokeComplete" in e:
        ic = e["InvokeComplete"]
        out["complete"] = {"code": ic.get("ErrorCode"), "details": ic.get("ErrorDetails"),
                           "log": base64.b64decode(ic.get("LogResult", "")).decode()}
print(json.dumps(out))
"#;

fn boto3_stream(s: &Serve, name: &str) -> serde_json::Value {
    let script = BOTO3_STREAM.replace("sys.argv[1]", &format!("{:?}", s.url()));
    boto3(&script.replace("sys.argv[2]", &format!("{name:?}")))
}

#[test]
fn serve_answers_invoke_with_response_stream_as_the_sdks_read_it() {
    let (d, _go) = streaming_fn();
    let s = serve(&["--dir", &dir_arg(&d)]);
    let v = boto3_stream(&s, "st");
    assert_eq!(v["status"], 200, "{v}");
    assert_eq!(v["version"], "$LATEST", "{v}");
    assert_eq!(
        v["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect::<String>(),
        "first chunk\nsecond chunk\n",
        "{v}"
    );
    let complete = &v["complete"];
    assert!(complete["code"].is_null(), "{v}");
    let id = v["id"].as_str().unwrap();
    check_frame(complete["log"].as_str().unwrap(), id);

    // lamctl's own client against it: the chunks on stdout.
    let out = lamctl([
        "invoke",
        "st",
        "--stream",
        "--endpoint-url",
        &s.url(),
        "--region",
        REGION,
    ])
    .run();
    out.success();
    assert_eq!(out.stdout(), "first chunk\nsecond chunk\n");

    // A handler that answers in one piece: one chunk, the whole payload; a
    // failing one: no chunk, the error in InvokeComplete, exit 3 for lamctl.
    let s = serve(&["--dir", &dir_arg(&d), "--handler", "index.buffered"]);
    let v = boto3_stream(&s, "st");
    assert_eq!(v["chunks"], serde_json::json!([r#"{"whole":{}}"#]), "{v}");
    let s = serve(&["--dir", &dir_arg(&d), "--handler", "index.fails"]);
    let v = boto3_stream(&s, "st");
    assert_eq!(v["chunks"], serde_json::json!([]), "{v}");
    assert_eq!(v["complete"]["code"], "Unhandled", "{v}");
    let details: serde_json::Value =
        serde_json::from_str(v["complete"]["details"].as_str().unwrap()).unwrap();
    assert_eq!(details["errorType"], "TypeError", "{v}");
    let out = lamctl([
        "invoke",
        "st",
        "--stream",
        "--endpoint-url",
        &s.url(),
        "--region",
        REGION,
    ])
    .run();
    out.fails(3, "TypeError: streamed boom");
}

#[test]
fn invoke_local_stream_prints_the_chunks_as_they_come() {
    let (d, go) = streaming_fn();
    let (mut child, _home) = lamctl([
        "invoke",
        "--local",
        "--stream",
        "--dir",
        &dir_arg(&d),
        "--payload",
        r#"{"wait": true}"#,
    ])
    .spawn();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "first chunk\n");
    // The function is still running: the first chunk came on its own.
    assert!(child.try_wait().unwrap().is_none());
    std::fs::write(&go, "").unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "second chunk\n");
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");

    // A function error: exit 3, as a cloud stream's ErrorCode.
    let out = lamctl([
        "invoke",
        "--local",
        "--stream",
        "--dir",
        &dir_arg(&d),
        "--handler",
        "index.fails",
    ])
    .run();
    out.fails(3, "TypeError: streamed boom");
}
