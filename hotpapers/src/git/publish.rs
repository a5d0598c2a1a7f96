//! Writing the posts and committing them with git2, touching nothing else.
//!
//! The commit is built from `HEAD`'s tree, not from the index, so whatever the
//! user has staged stays staged and out of the commit. It holds the posts that
//! were added, changed or removed and the day-files they came from, and then
//! only those paths' index entries are brought up to date.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use git2::{ErrorCode, FileMode, Oid, Repository, Signature};
use time::Date;

use super::error::PublishError;
use super::fresh::{check_fresh, check_settings_fresh, posts_up_to_date, stamp_posts};
use super::identity::signatures;
use super::lock::{git_lock, head_lock, Lock};
use super::pack::empty_tree;
use super::pages::{commit_site, push_site, PagesCache, PagesCommit, PagesReport, RenderedSite};
use super::plan::{commit_message, folder_paths, folders, plan, Plan, PlannedFile, Tree};
use super::published::LastPublish;
use super::push::{push, Published, PushError, PushTarget, Pushed};
use super::repo::{
    check_real_folders, commit_log, head_commit, open, remove_file, remove_stale_temp_files, site_prefix,
    write,
};
use super::written::Written;
use crate::archive::{Archive, ArchiveHead, Days};
use crate::site::Site;

/// How to publish.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Say what would change; write and commit nothing.
    pub dry_run: bool,
    /// Write the posts but do not commit.
    pub no_commit: bool,
    /// The commit author, `Name <email>`; overrides every other source.
    pub author: Option<String>,
    /// Environment to read `GIT_AUTHOR_*` and `GIT_COMMITTER_*` from; the
    /// process environment when `None`.
    pub env: Option<BTreeMap<String, String>>,
    /// Push the branch afterwards (and the pages branch, if there is one).
    pub push: Option<PushTarget>,
    /// The rendered HTML site, committed to the pages branch of the settings'
    /// `[blog]` (unless `pages = false`); `None` commits no site.
    pub site: Option<RenderedSite>,
    /// What the posts and the site were rendered from (for example the
    /// binary's identity, whose days, settings and theme are compiled in):
    /// recorded with the posts and with the pages commit, so that a later run
    /// can tell ([`posts_up_to_date_at`], [`pages_up_to_date`](crate::pages_up_to_date))
    /// that rendering again would change nothing.
    pub fingerprint: Option<u64>,
}

/// The settings a build compiled in: the site's, and the fingerprint of the
/// `hotpapers.toml` they were read from (`None`: there was none, the defaults).
#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    /// The settings.
    pub site: &'a Site,
    /// Their file's fingerprint.
    pub hash: Option<u64>,
}

impl<'a> From<&'a Archive<'_>> for Settings<'a> {
    fn from(archive: &'a Archive<'_>) -> Settings<'a> {
        Settings {
            site: &archive.site,
            hash: archive.site_hash,
        }
    }
}

impl<'a> From<&'a ArchiveHead<'_>> for Settings<'a> {
    fn from(head: &'a ArchiveHead<'_>) -> Settings<'a> {
        Settings {
            site: &head.site,
            hash: head.site_hash,
        }
    }
}

/// What happened to one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// A new post.
    Added,
    /// The post or its day-file changed.
    Updated,
    /// The day-file was deleted, and its post with it.
    Removed,
}

impl Change {
    /// `Updated` for a path committed before (`committed` is its blob), else `Added`.
    pub(crate) fn of(committed: Option<Oid>) -> Change {
        match committed {
            Some(_) => Change::Updated,
            None => Change::Added,
        }
    }

    /// `add`, `update` or `remove`, as in commit messages.
    pub fn verb(self) -> &'static str {
        match self {
            Change::Added => "add",
            Change::Updated => "update",
            Change::Removed => "remove",
        }
    }
}

/// What a run did, or with `dry_run` would do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Days that changed, by date.
    pub changes: Vec<(Date, Change)>,
    /// Days whose post and day-file were already committed as they are.
    pub unchanged: usize,
    /// Files written, added to or removed from the commit, relative to the repository.
    pub files: Vec<FileChange>,
    /// The new commit, if one was made.
    pub commit: Option<Oid>,
    /// The commit message, if there were changes.
    pub message: Option<String>,
    /// What `push` did.
    pub pushed: Option<Pushed>,
    /// What publishing the HTML site to the pages branch did.
    pub pages: Option<PagesReport>,
}

