//! lamctl.toml: any text is a file or one clear error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = lamctl::cli::config::parse(text, std::path::Path::new("lamctl.toml")) {
            // The message is one line (errors are printed as one).
            let _ = e.to_string();
        }
    }
});
