//! `hotpapers check`: the compile-time checks, without compiling.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;
use hotpapers::{Diagnostics, LoadError, Site};

use crate::Format;

/// Checks the files (or the whole site); `Ok(false)` when any has an error, or
/// when the newest day-file is older than `max_age` days.
pub(crate) fn run(
    root: &Path,
    files: &[PathBuf],
    format: Format,
    max_age: Option<u32>,
) -> anyhow::Result<bool> {
    let mut all = Diagnostics::default();
    let site = match Site::load(root) {
        Ok(site) => site,
        Err(error) => {
            // The settings decide where the day-files are; nothing more to check.
            eprintln!("error: {error}");
            return Ok(false);
        }
    };
    if files.is_empty() {
        // Named relative to the site root, as GitHub annotations need.
        match hotpapers::load_dir_shown(&root.join(&site.posts_dir), &site.posts_dir) {
            Ok(loaded) => all = loaded.warnings,
            Err(LoadError::Invalid(diagnostics)) => all = diagnostics,
            Err(error) => bail!(error),
        }
    } else {
        for file in files {
            let shown = file.display().to_string();
            let (_, diagnostics) = hotpapers::load_file(file, &shown)?;
            all.0.extend(diagnostics.0);
        }
        all.sort();
    }
    if let Some(days) = max_age {
        if let Some(stale) = stale(root, &site, days)? {
            let source = hotpapers::Source {
                path: &site.posts_dir,
                text: "",
            };
            let expected = format!("a day-file at most {days} day(s) old; has the daily collection stalled?");
            all.0
                .push(source.diagnostic(hotpapers::Severity::Error, 0..0, stale, expected));
        }
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Human => writeln!(out, "{all}")?,
        Format::Github => {
            for d in &all.0 {
                writeln!(out, "{}", d.github_annotation())?;
            }
        }
        Format::Json => {
            for d in &all.0 {
                writeln!(out, "{}", serde_json::to_string(d)?)?;
            }
        }
    }
    Ok(!all.has_errors())
}

/// What is wrong if the newest day-file is more than `days` days old (UTC).
fn stale(root: &Path, site: &Site, days: u32) -> anyhow::Result<Option<String>> {
    let files = hotpapers::day_files(&root.join(&site.posts_dir))?;
    let newest = files
        .iter()
        .filter_map(|f| hotpapers::day_file_date(&f.to_string_lossy()))
        .max();
    let today = time::OffsetDateTime::now_utc().date();
    Ok(match newest {
        None => Some(format!("no day-file in `{}`", site.posts_dir)),
        Some(newest) if (today - newest).whole_days() > i64::from(days) => Some(format!(
            "the newest day-file is `{}`, {} day(s) old",
            hotpapers::day_file_name(newest),
            (today - newest).whole_days()
        )),
        Some(_) => None,
    })
}
