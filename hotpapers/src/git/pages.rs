//! The HTML site committed to the pages branch, built straight from objects.
//!
//! The commit's tree is the rendered site plus `.nojekyll` (GitHub Pages would
//! otherwise run Jekyll over it) and `CNAME` from the settings (deploy tools that
//! wipe the branch lose a custom domain otherwise). Nothing but the branch's ref
//! moves: the work tree, the index and `HEAD` stay as they are. Each publish is
//! one commit on top of the last, so a bad day can be reverted; a site that did
//! not change makes none.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use std::path::Path;

use git2::{ErrorCode, ObjectType, Oid, Repository, Signature};

use super::error::PublishError;
use super::lock::git_lock;
use super::pack::{Hashed, HashedBytes};
use super::push::{PushError, Remote};
use super::tree::{build_tree, update_tree};
use crate::site::BlogSettings;
use crate::text::{push_hex, PageKey, SiteFile, SEARCH_DIR, SITE_MANIFEST};

/// What publishing the site did, or would do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PagesReport {
    /// The branch, such as `gh-pages`.
    pub branch: String,
    /// Files in the site.
    pub files: usize,
    /// Paths added, changed or removed since the branch's last commit.
    pub changed: usize,
    /// The new commit, if one was made.
    pub commit: Option<Oid>,
    /// The remote the branch was pushed to, and the commit it holds now.
    pub pushed: Option<(String, Oid)>,
    /// Commits on the branch since this tool's last one that it did not make
    /// (a `git revert`, a `CNAME` set through GitHub's settings); counted up to
    /// a hundred.
    pub foreign_commits: usize,
    /// Files on the branch that this tool does not generate, kept as they are.
    pub kept: Vec<String>,
}

/// How far back the pages branch is searched for this tool's last commit.
const FOREIGN_COMMITS_COUNTED: usize = 100;

/// How the subject of every commit this tool makes on the pages branch starts,
/// which is how its commits are told from others'.
pub(crate) const SUBJECT_PREFIX: &str = "Site: ";

/// The site's files as the branch holds them: the site, `.nojekyll`, `CNAME`.
fn branch_files<'f>(settings: &BlogSettings, site: &'f [SiteFile]) -> BTreeMap<&'f str, Cow<'f, [u8]>> {
    let mut files: BTreeMap<&str, Cow<'f, [u8]>> = site
        .iter()
        .map(|f| (f.path.as_str(), Cow::Borrowed(&*f.bytes)))
        .collect();
    files.insert(".nojekyll", Cow::Borrowed(b""));
    if let Some(cname) = &settings.cname {
        files.insert("CNAME", Cow::Owned(format!("{cname}\n").into_bytes()));
    }
    files
}

