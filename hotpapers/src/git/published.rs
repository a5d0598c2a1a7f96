//! What the last complete publish left committed, so that the next one need
//! not read ten years of day-files and render ten years of posts to find the
//! one that changed.
//!
//! For each day the file `hotpapers-published` in the git folder keeps the
//! fingerprint of its day-file's bytes ([`source_hash`](crate::source_hash)),
//! the id git gives those bytes, and the id of the post rendered from them,
//! with a fingerprint of everything else a post is rendered from (the settings
//! and this crate's source). A day-file that `git status` finds clean holds
//! `HEAD`'s blob; if that blob is the one recorded, its fingerprint is known
//! without reading it. A post whose day and renderer are the same, and that
//! `HEAD` still has as recorded and `git status` finds clean, is as a render
//! would make it. Each pair was found by reading the bytes, never assumed.

use std::collections::HashMap;

use git2::{Oid, Repository};

use super::error::PublishError;
use super::repo::{dir_entries, read_if_exists, write};
use crate::archive::DayEntry;
use crate::model::source_hash;
use crate::site::Site;
use crate::text::day_file_name;

const FILE: &str = "hotpapers-published";

/// One day as the last complete publish committed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    source: u64,
    day_file: Oid,
    post: Oid,
}

/// The record, read, and the pairs of blob and fingerprint this run found by
/// reading day-files.
#[derive(Debug, Default)]
pub(crate) struct LastPublish {
    render: u64,
    days: HashMap<String, Entry>,
    read: HashMap<Oid, u64>,
}

/// Everything a post is rendered from but its day: the settings and the code.
pub(crate) fn render_id(site: &Site) -> u64 {
    source_hash(format!("{}\n{site:?}\n", env!("HOTPAPERS_SOURCE_HASH")).as_bytes())
}

impl LastPublish {
    /// The record in `repo`'s git folder; empty if there is none or it is not
    /// whole (each line is checked; a damaged file only costs reading again).
    pub(crate) fn load(repo: &Repository) -> Result<LastPublish, PublishError> {
        let text = read_if_exists(&repo.path().join(FILE))?.unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        let mut lines = text.lines();
        let Some(render) = lines.next().and_then(|l| u64::from_str_radix(l, 16).ok()) else {
            return Ok(LastPublish::default());
        };
        let days: Option<HashMap<String, Entry>> = lines
            .map(|line| {
                let mut fields = line.split(' ');
                let name = fields.next()?.to_owned();
                let source = u64::from_str_radix(fields.next()?, 16).ok()?;
                let day_file = full_id(fields.next()?)?;
                let post = full_id(fields.next()?)?;
                fields.next().is_none().then_some((
                    name,
                    Entry {
                        source,
                        day_file,
                        post,
                    },
                ))
            })
            .collect();
        Ok(days.map_or_else(LastPublish::default, |days| LastPublish {
            render,
            days,
            read: HashMap::new(),
        }))
    }

    /// The fingerprint of the day-file `name` whose blob is `blob`, if known:
    /// recorded by an earlier run or read by this one.
    pub(crate) fn source_of(&self, name: &str, blob: Oid) -> Option<u64> {
        self.read.get(&blob).copied().or_else(|| {
            self.days
                .get(name)
                .filter(|entry| entry.day_file == blob)
                .map(|entry| entry.source)
        })
    }

    /// Notes that a day-file with id `blob` was read and had fingerprint `source`.
    pub(crate) fn found(&mut self, blob: Oid, source: u64) {
        self.read.insert(blob, source);
    }

    /// Whether `day`'s post, rendered by a renderer with id `render`, is the
    /// blob `committed`, as recorded.
    pub(crate) fn post_is(&self, day: &DayEntry, render: u64, committed: Option<Oid>) -> bool {
        self.render == render
            && self
                .days
                .get(&day_file_name(day.date))
                .is_some_and(|entry| entry.source == day.source_hash && Some(entry.post) == committed)
    }

    /// Records what `HEAD` now holds, after a publish that left every post
    /// committed as rendered: each day's day-file and post, where `HEAD`'s
    /// day-file is one whose fingerprint was checked against the day's.
    pub(crate) fn save(
        &self,
        repo: &Repository,
        site: &Site,
        days: &[DayEntry],
        posts_dir: &str,
        output_dir: &str,
    ) -> Result<(), PublishError> {
        let head = repo.head()?.peel_to_tree()?;
        let sources = dir_entries(repo, &head, posts_dir)?;
        let posts = dir_entries(repo, &head, output_dir)?;
        let mut text = format!("{:016x}\n", render_id(site));
        for day in days {
            let name = day_file_name(day.date);
            let (Some(&day_file), Some(&post)) =
                (sources.get(&name), posts.get(&site.post_file_name(day.date)))
            else {
                continue;
            };
            if self.source_of(&name, day_file) == Some(day.source_hash) {
                text.push_str(&format!("{name} {:016x} {day_file} {post}\n", day.source_hash));
            }
        }
        write(&repo.path().join(FILE), text.as_bytes())
    }
}

/// An id written in full (`Oid::from_str` takes a prefix too).
fn full_id(hex: &str) -> Option<Oid> {
    (hex.len() == 40).then(|| Oid::from_str(hex).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_record_is_no_record() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let id = Oid::hash_object(git2::ObjectType::Blob, b"x").unwrap();
        let whole = format!("00000000000000ff\n2020-10-30.toml 0000000000000007 {id} {id}\n");
        std::fs::write(repo.path().join(FILE), &whole).unwrap();
        let published = LastPublish::load(&repo).unwrap();
        assert_eq!(published.render, 0xff);
        assert_eq!(published.source_of("2020-10-30.toml", id), Some(7));
        assert_eq!(published.source_of("2020-10-31.toml", id), None);
        for damaged in [
            &whole[..whole.len() - 3],
            "zz\n",
            &whole.replace(" 0000000000000007", ""),
            &format!("{}extra\n", whole.trim_end()),
        ] {
            std::fs::write(repo.path().join(FILE), damaged).unwrap();
            let published = LastPublish::load(&repo).unwrap();
            assert_eq!(published.source_of("2020-10-30.toml", id), None, "{damaged:?}");
        }
    }
}
