//! What was announced where (`hotpapers announce`, `hotpapers digest`): one
//! small file per day on a branch of its own, so that a re-run, a retry or
//! another clone never tells readers twice, and the pages branch and the
//! posts branch get no commit for it.
//!
//! The file of a day is `YYYY-MM-DD.toml`, one line per channel with where
//! the announcement is: `bluesky = "at://did:plc:…/app.bsky.feed.post/…"`,
//! `mastodon = "https://…/@…/…"`, `email = "<message-id>"`.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{Oid, Repository};
use time::Date;

use super::error::PublishError;
use super::repo::commit_log;
use super::Options;
use crate::site::Site;

/// The record of announcements, read from and written to `[announce] branch`.
pub struct Announcements {
    repo: Repository,
    refname: String,
}

impl Announcements {
    /// The record in the repository holding `site_root`; a branch that does
    /// not exist yet is an empty record.
    pub fn open(site_root: &Path, site: &Site) -> Result<Announcements, PublishError> {
        let repo = super::repo::open(site_root)?;
        let refname = format!("refs/heads/{}", site.announce.branch);
        let head = repo.head().ok().and_then(|h| h.name().ok().map(str::to_owned));
        if head.as_deref() == Some(refname.as_str()) {
            return Err(PublishError::RecordCheckedOut(site.announce.branch.clone()));
        }
        Ok(Announcements { repo, refname })
    }

    /// Where each channel announced `date`, by channel.
    pub fn of(&self, date: Date) -> Result<BTreeMap<String, String>, PublishError> {
        let Some(tip) = self.tip()? else {
            return Ok(BTreeMap::new());
        };
        let tree = self.repo.find_commit(tip)?.tree()?;
        let Some(entry) = tree.get_name(&file_name(date)) else {
            return Ok(BTreeMap::new());
        };
        let blob = self.repo.find_blob(entry.id())?;
        let text =
            std::str::from_utf8(blob.content()).map_err(|_| PublishError::BadRecord(file_name(date)))?;
        toml::from_str(text).map_err(|_| PublishError::BadRecord(file_name(date)))
    }

    /// Records that `channel` announced `date` at `location`, in a commit of
    /// its own on the record's branch (created if needed). `author` is as
    /// `--author` is for a publish.
    pub fn add(
        &self,
        site: &Site,
        date: Date,
        channel: &str,
        location: &str,
        author: Option<String>,
    ) -> Result<(), PublishError> {
        let mut entries = self.of(date)?;
        entries.insert(channel.to_owned(), location.to_owned());
        let text: String = entries
            .iter()
            .map(|(channel, at)| format!("{channel} = {}\n", crate::day::write::string(at)))
            .collect();
        let blob = self.repo.blob(text.as_bytes())?;
        let tip = self.tip()?;
        let parent = tip.map(|id| self.repo.find_commit(id)).transpose()?;
        let base = match &parent {
            Some(commit) => commit.tree()?,
            None => super::pack::empty_tree(&self.repo)?,
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        update.upsert(file_name(date), blob, git2::FileMode::Blob);
        let tree = self.repo.find_tree(update.create_updated(&self.repo, &base)?)?;
        let options = Options {
            author,
            ..Options::default()
        };
        let (author, committer) = super::identity::signatures(&self.repo, site, &options)?;
        let message = format!("Announced {} on {channel}\n", crate::text::format_date(date));
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let commit = self
            .repo
            .commit(None, &author, &committer, &message, &tree, &parents)?;
        let log = commit_log(&message, tip.is_none());
        // Moved only from the tip read above: a record another run wrote in
        // the meantime is never lost.
        match tip {
            Some(old) => self
                .repo
                .reference_matching(&self.refname, commit, true, old, &log)?,
            None => self.repo.reference(&self.refname, commit, false, &log)?,
        };
        Ok(())
    }

    /// Whether the day's page is on the site's pages branch: what readers
    /// can open.
    pub fn page_published(&self, site: &Site, date: Date) -> Result<bool, PublishError> {
        let branch = match self
            .repo
            .find_branch(&site.blog.pages_branch, git2::BranchType::Local)
        {
            Ok(branch) => branch,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        let page = format!("{}index.html", site.post_dir(date));
        Ok(branch.get().peel_to_tree()?.get_path(Path::new(&page)).is_ok())
    }

    fn tip(&self) -> Result<Option<Oid>, PublishError> {
        match self.repo.find_reference(&self.refname) {
            Ok(reference) => Ok(Some(reference.peel_to_commit()?.id())),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

fn file_name(date: Date) -> String {
    format!("{}.toml", crate::text::format_date(date))
}
