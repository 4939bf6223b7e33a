//! Uploading a package to S3, and whether the object under the key is
//! already this zip (its SHA-256, recorded as the object's `lamctl-sha256`
//! metadata, or named by a content-addressed key); big files as a multipart
//! upload with parts in parallel; any failure or Ctrl-C aborts the upload so
//! no orphaned parts remain.

use std::path::Path;
use std::sync::Arc;

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::task::JoinSet;

use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result};
use crate::interrupt;
use crate::output::{Ui, bytes};

/// Parts are 8 MiB (S3's minimum is 5 MiB); files up to one part use PutObject.
pub const PART_SIZE: u64 = 8 * 1024 * 1024;
const PARALLEL_PARTS: usize = 4;

/// The object metadata (`x-amz-meta-lamctl-sha256`) that records the
/// SHA-256 (hex) of the zip uploaded.
pub const SHA256_METADATA: &str = "lamctl-sha256";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uploaded {
    /// The object under the key was already this zip.
    AlreadyThere,
    Single,
    Multipart {
        parts: usize,
    },
}

/// Where a zip goes, and what it is.
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    /// The zip's SHA-256 in hex.
    pub sha256: &'a str,
    /// The key names the content (`lamctl/FUNCTION/SHA256.zip`), so an
    /// object of the same size there (uploaded before lamctl recorded the
    /// hash) is this zip.
    pub content_addressed: bool,
}

/// Whether the object under `object`'s key is already this zip (`size`
/// bytes): an object of the same size is not enough, since a key given
/// with `--s3-key` can hold other code of the same size.
pub async fn holds(aws: &AwsContext, object: &Object<'_>, size: u64) -> Result<bool> {
    let s3 = aws.s3().await;
    let Object {
        bucket,
        key,
        sha256,
        content_addressed,
    } = *object;
    match s3.head_object().bucket(bucket).key(key).send().await {
        Ok(h) => Ok(match h.metadata().and_then(|m| m.get(SHA256_METADATA)) {
            Some(hash) => hash.eq_ignore_ascii_case(sha256),
            None => content_addressed && h.content_length() == Some(size as i64),
        }),
        Err(e) if e.as_service_error().is_some_and(|se| se.is_not_found()) => Ok(false),
        Err(e) => Err(s3_error(aws, "HeadObject", bucket, e)),
    }
}

/// Upload `file` (`size` bytes) as `object`, recording its SHA-256.
pub async fn upload(
    aws: &AwsContext,
    ui: &Ui,
    file: &Path,
    size: u64,
    object: &Object<'_>,
) -> Result<Uploaded> {
    let s3 = aws.s3().await;
    let Object {
        bucket,
        key,
        sha256,
        ..
    } = *object;
    ui.note(format!("uploading {} to s3://{bucket}/{key}", bytes(size)));
    if size <= PART_SIZE {
        let body = ByteStream::from_path(file)
            .await
            .map_err(|e| Error::io(file, std::io::Error::other(e)))?;
        s3.put_object()
            .bucket(bucket)
            .key(key)
            .body(body)
            .content_type("application/zip")
            .metadata(SHA256_METADATA, sha256)
            .send()
            .await
            .map_err(|e| s3_error(aws, "PutObject", bucket, e))?;
        return Ok(Uploaded::Single);
    }
    multipart(aws, &s3, ui, file, size, object).await
}

fn s3_error<E, R>(
    aws: &AwsContext,
    op: &str,
    bucket: &str,
    e: aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if e.code() == Some("NoSuchBucket") {
        return Error::Aws {
            message: format!(
                "S3 bucket '{bucket}' does not exist in {}",
                aws.region.value
            ),
            hint: Some(
                "create it, or name another with --s3-bucket (or [deploy] s3_bucket)".into(),
            ),
            code: None,
            status: None,
        };
    }
    aws.error(Service::S3, op, e)
}

