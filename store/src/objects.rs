//! Where the blobs go: the local filesystem by default (embedded, nothing else to run),
//! or S3-compatible storage when one machine is no longer enough.

use std::{path::Path, sync::Arc};

use object_store::{aws::AmazonS3Builder, local::LocalFileSystem, ObjectStore};

/// Opens the object store named by `spec`:
/// - a directory path (or `file:///dir`): blobs under `dir/blobs/<owner>/`, created if missing;
///   staging files left by a crash are removed first;
/// - `s3://bucket[/prefix]`: an S3-compatible bucket configured from the usual
///   `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
///   `AWS_REGION`, `AWS_ENDPOINT`, `AWS_ALLOW_HTTP`, ...).
pub fn open(spec: &str) -> Result<Arc<dyn ObjectStore>, String> {
    if spec.starts_with("s3://") {
        let url = url::Url::parse(spec).map_err(|e| format!("{spec}: {e}"))?;
        let bucket = url
            .host_str()
            .ok_or_else(|| format!("{spec}: no bucket"))?
            .to_owned();
        let s3 = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| format!("{spec}: {e}"))?;
        let prefix = url.path().trim_matches('/');
        return Ok(if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
        });
    }
    if spec.contains("://") && !spec.starts_with("file://") {
        return Err(format!(
            "{spec}: unsupported store; use a directory, file:///dir or s3://bucket"
        ));
    }
    let dir = Path::new(spec.strip_prefix("file://").unwrap_or(spec));
    std::fs::create_dir_all(dir.join("blobs")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let removed =
        sweep_staging(&dir.join("blobs")).map_err(|e| format!("{}: {e}", dir.display()))?;
    if removed > 0 {
        log::warn!("removed {removed} partial upload(s) left by an earlier crash");
    }
    let local =
        LocalFileSystem::new_with_prefix(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(Arc::new(local))
}

/// Deletes the staging files (`name#N`) of uploads that a crash interrupted, in `blobs/`
/// and its per-owner folders; finished blobs never contain `#`.
pub fn sweep_staging(blobs: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(blobs)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            removed += sweep_staging(&entry.path())?;
        } else if kind.is_file() && entry.file_name().to_string_lossy().contains('#') {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}
