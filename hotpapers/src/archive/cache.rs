//! The archive built with a cache of what each day-file was found to be, so that
//! an edit re-checks one day, not ten years of them.
//!
//! The macro runs on every build after an edit. Parsing and checking 3,650
//! day-files (95 MB) costs most of that build, yet all but one are unchanged.
//! Each day-file that checks out is kept, encoded as the archive holds it with
//! its warnings, in a file named after a fingerprint of its bytes, its shown
//! path and this crate's source (`HOTPAPERS_SOURCE_HASH`, from the build
//! script): the same file, checked by the same code, gives the same result. A
//! day-file with errors is never kept, so its errors are reported on every build.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{encode_day, encode_warnings, Parts, Warning};
use crate::day::{day_files, read_text, shown_file, LoadError};
use crate::diagnostic::Diagnostics;
use crate::model::source_hash;
use crate::site::Site;

/// This crate's source, as the build script fingerprinted it.
const SOURCE: &str = env!("HOTPAPERS_SOURCE_HASH");

/// The cache files' ending.
const ENDING: &str = ".day";

/// One day-file, checked: its encoded day and warnings.
struct Checked {
    day: Vec<u8>,
    warnings: Vec<u8>,
    warning_count: usize,
}

impl Checked {
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.day.len() + self.warnings.len() + 12);
        for part in [&self.day, &self.warnings] {
            out.extend_from_slice(&(part.len() as u64).to_le_bytes());
            out.extend_from_slice(part);
        }
        out.extend_from_slice(&(self.warning_count as u32).to_le_bytes());
        out
    }

    /// What [`Checked::to_bytes`] wrote; `None` for anything else.
    fn from_bytes(bytes: &[u8]) -> Option<Checked> {
        let mut at = 0;
        let mut part = || -> Option<Vec<u8>> {
            let len = u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?) as usize;
            let part = bytes.get(at + 8..at + 8 + len)?.to_vec();
            at += 8 + len;
            Some(part)
        };
        let (day, warnings) = (part()?, part()?);
        let rest = bytes.get(bytes.len().checked_sub(4)?..)?;
        let warning_count = u32::from_le_bytes(rest.try_into().ok()?) as usize;
        (day.len() + warnings.len() + 20 == bytes.len()).then_some(Checked {
            day,
            warnings,
            warning_count,
        })
    }
}

/// Reads, checks and encodes the day-files of `dir` into an archive in parts,
/// holding what [`crate::load_dir_shown`] would load, reusing from `cache` what
/// an earlier build found for identical files.
pub fn encode_dir_cached(
    site: &Site,
    site_hash: Option<u64>,
    dir: &Path,
    shown: &str,
    cache: &Path,
) -> Result<Parts, LoadError> {
    let files = day_files(dir)?;
    let _ = std::fs::create_dir_all(cache);
    let results = crate::parallel::map_chunks(&files, 32, |files| {
        files
            .iter()
            .map(|file| check_file(file, &shown_file(shown, file), cache))
            .collect::<Vec<_>>()
    });
    let mut days = Vec::with_capacity(files.len());
    let mut warnings = Vec::with_capacity(files.len());
    let mut warning_count = 0;
    let mut used = HashSet::new();
    let mut all = Diagnostics::default();
    for (result, file) in results.into_iter().flatten().zip(&files) {
        match result? {
            Ok((name, checked)) => {
                used.insert(name);
                // Checked, so the file is named by its date.
                let date = file
                    .file_stem()
                    .and_then(|stem| crate::text::parse_date(&stem.to_string_lossy()))
                    .unwrap_or(time::Date::MIN);
                days.push((date, checked.day));
                warnings.push(checked.warnings);
                warning_count += checked.warning_count;
            }
            Err(diagnostics) => all.0.extend(diagnostics.0),
        }
    }
    if !all.0.is_empty() {
        all.sort();
        return Err(LoadError::Invalid(all));
    }
    forget_others(cache, &used);
    // Files are named by their date and sorted, so the days are in date order.
    Ok(Parts::assemble(site, site_hash, days, &warnings, warning_count))
}

