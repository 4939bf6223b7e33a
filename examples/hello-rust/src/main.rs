//! A complete Lambda function on the official `lambda_runtime` crate.
//!
//! `{"name": "ada"}` returns a greeting; `{"fail": "why"}` returns a
//! handler error, to show how errors travel back to the caller.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

async fn handler(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let (payload, context) = event.into_parts();
    if let Some(why) = payload.get("fail").and_then(Value::as_str) {
        return Err(why.into());
    }
    let name = payload
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("world");
    // The deadline comes from the Runtime API (epoch milliseconds).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    println!(
        "greeting {name} ({} ms left)",
        context.deadline.saturating_sub(now)
    );
    let body = json!({ "message": format!("hello, {name}") }).to_string();
    Ok(json!({ "statusCode": 200, "body": body }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(handler)).await
}
