//! Locks: this tool's run lock, and git's own, which it never takes away.

use std::fs;
use std::path::PathBuf;

use git2::{ErrorCode, Repository};

use super::error::PublishError;

/// The run lock: an OS advisory lock on `hotpapers.lock` in the git folder, held
/// for the length of a run and released by the kernel when the process ends,
/// however it ends. The file itself stays; it holds nothing.
pub(crate) struct Lock {
    _file: Option<fs::File>,
}

impl Lock {
    pub(crate) fn take(repo: &Repository, dry_run: bool) -> Result<Lock, PublishError> {
        let path = repo.commondir().join("hotpapers.lock");
        let io = |source| PublishError::Io {
            action: "lock",
            path: path.clone(),
            source,
        };
        // A dry run changes nothing, not even by creating the lock file.
        let file = match fs::OpenOptions::new()
            .create(!dry_run)
            .truncate(false)
            .write(true)
            .open(&path)
        {
            Err(e) if dry_run && e.kind() == std::io::ErrorKind::NotFound => return Ok(Lock { _file: None }),
            file => file.map_err(io)?,
        };
        match file.try_lock() {
            // A dry run only looks: it must not keep a real run waiting.
            Ok(()) if dry_run => Ok(Lock { _file: None }),
            Ok(()) => Ok(Lock { _file: Some(file) }),
            Err(fs::TryLockError::WouldBlock) => Err(PublishError::Locked(path)),
            Err(fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

/// git's own lock was in the way: reported as git reports it, never removed.
pub(crate) fn git_lock(error: git2::Error, lock: PathBuf) -> PublishError {
    if error.code() == ErrorCode::Locked || lock.exists() {
        PublishError::GitLocked(lock)
    } else {
        PublishError::Git(error)
    }
}

/// The lock git takes to move HEAD's branch (or a detached HEAD).
pub(crate) fn head_lock(repo: &Repository) -> Result<PathBuf, PublishError> {
    let head = repo.find_reference("HEAD")?;
    Ok(match head.symbolic_target()? {
        Some(branch) => repo.commondir().join(format!("{branch}.lock")),
        None => repo.path().join("HEAD.lock"),
    })
}