/// One day-file from the cache, or read, checked and then kept; its cache file's
/// name with it. A file with errors gives its diagnostics.
#[allow(clippy::type_complexity)]
fn check_file(
    file: &Path,
    shown: &str,
    cache: &Path,
) -> Result<Result<(String, Checked), Diagnostics>, LoadError> {
    let text = match read_text(file, shown)? {
        Ok(text) => text,
        Err(refused) => return Ok(Err(refused)),
    };
    let key = source_hash(text.as_bytes())
        ^ source_hash(shown.as_bytes()).rotate_left(21)
        ^ source_hash(SOURCE.as_bytes()).rotate_left(42);
    let name = format!("{key:016x}{ENDING}");
    let path: PathBuf = cache.join(&name);
    if let Some(checked) = std::fs::read(&path).ok().as_deref().and_then(Checked::from_bytes) {
        return Ok(Ok((name, checked)));
    }
    let (day, diagnostics) = crate::day::parse_day(shown, &text);
    let diagnostics = Diagnostics(diagnostics);
    let Some(day) = day.filter(|_| !diagnostics.has_errors()) else {
        return Ok(Err(diagnostics));
    };
    let warnings: Vec<Warning<'static>> = diagnostics.0.iter().map(Warning::of).collect();
    let (warnings, warning_count) = encode_warnings(&warnings);
    let checked = Checked {
        day: encode_day(&day),
        warnings,
        warning_count,
    };
    // A cache that cannot be written only costs the next build time.
    let _ = crate::text::write_atomically(&path, &checked.to_bytes());
    Ok(Ok((name, checked)))
}

/// Removes the cache files of day-files that no longer exist or changed.
fn forget_others(cache: &Path, used: &HashSet<String>) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(ENDING) && !used.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Archive;

    const DAY: &str = include_str!("../../../posts/2020-10-30.toml");

    #[test]
    fn the_cached_archive_is_the_uncached_one() {
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("posts");
        std::fs::create_dir(&posts).unwrap();
        std::fs::write(posts.join("2020-10-30.toml"), DAY).unwrap();
        std::fs::write(
            posts.join("2020-12-07.toml"),
            "date = 2020-12-07\npublished = 2020-12-08T13:04:41Z\ndraft = false\n",
        )
        .unwrap();
        let cache = dir.path().join("cache");
        let site = Site::default();
        let loaded = crate::load_dir_shown(&posts, "posts").unwrap();
        let warnings: Vec<_> = loaded.warnings.0.iter().map(Warning::of).collect();
        let expected = Archive {
            site: site.clone(),
            site_hash: Some(7),
            days: loaded.days,
            warnings,
        };
        let first = encode_dir_cached(&site, Some(7), &posts, "posts", &cache).unwrap();
        assert_eq!(first.decode().unwrap(), expected);
        let months: Vec<&str> = first.parts.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(months, ["2020-10", "2020-12"]);
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 2);
        // From the cache this time: the same bytes.
        let second = encode_dir_cached(&site, Some(7), &posts, "posts", &cache).unwrap();
        assert_eq!(second, first);

        // An edit: its old entry goes, the new one is checked.
        std::fs::write(
            posts.join("2020-12-07.toml"),
            "date = 2020-12-07\npublished = 2020-12-08T13:04:41Z\n",
        )
        .unwrap();
        let third = encode_dir_cached(&site, Some(7), &posts, "posts", &cache).unwrap();
        assert_eq!(third.decode().unwrap().days.len(), 2);
        assert_eq!(
            third.parts[0], first.parts[0],
            "the other month's part is the same"
        );
        assert_ne!(third.parts[1], first.parts[1]);
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 2);

        // A broken day-file is reported every time, never kept.
        std::fs::write(posts.join("2020-12-07.toml"), "date = 2020-12-07\n").unwrap();
        for _ in 0..2 {
            let Err(LoadError::Invalid(diagnostics)) =
                encode_dir_cached(&site, Some(7), &posts, "posts", &cache)
            else {
                panic!("a broken day-file was accepted");
            };
            assert!(diagnostics.has_errors());
        }
    }

    #[test]
    fn a_damaged_cache_file_is_checked_again() {
        assert!(Checked::from_bytes(b"").is_none());
        assert!(Checked::from_bytes(&[1, 0, 0, 0, 0, 0, 0, 0]).is_none());
        let checked = Checked {
            day: vec![1, 2, 3],
            warnings: vec![4],
            warning_count: 1,
        };
        let bytes = checked.to_bytes();
        let back = Checked::from_bytes(&bytes).unwrap();
        assert_eq!(
            (back.day, back.warnings, back.warning_count),
            (vec![1, 2, 3], vec![4], 1)
        );
        assert!(Checked::from_bytes(&bytes[..bytes.len() - 1]).is_none());
    }
}
