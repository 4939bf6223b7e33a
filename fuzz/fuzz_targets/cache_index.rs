//! The package cache's index reader: the input is sealed as an index of
//! this version (magic, salt, BLAKE3) so it reaches the parser itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lamctl::package::fuzz_index(data);
});
