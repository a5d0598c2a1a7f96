//! The repository and its work tree as a publish reads them: opening it (and
//! refusing mid-operation states), `HEAD`, the site's place in the work tree,
//! what a folder holds in a tree, what `git status` finds changed, and files.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;

use git2::{ErrorCode, ObjectType, Oid, Repository, RepositoryState};

use super::error::PublishError;

pub(crate) fn open(site_root: &Path) -> Result<Repository, PublishError> {
    let repo = Repository::discover(site_root).map_err(|e| match e.code() {
        ErrorCode::NotFound => PublishError::NotARepository(site_root.to_owned()),
        _ => PublishError::Git(e),
    })?;
    if repo.is_bare() {
        return Err(PublishError::Bare);
    }
    let busy = match repo.state() {
        RepositoryState::Clean => return Ok(repo),
        RepositoryState::Merge => "merge",
        RepositoryState::Revert | RepositoryState::RevertSequence => "revert",
        RepositoryState::CherryPick | RepositoryState::CherryPickSequence => "cherry-pick",
        RepositoryState::Bisect => "bisect",
        RepositoryState::Rebase | RepositoryState::RebaseInteractive | RepositoryState::RebaseMerge => {
            "rebase"
        }
        RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => "`git am`",
    };
    Err(PublishError::Busy(busy))
}

pub(crate) fn head_commit(repo: &Repository) -> Result<Option<git2::Commit<'_>>, PublishError> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_commit()?)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The site's path inside the work tree, `""` or `"site/"`.
pub(crate) fn site_prefix(site_root: &Path, workdir: &Path) -> Result<String, PublishError> {
    let canonical = |p: &Path| {
        p.canonicalize().map_err(|source| PublishError::Io {
            action: "read",
            path: p.to_owned(),
            source,
        })
    };
    let (site, workdir) = (canonical(site_root)?, canonical(workdir)?);
    let relative = site.strip_prefix(&workdir).map_err(|_| PublishError::Outside {
        site: site.clone(),
        workdir: workdir.clone(),
    })?;
    let mut prefix = String::new();
    for part in relative.components() {
        prefix.push_str(&part.as_os_str().to_string_lossy());
        prefix.push('/');
    }
    Ok(prefix)
}

/// The blobs directly in folder `dir` of `tree`, by name; read once, since
/// looking each path up again would parse the folder's tree every time.
pub(crate) fn dir_entries(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    dir: &str,
) -> Result<HashMap<String, Oid>, PublishError> {
    let subtree = match tree.get_path(Path::new(dir)) {
        Ok(entry) if entry.kind() == Some(ObjectType::Tree) => repo.find_tree(entry.id())?,
        Ok(_) => return Ok(HashMap::new()),
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(e.into()),
    };
    Ok(subtree
        .iter()
        .filter(|entry| entry.kind() == Some(ObjectType::Blob))
        .filter_map(|entry| Some((entry.name().ok()?.to_owned(), entry.id())))
        .collect())
}

/// Paths in `dirs` whose work-tree, index and HEAD versions are not all equal,
/// as `git status` finds them: from the index's stat data, hashing only files
/// that look changed. One folder at a time: libgit2 walks only the common
/// prefix of its pathspecs, which for two folders is the whole work tree.
pub(crate) fn dirty_paths(repo: &Repository, dirs: &[&str]) -> Result<HashSet<String>, PublishError> {
    let mut dirty = HashSet::new();
    for dir in dirs {
        let mut options = git2::StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true)
            .pathspec(format!("{dir}/"));
        let statuses = repo.statuses(Some(&mut options))?;
        dirty.extend(
            statuses
                .iter()
                .filter(|entry| entry.status() != git2::Status::CURRENT)
                .filter_map(|entry| entry.path().ok().map(str::to_owned)),
        );
    }
    Ok(dirty)
}

/// The id git gives a file with these bytes.
pub(crate) fn blob_id(bytes: &[u8]) -> Result<Oid, PublishError> {
    Ok(super::pack::object_id(ObjectType::Blob, bytes)?)
}

pub(crate) fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, PublishError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PublishError::Io {
            action: "read",
            path: path.to_owned(),
            source,
        }),
    }
}

/// The reflog entry `git commit` writes for a commit with `message`:
/// `commit: SUBJECT`, or `commit (initial): SUBJECT` for a branch's first.
pub(crate) fn commit_log(message: &str, initial: bool) -> String {
    let subject = message.lines().next().unwrap_or_default();
    let kind = if initial { "commit (initial)" } else { "commit" };
    format!("{kind}: {subject}")
}

/// Refuses a symbolic link at any folder from the work tree down to `dir`: the
/// folder could be committed as a link to anywhere on the machine.
pub(crate) fn check_real_folders(workdir: &Path, dir: &str) -> Result<(), PublishError> {
    match crate::text::first_link(workdir, dir) {
        Ok(None) => Ok(()),
        Ok(Some(link)) => Err(PublishError::Symlink(link)),
        Err(source) => Err(PublishError::Io {
            action: "read",
            path: workdir.join(dir),
            source,
        }),
    }
}

/// Removes the temporary files and folders that a killed run left in `dir`
/// (`.hotpapers-<pid>-<n>.tmp`, and nothing else of that prefix: the blog's
/// `.hotpapers-site` manifest may be there); runs hold the lock, so none of
/// them is being written.
pub(crate) fn remove_stale_temp_files(dir: &Path) -> Result<(), PublishError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(crate::text::TEMP_PREFIX) && name.ends_with(".tmp")) {
            continue;
        }
        // A temporary folder is a first publish's posts, killed before whole.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            fs::remove_dir_all(entry.path()).map_err(|source| PublishError::Io {
                action: "remove",
                path: entry.path(),
                source,
            })?;
        } else {
            remove_file(&entry.path())?;
        }
    }
    Ok(())
}

pub(crate) fn remove_file(path: &Path) -> Result<(), PublishError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(PublishError::Io {
            action: "remove",
            path: path.to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// The whole file at `path`.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, PublishError> {
    fs::read(path).map_err(|source| PublishError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })
}

/// Writes a post (or any file of the work tree) whole.
pub(crate) fn write(path: &Path, content: &[u8]) -> Result<(), PublishError> {
    crate::text::write_atomically(path, content).map_err(|source| PublishError::Io {
        action: "write",
        path: path.to_owned(),
        source,
    })
}
