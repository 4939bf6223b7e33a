//! `--ndjson`: one invocation per input line, `--parallel N` at a time,
//! one JSON result line per invocation in input order.

use std::collections::VecDeque;
use std::future::Future;

use super::report::{FunctionFailure, OutcomeJson, print_tail};
use super::request::InvokeRequest;
use crate::error::{Error, Result};
use crate::lambda::invoke::InvokeOutcome;
use crate::output::{Ui, json, write_stdout};

/// Invoke once per payload, `parallel` at a time, and print one JSON line
/// per invocation in input order. Exit 1 if any call failed, else 3 if any
/// function reported an error.
pub async fn run_batch<F, Fut>(
    ui: &Ui,
    req: &InvokeRequest,
    parallel: usize,
    invoke: F,
) -> Result<()>
where
    F: Fn(Vec<u8>) -> Fut,
    Fut: Future<Output = Result<InvokeOutcome>> + Send + 'static,
{
    let inv = &req.invocation;
    let total = req.payloads.len();
    let mut queue = req.payloads.iter();
    let mut running = VecDeque::new();
    let mut failed_calls: Vec<(usize, Error)> = Vec::new();
    let mut function_errors: Vec<(usize, FunctionFailure)> = Vec::new();
    loop {
        while running.len() < parallel.max(1) {
            let Some(p) = queue.next() else { break };
            let line = p.line.unwrap_or(0);
            running.push_back((line, tokio::spawn(invoke(p.bytes.clone()))));
        }
        let Some((line, handle)) = running.pop_front() else {
            break;
        };
        let result = handle
            .await
            .map_err(|e| Error::failed(format!("the invocation of line {line} stopped: {e}")))?;
        let text = match result {
            Ok(outcome) => {
                if inv.tail
                    && let Some(tail) = &outcome.log_tail
                {
                    print_tail(ui, inv, outcome.request_id.as_deref(), tail);
                }
                if let Some(kind) = &outcome.function_error {
                    let f = FunctionFailure::parse(kind, outcome.error_doc());
                    ui.warn(format!("line {line}: {}: {}", f.error_type, f.message));
                    function_errors.push((line, f));
                }
                json(&OutcomeJson::new(Some(line), inv, &outcome), false)
            }
            Err(e) => {
                ui.warn(format!("line {line}: {e}"));
                let text = json(
                    &serde_json::json!({
                        "line": line,
                        "error": e.to_string(),
                    }),
                    false,
                );
                failed_calls.push((line, e));
                text
            }
        };
        write_stdout(text?.as_bytes())?;
    }

    if let Some((line, e)) = failed_calls.first() {
        let err = Error::Aws {
            message: format!(
                "{} of {total} invocations failed; the first, line {line}: {e}",
                failed_calls.len()
            ),
            hint: e.hint().map(String::from),
            code: None,
            status: None,
        };
        return Err(err);
    }
    if let Some((line, f)) = function_errors.first() {
        return Err(Error::Function {
            error_type: f.error_type.clone(),
            message: format!(
                "{} (line {line}; {} of {total} invocations reported a function error)",
                f.message,
                function_errors.len()
            ),
        });
    }
    Ok(())
}