impl Report {
    /// How many days had a given change.
    pub fn count(&self, change: Change) -> usize {
        self.changes.iter().filter(|(_, c)| *c == change).count()
    }
}

/// One path in the commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    /// Path relative to the repository's work tree, with `/`.
    pub path: String,
    /// Added, updated or removed.
    pub change: Change,
}

/// Renders every day of `archive` into the site at `site_root` and commits the
/// posts that changed, with their day-files.
pub fn publish(site_root: &Path, archive: &Archive<'_>, options: &Options) -> Result<Report, PublishError> {
    let days = Days::of(&archive.days);
    publish_days(site_root, archive.into(), &days, options)
}

/// [`publish`] of an archive's settings and their file's fingerprint, and its
/// days, which are decoded only where a post must be rendered.
pub fn publish_days(
    site_root: &Path,
    settings: Settings<'_>,
    days: &Days<'_>,
    options: &Options,
) -> Result<Report, PublishError> {
    let repo = open(site_root)?;
    // Held until the push is done too; the kernel releases it however the run ends.
    let _lock = Lock::take(&repo, options.dry_run)?;
    if options.push.as_ref().is_some_and(|t| t.branch.is_none()) && repo.head_detached()? {
        return Err(PushError::Detached.into());
    }
    let mut report = commit_posts(&repo, site_root, settings, days, options)?;
    report.pages = commit_pages(&repo, settings.site, options, report.message.as_deref())?;
    if let Some(target) = options
        .push
        .as_ref()
        .filter(|_| !options.dry_run && !options.no_commit)
    {
        let published = match report.commit {
            Some(commit) => Some(Published {
                commit,
                parent: repo.find_commit(commit)?.parent_id(0).ok(),
            }),
            None => None,
        };
        let pushed = push(&repo, target, published)?;
        if pushed.reapplied {
            report.commit = Some(pushed.commit);
        }
        report.pushed = Some(pushed);
        if let Some(pages) = &mut report.pages {
            if let Some(commit) = push_site(&repo, &target.remote, &pages.branch, target.attempts)? {
                pages.pushed = Some((target.remote.clone(), commit));
            }
        }
    }
    Ok(report)
}

/// The site, committed to the pages branch when it changed: after the posts,
/// so a failure here leaves the posts committed and the next run retries.
fn commit_pages(
    repo: &Repository,
    site_settings: &Site,
    options: &Options,
    posts_message: Option<&str>,
) -> Result<Option<PagesReport>, PublishError> {
    let settings = &site_settings.blog;
    let Some(site) = options.site.as_ref().filter(|_| settings.pages) else {
        return Ok(None);
    };
    let subject = posts_message.and_then(|m| m.lines().next()).unwrap_or("rebuild");
    let message = format!("{}{subject}", super::pages::SUBJECT_PREFIX);
    let loaded;
    let cache = match &site.cache {
        Some(cache) => cache,
        None => {
            loaded = PagesCache::of(repo);
            &loaded
        }
    };
    let identity = || signatures(repo, site_settings, options);
    let commit = if options.dry_run || options.no_commit {
        PagesCommit {
            message: &message,
            identity: None,
            fingerprint: None,
        }
    } else {
        PagesCommit {
            message: &message,
            identity: Some(&identity),
            fingerprint: options.fingerprint,
        }
    };
    commit_site(repo, settings, site, cache, &commit).map(Some)
}

/// Whether the build with this `fingerprint` already published every post of
/// the site at `site_root` (settings `site`, fingerprint `site_hash`), and
/// `HEAD`, the index and the work tree still hold them: then a run has nothing
/// to do, and need not decode, render or compare a single day. Settings on
/// disk other than those compiled in are an error, as in a full run.
pub fn posts_up_to_date_at(
    site_root: &Path,
    site: &Site,
    site_hash: Option<u64>,
    fingerprint: u64,
) -> Result<bool, PublishError> {
    let repo = open(site_root)?;
    posts_published(&repo, site_root, site, site_hash, fingerprint)
}

