//! The zip on disk: written under a temporary name beside the output and
//! renamed into place, either as the last package reused whole from the
//! cache or through the pipeline (which then feeds the cache).

use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;

use base64::Engine;

use super::{Entry, Observer, PackageOptions, PackageReport, cache, file_count, pipeline, threads};
use crate::error::{Error, Result};

pub(super) fn write_zip(
    entries: &[Entry],
    opts: &PackageOptions,
    total: u64,
    obs: &dyn Observer,
    started: i64,
    cache: Option<cache::Cache>,
) -> Result<PackageReport> {
    let output = &opts.output;
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file_name = output
        .file_name()
        .ok_or_else(|| Error::usage(format!("output {} is not a file name", output.display())))?;
    let tmp = output.with_file_name(format!(
        ".{}.partial-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    // Ctrl-C stops the writer at the next entry or chunk; main waits for
    // that, so the temporary file is removed, not left behind.
    let _cleanup = crate::interrupt::CleanupGuard::new();
    if crate::interrupt::triggered() {
        return Err(Error::Interrupted);
    }
    // Owner-only: the zip holds the function's code (and whatever
    // configuration files were packaged with it).
    let create = || {
        File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| Error::io(&tmp, e))
    };
    let result = (|| {
        let (keys, read) = match &cache {
            Some(c) => {
                let (keys, read) = c.keys(entries, threads(opts))?;
                obs.detail(&format!(
                    "cache: {read} of {} files read for their keys",
                    file_count(entries)
                ));
                (Some(keys), read)
            }
            None => (None, 0),
        };
        let files = |keys| cache::Files {
            start_ns: started,
            entries,
            keys,
        };
        let manifest = keys.as_deref().map(|k| cache::manifest(entries, k));
        if let (Some(c), Some(m)) = (&cache, &manifest)
            && let Some(sum) = c.reuse(m, &tmp)
        {
            // The same manifest: the last zip, checked against its SHA-256.
            if read > 0
                && let (Some(c), Some(k)) = (&cache, &keys)
                && let Err(e) = c.refresh(&files(k))
            {
                obs.detail(&format!("not cached: {e}"));
            }
            obs.start(file_count(entries), total);
            obs.advance(total);
            std::fs::rename(&tmp, output).map_err(|e| Error::io(output, e))?;
            return Ok(PackageReport {
                path: output.clone(),
                code_sha256: base64::engine::general_purpose::STANDARD.encode(sum.sha),
                sha256_hex: hex::encode(sum.sha),
                size: sum.size,
                uncompressed_size: total,
                files: file_count(entries),
                stored: sum.stored,
                cached: file_count(entries),
            });
        }
        let known = cache.as_ref().zip(keys.as_deref());
        let written = pipeline::write(entries, opts, total, obs, create()?, &tmp, known)?;
        if let (Some(c), Some(m), Some(k)) = (&cache, &manifest, &keys)
            && written.consistent
            && let Some(blake) = written.blake
        {
            let r = &written.report;
            let sum = cache::ZipSummary {
                sha: hex::decode(&r.sha256_hex)
                    .ok()
                    .and_then(|v| v.try_into().ok())
                    .unwrap_or_default(),
                blake,
                size: r.size,
                stored: r.stored,
            };
            // A cache that cannot be written only makes the next run slower.
            if let Err(e) = c.store(m, &tmp, &sum, &written.recs, &files(k)) {
                obs.detail(&format!("not cached: {e}"));
            }
        }
        std::fs::rename(&tmp, output).map_err(|e| Error::io(output, e))?;
        Ok(written.report)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
