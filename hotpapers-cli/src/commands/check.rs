//! `hotpapers check`: the compile-time checks, without compiling.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;
use hotpapers::{Diagnostics, LoadError, Site};

use crate::Format;

/// Checks the files (or the whole site); `Ok(false)` when any has an error.
pub(crate) fn run(root: &Path, files: &[PathBuf], format: Format) -> anyhow::Result<bool> {
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
