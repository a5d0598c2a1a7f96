//! Tree objects made here, hashed once and written with the blobs' writer: a
//! first publish's thousands of folders in one pack, and after an edit only
//! the folders on the way to what changed. libgit2's tree update sorts and
//! compresses a ten-year blog's `papers/` folder (44,000 entries, 2 MB) one
//! core at a time and hashes it again with its collision-detecting SHA-1: a
//! sixth of the binary's time on an edit.

use std::collections::BTreeMap;

use git2::{ObjectType, Oid, Repository, Tree};

use super::error::PublishError;
use super::pack::Hashed;

/// A tree's entry: its name, its mode as git writes it, its id.
struct Entry<'n> {
    name: &'n [u8],
    mode: u32,
    id: Oid,
}

/// Git's mode of a folder.
const TREE: u32 = 0o040000;
/// Git's mode of a file that is not executable.
const BLOB: u32 = 0o100644;

impl Entry<'_> {
    fn is_tree(&self) -> bool {
        self.mode == TREE
    }

    /// What git sorts a tree's entries by: the name, a folder's with a `/`.
    fn order(&self) -> impl Iterator<Item = u8> + '_ {
        self.name.iter().copied().chain(self.is_tree().then_some(b'/'))
    }
}

/// The tree object of `entries` (in any order), pushed onto `trees`; its id.
fn encode(mut entries: Vec<Entry<'_>>, trees: &mut Vec<Hashed<Vec<u8>>>) -> Result<Oid, PublishError> {
    // Git's order: by name, a folder's name as if it ended in `/`. Nearly
    // sorted already (by name), which a stable sort takes in one pass.
    entries.sort_by(|a, b| a.order().cmp(b.order()));
    let mut tree = Vec::with_capacity(entries.len() * 48);
    for entry in entries {
        tree.extend_from_slice(format!("{:o} ", entry.mode).as_bytes());
        tree.extend_from_slice(entry.name);
        tree.push(0);
        tree.extend_from_slice(entry.id.as_bytes());
    }
    let tree = Hashed::new(ObjectType::Tree, tree)?;
    let id = tree.id();
    trees.push(tree);
    Ok(id)
}

/// The tree of `files` (paths with `/`), folder by folder, bottom up, all
/// written at once (a pack when there are many: the blog has a folder per
/// day and per paper).
pub(crate) fn build_tree<'p>(
    repo: &Repository,
    files: impl Iterator<Item = (&'p str, Oid)>,
) -> Result<Oid, PublishError> {
    #[derive(Default)]
    struct Folder<'p> {
        files: Vec<(&'p str, Oid)>,
        folders: BTreeMap<&'p str, Folder<'p>>,
    }
    fn folder_tree(folder: &Folder<'_>, trees: &mut Vec<Hashed<Vec<u8>>>) -> Result<Oid, PublishError> {
        let mut entries: Vec<Entry<'_>> = folder
            .files
            .iter()
            .map(|(name, id)| Entry {
                name: name.as_bytes(),
                mode: BLOB,
                id: *id,
            })
            .collect();
        for (name, sub) in &folder.folders {
            let id = folder_tree(sub, trees)?;
            entries.push(Entry {
                name: name.as_bytes(),
                mode: TREE,
                id,
            });
        }
        encode(entries, trees)
    }
    let mut root = Folder::default();
    for (path, id) in files {
        let mut folder = &mut root;
        let mut parts = path.split('/').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                folder.files.push((part, id));
            } else {
                folder = folder.folders.entry(part).or_default();
            }
        }
    }
    let mut trees = Vec::new();
    let id = folder_tree(&root, &mut trees)?;
    super::pack::write_all(repo, &trees)?;
    Ok(id)
}

/// `old` with each file of `changes` (a path with `/`) set to its blob, or
/// removed for `None`, as libgit2's tree update makes it: only the folders on
/// the way to a change are encoded again; a folder left empty goes; anything
/// else, someone else's files included, stays as it is.
pub(crate) fn update_tree(
    repo: &Repository,
    old: &Tree<'_>,
    changes: &BTreeMap<&str, Option<Oid>>,
) -> Result<Oid, PublishError> {
    let changes: Vec<(&str, Option<Oid>)> = changes.iter().map(|(path, id)| (*path, *id)).collect();
    let mut trees = Vec::new();
    let id = match update(repo, Some(old), &changes, &mut trees)? {
        Some(id) => id,
        // Everything removed: the empty tree.
        None => encode(Vec::new(), &mut trees)?,
    };
    super::pack::write_all(repo, &trees)?;
    Ok(id)
}

