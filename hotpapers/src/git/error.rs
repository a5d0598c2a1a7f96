//! What can stop a publish; each lower layer's error comes in with `#[from]`.

use std::path::PathBuf;

use super::pack::PackError;
use super::push::PushError;

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
    /// A folder on the way to the day-files or the posts is a symbolic link:
    /// reading or writing there could reach outside the work tree.
    #[error("`{0}` is a symbolic link; day-files are read and posts written only in real folders inside the work tree")]
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
    /// The pages branch is the one checked out: moving it would leave the work
    /// tree behind.
    #[error("the pages branch `{0}` is checked out; switch to the posts branch (or set `[blog] pages-branch`) and run again")]
    PagesCheckedOut(String),
    /// The search index is committed on top of the site, which is not
    /// published yet.
    #[error(
        "there is no pages branch `{0}` to add the search index to; publish the site first (`cargo run`)"
    )]
    NoPagesBranch(String),
    /// A file of the search index has a path a tree cannot hold.
    #[error("the search index has a file named `{0}`, which is not a plain relative path")]
    BadIndexPath(String),
    /// The branch that records announcements is the one checked out.
    #[error("the announcements' branch `{0}` is checked out; switch to the posts branch (or set `[announce] branch`) and run again")]
    RecordCheckedOut(String),
    /// A file of the announcements' record is not what this tool writes.
    #[error(
        "`{0}` on the announcements' branch is not a record this tool wrote; fix or remove it on that branch"
    )]
    BadRecord(String),
    /// A page was left unrendered, but the pages cache given has no blob for it.
    #[error("the pages cache has no blob for `{0}`, which was left unrendered; run again")]
    PagesCacheChanged(String),
    /// The branch could not be pushed.
    #[error("cannot push: {0}")]
    Push(#[from] PushError),
    /// The commit's pack could not be written.
    #[error(transparent)]
    Pack(#[from] PackError),
    /// A day could not be decoded from the compiled-in archive.
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    /// git refused.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

impl PublishError {
    /// The files on disk are not those this binary was built from: `what`
    /// differs, and `cargo run` rebuilds and publishes.
    pub(crate) fn stale(what: String) -> PublishError {
        PublishError::Stale {
            what,
            fix: "run `cargo run` to rebuild and publish",
        }
    }
}
