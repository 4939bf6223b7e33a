//! The log-line renderer: platform lines, markers, JSON log records.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lamctl::logfmt;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = logfmt::platform(&s);
    let _ = logfmt::marker(&s);
    let _ = logfmt::render(&s);
});
