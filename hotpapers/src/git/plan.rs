//! What a publish writes and commits: the plan, made by comparing each rendered
//! post and each day-file with `HEAD`'s tree and the work tree.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use git2::{Oid, Repository};
use time::Date;

use super::error::PublishError;
use super::published::LastPublish;
use super::repo::{blob_id, dir_entries, dirty_paths, read, read_if_exists};
use super::written::Written;
use super::Change;
use crate::archive::{DayEntry, Days};
use crate::model::source_hash;
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
    /// The posts' folder in the work tree.
    pub(crate) output: String,
}

pub(crate) struct PlannedFile {
    pub(crate) path: String,
    pub(crate) change: Change,
    pub(crate) blob: Option<Shared>,
}

pub(crate) struct PlannedWrite {
    pub(crate) path: String,
    pub(crate) content: Option<Shared>,
}

/// A file's bytes, held once: a post is usually both written and committed,
/// and a first publish of ten years holds 100 MB of posts. The rendered text
/// is moved in, never copied.
pub(crate) type Shared = Arc<Vec<u8>>;

/// The work tree, and the posts this tool wrote there and did not commit.
pub(crate) struct Tree<'a> {
    pub(crate) workdir: &'a Path,
    pub(crate) written: &'a Written,
}

/// The folders of one site as paths of the work tree, and what `HEAD` has in them.
pub(crate) struct Folders {
    pub(crate) posts: String,
    pub(crate) output: String,
    pub(crate) committed_sources: HashMap<String, Oid>,
    committed_posts: HashMap<String, Oid>,
    /// Paths `git status` finds changed, in either folder.
    pub(crate) dirty: HashSet<String>,
}

/// Plans a publish of `days`; `published` says which posts need no render.
pub(crate) fn plan(
    tree: &Tree<'_>,
    site: &Site,
    folders: &Folders,
    days: &Days<'_>,
    published: &mut LastPublish,
) -> Result<Plan, PublishError> {
    let mut plan = Plan {
        output: folders.output.clone(),
        ..Plan::default()
    };
    let render = super::published::render_id(site);
    // The posts rendered and compared on every core (a first publish renders
    // them all), then planned in date order with their day-files.
    let record: &LastPublish = published;
    let numbers: Vec<usize> = (0..days.len()).collect();
    let planned = crate::parallel::try_map(&numbers, 64, |&i| {
        plan_post(tree, site, folders, (days, i), (record, render))
    })?;
    for (day, post) in days.entries().iter().zip(planned) {
        plan.writes.extend(post.write);
        plan.files.extend(post.file);
        let source = plan_day_file(tree, folders, day, &mut plan, published)?;
        match post.change.or(source.map(|_| Change::Updated)) {
            Some(change) => plan.days.push((day.date, change)),
            None => plan.unchanged += 1,
        }
    }
    plan_removals(tree, site, folders, days.entries(), &mut plan)?;
    plan.days.sort();
    Ok(plan)
}

/// The site's day-files' and posts' folders as paths of the work tree, whose
/// folder `prefix` (`""` or `"site/"`) the site is in.
pub(crate) fn folder_paths(prefix: &str, site: &Site) -> (String, String) {
    let path = |dir: &str| format!("{prefix}{}", dir.trim_end_matches('/'));
    (path(&site.posts_dir), path(&site.output_dir))
}

/// The site's two folders in `base` (`HEAD`'s tree) and in `git status`.
pub(crate) fn folders(
    repo: &Repository,
    base: &git2::Tree<'_>,
    prefix: &str,
    site: &Site,
) -> Result<Folders, PublishError> {
    let (posts, output) = folder_paths(prefix, site);
    Ok(Folders {
        committed_sources: dir_entries(repo, base, &posts)?,
        committed_posts: dir_entries(repo, base, &output)?,
        dirty: dirty_paths(repo, &[&posts, &output])?,
        posts,
        output,
    })
}

/// What a day's post needs: a write to the work tree, a file in the commit.
#[derive(Default)]
struct PostPlan {
    write: Option<PlannedWrite>,
    file: Option<PlannedFile>,
    change: Option<Change>,
}

/// The `i`th day's post: written if the work tree differs, committed if `HEAD`
/// does. One the last publish committed from the same day and renderer, and
/// that `HEAD` and the work tree still hold, is neither rendered nor read, and
/// its day not decoded.
fn plan_post(
    tree: &Tree<'_>,
    site: &Site,
    folders: &Folders,
    (days, i): (&Days<'_>, usize),
    (published, render_id): (&LastPublish, u64),
) -> Result<PostPlan, PublishError> {
    let entry = &days.entries()[i];
    let name = site.post_file_name(entry.date);
    let path = format!("{}/{name}", folders.output);
    let committed = folders.committed_posts.get(&name).copied();
    if committed.is_some() && !folders.dirty.contains(&path) && published.post_is(entry, render_id, committed)
    {
        return Ok(PostPlan::default());
    }
    let post: Shared = Arc::new(render(days.get(i)?, site).into_bytes());
    let on_disk = read_if_exists(&tree.workdir.join(&path))?;
    let same_on_disk = on_disk.as_deref() == Some(post.as_slice());
    // A post equal on disk and clean in git status is committed as rendered; only
    // the others are hashed.
    if committed.is_some() && same_on_disk && !folders.dirty.contains(&path) {
        return Ok(PostPlan::default());
    }
    let mut planned = PostPlan::default();
    if !same_on_disk {
        check_not_edited(tree, &path, on_disk.as_deref(), committed)?;
        planned.write = Some(PlannedWrite {
            path: path.clone(),
            content: Some(Arc::clone(&post)),
        });
    }
    // A new post is added whatever its id; only a committed one needs hashing.
    if committed.is_some() && committed == Some(blob_id(&post)?) {
        return Ok(planned);
    }
    let change = Change::of(committed);
    planned.file = Some(PlannedFile {
        path,
        change,
        blob: Some(post),
    });
    planned.change = Some(change);
    Ok(planned)
}

/// The day-file itself, committed with its post when `HEAD` lacks it as it is:
/// the very bytes the day was compiled from, or the run stops.
fn plan_day_file(
    tree: &Tree<'_>,
    folders: &Folders,
    day: &DayEntry,
    plan: &mut Plan,
    published: &mut LastPublish,
) -> Result<Option<Change>, PublishError> {
    let name = day_file_name(day.date);
    let path = format!("{}/{name}", folders.posts);
    let committed = folders.committed_sources.get(&name).copied();
    if committed.is_some() && !folders.dirty.contains(&path) {
        return Ok(None);
    }
    let source = read(&tree.workdir.join(&path))?;
    // Saved again since the freshness check: what would be committed is not
    // what the posts were rendered from.
    if source_hash(&source) != day.source_hash {
        return Err(PublishError::stale(format!("`{path}` changed")));
    }
    let id = blob_id(&source)?;
    published.found(id, day.source_hash);
    if committed == Some(id) {
        return Ok(None);
    }
    let change = Change::of(committed);
    plan.files.push(PlannedFile {
        path,
        change,
        blob: Some(Arc::new(source)),
    });
    Ok(Some(change))
}

/// Day-files committed earlier and deleted since: removed with their posts.
fn plan_removals(
    tree: &Tree<'_>,
    site: &Site,
    folders: &Folders,
    days: &[DayEntry],
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
