//! The binary's day-files against the disk's: a publish renders what was
//! compiled in, so it refuses when a day-file or the settings changed since.

use std::collections::HashMap;
use std::path::Path;

use super::error::PublishError;
use super::repo::{read, read_if_exists};
use crate::archive::Archive;
use crate::model::{source_hash, Day};
use crate::text::day_file_name;

/// Refuses to publish posts rendered from other day-files than those on disk.
pub(crate) fn check_fresh(workdir: &Path, prefix: &str, archive: &Archive<'_>) -> Result<(), PublishError> {
    let (site, days) = (&archive.site, &archive.days);
    let settings = read_if_exists(&workdir.join(prefix).join(crate::site::SITE_FILE))?;
    if settings.as_deref().map(source_hash) != archive.site_hash {
        let file = format!("`{prefix}{}`", crate::site::SITE_FILE);
        return Err(match archive.site_hash {
            // Cargo cannot watch a file that did not exist at the last build.
            None => PublishError::Stale {
                what: format!("{file} was added"),
                fix: "run `touch build.rs` and then `cargo run` to rebuild and publish",
            },
            Some(_) => stale(format!("{file} changed")),
        });
    }
    let dir = workdir.join(prefix).join(&site.posts_dir);
    let on_disk = match crate::day::day_files(&dir) {
        Ok(files) => files,
        Err(_) if days.is_empty() && !dir.exists() => Vec::new(),
        Err(crate::day::LoadError::Io { path, source }) => {
            return Err(PublishError::Io {
                action: "read",
                path,
                source,
            })
        }
        Err(other) => {
            return Err(PublishError::Io {
                action: "read",
                path: dir,
                source: std::io::Error::other(other.to_string()),
            })
        }
    };
    let shown = |name: &str| format!("`{prefix}{}/{name}`", site.posts_dir.trim_end_matches('/'));
    let mut compiled: HashMap<String, &Day<'_>> = days.iter().map(|d| (day_file_name(d.date), d)).collect();
    for file in &on_disk {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let Some(day) = compiled.remove(&name) else {
            return Err(stale(format!("{} was added", shown(&name))));
        };
        if source_hash(&read(file)?) != day.source_hash {
            return Err(stale(format!("{} changed", shown(&name))));
        }
    }
    if let Some(missing) = compiled.keys().min() {
        return Err(stale(format!("{} was deleted", shown(missing))));
    }
    Ok(())
}

fn stale(what: String) -> PublishError {
    PublishError::Stale {
        what,
        fix: "run `cargo run` to rebuild and publish",
    }
}
