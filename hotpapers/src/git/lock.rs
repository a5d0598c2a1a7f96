//! Locks: this tool's run lock, and git's own, which it never takes away.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use git2::{ErrorCode, Repository};

use super::error::PublishError;

/// The run lock: an OS advisory lock on `hotpapers.lock` in the git folder, held
/// for the length of a run and released by the kernel when the process ends,
/// however it ends. The file itself stays; it holds nothing.
/// How long a run lock that looks held is tried again before it is taken to be
/// another run's.
const SETTLE: Duration = Duration::from_secs(1);

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
        // A process that another thread of this program is starting holds a
        // copy of each of its descriptors until it runs its own program, the
        // lock's too: a lock released a moment ago can still look held. A run
        // that really holds it holds it for its whole length, so a short wait
        // tells the two apart.
        let deadline = Instant::now() + SETTLE;
        loop {
            match file.try_lock() {
                // A dry run only looks: it must not keep a real run waiting.
                Ok(()) if dry_run => return Ok(Lock { _file: None }),
                Ok(()) => return Ok(Lock { _file: Some(file) }),
                Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(PublishError::Locked(path)),
                Err(fs::TryLockError::Error(e)) => return Err(io(e)),
            }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Other threads starting processes (the test harness's neighbours, a
    /// program embedding the library) never make a released lock look held.
    #[test]
    fn a_lock_released_while_other_threads_start_processes_is_taken_again() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let started = AtomicUsize::new(0);
        let enough = 300;
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| {
                    while started.load(Ordering::Relaxed) < enough {
                        let _ = std::process::Command::new("true").status();
                        started.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
            // Taken and released again and again while the processes start.
            let mut taken = Ok(());
            while taken.is_ok() && started.load(Ordering::Relaxed) < enough {
                taken = Lock::take(&repo, false).map(drop);
            }
            started.store(enough, Ordering::Relaxed);
            taken.unwrap();
        });
    }
}
