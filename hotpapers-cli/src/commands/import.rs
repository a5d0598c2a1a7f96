//! `hotpapers import`: legacy posts back to day-files, each only if it renders
//! back byte for byte.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use hotpapers::Site;

use crate::day::under;

/// Imports legacy posts; every post is read and checked before any day-file is
/// written.
pub(crate) fn run(root: &Path, paths: &[PathBuf], force: bool) -> anyhow::Result<()> {
    let site = Site::load(root)?;
    let posts = legacy_posts(&site, paths)?;
    let dir = under(root, &site.posts_dir);
    let days = posts
        .iter()
        .map(|post| day_file_of(&site, &dir, post, force))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for (target, day_file, papers) in days {
        let written = if force {
            hotpapers::write_atomically(&target, day_file.as_bytes())
        } else {
            hotpapers::write_new(&target, day_file.as_bytes())
        };
        written.with_context(|| format!("cannot write `{}`", target.display()))?;
        println!("imported {} ({papers} papers)", target.display());
    }
    Ok(())
}

/// The posts named, and those in the folders named, sorted.
fn legacy_posts(site: &Site, paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut posts = Vec::new();
    for path in paths {
        if !path.is_dir() {
            posts.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        for entry in entries {
            let entry = entry?.path();
            let name = entry.file_name().and_then(|n| n.to_str());
            if name.and_then(|n| site.post_date(n)).is_some() {
                posts.push(entry);
            }
        }
    }
    posts.sort();
    if posts.is_empty() {
        bail!("no legacy posts (named like `{}`) found", site.file_name);
    }
    Ok(posts)
}

/// A legacy post as a day-file: where it goes, its text and its number of
/// papers; an error unless it renders back byte for byte and checks.
fn day_file_of(
    site: &Site,
    dir: &Path,
    post: &Path,
    force: bool,
) -> anyhow::Result<(PathBuf, String, usize)> {
    let name = post.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let date = site.post_date(name).with_context(|| {
        format!(
            "`{}` is not named like a post (`{}`)",
            post.display(),
            site.file_name
        )
    })?;
    let text = std::fs::read_to_string(post).with_context(|| format!("cannot read `{}`", post.display()))?;
    let day = hotpapers::import_post(&post.display().to_string(), date, &text)?;
    if hotpapers::render(&day, site) != text {
        bail!(
            "`{}` would not render back byte for byte; it was left alone",
            post.display()
        );
    }
    let day_file = hotpapers::day_file(&day);
    let target = dir.join(hotpapers::day_file_name(date));
    let (_, diagnostics) = hotpapers::parse_day(&target.display().to_string(), &day_file);
    for d in &diagnostics {
        eprintln!("{}\n", d.report());
    }
    if diagnostics.iter().any(hotpapers::Diagnostic::is_error) {
        bail!(
            "`{}` holds values the day-file format does not accept; it was left alone",
            post.display()
        );
    }
    if !force && target.exists() {
        bail!(
            "`{}` exists already; pass `--force` to replace it",
            target.display()
        );
    }
    Ok((target, day_file, day.papers.len()))
}
