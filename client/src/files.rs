//! Every file the CLI writes goes through [`AtomicFile`]: the bytes go to a hidden
//! temporary file beside the target (mode 600: these are medical records and secrets),
//! are synced, and only then renamed into place, and the folder is synced after the
//! rename. The target's name therefore never holds half a file. A command that fails
//! removes its temporary file; one killed outright may leave a hidden
//! `.medchain-*.partial` beside the target. An existing file is replaced only when
//! [`Replace`] allows it, checked before any work and again, race-free, at the rename.

use std::{
    fs, io,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{anyhow, Context, Result};
use tempfile::NamedTempFile;

/// Whether an existing file may be replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replace {
    /// Only with the command's `--force` (the flag's value).
    WithForce(bool),
    /// Never: key files.
    Never,
}

impl Replace {
    fn allowed(self) -> bool {
        self == Replace::WithForce(true)
    }

    /// The one refusal of an existing file.
    fn refusal(self, path: &Path) -> anyhow::Error {
        match self {
            Replace::Never => anyhow!("{} already exists: it is never overwritten", path.display()),
            Replace::WithForce(_) => anyhow!(
                "{} already exists (use --force to overwrite)",
                path.display()
            ),
        }
    }
}

/// A file being written; [`AtomicFile::commit`] puts it in place, dropping it discards
/// it. Unbuffered, so that a secret is never copied into a buffer; wrap it in a
/// `BufWriter` to stream many small writes.
pub struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
    replace: Replace,
}

impl AtomicFile {
    /// Starts writing `path`; refuses at once when it exists and `replace` forbids it.
    pub fn create(path: &Path, replace: Replace) -> Result<Self> {
        if !replace.allowed() && path.exists() {
            return Err(replace.refusal(path));
        }
        let temp = tempfile::Builder::new()
            .prefix(".medchain-")
            .suffix(".partial")
            .tempfile_in(folder_of(path))
            .with_context(|| format!("cannot write in {}", folder_of(path).display()))?;
        Ok(Self {
            temp,
            target: path.to_owned(),
            replace,
        })
    }

    /// Writes `bytes` (the whole file) and commits it.
    pub fn write_and_commit(mut self, bytes: &[u8]) -> Result<()> {
        self.write_all(bytes)
            .with_context(|| format!("cannot write {}", self.target.display()))?;
        self.commit()
    }

    /// Syncs the bytes to disk, renames the file into place and syncs its folder.
    pub fn commit(self) -> Result<()> {
        let Self {
            temp,
            target,
            replace,
        } = self;
        temp.as_file()
            .sync_all()
            .with_context(|| format!("cannot write {}", target.display()))?;
        let placed = if replace.allowed() {
            temp.persist(&target).map(drop)
        } else {
            temp.persist_noclobber(&target).map(drop)
        };
        placed.map_err(|e| match e.error.kind() {
            io::ErrorKind::AlreadyExists => replace.refusal(&target),
            _ => anyhow!("cannot write {}: {}", target.display(), e.error),
        })?;
        // The rename is durable only once the folder is; best effort where a folder
        // cannot be opened (not every platform allows it).
        if let Ok(folder) = fs::File::open(folder_of(&target)) {
            let _ = folder.sync_all();
        }
        Ok(())
    }
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
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
pub fn write_atomically(path: &Path, bytes: &[u8], replace: Replace) -> Result<()> {
    AtomicFile::create(path, replace)?.write_and_commit(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_replaces_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("note.txt");
        write_atomically(&path, b"first", Replace::WithForce(false)).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");

        let refused = write_atomically(&path, b"second", Replace::WithForce(false)).unwrap_err();
        assert!(refused.to_string().contains("use --force"), "{refused}");
        let refused = write_atomically(&path, b"second", Replace::Never).unwrap_err();
        assert!(
            refused.to_string().contains("never overwritten"),
            "{refused}"
        );
        assert_eq!(fs::read(&path).unwrap(), b"first");

        write_atomically(&path, b"second", Replace::WithForce(true)).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_file_not_committed_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mlzw");
        let mut file = AtomicFile::create(&path, Replace::WithForce(false)).unwrap();
        file.write_all(b"half").unwrap();
        drop(file);
        assert!(!path.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_file_that_appears_meanwhile_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let file = AtomicFile::create(&path, Replace::Never).unwrap();
        fs::write(&path, b"someone else's").unwrap();
        let refused = file.commit().unwrap_err();
        assert!(
            refused.to_string().contains("never overwritten"),
            "{refused}"
        );
        assert_eq!(fs::read(&path).unwrap(), b"someone else's");
    }
}
