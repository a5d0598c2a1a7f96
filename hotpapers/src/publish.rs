//! Writing the posts and committing them with git2, touching nothing else.
//!
//! The commit is built from `HEAD`'s tree, not from the index, so whatever the
//! user has staged stays staged and out of the commit. It holds the posts that
//! were added, changed or removed and the day-files they came from, and then
//! only those paths' index entries are brought up to date.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use git2::{ErrorCode, FileMode, ObjectType, Oid, Repository, RepositoryState, Signature};
use time::Date;

use crate::archive::Archive;
use crate::model::{source_hash, Day};
use crate::push::{push, Published, PushTarget, Pushed};
use crate::render::render;
use crate::site::{day_file_name, format_date, Site};

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
    /// Push the branch afterwards.
    pub push: Option<PushTarget>,
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
    fn of(committed: Option<Oid>) -> Change {
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

/// Why nothing was published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// No repository at or above the site.
    #[error("`{}` is not inside a git repository; run `git init` first", .0.display())]
    NotARepository(PathBuf),
    /// A bare repository has no work tree to write posts into.
    #[error("the repository is bare; run hotpapers in a clone with a work tree")]
    Bare,
    /// A merge, rebase, cherry-pick or revert is in progress.
    #[error("a {0} is in progress; finish or abort it, then run again")]
    Busy(&'static str),
    /// Another run holds the lock.
    #[error("another hotpapers run is publishing in this repository (it holds `{}`); wait for it to finish", .0.display())]
    Locked(PathBuf),
    /// One of git's own lock files is there: another git process is at work, or
    /// one crashed. Said as git says it; the file is never removed by this tool.
    #[error("unable to create `{}`: file exists; another git process seems to be running in this repository; make sure all git processes have ended and try again; if it still fails, a git process may have crashed here earlier: remove the file by hand to continue", .0.display())]
    GitLocked(PathBuf),
    /// A folder on the way to the posts is a symbolic link: writing there could
    /// write outside the work tree.
    #[error("`{0}` is a symbolic link; posts are written only to real folders inside the work tree")]
    Symlink(String),
    /// The binary was built from other day-files or settings than those on disk.
    #[error("{what} since this binary was built; {fix}")]
    Stale {
        /// What differs, such as ``posts/2020-10-30.toml` changed``.
        what: String,
        /// How to rebuild.
        fix: &'static str,
    },
    /// A generated post was edited by hand and would be overwritten.
    #[error("`{0}` has changes that are not in git and would be overwritten; generated posts are rewritten from their day-file, so move the edit there, or discard it with `git checkout -- {0}`")]
    LocalEdits(String),
    /// The site folder is outside the repository's work tree.
    #[error("the site `{}` is outside the repository's work tree `{}`", .site.display(), .workdir.display())]
    Outside {
        /// The site root.
        site: PathBuf,
        /// The work tree.
        workdir: PathBuf,
    },
    /// No commit author could be found.
    #[error("no commit author: pass `--author \"Name <email>\"`, set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, set `[commit] author` in hotpapers.toml, or run `git config user.name` and `git config user.email`")]
    NoIdentity,
    /// An author that is not `Name <email>`.
    #[error("author `{0}` is not of the form `Name <email>`")]
    BadIdentity(String),
    /// A file could not be read or written.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// read, write, remove...
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The branch could not be pushed.
    #[error("cannot push: {0}")]
    Push(String),
    /// git refused.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// Renders every day of `archive` into the site at `site_root` and commits the
/// posts that changed, with their day-files.
pub fn publish(site_root: &Path, archive: &Archive<'_>, options: &Options) -> Result<Report, PublishError> {
    let repo = open(site_root)?;
    let lock = Lock::take(&repo, options.dry_run)?;
    if options.push.as_ref().is_some_and(|t| t.branch.is_none()) && repo.head_detached()? {
        return Err(PublishError::Push(
            "HEAD is detached; name the branch to push to with `--branch NAME`".into(),
        ));
    }
    let mut report = commit_posts(&repo, site_root, archive, options)?;
    drop(lock);
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
    }
    Ok(report)
}

/// Writes the posts and makes the commit; everything but the push.
fn commit_posts(
    repo: &Repository,
    site_root: &Path,
    archive: &Archive<'_>,
    options: &Options,
) -> Result<Report, PublishError> {
    let workdir = repo.workdir().ok_or(PublishError::Bare)?.to_owned();
    let site = &archive.site;
    let prefix = site_prefix(site_root, &workdir)?;
    check_fresh(&workdir, &prefix, archive)?;
    check_real_folders(&workdir, &format!("{prefix}{}", site.output_dir))?;
    let mut ours = Written::load(repo)?;

    let head = head_commit(repo)?;
    let base_tree = match &head {
        Some(commit) => commit.tree()?,
        None => empty_tree(repo)?,
    };
    let plan = plan(repo, &workdir, &prefix, site, &archive.days, &base_tree, &ours)?;
    let mut report = Report {
        unchanged: plan.unchanged,
        ..Report::default()
    };
    report.changes = plan.days.iter().map(|(d, c)| (*d, *c)).collect();
    report.files = plan
        .files
        .iter()
        .map(|f| FileChange {
            path: f.path.clone(),
            change: f.change,
        })
        .collect();
    if plan.files.is_empty() && plan.writes.is_empty() {
        return Ok(report);
    }
    let message = commit_message(site, &plan);
    report.message = Some(message.clone());
    if options.dry_run {
        return Ok(report);
    }
    remove_stale_temp_files(&workdir.join(&prefix).join(&site.output_dir))?;
    let signatures = if options.no_commit {
        None
    } else {
        Some(signatures(repo, site, options)?)
    };

    let write_posts = || -> Result<(), PublishError> {
        for write in &plan.writes {
            match &write.content {
                Some(content) => write_atomically(&workdir.join(&write.path), content.as_bytes())?,
                None => remove_file(&workdir.join(&write.path))?,
            }
        }
        Ok(())
    };
    let Some((author, committer)) = signatures.filter(|_| !plan.files.is_empty()) else {
        // Noted first: whatever this run manages to write is known as its own.
        ours.note_writes(&plan.writes)?;
        ours.save()?;
        write_posts()?;
        return Ok(report);
    };
    // The posts are written while other threads compress the commit's blobs: the
    // two are independent, and a first publish spends most of its time in them.
    let git_dir = repo.path().to_owned();
    let (ids, written) = std::thread::scope(|scope| {
        let blobs = scope.spawn(|| write_blobs(&git_dir, &plan.files));
        let written = write_posts();
        (
            blobs
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            written,
        )
    });
    written?;
    let ids = ids?;
    // Objects may have arrived in a new pack, written through another handle.
    repo.odb()?.refresh()?;
    let mut update = git2::build::TreeUpdateBuilder::new();
    for (file, id) in plan.files.iter().zip(&ids) {
        match id {
            Some(id) => update.upsert(file.path.as_str(), *id, FileMode::Blob),
            None => update.remove(file.path.as_str()),
        };
    }
    let tree = repo.find_tree(update.create_updated(repo, &base_tree)?)?;
    let parents: Vec<&git2::Commit<'_>> = head.iter().collect();
    let oid = repo.commit(None, &author, &committer, &message, &tree, &parents)?;

    // The index first, then the ref: a failure between the two leaves the old HEAD
    // with the new posts staged, which the next run commits; never the reverse.
    let mut index = repo.index()?;
    for (file, id) in plan.files.iter().zip(ids) {
        match id {
            Some(id) => index.add(&index_entry(&workdir, &file.path, id)?)?,
            None => match index.remove_path(Path::new(&file.path)) {
                Err(e) if e.code() != ErrorCode::NotFound => return Err(e.into()),
                _ => {}
            },
        }
    }
    index
        .write()
        .map_err(|e| git_lock(e, repo.path().join("index.lock")))?;
    advance_head(repo, oid, head.as_ref().map(git2::Commit::id), &message).map_err(|e| match e {
        PublishError::Git(e) => git_lock(e, head_lock(repo).unwrap_or_default()),
        e => e,
    })?;
    // Committed now: these paths are git's again, not this tool's uncommitted output.
    ours.forget(plan.files.iter().map(|f| f.path.as_str()));
    ours.save()?;
    report.commit = Some(oid);
    Ok(report)
}

/// Writes the blobs of the commit, on every core: compressing and hashing them is
/// most of a first publish. Each thread has its own handle on the repository.
fn write_blobs(git_dir: &Path, files: &[PlannedFile]) -> Result<Vec<Option<Oid>>, PublishError> {
    let blobs: Vec<&[u8]> = files.iter().filter_map(|f| f.blob.as_deref()).collect();
    if blobs.len() >= crate::pack::PACK_THRESHOLD {
        // A first publish or an import: one pack instead of thousands of files.
        let mut ids = crate::pack::write_blobs(&Repository::open(git_dir)?, &blobs)?.into_iter();
        return Ok(files
            .iter()
            .map(|f| f.blob.as_ref().and_then(|_| ids.next()))
            .collect());
    }
    let chunks = crate::parallel::map_chunks(files, 64, |files| -> Result<Vec<Option<Oid>>, PublishError> {
        let repo = Repository::open(git_dir)?;
        files
            .iter()
            .map(|f| Ok(f.blob.as_deref().map(|b| repo.blob(b)).transpose()?))
            .collect()
    });
    let mut ids = Vec::with_capacity(files.len());
    for chunk in chunks {
        ids.extend(chunk?);
    }
    Ok(ids)
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

/// The lock git takes to move HEAD's branch (or a detached HEAD).
fn head_lock(repo: &Repository) -> Result<PathBuf, PublishError> {
    let head = repo.find_reference("HEAD")?;
    Ok(match head.symbolic_target()? {
        Some(branch) => repo.commondir().join(format!("{branch}.lock")),
        None => repo.path().join("HEAD.lock"),
    })
}

/// Moves the branch HEAD names (or a detached HEAD) from `old` to `new`, failing
/// if someone else moved it meanwhile.
fn advance_head(repo: &Repository, new: Oid, old: Option<Oid>, message: &str) -> Result<(), PublishError> {
    let subject = message.lines().next().unwrap_or_default();
    let log = format!("commit: {subject}");
    let head = repo.find_reference("HEAD")?;
    match (head.symbolic_target()?, old) {
        (Some(branch), Some(old)) => repo.reference_matching(branch, new, true, old, &log).map(drop)?,
        (Some(branch), None) => repo.reference(branch, new, false, &log).map(drop)?,
        (None, _) => repo.set_head_detached(new)?,
    }
    Ok(())
}

fn open(site_root: &Path) -> Result<Repository, PublishError> {
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

/// The tree of no files: what an unborn branch's first commit is built on.
pub(crate) fn empty_tree(repo: &Repository) -> Result<git2::Tree<'_>, PublishError> {
    Ok(repo.find_tree(repo.treebuilder(None)?.write()?)?)
}

fn head_commit(repo: &Repository) -> Result<Option<git2::Commit<'_>>, PublishError> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_commit()?)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The site's path inside the work tree, `""` or `"site/"`.
fn site_prefix(site_root: &Path, workdir: &Path) -> Result<String, PublishError> {
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

fn join(prefix: &str, dir: &str, name: &str) -> String {
    format!("{prefix}{}/{name}", dir.trim_end_matches('/'))
}

/// Refuses to publish posts rendered from other day-files than those on disk.
fn check_fresh(workdir: &Path, prefix: &str, archive: &Archive<'_>) -> Result<(), PublishError> {
    let (site, days) = (&archive.site, &archive.days);
    let settings = read_if_exists(&workdir.join(prefix).join(crate::site::SITE_FILE))?;
    if settings.as_deref().map(source_hash) != archive.site_hash {
        let file = format!("`{prefix}{}`", crate::site::SITE_FILE);
        return Err(match archive.site_hash {
            // Cargo cannot watch a file that did not exist at the last build.
            None => PublishError::Stale {
                what: format!("{file} was added"),
                fix: "run `touch build.rs` and then `cargo run` to rebuild and publish",
            },
            Some(_) => stale(format!("{file} changed")),
        });
    }
    let dir = workdir.join(prefix).join(&site.posts_dir);
    let on_disk = match crate::load::day_files(&dir) {
        Ok(files) => files,
        Err(_) if days.is_empty() && !dir.exists() => Vec::new(),
        Err(crate::load::LoadError::Io { path, source }) => {
            return Err(PublishError::Io {
                action: "read",
                path,
                source,
            })
        }
        Err(crate::load::LoadError::Invalid(_)) => unreachable!("listing files does not check them"),
    };
    let mut compiled: HashMap<String, &Day<'_>> = days.iter().map(|d| (day_file_name(d.date), d)).collect();
    for file in &on_disk {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let shown = join(prefix, &site.posts_dir, &name);
        let Some(day) = compiled.remove(&name) else {
            return Err(stale(format!("`{shown}` was added")));
        };
        let bytes = fs::read(file).map_err(|source| PublishError::Io {
            action: "read",
            path: file.clone(),
            source,
        })?;
        if source_hash(&bytes) != day.source_hash {
            return Err(stale(format!("`{shown}` changed")));
        }
    }
    if let Some(missing) = compiled.keys().min() {
        return Err(stale(format!(
            "`{}` was deleted",
            join(prefix, &site.posts_dir, missing)
        )));
    }
    Ok(())
}

fn stale(what: String) -> PublishError {
    PublishError::Stale {
        what,
        fix: "run `cargo run` to rebuild and publish",
    }
}

struct Plan {
    days: Vec<(Date, Change)>,
    unchanged: usize,
    /// Paths of the commit: new content, or `None` to remove.
    files: Vec<PlannedFile>,
    /// Work-tree files to write (`Some`) or delete (`None`).
    writes: Vec<PlannedWrite>,
}

struct PlannedFile {
    path: String,
    change: Change,
    blob: Option<Vec<u8>>,
}

struct PlannedWrite {
    path: String,
    content: Option<String>,
}

/// The blobs directly in folder `dir` of `tree`, by name; read once, since
/// looking each path up again would parse the folder's tree every time.
fn dir_entries(
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
/// that look changed.
fn dirty_paths(repo: &Repository, dirs: &[&str]) -> Result<HashSet<String>, PublishError> {
    let mut options = git2::StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true);
    for dir in dirs {
        options.pathspec(format!("{dir}/"));
    }
    let statuses = repo.statuses(Some(&mut options))?;
    Ok(statuses
        .iter()
        .filter(|entry| entry.status() != git2::Status::CURRENT)
        .filter_map(|entry| entry.path().ok().map(str::to_owned))
        .collect())
}

/// The id git gives a file with these bytes.
fn blob_id(bytes: &[u8]) -> Result<Oid, PublishError> {
    Ok(Oid::hash_object(ObjectType::Blob, bytes)?)
}

fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, PublishError> {
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

fn plan(
    repo: &Repository,
    workdir: &Path,
    prefix: &str,
    site: &Site,
    days: &[Day<'_>],
    base: &git2::Tree<'_>,
    written: &Written,
) -> Result<Plan, PublishError> {
    let mut plan = Plan {
        days: Vec::new(),
        unchanged: 0,
        files: Vec::new(),
        writes: Vec::new(),
    };
    let posts_dir = format!("{prefix}{}", site.posts_dir.trim_end_matches('/'));
    let output_dir = format!("{prefix}{}", site.output_dir.trim_end_matches('/'));
    let committed_sources = dir_entries(repo, base, &posts_dir)?;
    let committed_posts = dir_entries(repo, base, &output_dir)?;
    let dirty = dirty_paths(repo, &[&posts_dir, &output_dir])?;
    for day in days {
        let post_name = site.post_file_name(day.date);
        let post_path = format!("{output_dir}/{post_name}");
        let source_name = day_file_name(day.date);
        let source_path = format!("{posts_dir}/{source_name}");
        let post = render(day, site);
        let committed_post = committed_posts.get(&post_name).copied();
        let on_disk = read_if_exists(&workdir.join(&post_path))?;
        let mut change = None;
        // A post equal on disk and clean in git status is committed as rendered;
        // only the others are hashed.
        if committed_post.is_none()
            || on_disk.as_deref() != Some(post.as_bytes())
            || dirty.contains(&post_path)
        {
            if on_disk.as_deref() != Some(post.as_bytes()) {
                if let Some(on_disk) = &on_disk {
                    let id = blob_id(on_disk)?;
                    if Some(id) != committed_post && !written.wrote(&post_path, id) {
                        return Err(PublishError::LocalEdits(post_path));
                    }
                }
                plan.writes.push(PlannedWrite {
                    path: post_path.clone(),
                    content: Some(post.clone()),
                });
            }
            // A new post is added whatever its id; only a committed one needs hashing.
            if committed_post.is_none() || committed_post != Some(blob_id(post.as_bytes())?) {
                let kind = Change::of(committed_post);
                change = Some(kind);
                plan.files.push(PlannedFile {
                    path: post_path,
                    change: kind,
                    blob: Some(post.into_bytes()),
                });
            }
        }
        let committed_source = committed_sources.get(&source_name).copied();
        if committed_source.is_none() || dirty.contains(&source_path) {
            let source = fs::read(workdir.join(&source_path)).map_err(|e| PublishError::Io {
                action: "read",
                path: workdir.join(&source_path),
                source: e,
            })?;
            if committed_source.is_none() || committed_source != Some(blob_id(&source)?) {
                let kind = Change::of(committed_source);
                change.get_or_insert(Change::Updated);
                plan.files.push(PlannedFile {
                    path: source_path,
                    change: kind,
                    blob: Some(source),
                });
            }
        }
        match change {
            Some(change) => plan.days.push((day.date, change)),
            None => plan.unchanged += 1,
        }
    }
    // Day-files committed earlier and deleted since: remove them and their posts.
    let compiled: HashSet<Date> = days.iter().map(|d| d.date).collect();
    let mut committed_names: Vec<&String> = committed_sources.keys().collect();
    committed_names.sort();
    for name in committed_names {
        let Some(date) = crate::site::day_file_date(name) else {
            continue;
        };
        if compiled.contains(&date) {
            continue;
        }
        plan.files.push(PlannedFile {
            path: format!("{posts_dir}/{name}"),
            change: Change::Removed,
            blob: None,
        });
        let post_name = site.post_file_name(date);
        let post_path = format!("{output_dir}/{post_name}");
        if let Some(&committed) = committed_posts.get(&post_name) {
            let on_disk = read_if_exists(&workdir.join(&post_path))?;
            if let Some(on_disk) = &on_disk {
                let id = blob_id(on_disk)?;
                if id != committed && !written.wrote(&post_path, id) {
                    return Err(PublishError::LocalEdits(post_path));
                }
                plan.writes.push(PlannedWrite {
                    path: post_path.clone(),
                    content: None,
                });
            }
            plan.files.push(PlannedFile {
                path: post_path,
                change: Change::Removed,
                blob: None,
            });
        }
        plan.days.push((date, Change::Removed));
    }
    plan.days.sort();
    Ok(plan)
}

/// `Hot Papers 2020-10-30` for one day added or updated; otherwise a summary
/// subject and a body that lists the files.
fn commit_message(site: &Site, plan: &Plan) -> String {
    if let [(date, Change::Added | Change::Updated)] = plan.days.as_slice() {
        return crate::site::fill(&site.commit.message, *date);
    }
    let mut groups = Vec::new();
    for change in [Change::Added, Change::Updated, Change::Removed] {
        let dates: Vec<Date> = plan
            .days
            .iter()
            .filter(|(_, c)| *c == change)
            .map(|(d, _)| *d)
            .collect();
        let listed = match dates.as_slice() {
            [] => continue,
            [first, .., last] if dates.len() > 5 => {
                format!(
                    "{} days ({} to {})",
                    dates.len(),
                    format_date(*first),
                    format_date(*last)
                )
            }
            _ => dates
                .iter()
                .map(|d| format_date(*d))
                .collect::<Vec<_>>()
                .join(", "),
        };
        groups.push(format!("{} {listed}", change.verb()));
    }
    let mut message = site.commit.message_many.replace("{summary}", &groups.join("; "));
    if !plan.files.is_empty() {
        message.push_str("\n\n");
        for file in &plan.files {
            message.push_str(&format!("{} {}\n", file.change.verb(), file.path));
        }
    }
    message
}

/// Author and committer, first found wins: `--author`, `GIT_AUTHOR_*` /
/// `GIT_COMMITTER_*`, `hotpapers.toml`, git config.
fn signatures(
    repo: &Repository,
    site: &Site,
    options: &Options,
) -> Result<(Signature<'static>, Signature<'static>), PublishError> {
    let env = |key: &str| {
        match &options.env {
            Some(env) => env.get(key).cloned(),
            None => std::env::var(key).ok(),
        }
        .filter(|v| !v.is_empty())
    };
    let from_env = |who: &str| -> Result<Option<Signature<'static>>, PublishError> {
        match (env(&format!("GIT_{who}_NAME")), env(&format!("GIT_{who}_EMAIL"))) {
            (Some(name), Some(email)) => Ok(Some(Signature::now(&name, &email)?)),
            _ => Ok(None),
        }
    };
    let parsed = |text: &str| -> Result<Signature<'static>, PublishError> {
        let bad = || PublishError::BadIdentity(text.to_owned());
        let (name, rest) = text.split_once('<').ok_or_else(bad)?;
        let email = rest.strip_suffix('>').ok_or_else(bad)?;
        let name = name.trim();
        if name.is_empty() || email.trim().is_empty() || email.contains(['<', '>']) {
            return Err(bad());
        }
        Ok(Signature::now(name, email.trim())?)
    };
    let author = match &options.author {
        Some(author) => parsed(author)?,
        None => match from_env("AUTHOR")? {
            Some(author) => author,
            None => match &site.commit.author {
                Some(author) => parsed(author)?,
                None => repo.signature().map_err(|_| PublishError::NoIdentity)?,
            },
        },
    };
    let committer = match from_env("COMMITTER")? {
        Some(committer) => committer,
        None => author.clone(),
    };
    Ok((author, committer))
}

fn write_atomically(path: &Path, content: &[u8]) -> Result<(), PublishError> {
    let io = |action, source| PublishError::Io {
        action,
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io("create the folder of", e))?;
    let mut file = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(|e| io("write", e))?;
    // Renamed into place whole; like git's own objects, not fsynced, so a killed
    // run is safe and a power cut is left to the file system.
    file.write_all(content).map_err(|e| io("write", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        fs::set_permissions(file.path(), fs::Permissions::from_mode(mode)).map_err(|e| io("write", e))?;
    }
    file.persist(path).map_err(|e| io("write", e.error))?;
    Ok(())
}

/// Names of the temporary files posts are written to before they are renamed.
const TEMP_PREFIX: &str = ".hotpapers-";

/// Removes temporary files that a killed run left in `dir`; runs hold the lock,
/// so none of them is being written.
fn remove_stale_temp_files(dir: &Path) -> Result<(), PublishError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            remove_file(&entry.path())?;
        }
    }
    Ok(())
}

fn remove_file(path: &Path) -> Result<(), PublishError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(PublishError::Io {
            action: "remove",
            path: path.to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// The run lock: an OS advisory lock on `hotpapers.lock` in the git folder, held
/// for the length of a run and released by the kernel when the process ends,
/// however it ends. The file itself stays; it holds nothing.
struct Lock {
    _file: Option<fs::File>,
}

impl Lock {
    fn take(repo: &Repository, dry_run: bool) -> Result<Lock, PublishError> {
        let path = repo.commondir().join("hotpapers.lock");
        let io = |source| PublishError::Io {
            action: "lock",
            path: path.clone(),
            source,
        };
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
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
fn git_lock(error: git2::Error, lock: PathBuf) -> PublishError {
    if error.code() == ErrorCode::Locked || lock.exists() {
        PublishError::GitLocked(lock)
    } else {
        PublishError::Git(error)
    }
}

/// Refuses a symbolic link at any folder from the work tree down to `dir`: the
/// folder could be committed as a link to anywhere on the machine.
fn check_real_folders(workdir: &Path, dir: &str) -> Result<(), PublishError> {
    let mut path = workdir.to_owned();
    let mut shown = String::new();
    for part in Path::new(dir).components() {
        path.push(part);
        if !shown.is_empty() {
            shown.push('/');
        }
        shown.push_str(&part.as_os_str().to_string_lossy());
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_symlink() => return Err(PublishError::Symlink(shown)),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => {
                return Err(PublishError::Io {
                    action: "read",
                    path,
                    source,
                })
            }
        }
    }
    Ok(())
}

/// What this tool wrote to each post and has not committed (`--no-commit`), so
/// that its own output is not taken for a hand edit by the next run: a line
/// `<blob id> <path>` each, in `hotpapers-written` in the git folder.
struct Written {
    file: PathBuf,
    posts: HashMap<String, Oid>,
    changed: bool,
}

impl Written {
    fn load(repo: &Repository) -> Result<Written, PublishError> {
        let file = repo.path().join("hotpapers-written");
        let text = read_if_exists(&file)?.unwrap_or_default();
        let posts = String::from_utf8_lossy(&text)
            .lines()
            .filter_map(|line| {
                let (id, path) = line.split_once(' ')?;
                Some((path.to_owned(), Oid::from_str(id).ok()?))
            })
            .collect();
        Ok(Written {
            file,
            posts,
            changed: false,
        })
    }

    /// Whether the content with this id at `path` is what this tool wrote there.
    fn wrote(&self, path: &str, id: Oid) -> bool {
        self.posts.get(path) == Some(&id)
    }

    fn note_writes(&mut self, writes: &[PlannedWrite]) -> Result<(), PublishError> {
        for write in writes {
            match &write.content {
                Some(content) => self
                    .posts
                    .insert(write.path.clone(), blob_id(content.as_bytes())?),
                None => self.posts.remove(&write.path),
            };
            self.changed = true;
        }
        Ok(())
    }

    fn forget<'p>(&mut self, paths: impl Iterator<Item = &'p str>) {
        for path in paths {
            self.changed |= self.posts.remove(path).is_some();
        }
    }

    fn save(&self) -> Result<(), PublishError> {
        if !self.changed {
            return Ok(());
        }
        if self.posts.is_empty() {
            return remove_file(&self.file);
        }
        let mut lines: Vec<String> = self
            .posts
            .iter()
            .map(|(path, id)| format!("{id} {path}\n"))
            .collect();
        lines.sort();
        write_atomically(&self.file, lines.concat().as_bytes())
    }
}
