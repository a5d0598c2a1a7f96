//! The search index (`hotpapers search build`) committed to the pages branch:
//! its files replace the branch's [`SEARCH_DIR`] folder whole, in a commit of
//! their own on top of the site's, and nothing else of the tree changes. The
//! site's publish keeps that folder as it is (`pages::commit_site`), so the
//! two steps can run in either order and each commits only what it made.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{ObjectType, Oid};

use super::error::PublishError;
use super::pack::Hashed;
use super::pages::{move_branch, parent, walk_files, write_missing_blobs, SUBJECT_PREFIX};
use super::tree::update_tree;
use super::Options;
use crate::site::Site;
use crate::text::{plain_path, SEARCH_DIR};

/// What committing the search index did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchIndexReport {
    /// The pages branch.
    pub branch: String,
    /// Files in the index.
    pub files: usize,
    /// Paths of the index added, changed or removed.
    pub changed: usize,
    /// The new commit; `None` when the branch had this very index.
    pub commit: Option<Oid>,
}

/// Commits `files` (paths inside the index's folder, with `/`) as the pages
/// branch's [`SEARCH_DIR`] folder, on top of the branch (or of the remote's
/// copy of it, as a publish does). `author` is as `--author` is for a publish;
/// `summary` ends the commit's subject (`search index of 40 papers`).
pub fn commit_search_index(
    site_root: &Path,
    site: &Site,
    files: &BTreeMap<String, Vec<u8>>,
    summary: &str,
    author: Option<String>,
) -> Result<SearchIndexReport, PublishError> {
    let repo = super::repo::open(site_root)?;
    let branch = site.blog.pages_branch.as_str();
    let refname = format!("refs/heads/{branch}");
    if repo.find_reference("HEAD")?.symbolic_target()? == Some(refname.as_str()) {
        return Err(PublishError::PagesCheckedOut(branch.to_owned()));
    }
    let Some(tip) = parent(&repo, branch)? else {
        return Err(PublishError::NoPagesBranch(branch.to_owned()));
    };
    for path in files.keys() {
        if !plain_path(path) {
            return Err(PublishError::BadIndexPath(path.clone()));
        }
    }
    let contents: Vec<&[u8]> = files.values().map(Vec::as_slice).collect();
    let blobs = crate::parallel::try_map(&contents, 64, |bytes| Hashed::new(ObjectType::Blob, *bytes))?;
    let old_tree = repo.find_commit(tip)?.tree()?;
    let old: BTreeMap<String, Oid> = match old_tree.get_name(SEARCH_DIR) {
        Some(entry) if entry.kind() == Some(ObjectType::Tree) => walk_files(&repo.find_tree(entry.id())?)?,
        _ => BTreeMap::new(),
    };
    let new: BTreeMap<String, Oid> = files.keys().cloned().zip(blobs.iter().map(Hashed::id)).collect();
    let mut changes: BTreeMap<String, Option<Oid>> = new
        .iter()
        .filter(|(path, id)| old.get(*path) != Some(id))
        .map(|(path, id)| (format!("{SEARCH_DIR}/{path}"), Some(*id)))
        .collect();
    for path in old.keys().filter(|path| !new.contains_key(*path)) {
        changes.insert(format!("{SEARCH_DIR}/{path}"), None);
    }
    // A file (not a folder) named like the index's folder goes with it.
    if old_tree
        .get_name(SEARCH_DIR)
        .is_some_and(|e| e.kind() != Some(ObjectType::Tree))
    {
        changes.insert(SEARCH_DIR.to_owned(), None);
    }
    let mut report = SearchIndexReport {
        branch: branch.to_owned(),
        files: files.len(),
        changed: changes.len(),
        commit: None,
    };
    if changes.is_empty() {
        return Ok(report);
    }
    write_missing_blobs(&repo, blobs.iter())?;
    let changes: BTreeMap<&str, Option<Oid>> =
        changes.iter().map(|(path, id)| (path.as_str(), *id)).collect();
    let tree = repo.find_tree(update_tree(&repo, &old_tree, &changes)?)?;
    let options = Options {
        author,
        ..Options::default()
    };
    let (author, committer) = super::identity::signatures(&repo, site, &options)?;
    let message = format!("{SUBJECT_PREFIX}{summary}\n");
    let parent = repo.find_commit(tip)?;
    let commit = repo.commit(None, &author, &committer, &message, &tree, &[&parent])?;
    let log = super::repo::commit_log(&message, false);
    // Only from the tip read above: a publish that moved the branch meanwhile
    // is never undone.
    move_branch(&repo, &refname, commit, Some(tip), &log)?;
    report.commit = Some(commit);
    Ok(report)
}
