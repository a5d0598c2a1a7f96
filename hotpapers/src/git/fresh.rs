//! The binary's day-files against the disk's: a publish renders what was
//! compiled in, so it refuses when a day-file or the settings changed since.

use std::collections::HashMap;
use std::path::Path;

use super::error::PublishError;
use super::plan::Folders;
use super::published::LastPublish;
use super::repo::{read, read_if_exists};
use crate::archive::DayEntry;
use crate::model::source_hash;
use crate::text::day_file_name;

/// Refuses to publish posts rendered from other day-files than those on disk.
pub(crate) fn check_fresh(
    workdir: &Path,
    prefix: &str,
    (site_hash, days): (Option<u64>, &[DayEntry]),
    folders: &Folders,
    published: &mut LastPublish,
) -> Result<(), PublishError> {
    check_settings_fresh(workdir, prefix, site_hash)?;
    check_days_fresh(workdir, days, folders, published)
}

/// Refuses settings on disk other than those compiled in.
pub(crate) fn check_settings_fresh(
    workdir: &Path,
    prefix: &str,
    site_hash: Option<u64>,
) -> Result<(), PublishError> {
    let settings = read_if_exists(&workdir.join(prefix).join(crate::site::SITE_FILE))?;
    if settings.as_deref().map(source_hash) != site_hash {
        let file = format!("`{prefix}{}`", crate::site::SITE_FILE);
        // The build script watches the file, there or not, so `cargo run`
        // rebuilds; a binary run by itself says so.
        return Err(PublishError::stale(match (site_hash, &settings) {
            (None, _) => format!("{file} was added"),
            (Some(_), None) => format!("{file} was removed"),
            (Some(_), Some(_)) => format!("{file} changed"),
        }));
    }
    Ok(())
}

/// Refuses day-files on disk other than those compiled in. A day-file that
/// `git status` finds as `HEAD` has it, and whose blob `published` knows the
/// fingerprint of, is not read.
fn check_days_fresh(
    workdir: &Path,
    days: &[DayEntry],
    folders: &Folders,
    published: &mut LastPublish,
) -> Result<(), PublishError> {
    let dir = workdir.join(&folders.posts);
    let on_disk = match crate::day::day_files(&dir) {
        Ok(files) => files,
        Err(_) if days.is_empty() && !dir.exists() => Vec::new(),
        Err(crate::day::LoadError::Io { path, source }) => {
            return Err(PublishError::Io {
                action: "read",
                path,
                source,
            })
        }
        Err(other) => {
            return Err(PublishError::Io {
                action: "read",
                path: dir,
                source: std::io::Error::other(other.to_string()),
            })
        }
    };
    let shown = |name: &str| format!("`{}/{name}`", folders.posts);
    let mut compiled: HashMap<String, &DayEntry> = days.iter().map(|d| (day_file_name(d.date), d)).collect();
    // The files to read: those `git status` and the record cannot vouch for.
    let mut unread = Vec::new();
    for file in &on_disk {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let Some(day) = compiled.remove(&name) else {
            return Err(PublishError::stale(format!("{} was added", shown(&name))));
        };
        let path = format!("{}/{name}", folders.posts);
        let clean = folders
            .committed_sources
            .get(&name)
            .copied()
            .filter(|_| !folders.dirty.contains(&path));
        if clean.is_none_or(|blob| published.source_of(&name, blob) != Some(day.source_hash)) {
            unread.push((file, name, day, clean));
        }
    }
    if let Some(missing) = compiled.keys().min() {
        return Err(PublishError::stale(format!("{} was deleted", shown(missing))));
    }
    // Read and fingerprinted on every core: a first publish reads them all.
    let sources = crate::parallel::try_map(&unread, 64, |(file, _, _, _)| {
        read(file).map(|bytes| source_hash(&bytes))
    })?;
    for ((_, name, day, clean), source) in unread.iter().zip(sources) {
        if source != day.source_hash {
            return Err(PublishError::stale(format!("{} changed", shown(name))));
        }
        if let Some(blob) = clean {
            published.found(*blob, day.source_hash);
        }
    }
    Ok(())
}

/// The file in the git folder that says which build last found the posts
/// complete: `<fingerprint> <tree of the day-files> <tree of the posts>`.
const STAMP: &str = "hotpapers-posts";

/// The ids of the day-files' and the posts' folders in `HEAD`'s tree (`-` for
/// a folder that is not there).
fn folder_ids(base: &git2::Tree<'_>, posts: &str, output: &str) -> String {
    let id = |dir: &str| {
        base.get_path(Path::new(dir))
            .map_or_else(|_| "-".to_owned(), |entry| entry.id().to_string())
    };
    format!("{} {}", id(posts), id(output))
}

/// Whether this build (`fingerprint`) already published every post: it recorded
/// so, `HEAD` still has the folders it had then, and the work tree and index
/// hold nothing else in them. Then a run has nothing to do, and need not render
/// and compare every post to find that out.
pub(crate) fn posts_up_to_date(
    repo: &git2::Repository,
    base: &git2::Tree<'_>,
    posts: &str,
    output: &str,
    fingerprint: u64,
) -> Result<bool, PublishError> {
    let Ok(stamp) = std::fs::read_to_string(repo.path().join(STAMP)) else {
        return Ok(false);
    };
    let expected = format!("{fingerprint:016x} {}", folder_ids(base, posts, output));
    if stamp.trim_end() != expected {
        return Ok(false);
    }
    Ok(super::repo::dirty_paths(repo, &[posts, output])?.is_empty())
}

/// Records that this build found every post published as `HEAD` has them.
pub(crate) fn stamp_posts(
    repo: &git2::Repository,
    posts: &str,
    output: &str,
    fingerprint: u64,
) -> Result<(), PublishError> {
    let head = repo.head()?.peel_to_tree()?;
    let text = format!("{fingerprint:016x} {}\n", folder_ids(&head, posts, output));
    super::repo::write(&repo.path().join(STAMP), text.as_bytes())
}
