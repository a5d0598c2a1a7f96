//! What a publish writes and commits: the plan, made by comparing each rendered
//! post and each day-file with `HEAD`'s tree and the work tree.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{Oid, Repository};
use time::Date;

use super::error::PublishError;
use super::repo::{blob_id, dir_entries, dirty_paths, read, read_if_exists};
use super::written::Written;
use super::Change;
use crate::model::Day;
use crate::post::render;
use crate::site::Site;
use crate::text::{day_file_date, day_file_name, format_date};

/// What a run writes to the work tree and puts in the commit.
#[derive(Default)]
pub(crate) struct Plan {
    pub(crate) days: Vec<(Date, Change)>,
    pub(crate) unchanged: usize,
    /// Paths of the commit: new content, or `None` to remove.
    pub(crate) files: Vec<PlannedFile>,
    /// Work-tree files to write (`Some`) or delete (`None`).
    pub(crate) writes: Vec<PlannedWrite>,
}

pub(crate) struct PlannedFile {
    pub(crate) path: String,
    pub(crate) change: Change,
    pub(crate) blob: Option<Vec<u8>>,
}

pub(crate) struct PlannedWrite {
    pub(crate) path: String,
    pub(crate) content: Option<String>,
}

/// Where things are and what `HEAD` and `git status` say of them, read once.
pub(crate) struct Tree<'a> {
    pub(crate) repo: &'a Repository,
    pub(crate) workdir: &'a Path,
    /// The site's folder inside the work tree, `""` or `"site/"`.
    pub(crate) prefix: &'a str,
    pub(crate) base: &'a git2::Tree<'a>,
    pub(crate) written: &'a Written,
}

/// The folders of one site as paths of the work tree, and what `HEAD` has in them.
struct Folders {
    posts: String,
    output: String,
    committed_sources: HashMap<String, Oid>,
    committed_posts: HashMap<String, Oid>,
    /// Paths `git status` finds changed, in either folder.
    dirty: HashSet<String>,
}

/// Plans a publish of `days`.
pub(crate) fn plan(tree: &Tree<'_>, site: &Site, days: &[Day<'_>]) -> Result<Plan, PublishError> {
    let folders = folders(tree, site)?;
    let mut plan = Plan::default();
    for day in days {
        let post = plan_post(tree, site, &folders, day, &mut plan)?;
        let source = plan_day_file(tree, &folders, day.date, &mut plan)?;
        match post.or(source.map(|_| Change::Updated)) {
            Some(change) => plan.days.push((day.date, change)),
            None => plan.unchanged += 1,
        }
    }
    plan_removals(tree, site, &folders, days, &mut plan)?;
    plan.days.sort();
    Ok(plan)
}

fn folders(tree: &Tree<'_>, site: &Site) -> Result<Folders, PublishError> {
    let posts = format!("{}{}", tree.prefix, site.posts_dir.trim_end_matches('/'));
    let output = format!("{}{}", tree.prefix, site.output_dir.trim_end_matches('/'));
    Ok(Folders {
        committed_sources: dir_entries(tree.repo, tree.base, &posts)?,
        committed_posts: dir_entries(tree.repo, tree.base, &output)?,
        dirty: dirty_paths(tree.repo, &[&posts, &output])?,
        posts,
        output,
    })
}

/// The day's post: written if the work tree differs, committed if `HEAD` does.
fn plan_post(
    tree: &Tree<'_>,
    site: &Site,
    folders: &Folders,
    day: &Day<'_>,
    plan: &mut Plan,
) -> Result<Option<Change>, PublishError> {
    let name = site.post_file_name(day.date);
    let path = format!("{}/{name}", folders.output);
    let post = render(day, site);
    let committed = folders.committed_posts.get(&name).copied();
    let on_disk = read_if_exists(&tree.workdir.join(&path))?;
    let same_on_disk = on_disk.as_deref() == Some(post.as_bytes());
    // A post equal on disk and clean in git status is committed as rendered; only
    // the others are hashed.
    if committed.is_some() && same_on_disk && !folders.dirty.contains(&path) {
        return Ok(None);
    }
    if !same_on_disk {
        check_not_edited(tree, &path, on_disk.as_deref(), committed)?;
        plan.writes.push(PlannedWrite {
            path: path.clone(),
            content: Some(post.clone()),
        });
    }
    // A new post is added whatever its id; only a committed one needs hashing.
    if committed.is_some() && committed == Some(blob_id(post.as_bytes())?) {
        return Ok(None);
    }
    let change = Change::of(committed);
    plan.files.push(PlannedFile {
        path,
        change,
        blob: Some(post.into_bytes()),
    });
    Ok(Some(change))
}

/// The day-file itself, committed with its post when `HEAD` lacks it as it is.
fn plan_day_file(
    tree: &Tree<'_>,
    folders: &Folders,
    date: Date,
    plan: &mut Plan,
) -> Result<Option<Change>, PublishError> {
    let name = day_file_name(date);
    let path = format!("{}/{name}", folders.posts);
    let committed = folders.committed_sources.get(&name).copied();
    if committed.is_some() && !folders.dirty.contains(&path) {
        return Ok(None);
    }
    let source = read(&tree.workdir.join(&path))?;
    if committed.is_some() && committed == Some(blob_id(&source)?) {
        return Ok(None);
    }
    let change = Change::of(committed);
    plan.files.push(PlannedFile {
        path,
        change,
        blob: Some(source),
    });
    Ok(Some(change))
}

/// Day-files committed earlier and deleted since: removed with their posts.
fn plan_removals(
    tree: &Tree<'_>,
    site: &Site,
    folders: &Folders,
    days: &[Day<'_>],
    plan: &mut Plan,
) -> Result<(), PublishError> {
    let compiled: HashSet<Date> = days.iter().map(|d| d.date).collect();
    let mut names: Vec<&String> = folders.committed_sources.keys().collect();
    names.sort();
    for name in names {
        let Some(date) = day_file_date(name).filter(|date| !compiled.contains(date)) else {
            continue;
        };
        plan.files.push(PlannedFile {
            path: format!("{}/{name}", folders.posts),
            change: Change::Removed,
            blob: None,
        });
        let post_name = site.post_file_name(date);
        let post_path = format!("{}/{post_name}", folders.output);
        if let Some(&committed) = folders.committed_posts.get(&post_name) {
            let on_disk = read_if_exists(&tree.workdir.join(&post_path))?;
            if on_disk.is_some() {
                check_not_edited(tree, &post_path, on_disk.as_deref(), Some(committed))?;
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
    Ok(())
}

/// Refuses to overwrite a post on disk that is neither what `HEAD` has nor what
/// this tool last wrote there: a person edited it.
fn check_not_edited(
    tree: &Tree<'_>,
    path: &str,
    on_disk: Option<&[u8]>,
    committed: Option<Oid>,
) -> Result<(), PublishError> {
    let Some(on_disk) = on_disk else { return Ok(()) };
    let id = blob_id(on_disk)?;
    if Some(id) == committed || tree.written.wrote(path, id) {
        Ok(())
    } else {
        Err(PublishError::LocalEdits(path.to_owned()))
    }
}

/// `Hot Papers 2020-10-30` for one day added or updated; otherwise a summary
/// subject and a body that lists the files.
pub(crate) fn commit_message(site: &Site, plan: &Plan) -> String {
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