fn posts_published(
    repo: &Repository,
    site_root: &Path,
    site: &Site,
    site_hash: Option<u64>,
    fingerprint: u64,
) -> Result<bool, PublishError> {
    let workdir = repo.workdir().ok_or(PublishError::Bare)?;
    let prefix = site_prefix(site_root, workdir)?;
    let Some(commit) = head_commit(repo)? else {
        return Ok(false);
    };
    // The day-files are in the stamp's folders; the settings are not.
    check_settings_fresh(workdir, &prefix, site_hash)?;
    let (posts_dir, output_dir) = folder_paths(&prefix, site);
    posts_up_to_date(repo, &commit.tree()?, &posts_dir, &output_dir, fingerprint)
}

/// Writes the posts and makes the commit; everything but the push. Each step is
/// one function below, in this order.
fn commit_posts(
    repo: &Repository,
    site_root: &Path,
    Settings {
        site,
        hash: site_hash,
    }: Settings<'_>,
    days: &Days<'_>,
    options: &Options,
) -> Result<Report, PublishError> {
    let workdir = repo.workdir().ok_or(PublishError::Bare)?;
    let prefix = site_prefix(site_root, workdir)?;
    let (posts_dir, output_dir) = folder_paths(&prefix, site);
    let head = head_commit(repo)?;
    if let Some(fingerprint) = options.fingerprint {
        if posts_published(repo, site_root, site, site_hash, fingerprint)? {
            return Ok(Report {
                unchanged: days.len(),
                ..Report::default()
            });
        }
    }
    // Every post is committed as rendered: recorded for the next run, which
    // then reads and renders only what changes.
    let stamp = |repo: &Repository, published: &LastPublish| {
        if options.dry_run || options.no_commit {
            return Ok(());
        }
        published.save(repo, site, days.entries(), &posts_dir, &output_dir)?;
        match options.fingerprint {
            Some(fingerprint) => stamp_posts(repo, &posts_dir, &output_dir, fingerprint),
            None => Ok(()),
        }
    };
    let base = match &head {
        Some(commit) => commit.tree()?,
        None => empty_tree(repo)?,
    };
    let folders = folders(repo, &base, &prefix, site)?;
    let mut published = LastPublish::load(repo)?;
    check_fresh(
        workdir,
        &prefix,
        (site_hash, days.entries()),
        &folders,
        &mut published,
    )?;
    check_real_folders(workdir, &format!("{prefix}{}", site.output_dir))?;
    check_real_folders(workdir, &format!("{prefix}{}", site.posts_dir))?;
    let mut ours = Written::load(repo)?;
    let tree = Tree {
        workdir,
        written: &ours,
    };
    let plan = plan(&tree, site, &folders, days, &mut published)?;
    let mut report = Report::of(&plan);
    if plan.files.is_empty() && plan.writes.is_empty() {
        if head.is_some() && ours.is_empty() {
            stamp(repo, &published)?;
        }
        return Ok(report);
    }
    let message = commit_message(site, &plan);
    report.message = Some(message.clone());
    if options.dry_run {
        return Ok(report);
    }
    // In the posts' folder, and beside it: a first publish writes the folder
    // whole into a temporary one there.
    let output = workdir.join(&prefix).join(&site.output_dir);
    remove_stale_temp_files(&output)?;
    if let Some(beside) = output.parent() {
        remove_stale_temp_files(beside)?;
    }
    let identity = if options.no_commit || plan.files.is_empty() {
        None
    } else {
        Some(signatures(repo, site, options)?)
    };
    let Some(identity) = identity else {
        write_uncommitted(workdir, &plan, &mut ours)?;
        return Ok(report);
    };
    let ids = write_posts_and_blobs(repo, workdir, &plan)?;
    let commit = make_commit(repo, head.as_ref(), &base, &plan, &ids, &identity, &message)?;
    stage(repo, workdir, &plan, &ids)?;
    move_head(repo, commit, head.as_ref().map(git2::Commit::id), &message)?;
    // Committed now: these paths are git's again, not this tool's uncommitted output.
    ours.forget(plan.files.iter().map(|f| f.path.as_str()));
    ours.save()?;
    if ours.is_empty() {
        stamp(repo, &published)?;
    }
    report.commit = Some(commit);
    Ok(report)
}

impl Report {
    fn of(plan: &Plan) -> Report {
        Report {
            changes: plan.days.clone(),
            unchanged: plan.unchanged,
            files: plan
                .files
                .iter()
                .map(|f| FileChange {
                    path: f.path.clone(),
                    change: f.change,
                })
                .collect(),
            ..Report::default()
        }
    }
}

