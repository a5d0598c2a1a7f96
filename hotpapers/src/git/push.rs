//! Pushing the published branch, re-applying the commit when the remote moved.
//!
//! The object and ref work is git2's. The network step is git2's own for local
//! and `file://` remotes; for network remotes (https, ssh) it is the `git`
//! command, which has the credentials CI set up (for example `actions/checkout`)
//! and keeps a TLS and SSH stack out of this binary.

use std::path::Path;
use std::process::Command;

use git2::build::{CheckoutBuilder, TreeUpdateBuilder};
use git2::{Delta, ErrorCode, FileMode, Oid, Repository};

use super::pack::empty_tree;

/// Why a push did not go through.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The branch has no commit yet.
    #[error("there is no commit to push")]
    NothingToPush,
    /// On a detached `HEAD` the branch must be named.
    #[error("HEAD is detached; name the branch to push to with `--branch NAME`")]
    Detached,
    /// No such remote.
    #[error("no remote named `{0}`")]
    NoRemote(String),
    /// The remote refused, and had not moved ahead: trying again would not help.
    #[error("the push was refused: {0}")]
    Refused(String),
    /// The remote has commits the local branch lacks, and this run made none to re-apply.
    #[error("`{remote}/{branch}` has commits that the local branch lacks; pull them, then run again")]
    Behind {
        /// The remote.
        remote: String,
        /// The branch.
        branch: String,
    },
    /// The remote no longer holds the commit this run's commit is built on.
    #[error("`{remote}/{branch}` no longer contains the commit this run built on (history was rewritten); pull, then run again")]
    Rewritten {
        /// The remote.
        remote: String,
        /// The branch.
        branch: String,
    },
    /// The remote kept moving ahead between fetch and push.
    #[error("`{remote}/{branch}` kept moving; gave up after {attempts} attempts")]
    KeptMoving {
        /// The remote.
        remote: String,
        /// The branch.
        branch: String,
        /// Pushes tried.
        attempts: u32,
    },
    /// A day-file changed on the remote as well as here: the curator decides.
    #[error("`{0}` was changed on the remote too; pull, resolve, then run again")]
    Conflict(String),
    /// The remote branch could not be fetched.
    #[error("cannot fetch `{remote}/{branch}`: {reason}")]
    Fetch {
        /// The remote.
        remote: String,
        /// The branch.
        branch: String,
        /// What `git fetch` said.
        reason: String,
    },
    /// The `git` command could not be run.
    #[error("cannot run `git`: {0}")]
    RunGit(std::io::Error),
    /// git2 refused.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// Where to push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushTarget {
    /// The remote's name, such as `origin`.
    pub remote: String,
    /// The branch to push to; required on a detached HEAD, else the current branch.
    pub branch: Option<String>,
    /// How many times to try when the remote moved ahead.
    pub attempts: u32,
}

impl PushTarget {
    /// Push the current branch to `remote`, trying up to three times.
    pub fn new(remote: impl Into<String>) -> Self {
        PushTarget {
            remote: remote.into(),
            branch: None,
            attempts: 3,
        }
    }
}

/// What a push did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pushed {
    /// The remote's name.
    pub remote: String,
    /// The branch pushed to.
    pub branch: String,
    /// The commit the remote branch now points at.
    pub commit: Oid,
    /// Pushes tried; more than one when the remote had moved ahead.
    pub attempts: u32,
    /// Whether the publish commit was re-applied on top of the remote.
    pub reapplied: bool,
}

/// The commit this run made, to re-apply if the remote moved.
pub(crate) struct Published {
    pub(crate) commit: Oid,
    pub(crate) parent: Option<Oid>,
}

