//! The posts this tool wrote and did not commit (`--no-commit`), so that its own
//! output is not taken for a hand edit.

use std::collections::HashMap;
use std::path::PathBuf;

use git2::{Oid, Repository};

use super::error::PublishError;
use super::repo::{blob_id, read_if_exists, remove_file, write};

/// What this tool wrote to each post and has not committed (`--no-commit`), so
/// that its own output is not taken for a hand edit by the next run: a line
/// `<blob id> <path>` each, in `hotpapers-written` in the git folder.
pub(crate) struct Written {
    file: PathBuf,
    posts: HashMap<String, Oid>,
    changed: bool,
}

impl Written {
    pub(crate) fn load(repo: &Repository) -> Result<Written, PublishError> {
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

    /// Whether no post is waiting to be committed.
    pub(crate) fn is_empty(&self) -> bool {
        self.posts.is_empty()
    }

    /// Whether the content with this id at `path` is what this tool wrote there.
    pub(crate) fn wrote(&self, path: &str, id: Oid) -> bool {
        self.posts.get(path) == Some(&id)
    }

    /// Notes what this run writes: content for a path, or `None` for a removal.
    pub(crate) fn note_writes<'w>(
        &mut self,
        writes: impl Iterator<Item = (&'w str, Option<&'w [u8]>)>,
    ) -> Result<(), PublishError> {
        let writes: Vec<(&str, Option<&[u8]>)> = writes.collect();
        // Hashed on every core: the first `--no-commit` run writes every post.
        let ids = crate::parallel::try_map(&writes, 64, |(_, content)| content.map(blob_id).transpose())?;
        for ((path, _), id) in writes.iter().zip(ids) {
            match id {
                Some(id) => self.posts.insert((*path).to_owned(), id),
                None => self.posts.remove(*path),
            };
            self.changed = true;
        }
        Ok(())
    }

    pub(crate) fn forget<'p>(&mut self, paths: impl Iterator<Item = &'p str>) {
        for path in paths {
            self.changed |= self.posts.remove(path).is_some();
        }
    }

    pub(crate) fn save(&self) -> Result<(), PublishError> {
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
        write(&self.file, lines.concat().as_bytes())
    }
}