/// The commit the pages branch builds on: the local branch, else the remote's
/// copy of it (a fresh clone in CI has only `origin/gh-pages`).
pub(super) fn parent(repo: &Repository, branch: &str) -> Result<Option<Oid>, PublishError> {
    for name in [
        format!("refs/heads/{branch}"),
        format!("refs/remotes/origin/{branch}"),
    ] {
        match repo.refname_to_id(&name) {
            Ok(id) => return Ok(Some(id)),
            Err(e) if e.code() == ErrorCode::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// The file in the git folder that says which build last published the blog:
/// `<fingerprint> <tree id>`.
const STAMP: &str = "hotpapers-pages";

/// Whether the pages branch already holds what a build with this `fingerprint`
/// renders: the last publish recorded the same fingerprint, and the branch (or
/// the remote's copy a publish would build on) still has the tree it recorded.
/// Then a run with nothing new renders nothing.
pub fn pages_up_to_date(site_root: &Path, settings: &BlogSettings, fingerprint: u64) -> bool {
    let Ok(repo) = Repository::discover(site_root) else {
        return false;
    };
    let Ok(stamp) = std::fs::read_to_string(repo.path().join(STAMP)) else {
        return false;
    };
    let Some((recorded, tree)) = stamp.trim().split_once(' ') else {
        return false;
    };
    let current = parent(&repo, &settings.pages_branch)
        .ok()
        .flatten()
        .and_then(|commit| repo.find_commit(commit).ok())
        .map(|commit| commit.tree_id().to_string());
    recorded == format!("{fingerprint:016x}") && current.is_some_and(|id| id == tree)
}

/// Records that the pages branch's `tree` is what a build with `fingerprint`
/// renders.
fn stamp(repo: &Repository, tree: Oid, fingerprint: u64) -> Result<(), PublishError> {
    super::repo::write(
        &repo.path().join(STAMP),
        format!("{fingerprint:016x} {tree}\n").as_bytes(),
    )
}

/// The file in the git folder that lists each day page the pages branch was
/// given, by fingerprint: `<key> <blob id> <path>` a line, after a first line
/// `tree <tree id> <branch>` naming the tree those blobs were committed in.
const CACHE: &str = "hotpapers-pages-cache";

/// The day pages an earlier publish committed, by path: a page whose key is the
/// same need not be rendered again, its blob is in the repository already.
#[derive(Clone, Debug, Default)]
pub struct PagesCache {
    pages: HashMap<String, (u64, Oid)>,
}

impl PagesCache {
    /// The cache of the repository at or above `site_root`; empty when there is
    /// none or it cannot be read. Entries whose blob is gone are left out.
    pub fn load(site_root: &Path) -> PagesCache {
        let Ok(repo) = Repository::discover(site_root) else {
            return PagesCache::default();
        };
        PagesCache::of(&repo)
    }

    pub(crate) fn of(repo: &Repository) -> PagesCache {
        let Ok(text) = std::fs::read_to_string(repo.path().join(CACHE)) else {
            return PagesCache::default();
        };
        let Ok(odb) = repo.odb() else {
            return PagesCache::default();
        };
        let _ = odb.refresh();
        // Every blob of the tree the branch (or the remote's copy a publish
        // builds on) still has is there: a ten-year blog's 60,000 pages need
        // not be looked up one by one on every run.
        let whole = text
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("tree "))
            .and_then(|line| line.split_once(' '))
            .is_some_and(|(tree, branch)| {
                let tip = parent(repo, branch).ok().flatten();
                let tree_of_tip = tip
                    .and_then(|tip| repo.find_commit(tip).ok())
                    .map(|c| c.tree_id());
                tree_of_tip.is_some_and(|id| id.to_string() == tree)
            });
        let mut pages = HashMap::with_capacity(text.len() / 80);
        pages.extend(text.lines().filter_map(|line| {
            let mut fields = line.splitn(3, ' ');
            let key = u64::from_str_radix(fields.next()?, 16).ok()?;
            let id = Oid::from_str(fields.next()?).ok()?;
            let path = fields.next()?.to_owned();
            (whole || exists(&odb, id)).then_some((path, (key, id)))
        }));
        PagesCache { pages }
    }

    /// Whether the page at `path` with this `key` was committed before.
    pub fn has(&self, path: &str, key: u64) -> bool {
        self.pages.get(path).is_some_and(|(k, _)| *k == key)
    }

    /// Saves the keys of `pages`, committed with the blobs `ids` in `tree`,
    /// the tree of `branch`.
    fn save(
        repo: &Repository,
        tree: Oid,
        branch: &str,
        pages: &[PageKey],
        ids: &HashMap<&str, Oid>,
    ) -> Result<(), PublishError> {
        let mut text = String::with_capacity(pages.len() * 80 + 64);
        text.push_str(&format!("tree {tree} {branch}\n"));
        for page in pages {
            if let Some(id) = ids.get(page.path.as_str()) {
                push_hex(&mut text, &page.key.to_be_bytes());
                text.push(' ');
                push_hex(&mut text, id.as_bytes());
                text.push(' ');
                text.push_str(&page.path);
                text.push('\n');
            }
        }
        super::repo::write(&repo.path().join(CACHE), text.as_bytes())
    }
}

/// A rendered blog, as the pages branch receives it.
#[derive(Clone, Debug, Default)]
pub struct RenderedSite {
    /// The files rendered.
    pub files: Vec<SiteFile>,
    /// The pages that have keys; those marked `reused` are not in `files`,
    /// and their blobs come from `cache`.
    pub pages: Vec<PageKey>,
    /// The pages cache the reused pages were chosen by; read from the
    /// repository when `None`.
    pub cache: Option<PagesCache>,
}

impl From<Vec<SiteFile>> for RenderedSite {
    /// A site rendered whole: every file, no page reused.
    fn from(files: Vec<SiteFile>) -> RenderedSite {
        RenderedSite {
            files,
            ..RenderedSite::default()
        }
    }
}

/// How the pages commit is made.
pub(crate) struct PagesCommit<'a> {
    /// Its message.
    pub(crate) message: &'a str,
    /// Its author and committer, asked for only when there is something to
    /// commit; `None` counts what would change and commits nothing.
    pub(crate) identity:
        Option<&'a dyn Fn() -> Result<(Signature<'static>, Signature<'static>), PublishError>>,
    /// What the site was rendered from, recorded with the commit.
    pub(crate) fingerprint: Option<u64>,
}

/// Commits the rendered `site` to the pages branch if it changed; its reused
/// pages' blobs come from `cache`.
pub(crate) fn commit_site(
    repo: &Repository,
    settings: &BlogSettings,
    site: &RenderedSite,
    cache: &PagesCache,
    commit: &PagesCommit<'_>,
) -> Result<PagesReport, PublishError> {
    let &PagesCommit {
        message,
        identity,
        fingerprint,
    } = commit;
    let pages = &site.pages;
    let branch = settings.pages_branch.as_str();
    let refname = format!("refs/heads/{branch}");
    let head = repo.find_reference("HEAD")?;
    if head.symbolic_target()? == Some(refname.as_str()) {
        return Err(PublishError::PagesCheckedOut(branch.to_owned()));
    }
    let rendered = branch_files(settings, &site.files);
    let blobs: Vec<&[u8]> = rendered.values().map(|b| &**b).collect();
    let hashed = crate::parallel::try_map(&blobs, 256, |bytes| Hashed::new(ObjectType::Blob, *bytes))?;
    // Every file's blob: those rendered, hashed; the pages left unrendered,
    // from the cache that said they need not be.
    let mut files: BTreeMap<&str, (Oid, Option<&HashedBytes<'_>>)> = rendered
        .keys()
        .zip(&hashed)
        .map(|(path, blob)| (*path, (blob.id(), Some(blob))))
        .collect();
    for page in pages.iter().filter(|p| p.reused) {
        let Some((_, id)) = cache.pages.get(&page.path).filter(|(key, _)| *key == page.key) else {
            return Err(PublishError::PagesCacheChanged(page.path.clone()));
        };
        files.insert(&page.path, (*id, None));
    }
    let parent = parent(repo, branch)?;
    let (old, listed) = match parent {
        Some(id) => tree_files(repo, &repo.find_commit(id)?.tree()?)?,
        None => (BTreeMap::new(), None),
    };
    // What this tool generates is listed on the branch; the rest of what is
    // there was put there by someone else, and stays.
    let manifest = crate::text::manifest_text(files.keys().copied().chain([SITE_MANIFEST]));
    let manifest = Hashed::new(ObjectType::Blob, manifest.as_bytes())?;
    files.insert(SITE_MANIFEST, (manifest.id(), Some(&manifest)));
    // The search index is `hotpapers search build`'s, committed after the
    // site: carried over whole, neither listed nor reported as kept.
    let search = search_files(&old);
    for (path, id) in &search {
        files.entry(path).or_insert((*id, None));
    }
    let kept = others(repo, &old, &files)?;
    for (path, id) in &kept {
        files.insert(path, (*id, None));
    }
    let ids: Vec<Oid> = files.values().map(|(id, _)| *id).collect();
    let changed = files
        .iter()
        .filter(|(path, (id, _))| old.get(**path) != Some(id))
        .count()
        + old
            .keys()
            .filter(|path| !files.contains_key(path.as_str()))
            .count();
    let mut report = PagesReport {
        branch: branch.to_owned(),
        files: files.len() - kept.len() - search.len(),
        changed,
        foreign_commits: match parent {
            Some(tip) => foreign_commits(repo, tip)?,
            None => 0,
        },
        kept: kept.iter().map(|(path, _)| (*path).to_owned()).collect(),
        ..PagesReport::default()
    };
    let by_path: HashMap<&str, Oid> = files.iter().map(|(path, (id, _))| (*path, *id)).collect();
    let Some(identity) = identity.filter(|_| changed > 0 || parent.is_none()) else {
        if let Some((fingerprint, parent)) = fingerprint.zip(parent).filter(|_| changed == 0) {
            // The parent may be the remote's copy alone (a fresh clone): no
            // branch is made for a commit that would change nothing.
            let tree = repo.find_commit(parent)?.tree_id();
            stamp(repo, tree, fingerprint)?;
            PagesCache::save(repo, tree, branch, pages, &by_path)?;
            if let Some(tree) = listed {
                save_listing(repo, tree, files.iter().map(|(path, (id, _))| (*path, *id)))?;
            }
        }
        return Ok(report);
    };
    write_missing_blobs(repo, files.values().filter_map(|(_, blob)| *blob))?;
    // Only now: an unchanged site needs no author.
    let (author, committer) = identity()?;
    let tree = match parent {
        // Only the folders on the way to what changed are written again.
        Some(parent) => {
            let mut changes: BTreeMap<&str, Option<Oid>> = files
                .iter()
                .filter(|(path, (id, _))| old.get(**path) != Some(id))
                .map(|(path, (id, _))| (*path, Some(*id)))
                .collect();
            for path in old.keys().filter(|path| !files.contains_key(path.as_str())) {
                changes.insert(path, None);
            }
            update_tree(repo, &repo.find_commit(parent)?.tree()?, &changes)?
        }
        None => build_tree(repo, files.keys().copied().zip(ids.iter().copied()))?,
    };
    let parents: Vec<git2::Commit<'_>> = parent
        .map(|id| repo.find_commit(id))
        .transpose()?
        .into_iter()
        .collect();
    let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
    let tree = repo.find_tree(tree)?;
    let commit = repo.commit(None, &author, &committer, message, &tree, &parent_refs)?;
    let log = super::repo::commit_log(message, parent.is_none());
    move_branch(repo, &refname, commit, None, &log)?;
    report.commit = Some(commit);
    if let Some(fingerprint) = fingerprint {
        stamp(repo, tree.id(), fingerprint)?;
        PagesCache::save(repo, tree.id(), branch, pages, &by_path)?;
        save_listing(repo, tree.id(), files.iter().map(|(path, (id, _))| (*path, *id)))?;
    }
    Ok(report)
}

/// Points the branch `refname` at `commit`, only if nobody moved it meanwhile:
/// from `from` (where the run read it), or from where it is now; or creates
/// it. git's lock on the branch (a killed run's, or a live git's) is reported,
/// never removed.
pub(super) fn move_branch(
    repo: &Repository,
    refname: &str,
    commit: Oid,
    from: Option<Oid>,
    log: &str,
) -> Result<(), PublishError> {
    let moved = match repo.refname_to_id(refname) {
        Ok(current) => repo.reference_matching(refname, commit, true, from.unwrap_or(current), log),
        Err(e) if e.code() == ErrorCode::NotFound => repo.reference(refname, commit, false, log),
        Err(e) => return Err(e.into()),
    };
    moved
        .map(drop)
        .map_err(|e| git_lock(e, repo.commondir().join(format!("{refname}.lock"))))
}

/// The search index's files on the branch's `old` tree (`SEARCH_DIR/…`).
fn search_files(old: &BTreeMap<String, Oid>) -> Vec<(&str, Oid)> {
    let folder = format!("{SEARCH_DIR}/");
    old.range(folder.clone()..)
        .take_while(|(path, _)| path.starts_with(&folder))
        .map(|(path, id)| (path.as_str(), *id))
        .collect()
}

/// The files of the branch's `old` tree that this tool does not generate: not
/// among `files`, and not on the tree's own [`SITE_MANIFEST`]. A tree without
/// one was written whole by an older version of this tool, which left nothing
/// of anyone else's there.
fn others<'o>(
    repo: &Repository,
    old: &'o BTreeMap<String, Oid>,
    files: &BTreeMap<&str, (Oid, Option<&HashedBytes<'_>>)>,
) -> Result<Vec<(&'o str, Oid)>, PublishError> {
    let Some(manifest) = old.get(SITE_MANIFEST) else {
        return Ok(Vec::new());
    };
    // The list is read only when the branch has a file this run does not
    // generate: after an edit it has none, and the list of a ten-year blog
    // is half a megabyte.
    if old.keys().all(|path| files.contains_key(path.as_str())) {
        return Ok(Vec::new());
    }
    let blob = repo.find_blob(*manifest)?;
    let text = String::from_utf8_lossy(blob.content());
    let generated: std::collections::HashSet<&str> = crate::text::manifest_paths(&text).collect();
    Ok(old
        .iter()
        .filter(|(path, _)| !files.contains_key(path.as_str()) && !generated.contains(path.as_str()))
        .map(|(path, id)| (path.as_str(), *id))
        .collect())
}

/// The commits from `tip` back to this tool's last one (by their subject), on
/// the first-parent line, up to [`FOREIGN_COMMITS_COUNTED`].
fn foreign_commits(repo: &Repository, tip: Oid) -> Result<usize, PublishError> {
    let mut commit = repo.find_commit(tip)?;
    let mut count = 0;
    while count < FOREIGN_COMMITS_COUNTED
        && !commit
            .summary_bytes()
            .is_some_and(|s| s.starts_with(SUBJECT_PREFIX.as_bytes()))
    {
        count += 1;
        match commit.parent(0) {
            Ok(parent) => commit = parent,
            Err(_) => break,
        }
    }
    Ok(count)
}

/// The file in the git folder that lists every file of the pages branch's
/// last tree: `<tree id>`, then `<blob id> <path>` a line. Walking the tree
/// instead reads one tree object per folder, and the blog has a folder per day.
const LISTING: &str = "hotpapers-pages-tree";

/// Every blob of the pages branch's tree by path: from the listing if it is of
/// this very tree, otherwise by walking it; with the tree's id if it was walked
/// (its listing is worth saving).
fn tree_files(
    repo: &Repository,
    tree: &git2::Tree<'_>,
) -> Result<(BTreeMap<String, Oid>, Option<Oid>), PublishError> {
    if let Some(files) = read_listing(repo, tree.id()) {
        return Ok((files, None));
    }
    walk_files(tree).map(|files| (files, Some(tree.id())))
}

/// The listing, if it is of `tree` and whole.
fn read_listing(repo: &Repository, tree: Oid) -> Option<BTreeMap<String, Oid>> {
    let text = std::fs::read_to_string(repo.path().join(LISTING)).ok()?;
    let (first, rest) = text.split_once('\n')?;
    if Oid::from_str(first).ok()? != tree {
        return None;
    }
    rest.lines()
        .map(|line| {
            let (id, path) = line.split_once(' ')?;
            Some((path.to_owned(), Oid::from_str(id).ok()?))
        })
        .collect()
}

fn save_listing<'p>(
    repo: &Repository,
    tree: Oid,
    files: impl ExactSizeIterator<Item = (&'p str, Oid)>,
) -> Result<(), PublishError> {
    let mut text = String::with_capacity(files.len() * 80);
    push_hex(&mut text, tree.as_bytes());
    text.push('\n');
    for (path, id) in files {
        push_hex(&mut text, id.as_bytes());
        text.push(' ');
        text.push_str(path);
        text.push('\n');
    }
    super::repo::write(&repo.path().join(LISTING), text.as_bytes())
}

/// Every blob of a tree by path.
pub(super) fn walk_files(tree: &git2::Tree<'_>) -> Result<BTreeMap<String, Oid>, PublishError> {
    let mut files = BTreeMap::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(ObjectType::Blob) {
            if let Ok(name) = entry.name() {
                files.insert(format!("{dir}{name}"), entry.id());
            }
        }
        git2::TreeWalkResult::Ok
    })?;
    Ok(files)
}

