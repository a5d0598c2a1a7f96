//! Publishing with git2: posts written to the work tree and committed with the
//! day-files they came from, touching nothing else; then, if asked, pushed.
//!
//! - `publish`: the orchestrator, [`publish`], a list of named steps;
//! - `plan`: what a run writes and commits, from `HEAD`, the work tree and
//!   `git status`, and the commit message;
//! - `fresh`: the compiled-in day-files against those on disk;
//! - `published`: what the last complete publish committed, so that the next
//!   reads and renders only what changed;
//! - `repo`: opening the repository, `HEAD`, folders of a tree, files;
//! - `identity`: who the commit is by;
//! - `lock`: the run's OS lock, and git's own locks, reported, never removed;
//! - `written`: the posts a `--no-commit` run wrote, known as the tool's own;
//! - `pack`: a large publish's blobs written as one pack;
//! - `pages`: the HTML site committed to the pages branch from objects, and pushed;
//! - `push`: the push, re-applying the commit when the remote moved;
//! - `record`: what was announced where, on a branch of its own;
//! - `search`: the search index committed into the pages branch's `pagefind/`;
//! - `error`: [`PublishError`], which the lower errors ([`PushError`],
//!   `PackError`) come into.

mod error;
mod fresh;
mod identity;
mod lock;
mod pack;
mod pages;
mod plan;
mod publish;
mod published;
mod push;
mod record;
mod repo;
mod search;
mod tree;
mod written;

pub use error::PublishError;
pub use pages::{pages_up_to_date, PagesCache, PagesReport, RenderedSite};
pub(crate) use publish::Options;
pub use publish::{
    posts_up_to_date_at, publish, publish_days, Change, FileChange, Options as PublishOptions, Report,
    Settings as PublishSettings,
};
pub use push::{PushError, PushTarget, Pushed};
pub use record::Announcements;
pub use search::{commit_search_index, SearchIndexReport};

/// `git fsck --strict` passes on the repository at `dir`: what the git tests
/// check every tree they write with.
#[cfg(test)]
pub(crate) fn assert_fsck_clean(dir: &std::path::Path) {
    let out = std::process::Command::new("git")
        .args(["fsck", "--strict", "--no-dangling"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