pub(crate) fn push(
    repo: &Repository,
    target: &PushTarget,
    published: Option<Published>,
) -> Result<Pushed, PushError> {
    let (branch, mut local) = branch_to_push(repo, target)?;
    let mut published = published;
    let mut reapplied = false;
    let remote = Remote::open(repo, &target.remote)?;
    for attempt in 1..=target.attempts.max(1) {
        let Some(refusal) = remote.push(repo, local, &branch)? else {
            let _ = repo.reference(
                &format!("refs/remotes/{}/{branch}", target.remote),
                local,
                true,
                "update by push",
            );
            return Ok(Pushed {
                remote: target.remote.clone(),
                branch,
                commit: local,
                attempts: attempt,
                reapplied,
            });
        };
        let onto = remote_moved_ahead(repo, &remote, &branch, local, refusal)?;
        let Some(ours) = published.as_ref().filter(|p| p.commit == local) else {
            return Err(PushError::Behind {
                remote: target.remote.clone(),
                branch,
            });
        };
        if let Some(parent) = ours.parent.filter(|&parent| parent != onto) {
            if !repo.graph_descendant_of(onto, parent)? {
                return Err(PushError::Rewritten {
                    remote: target.remote.clone(),
                    branch,
                });
            }
        }
        let rebased = reapply(repo, ours, onto)?;
        move_local(repo, rebased)?;
        published = Some(Published {
            commit: rebased,
            parent: Some(onto),
        });
        local = rebased;
        reapplied = true;
    }
    Err(PushError::KeptMoving {
        remote: target.remote.clone(),
        branch,
        attempts: target.attempts,
    })
}

/// The branch to push to and the local commit to push.
fn branch_to_push(repo: &Repository, target: &PushTarget) -> Result<(String, Oid), PushError> {
    let head = repo.head().map_err(|e| match e.code() {
        ErrorCode::UnbornBranch | ErrorCode::NotFound => PushError::NothingToPush,
        _ => e.into(),
    })?;
    let branch = match (&target.branch, head.is_branch()) {
        (Some(branch), _) => branch.clone(),
        (None, true) => head.shorthand()?.to_owned(),
        (None, false) => return Err(PushError::Detached),
    };
    Ok((branch, head.peel_to_commit()?.id()))
}

/// After a refused push: the remote's new tip, if the remote moved ahead of
/// `local` (so re-applying may help); otherwise the refusal as an error.
fn remote_moved_ahead(
    repo: &Repository,
    remote: &Remote,
    branch: &str,
    local: Oid,
    refusal: String,
) -> Result<Oid, PushError> {
    match remote.fetch(repo, branch)? {
        Some(tip) if tip != local && !repo.graph_descendant_of(local, tip)? => Ok(tip),
        // The remote did not move ahead of us; retrying would not help.
        _ => Err(PushError::Refused(refusal)),
    }
}

/// The publish commit's changes, applied on top of `onto`.
///
/// Posts are generated, so this run's version of a post wins. A day-file that the
/// remote changed too is a real conflict: the curator must decide.
fn reapply(repo: &Repository, ours: &Published, onto: Oid) -> Result<Oid, PushError> {
    let commit = repo.find_commit(ours.commit)?;
    let base_tree = match ours.parent {
        Some(parent) => repo.find_commit(parent)?.tree()?,
        None => empty_tree(repo)?,
    };
    let onto_commit = repo.find_commit(onto)?;
    let onto_tree = onto_commit.tree()?;
    let diff = repo.diff_tree_to_tree(Some(&base_tree), Some(&commit.tree()?), None)?;
    let mut update = TreeUpdateBuilder::new();
    for delta in diff.deltas() {
        let file = if delta.status() == Delta::Deleted {
            delta.old_file()
        } else {
            delta.new_file()
        };
        let Some(path) = file.path() else { continue };
        let theirs = onto_tree.get_path(path).ok().map(|e| e.id());
        let base = base_tree.get_path(path).ok().map(|e| e.id());
        let mine = (delta.status() != Delta::Deleted).then(|| delta.new_file().id());
        let is_post = path.extension().is_some_and(|e| e == "md");
        if theirs != base && theirs != mine && !is_post {
            return Err(PushError::Conflict(path.display().to_string()));
        }
        match mine {
            Some(id) => update.upsert(path, id, FileMode::Blob),
            None => update.remove(path),
        };
    }
    let tree = repo.find_tree(update.create_updated(repo, &onto_tree)?)?;
    let message = commit.message()?;
    let (author, committer) = (commit.author(), commit.committer());
    let id = repo.commit(None, &author, &committer, message, &tree, &[&onto_commit])?;
    Ok(id)
}