async fn multipart(
    aws: &AwsContext,
    s3: &Client,
    ui: &Ui,
    file: &Path,
    size: u64,
    object: &Object<'_>,
) -> Result<Uploaded> {
    let (bucket, key) = (object.bucket, object.key);
    let created = s3
        .create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .content_type("application/zip")
        .metadata(SHA256_METADATA, object.sha256)
        .send()
        .await
        .map_err(|e| s3_error(aws, "CreateMultipartUpload", bucket, e))?;
    let upload_id = created
        .upload_id()
        .ok_or_else(|| Error::failed("S3 returned no upload id for CreateMultipartUpload"))?
        .to_string();

    // From here on, any way out but success aborts the upload.
    let _guard = interrupt::CleanupGuard::new();
    let bar = crate::progress::bar(ui, size, "uploading to S3", true);
    let result = tokio::select! {
        r = upload_parts(aws, s3, file, size, bucket, key, &upload_id, &bar) => r,
        _ = interrupt::interrupted() => Err(Error::Interrupted),
    };
    bar.finish_and_clear();
    match result {
        Ok(parts) => Ok(Uploaded::Multipart { parts }),
        Err(e) => {
            let abort = s3
                .abort_multipart_upload()
                .bucket(bucket)
                .key(key)
                .upload_id(&upload_id)
                .send()
                .await;
            if let Err(a) = abort {
                ui.warn(format!(
                    "could not abort multipart upload {upload_id} of s3://{bucket}/{key}: {}",
                    crate::error::chain(&a)
                ));
            } else {
                tracing::info!("aborted multipart upload {upload_id} of s3://{bucket}/{key}");
            }
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn upload_parts(
    aws: &AwsContext,
    s3: &Client,
    file: &Path,
    size: u64,
    bucket: &str,
    key: &str,
    upload_id: &str,
    bar: &indicatif::ProgressBar,
) -> Result<usize> {
    let count = size.div_ceil(PART_SIZE) as usize;
    let file: Arc<Path> = Arc::from(file);
    let mut tasks: JoinSet<Result<CompletedPart>> = JoinSet::new();
    let mut done: Vec<CompletedPart> = Vec::with_capacity(count);
    let mut next = 0usize;
    while done.len() < count {
        while next < count && tasks.len() < PARALLEL_PARTS {
            let number = next as i32 + 1;
            let offset = next as u64 * PART_SIZE;
            let len = PART_SIZE.min(size - offset);
            let (s3, file, bucket, key, upload_id) = (
                s3.clone(),
                Arc::clone(&file),
                bucket.to_string(),
                key.to_string(),
                upload_id.to_string(),
            );
            tasks.spawn(async move {
                let mut f = tokio::fs::File::open(&*file)
                    .await
                    .map_err(|e| Error::io(&*file, e))?;
                f.seek(std::io::SeekFrom::Start(offset))
                    .await
                    .map_err(|e| Error::io(&*file, e))?;
                let mut buf = vec![0u8; len as usize];
                f.read_exact(&mut buf)
                    .await
                    .map_err(|e| Error::io(&*file, e))?;
                let out = s3
                    .upload_part()
                    .bucket(&bucket)
                    .key(&key)
                    .upload_id(&upload_id)
                    .part_number(number)
                    .body(ByteStream::from(buf))
                    .send()
                    .await
                    .map_err(|e| PartError(number, e))?;
                Ok(CompletedPart::builder()
                    .part_number(number)
                    .set_e_tag(out.e_tag().map(String::from))
                    .build())
            });
            next += 1;
        }
        match tasks.join_next().await {
            Some(Ok(Ok(part))) => {
                bar.inc(
                    PART_SIZE.min(size - (part.part_number().unwrap_or(1) as u64 - 1) * PART_SIZE),
                );
                done.push(part);
            }
            Some(Ok(Err(e))) => return Err(e),
            Some(Err(e)) => return Err(Error::failed(format!("an upload task stopped: {e}"))),
            None => break,
        }
    }
    done.sort_by_key(|p| p.part_number());
    s3.complete_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(done))
                .build(),
        )
        .send()
        .await
        .map_err(|e| s3_error(aws, "CompleteMultipartUpload", bucket, e))?;
    Ok(count)
}

/// Carries a part's SDK error out of its task; turned into our error there
/// because the task has no AwsContext.
struct PartError(
    i32,
    aws_sdk_s3::error::SdkError<aws_sdk_s3::operation::upload_part::UploadPartError>,
);

impl From<PartError> for Error {
    fn from(PartError(n, e): PartError) -> Self {
        let detail = match e.code() {
            Some(code) => format!("{code}: {}", e.message().unwrap_or("no message")),
            None => crate::error::chain(&e),
        };
        Error::Aws {
            message: format!("UploadPart {n} failed: {detail}"),
            hint: None,
            code: None,
            status: None,
        }
    }
}
