//! The Lambda console's shareable test events: one schema per function,
//! `_<function>-schema`, in the EventBridge schema registry
//! `lambda-testevent-schemas`; an OpenAPI 3 document whose
//! `components.examples.<NAME>.value` is each event (and
//! `x-metadata.invocationType`). The layout is the one the console and
//! `sam remote test-event` use (aws-sam-cli,
//! samcli/lib/shared_test_events/lambda_shared_test_event.py). Only the
//! document is handled here; the calls are in `aws::schemas`.

use serde_json::{Value, json};

/// The registry the console keeps shareable test events in.
pub const SHARED_REGISTRY: &str = "lambda-testevent-schemas";

/// The registry's schema type for these documents.
pub const SHARED_SCHEMA_TYPE: &str = "OpenApi3";

/// The schema holding `function`'s shareable events.
pub fn shared_schema_name(function: &str) -> String {
    format!("_{function}-schema")
}

/// A function's schema document.
#[derive(Debug, Clone)]
pub struct SharedSchema {
    doc: Value,
}

impl SharedSchema {
    /// The schema's content as the registry returns it. A document
    /// without `components` is not one of these.
    pub fn parse(content: &str) -> Result<Self, String> {
        let doc: Value =
            serde_json::from_str(content).map_err(|e| format!("the schema is not JSON: {e}"))?;
        if doc.get("components").is_none_or(|c| !c.is_object()) {
            return Err("the schema has no `components` object".into());
        }
        Ok(SharedSchema { doc })
    }

    /// A new document for a function that has no shared event yet (what
    /// the schema registry's discovery would make: an object schema).
    pub fn new() -> Self {
        SharedSchema {
            doc: json!({
                "openapi": "3.0.0",
                "info": {"version": "1.0.0", "title": "Event"},
                "paths": {},
                "components": {"schemas": {"Event": {"type": "object"}}, "examples": {}}
            }),
        }
    }

    /// The saved events' names, in the document's order.
    pub fn names(&self) -> Vec<String> {
        self.doc
            .pointer("/components/examples")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The event saved as `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.doc
            .pointer("/components/examples")
            .and_then(|e| e.get(name))
            .and_then(|e| e.get("value"))
    }

    /// Add or replace `name`, keeping every other event and the rest of
    /// the document.
    pub fn put(&mut self, name: &str, event: Value) {
        let components = &mut self.doc["components"];
        if !components.get("examples").is_some_and(Value::is_object) {
            components["examples"] = json!({});
        }
        components["examples"][name] = json!({
            "value": event,
            "x-metadata": {"invocationType": "RequestResponse"}
        });
    }

    /// The document as the registry stores it.
    pub fn content(&self) -> String {
        self.doc.to_string()
    }
}

impl Default for SharedSchema {
    fn default() -> Self {
        Self::new()
    }
}
