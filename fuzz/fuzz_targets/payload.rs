//! The invoke payload reader: one document or NDJSON lines, checked as JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lamctl::commands::invoke::payload;

fuzz_target!(|data: &[u8]| {
    let _ = payload::check_json(data);
    let _ = payload::split_lines("fuzz", data, false);
    let _ = payload::split_lines("fuzz", data, true);
});