/// Writes (and deletes) the planned posts in the work tree, on every core: a
/// first publish writes thousands.
fn write_posts(workdir: &Path, plan: &Plan) -> Result<(), PublishError> {
    if let Some((dir, files)) = new_folder(workdir, plan) {
        return crate::text::write_new_folder(&dir, &files).map_err(|source| PublishError::Io {
            action: "write",
            path: dir,
            source,
        });
    }
    let written = crate::parallel::map_chunks(&plan.writes, 64, |posts| {
        posts.iter().try_for_each(|post| match &post.content {
            Some(content) => write(&workdir.join(&post.path), content),
            None => remove_file(&workdir.join(&post.path)),
        })
    });
    written.into_iter().collect()
}

/// A folder to write whole, and its files by name.
type NewFolder<'p> = (PathBuf, Vec<(&'p str, &'p [u8])>);

/// The posts' folder and its files by name, when the folder does not exist
/// yet and every planned write creates a post in it: a first publish, which
/// writes the folder whole.
fn new_folder<'p>(workdir: &Path, plan: &'p Plan) -> Option<NewFolder<'p>> {
    let dir = workdir.join(&plan.output);
    if plan.writes.is_empty() || dir.symlink_metadata().is_ok() {
        return None;
    }
    let files = plan
        .writes
        .iter()
        .map(|write| {
            let name = write.path.strip_prefix(plan.output.as_str())?.strip_prefix('/')?;
            let content = write.content.as_ref()?;
            (!name.contains('/')).then_some((name, content.as_slice()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((dir, files))
}

/// `--no-commit`: the posts, noted first as this tool's own, so whatever this run
/// manages to write is known as its own.
fn write_uncommitted(workdir: &Path, plan: &Plan, ours: &mut Written) -> Result<(), PublishError> {
    ours.note_writes(
        plan.writes
            .iter()
            .map(|w| (w.path.as_str(), w.content.as_ref().map(|c| c.as_slice()))),
    )?;
    ours.save()?;
    write_posts(workdir, plan)
}

/// The posts, written while other threads compress the commit's blobs: the two
/// are independent, and a first publish spends most of its time in them.
fn write_posts_and_blobs(
    repo: &Repository,
    workdir: &Path,
    plan: &Plan,
) -> Result<Vec<Option<Oid>>, PublishError> {
    let git_dir = repo.path().to_owned();
    let (ids, written) = std::thread::scope(|scope| {
        let blobs = scope.spawn(|| write_blobs(&git_dir, &plan.files));
        let written = write_posts(workdir, plan);
        let ids = blobs
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (ids, written)
    });
    written?;
    let ids = ids?;
    // Objects may have arrived in a new pack, written through another handle.
    repo.odb()?.refresh()?;
    Ok(ids)
}

/// The commit: `HEAD`'s tree with the planned files upserted or removed.
fn make_commit(
    repo: &Repository,
    head: Option<&git2::Commit<'_>>,
    base: &git2::Tree<'_>,
    plan: &Plan,
    ids: &[Option<Oid>],
    (author, committer): &(Signature<'static>, Signature<'static>),
    message: &str,
) -> Result<Oid, PublishError> {
    let mut update = git2::build::TreeUpdateBuilder::new();
    for (file, id) in plan.files.iter().zip(ids) {
        match id {
            Some(id) => update.upsert(file.path.as_str(), *id, FileMode::Blob),
            None => update.remove(file.path.as_str()),
        };
    }
    let tree = repo.find_tree(update.create_updated(repo, base)?)?;
    let parents: Vec<&git2::Commit<'_>> = head.into_iter().collect();
    Ok(repo.commit(None, author, committer, message, &tree, &parents)?)
}

/// The index entries of the committed paths, and only those. The index is
/// written before the ref moves: a failure between the two leaves the old `HEAD`
/// with the new posts staged, which the next run commits; never the reverse.
fn stage(repo: &Repository, workdir: &Path, plan: &Plan, ids: &[Option<Oid>]) -> Result<(), PublishError> {
    let mut index = repo.index()?;
    for (file, id) in plan.files.iter().zip(ids) {
        match id {
            Some(id) => index.add(&index_entry(workdir, &file.path, *id)?)?,
            None => match index.remove_path(Path::new(&file.path)) {
                Err(e) if e.code() != ErrorCode::NotFound => return Err(e.into()),
                _ => {}
            },
        }
    }
    index
        .write()
        .map_err(|e| git_lock(e, repo.path().join("index.lock")))
}

/// Moves the branch to the commit; git's lock in the way is reported as git does.
fn move_head(repo: &Repository, commit: Oid, old: Option<Oid>, message: &str) -> Result<(), PublishError> {
    advance_head(repo, commit, old, message).map_err(|e| match e {
        PublishError::Git(e) => git_lock(e, head_lock(repo).unwrap_or_default()),
        e => e,
    })
}

/// Writes the blobs of the commit, on every core: compressing and hashing them is
/// most of a first publish. Each thread has its own handle on the repository.
fn write_blobs(git_dir: &Path, files: &[PlannedFile]) -> Result<Vec<Option<Oid>>, PublishError> {
    let blobs: Vec<&[u8]> = files
        .iter()
        .filter_map(|f| f.blob.as_ref().map(|b| b.as_slice()))
        .collect();
    if blobs.len() >= crate::git::pack::PACK_THRESHOLD {
        // A first publish or an import: one pack instead of thousands of files.
        let mut ids = crate::git::pack::write_blobs(&Repository::open(git_dir)?, &blobs)?.into_iter();
        return Ok(files
            .iter()
            .map(|f| f.blob.as_ref().and_then(|_| ids.next()))
            .collect());
    }
    let chunks = crate::parallel::map_chunks(files, 64, |files| -> Result<Vec<Option<Oid>>, PublishError> {
        let repo = Repository::open(git_dir)?;
        files
            .iter()
            .map(|f| Ok(f.blob.as_ref().map(|b| repo.blob(b)).transpose()?))
            .collect()
    });
    crate::parallel::concat(chunks)
}

/// The index entry of a work-tree file whose content is the blob `id`, with the
/// file's stat data so that `git status` sees it clean without hashing it again.
fn index_entry(workdir: &Path, path: &str, id: Oid) -> Result<git2::IndexEntry, PublishError> {
    let full = workdir.join(path);
    let meta = fs::metadata(&full).map_err(|source| PublishError::Io {
        action: "read",
        path: full,
        source,
    })?;
    #[cfg(unix)]
    let (ctime, mtime, dev, ino, mode, uid, gid) = {
        use std::os::unix::fs::MetadataExt;
        let time = |s: i64, ns: i64| git2::IndexTime::new(s as i32, ns as u32);
        let mode = if meta.mode() & 0o111 != 0 {
            0o100755
        } else {
            0o100644
        };
        (
            time(meta.ctime(), meta.ctime_nsec()),
            time(meta.mtime(), meta.mtime_nsec()),
            meta.dev() as u32,
            meta.ino() as u32,
            mode,
            meta.uid(),
            meta.gid(),
        )
    };
    #[cfg(not(unix))]
    let (ctime, mtime, dev, ino, mode, uid, gid) = (
        git2::IndexTime::new(0, 0),
        git2::IndexTime::new(0, 0),
        0,
        0,
        0o100644,
        0,
        0,
    );
    Ok(git2::IndexEntry {
        ctime,
        mtime,
        dev,
        ino,
        mode,
        uid,
        gid,
        file_size: meta.len() as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    })
}

/// Moves the branch HEAD names (or a detached HEAD) from `old` to `new`, failing
/// if someone else moved it meanwhile.
fn advance_head(repo: &Repository, new: Oid, old: Option<Oid>, message: &str) -> Result<(), PublishError> {
    let log = commit_log(message, old.is_none());
    let head = repo.find_reference("HEAD")?;
    match (head.symbolic_target()?, old) {
        (Some(branch), Some(old)) => repo.reference_matching(branch, new, true, old, &log).map(drop)?,
        (Some(branch), None) => repo.reference(branch, new, false, &log).map(drop)?,
        // Moved as a ref, with the entry `git commit` writes: libgit2's
        // `set_head_detached` logs `checkout: moving from X to X`, which
        // `git checkout -` would then take for where the user came from.
        (None, Some(old)) => repo.reference_matching("HEAD", new, true, old, &log).map(drop)?,
        (None, None) => repo.reference("HEAD", new, true, &log).map(drop)?,
    }
    Ok(())
}