/// A folder (`old`, or none) with `changes` (paths inside it, sorted) made:
/// its new tree's id, or `None` when it is left empty.
fn update(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    changes: &[(&str, Option<Oid>)],
    trees: &mut Vec<Hashed<Vec<u8>>>,
) -> Result<Option<Oid>, PublishError> {
    let mut entries: BTreeMap<Vec<u8>, (u32, Oid)> = BTreeMap::new();
    for entry in old.into_iter().flat_map(Tree::iter) {
        let mode = u32::try_from(entry.filemode()).unwrap_or(BLOB);
        entries.insert(entry.name_bytes().to_vec(), (mode, entry.id()));
    }
    // The changes inside each subfolder, which are together (sorted by path).
    let mut at = 0;
    while at < changes.len() {
        let Some((folder, _)) = changes[at].0.split_once('/') else {
            at += 1;
            continue;
        };
        let prefix_len = folder.len() + 1;
        let end = at
            + changes[at..]
                .iter()
                .take_while(|(path, _)| {
                    path.len() > prefix_len
                        && path.starts_with(folder)
                        && path.as_bytes()[folder.len()] == b'/'
                })
                .count();
        let inside: Vec<(&str, Option<Oid>)> = changes[at..end]
            .iter()
            .map(|(path, id)| (&path[prefix_len..], *id))
            .collect();
        let old_sub = match entries.get(folder.as_bytes()) {
            Some(&(TREE, id)) => Some(repo.find_tree(id)?),
            _ => None,
        };
        match update(repo, old_sub.as_ref(), &inside, trees)? {
            Some(id) => {
                entries.insert(folder.as_bytes().to_vec(), (TREE, id));
            }
            None => {
                if entries
                    .get(folder.as_bytes())
                    .is_some_and(|(mode, _)| *mode == TREE)
                {
                    entries.remove(folder.as_bytes());
                }
            }
        }
        at = end.max(at + 1);
    }
    // The files directly in it, after the folders: a file in place of a
    // folder replaces it, and removing a file never removes a folder.
    for (path, id) in changes.iter().filter(|(path, _)| !path.contains('/')) {
        match id {
            Some(id) => {
                entries.insert(path.as_bytes().to_vec(), (BLOB, *id));
            }
            None => {
                if entries
                    .get(path.as_bytes())
                    .is_some_and(|(mode, _)| *mode != TREE)
                {
                    entries.remove(path.as_bytes());
                }
            }
        }
    }
    if entries.is_empty() {
        return Ok(None);
    }
    let entries = entries
        .iter()
        .map(|(name, (mode, id))| Entry {
            name,
            mode: *mode,
            id: *id,
        })
        .collect();
    encode(entries, trees).map(Some)
}

#[cfg(test)]
mod tests {
    use git2::build::TreeUpdateBuilder;
    use git2::FileMode;

    use super::*;

    fn blob(repo: &Repository, text: &str) -> Oid {
        repo.blob(text.as_bytes()).unwrap()
    }

    #[test]
    fn an_update_is_the_tree_libgit2_makes_and_the_tree_built_whole() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let before = [
            "index.html",
            "a",
            "a.b",
            "a-b/index.html",
            "b/index.html",
            "papers/1/index.html",
            "papers/2/index.html",
            "papers/3/index.html",
            "someone-elses.txt",
            "gone/only.html",
            "x/deep/er/file.html",
        ];
        let files: Vec<(&str, Oid)> = before.iter().map(|p| (*p, blob(&repo, p))).collect();
        let old = repo
            .find_tree(build_tree(&repo, files.iter().copied()).unwrap())
            .unwrap();
        let changes: BTreeMap<&str, Option<Oid>> = [
            ("index.html", Some(blob(&repo, "new index"))),
            // A file becomes a folder, a folder a file.
            ("a", None),
            ("a/index.html", Some(blob(&repo, "a folder now"))),
            ("b/index.html", None),
            ("b", Some(blob(&repo, "a file now"))),
            ("papers/2/index.html", Some(blob(&repo, "paper 2 again"))),
            ("papers/4/index.html", Some(blob(&repo, "paper 4"))),
            // The folder's only file removed: the folder goes.
            ("gone/only.html", None),
            ("new/deep/er/file.html", Some(blob(&repo, "deep"))),
            ("x/deep/er/file.html", Some(blob(&repo, "x deep again"))),
        ]
        .into_iter()
        .collect();
        let ours = update_tree(&repo, &old, &changes).unwrap();
        // libgit2 refuses a file and a folder trading places in one update
        // ("D/F conflict"); without those, its tree is ours.
        let plain: BTreeMap<&str, Option<Oid>> = changes
            .iter()
            .filter(|(path, _)| !["a", "a/index.html", "b", "b/index.html"].contains(path))
            .map(|(path, id)| (*path, *id))
            .collect();
        let mut theirs = TreeUpdateBuilder::new();
        for (path, id) in &plain {
            match id {
                Some(id) => theirs.upsert(*path, *id, FileMode::Blob),
                None => theirs.remove(*path),
            };
        }
        assert_eq!(
            update_tree(&repo, &old, &plain).unwrap(),
            theirs.create_updated(&repo, &old).unwrap()
        );
        // And the tree of the same files built whole.
        let mut after: BTreeMap<&str, Oid> = files.iter().copied().collect();
        for (path, id) in &changes {
            match id {
                Some(id) => after.insert(path, *id),
                None => after.remove(path),
            };
        }
        assert_eq!(ours, build_tree(&repo, after.into_iter()).unwrap());
        crate::git::assert_fsck_clean(dir.path());
        let listed = std::process::Command::new("git")
            .args(["ls-tree", "-r", "--name-only", &ours.to_string()])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let listed = String::from_utf8(listed.stdout).unwrap();
        assert!(
            listed.contains("someone-elses.txt\n") && listed.contains("a/index.html\n"),
            "{listed}"
        );
        assert!(!listed.contains("gone/"), "{listed}");
    }

    #[test]
    fn removing_everything_leaves_the_empty_tree() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let id = blob(&repo, "x");
        let old = repo
            .find_tree(build_tree(&repo, [("d/x.html", id)].into_iter()).unwrap())
            .unwrap();
        let changes = BTreeMap::from([("d/x.html", None)]);
        let empty = update_tree(&repo, &old, &changes).unwrap();
        assert_eq!(
            empty,
            Oid::from_str("4b825dc642cb6eb9a060e54bf8d69288fbee4904").unwrap()
        );
    }
}
