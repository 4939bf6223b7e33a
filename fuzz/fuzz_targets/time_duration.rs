//! --since/--until times (zones included) and every duration flag.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lamctl::timewin;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(t) = timewin::parse_time_arg(s) {
            let _ = t.resolve(timewin::now_ms());
        }
        if let Ok(d) = timewin::parse_duration(s) {
            let _ = timewin::format_duration(d);
        }
    }
});
