//! `init --download`'s unpacker on hostile archives: `verify` (every check,
//! every entry read under the limits, nothing written); and, for archives it
//! accepts, the real `unpack` into a scratch directory, after which nothing
//! may exist beside the target directory (no escape through names or links).
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use lamctl::commands::init::unpack;
use libfuzzer_sys::fuzz_target;

static SCRATCH: LazyLock<PathBuf> = LazyLock::new(|| {
    let d = std::env::temp_dir().join(format!("lamctl-fuzz-unpack-{}", std::process::id()));
    std::fs::create_dir_all(d.join("work")).unwrap();
    d
});

fuzz_target!(|data: &[u8]| {
    if unpack::verify(data).is_err() {
        return;
    }
    let work = SCRATCH.join("work");
    let src = work.join("src");
    let _ = unpack::unpack(data, &src);
    let beside: Vec<_> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let above: Vec<_> = std::fs::read_dir(&*SCRATCH)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        beside.len() <= 1 && beside.iter().all(|n| n == "src"),
        "{beside:?}"
    );
    assert_eq!(above, ["work"]);
    let _ = std::fs::remove_dir_all(&src);
});