/// Points the branch (or the detached HEAD) at `commit`, updating the work tree
/// safely: files the user changed are never overwritten.
fn move_local(repo: &Repository, commit: Oid) -> Result<(), PushError> {
    let target = repo.find_commit(commit)?;
    repo.checkout_tree(target.as_object(), Some(CheckoutBuilder::new().safe()))?;
    let head = repo.head()?;
    // The entry `git pull --rebase` writes; a detached HEAD is moved as a ref
    // (libgit2's `set_head_detached` would log a `checkout:` that `git
    // checkout -` then reads as where the user came from).
    let name = if head.is_branch() {
        head.name()?.to_owned()
    } else {
        "HEAD".to_owned()
    };
    let log = format!("pull --rebase (finish): {name} onto {}", target.parent_id(0)?);
    repo.reference(&name, commit, true, &log)?;
    Ok(())
}

/// A remote and how to reach it.
pub(crate) struct Remote {
    name: String,
    /// Whether libgit2 can reach it without TLS or SSH.
    local: bool,
}

impl Remote {
    pub(crate) fn open(repo: &Repository, name: &str) -> Result<Remote, PushError> {
        let remote = repo.find_remote(name).map_err(|e| match e.code() {
            ErrorCode::NotFound => PushError::NoRemote(name.to_owned()),
            _ => e.into(),
        })?;
        let url = remote.url()?;
        let local = url.starts_with("file://") || !url.contains(':') || Path::new(url).is_absolute();
        Ok(Remote {
            name: name.to_owned(),
            local,
        })
    }

    /// Pushes `commit` to the remote `branch`; `Some(reason)` if it was refused.
    pub(crate) fn push(
        &self,
        repo: &Repository,
        commit: Oid,
        branch: &str,
    ) -> Result<Option<String>, PushError> {
        let destination = format!("refs/heads/{branch}");
        if !self.local {
            return git(
                repo,
                &[
                    "push",
                    "--porcelain",
                    &self.name,
                    &format!("{commit}:{destination}"),
                ],
            );
        }
        // libgit2 pushes refs, not bare ids: stage the commit under a private ref.
        const STAGING: &str = "refs/hotpapers/push";
        repo.reference(STAGING, commit, true, "hotpapers: push")?;
        let mut refusal = None;
        let result = {
            let mut callbacks = git2::RemoteCallbacks::new();
            callbacks.push_update_reference(|_, status| {
                if let Some(status) = status {
                    refusal = Some(status.to_owned());
                }
                Ok(())
            });
            let mut options = git2::PushOptions::new();
            options.remote_callbacks(callbacks);
            repo.find_remote(&self.name)?
                .push(&[format!("{STAGING}:{destination}")], Some(&mut options))
        };
        if let Ok(mut staging) = repo.find_reference(STAGING) {
            let _ = staging.delete();
        }
        match result {
            Ok(()) => Ok(refusal),
            Err(error) => Ok(Some(error.message().to_owned())),
        }
    }

    /// Fetches the remote `branch`; its commit, or `None` if it does not exist.
    pub(crate) fn fetch(&self, repo: &Repository, branch: &str) -> Result<Option<Oid>, PushError> {
        let remote = &self.name;
        let tracking = format!("refs/remotes/{remote}/{branch}");
        let refspec = format!("+refs/heads/{branch}:{tracking}");
        if self.local {
            repo.find_remote(&self.name)?
                .fetch(&[refspec.as_str()], None, None)?;
        } else if let Some(error) = git(repo, &["fetch", "--quiet", &self.name, &refspec])? {
            return Err(PushError::Fetch {
                remote: remote.clone(),
                branch: branch.to_owned(),
                reason: error,
            });
        }
        match repo.refname_to_id(&tracking) {
            Ok(id) => Ok(Some(id)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// Runs `git` in the repository; `Some(stderr)` if it failed.
fn git(repo: &Repository, args: &[&str]) -> Result<Option<String>, PushError> {
    let dir = repo.workdir().unwrap_or(repo.path());
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(PushError::RunGit)?;
    Ok((!output.status.success()).then(|| String::from_utf8_lossy(&output.stderr).trim().to_owned()))
}