/// Whether the repository has the object, as of the last refresh: a lookup
/// that fails would otherwise read the pack folder again, once for each of a
/// first publish's thousands of new pages.
fn exists(odb: &git2::Odb<'_>, id: Oid) -> bool {
    odb.exists_ext(id, git2::OdbLookupFlags::NO_REFRESH)
}

/// Writes the blobs the repository does not have yet: after an edit, the pages
/// that changed.
pub(super) fn write_missing_blobs<'h, 'b: 'h>(
    repo: &Repository,
    blobs: impl Iterator<Item = &'h HashedBytes<'b>>,
) -> Result<(), PublishError> {
    let odb = repo.odb()?;
    odb.refresh()?;
    let missing: Vec<HashedBytes<'_>> = blobs.filter(|blob| !exists(&odb, blob.id())).copied().collect();
    Ok(super::pack::write_all(repo, &missing)?)
}

/// Pushes the pages branch to `remote`; if the remote moved ahead (another
/// publish), this run's site is committed again on top of it, up to `attempts`
/// times. The site is generated, so this run's tree wins.
pub(crate) fn push_site(
    repo: &Repository,
    remote_name: &str,
    branch: &str,
    attempts: u32,
) -> Result<Option<Oid>, PushError> {
    let refname = format!("refs/heads/{branch}");
    let mut local = match repo.refname_to_id(&refname) {
        Ok(id) => id,
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let remote = Remote::open(repo, remote_name)?;
    for _ in 0..attempts.max(1) {
        let Some(refusal) = remote.push(repo, local, branch)? else {
            let _ = repo.reference(
                &format!("refs/remotes/{remote_name}/{branch}"),
                local,
                true,
                "update by push",
            );
            return Ok(Some(local));
        };
        let tip = match remote.fetch(repo, branch)? {
            Some(tip) if tip != local && !repo.graph_descendant_of(local, tip)? => tip,
            _ => return Err(PushError::Refused(refusal)),
        };
        let ours = repo.find_commit(local)?;
        let onto = repo.find_commit(tip)?;
        let again = repo.commit(
            None,
            &ours.author(),
            &ours.committer(),
            ours.message().unwrap_or_default(),
            &ours.tree()?,
            &[&onto],
        )?;
        repo.reference_matching(
            &refname,
            again,
            true,
            local,
            &format!("pull --rebase (finish): {refname} onto {tip}"),
        )?;
        local = again;
    }
    Err(PushError::KeptMoving {
        remote: remote_name.to_owned(),
        branch: branch.to_owned(),
        attempts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `build_tree` against `git write-tree` of the same files, in git's order
    /// (`a.b` before the folder `a`, which sorts as `a/`), through a pack (many
    /// folders) and as loose objects (few).
    #[test]
    fn trees_are_the_ones_git_writes() {
        for folders in [2, 100] {
            let dir = tempfile::tempdir().unwrap();
            let repo = Repository::init(dir.path()).unwrap();
            let mut paths: Vec<String> = ["a.b", "a/x", "a-b/y", "a0", "b", "a/a/z", "a/a.b"]
                .map(str::to_owned)
                .to_vec();
            paths.extend((0..folders).map(|i| format!("posts/day-{i}/index.html")));
            paths.sort();
            let mut files = Vec::new();
            for path in &paths {
                let content = format!("{path}\n");
                let file = dir.path().join(path);
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, &content).unwrap();
                files.push((path.as_str(), repo.blob(content.as_bytes()).unwrap()));
            }
            let id = build_tree(&repo, files.into_iter()).unwrap();
            let git = |args: &[&str]| {
                let out = std::process::Command::new("git")
                    .args(args)
                    .current_dir(dir.path())
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                String::from_utf8(out.stdout).unwrap()
            };
            // Read from what `build_tree` wrote, before git writes its own.
            assert_eq!(
                git(&["ls-tree", "-r", "--name-only", &id.to_string()])
                    .lines()
                    .count(),
                paths.len()
            );
            git(&["fsck", "--strict", "--no-dangling"]);
            git(&["add", "-A"]);
            assert_eq!(id.to_string(), git(&["write-tree"]).trim(), "{folders} folders");
        }
    }
}
