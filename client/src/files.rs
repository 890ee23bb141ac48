//! Every file the CLI writes goes through [`AtomicFile`]: the bytes go to a temporary
//! file beside the target (mode 600: these are medical records and secrets), are synced,
//! and only then renamed into place. An interrupted or failed command leaves no half
//! file behind, and an existing file is replaced only with `--force` — checked before
//! any work and again, race-free, at the rename.

use std::{
    io::{self, BufWriter, Write},
    path::{Path, PathBuf},
};

use anyhow::{anyhow, bail, Context, Result};
use tempfile::NamedTempFile;

/// A file being written; [`AtomicFile::commit`] puts it in place, dropping it discards it.
pub struct AtomicFile {
    temp: BufWriter<NamedTempFile>,
    target: PathBuf,
    overwrite: bool,
}

impl AtomicFile {
    /// Starts writing `path`. Refuses at once when `path` exists and `overwrite` is off.
    pub fn create(path: &Path, overwrite: bool) -> Result<Self> {
        if !overwrite && path.exists() {
            bail!(
                "{} already exists (use --force to overwrite)",
                path.display()
            );
        }
        let dir = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let temp = tempfile::Builder::new()
            .prefix(".medchain-")
            .suffix(".partial")
            .tempfile_in(dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        Ok(Self {
            temp: BufWriter::new(temp),
            target: path.to_owned(),
            overwrite,
        })
    }

    /// Syncs the bytes to disk and renames the file into place.
    pub fn commit(self) -> Result<()> {
        let target = self.target;
        let temp = self.temp.into_inner().map_err(|e| e.into_error())?;
        temp.as_file()
            .sync_all()
            .with_context(|| format!("cannot write {}", target.display()))?;
        let placed = if self.overwrite {
            temp.persist(&target).map(drop)
        } else {
            temp.persist_noclobber(&target).map(drop)
        };
        placed.map_err(|e| match e.error.kind() {
            io::ErrorKind::AlreadyExists => anyhow!(
                "{} already exists (use --force to overwrite)",
                target.display()
            ),
            _ => anyhow!("cannot write {}: {}", target.display(), e.error),
        })
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// Writes `bytes` to `path` atomically (see [`AtomicFile`]).
pub fn write_atomically(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    let mut file = AtomicFile::create(path, overwrite)?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_replaces_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("note.txt");
        write_atomically(&path, b"first", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");

        let refused = write_atomically(&path, b"second", false).unwrap_err();
        assert!(refused.to_string().contains("already exists"), "{refused}");
        assert_eq!(std::fs::read(&path).unwrap(), b"first");

        write_atomically(&path, b"second", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_file_not_committed_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mlzw");
        let mut file = AtomicFile::create(&path, false).unwrap();
        file.write_all(b"half").unwrap();
        drop(file);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_file_that_appears_meanwhile_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let file = AtomicFile::create(&path, false).unwrap();
        std::fs::write(&path, b"someone else's").unwrap();
        let refused = file.commit().unwrap_err();
        assert!(refused.to_string().contains("already exists"), "{refused}");
        assert_eq!(std::fs::read(&path).unwrap(), b"someone else's");
    }
}
