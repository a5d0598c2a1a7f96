//! The archive built with a cache of what each day-file was found to be, so that
//! an edit re-checks one day, not ten years of them.
//!
//! The build script and the macro both run on every build after an edit.
//! Parsing and checking 3,650 day-files (95 MB) would cost most of that build,
//! yet all but one are unchanged; and so would reading back 88 MB of what they
//! were found to be. Two levels of cache in `OUT_DIR` keep both away:
//!
//! - **a month**: the part of the archive for one month is kept in a file named
//!   by its fingerprint, and a small record, named after what `stat` says of the
//!   month's day-files (names, sizes, times, inodes) and this crate's source,
//!   says which part that is and what warnings it had. A month whose files
//!   `stat` the same is neither read nor checked: its fingerprint and length are
//!   all the build needs, and the part's bytes are read only when they must be
//!   linked or included anew. A file changed within the last two seconds could
//!   change again without `stat` telling (timestamps are as coarse as the
//!   kernel's clock tick), so a month holding one is not recorded: the next build
//!   looks at its files again, as git does with "racily clean" entries.
//! - **a day**: each day-file that checks out is kept, encoded as the archive
//!   holds it with its warnings, in a file named after a fingerprint of its
//!   bytes, its shown path and this crate's source (`HOTPAPERS_SOURCE_HASH`,
//!   from the build script): the same file, checked by the same code, gives the
//!   same result. A month that changed re-checks only its changed days.
//!
//! A day-file with errors is never kept, so its errors are reported on every
//! build.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{encode_day, encode_warnings, store_part, Parts, Warning, Writer, PARTS_MAGIC};
use crate::day::{day_files, read_text, shown_file, LoadError};
use crate::diagnostic::Diagnostics;
use crate::model::source_hash;
use crate::site::Site;

/// This crate's source, as the build script fingerprinted it.
const SOURCE: &str = env!("HOTPAPERS_SOURCE_HASH");

/// The cache files' endings: a day, a month's record, a month's part.
const DAY_FILE: &str = ".day";
const MONTH_FILE: &str = ".month";
const PART_FILE: &str = ".part";

/// How recent a change to a day-file must be for `stat` not to be trusted
/// with it: more than any file system's timestamp granularity.
const RACY: Duration = Duration::from_secs(2);

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
            let part = bytes.get(at + 8..at.checked_add(8)?.checked_add(len)?)?.to_vec();
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

/// What the cache knows of a month: its part (by fingerprint and length), its
/// warnings, and the day cache files it was made from (kept while it is used).
#[derive(Debug, PartialEq, Eq)]
struct Month {
    hash: u64,
    len: usize,
    warnings: Vec<u8>,
    warning_count: usize,
    days: Vec<u64>,
}

impl Month {
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.warnings.len() + self.days.len() * 8 + 40);
        for n in [
            self.hash,
            self.len as u64,
            self.warning_count as u64,
            self.warnings.len() as u64,
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        out.extend_from_slice(&self.warnings);
        out.extend_from_slice(&(self.days.len() as u64).to_le_bytes());
        for day in &self.days {
            out.extend_from_slice(&day.to_le_bytes());
        }
        out
    }

    /// What [`Month::to_bytes`] wrote; `None` for anything else.
    fn from_bytes(bytes: &[u8]) -> Option<Month> {
        let mut at: usize = 0;
        let mut take = |n: usize| -> Option<&[u8]> {
            let taken = bytes.get(at..at.checked_add(n)?)?;
            at += n;
            Some(taken)
        };
        let mut number = || -> Option<u64> { Some(u64::from_le_bytes(take(8)?.try_into().ok()?)) };
        let (hash, len, warning_count, warnings_len) = (number()?, number()?, number()?, number()?);
        let warnings = take(usize::try_from(warnings_len).ok()?)?.to_vec();
        let count = usize::try_from(u64::from_le_bytes(take(8)?.try_into().ok()?)).ok()?;
        let days = (0..count.min(bytes.len() / 8))
            .map(|_| Some(u64::from_le_bytes(take(8)?.try_into().ok()?)))
            .collect::<Option<Vec<u64>>>()?;
        (days.len() == count && at == bytes.len()).then_some(Month {
            hash,
            len: usize::try_from(len).ok()?,
            warnings,
            warning_count: usize::try_from(warning_count).ok()?,
            days,
        })
    }
}

/// One month of the archive, as the cache holds it: the part's fingerprint
/// ([`source_hash`]) and length, and where its bytes are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedPart {
    /// `YYYY-MM`.
    pub month: String,
    /// The fingerprint of the part's bytes.
    pub hash: u64,
    /// The part's length in bytes.
    pub len: usize,
    file: PathBuf,
}

impl CachedPart {
    /// The part's bytes, read from the cache; an error if the file is gone or no
    /// longer holds them.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        let bytes = std::fs::read(&self.file)?;
        if bytes.len() != self.len || source_hash(&bytes) != self.hash {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("`{}` changed after it was made", self.file.display()),
            ));
        }
        Ok(bytes)
    }

    /// The file the part's bytes are in.
    pub fn path(&self) -> &Path {
        &self.file
    }
}

/// The archive in parts ([`Parts`]) as [`encode_dir_cached`] finds it: the
/// head in memory, each month's part by fingerprint, to be read only when needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedParts {
    /// Settings, day count and warnings, as in [`Parts::head`].
    pub head: Vec<u8>,
    /// The months, in date order.
    pub parts: Vec<CachedPart>,
}

impl CachedParts {
    /// Every part's bytes read, as [`Parts`].
    pub fn read(&self) -> std::io::Result<Parts> {
        Ok(Parts {
            head: self.head.clone(),
            parts: self
                .parts
                .iter()
                .map(|part| Ok((part.month.clone(), part.read()?)))
                .collect::<std::io::Result<_>>()?,
        })
    }
}

/// Reads, checks and encodes the day-files of `dir` into an archive in parts,
/// holding what [`crate::load_dir_shown`] would load, reusing from `cache` what
/// an earlier build found for the same months and the same files.
pub fn encode_dir_cached(
    site: &Site,
    site_hash: Option<u64>,
    dir: &Path,
    shown: &str,
    cache: &Path,
) -> Result<CachedParts, LoadError> {
    let files = day_files(dir)?;
    let _ = std::fs::create_dir_all(cache);
    // Grouped by month; a file not named by a date (an error) in a group of its own.
    let mut months: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for file in files {
        let month = file
            .file_stem()
            .and_then(|stem| crate::text::parse_date(&stem.to_string_lossy()))
            .map_or_else(String::new, |date| {
                format!("{:04}-{:02}", date.year(), u8::from(date.month()))
            });
        match months.last_mut() {
            Some((last, group)) if *last == month && !month.is_empty() => group.push(file),
            _ => months.push((month, vec![file])),
        }
    }
    let now = SystemTime::now();
    let results = crate::parallel::map_chunks(&months, 1, |months| {
        months
            .iter()
            .map(|(month, files)| check_month(month, files, shown, cache, now))
            .collect::<Vec<_>>()
    });
    let mut parts = Vec::with_capacity(months.len());
    let mut warnings = Vec::with_capacity(months.len());
    let (mut day_count, mut warning_count) = (0, 0);
    let mut used = HashSet::new();
    let mut all = Diagnostics::default();
    for result in results.into_iter().flatten() {
        match result? {
            Ok((part, month, days, record)) => {
                used.extend(month.days.iter().map(|key| format!("{key:016x}{DAY_FILE}")));
                used.insert(format!("{:016x}{PART_FILE}", part.hash));
                used.extend(record);
                day_count += days;
                warning_count += month.warning_count;
                warnings.push(month.warnings);
                parts.push(part);
            }
            Err(diagnostics) => all.0.extend(diagnostics.0),
        }
    }
    if !all.0.is_empty() {
        all.sort();
        return Err(LoadError::Invalid(all));
    }
    forget_others(cache, &used, now);
    let mut w = Writer(Vec::new());
    w.head(PARTS_MAGIC, site, site_hash);
    w.len(day_count);
    w.len(warning_count);
    for chunk in &warnings {
        w.0.extend_from_slice(chunk);
    }
    Ok(CachedParts { head: w.0, parts })
}

/// A month found in the cache, or checked and kept: its part, what the cache
/// knows of it, its day count and its record's file name (if it has one).
type MonthResult = Result<(CachedPart, Month, usize, Option<String>), Diagnostics>;

/// One month of day-files (`files`, in date order): from its record if `stat`
/// finds its files as they were, otherwise checked day by day (from the day
/// cache where a file's bytes are the same) and kept.
fn check_month(
    month: &str,
    files: &[PathBuf],
    shown: &str,
    cache: &Path,
    now: SystemTime,
) -> Result<MonthResult, LoadError> {
    let record = (!month.is_empty())
        .then(|| stat_key(files, shown, now))
        .flatten()
        .map(|key| format!("{key:016x}{MONTH_FILE}"));
    let part_of = |month_record: &Month| CachedPart {
        month: month.to_owned(),
        hash: month_record.hash,
        len: month_record.len,
        file: cache.join(format!("{:016x}{PART_FILE}", month_record.hash)),
    };
    if let Some(name) = &record {
        let known = std::fs::read(cache.join(name))
            .ok()
            .as_deref()
            .and_then(Month::from_bytes);
        if let Some(known) = known {
            let part = part_of(&known);
            if std::fs::metadata(&part.file).is_ok_and(|m| m.len() == part.len as u64) {
                let days = known.days.len();
                return Ok(Ok((part, known, days, record)));
            }
        }
    }
    // Each part: a day count, then its days.
    let mut bytes = (files.len() as u32).to_le_bytes().to_vec();
    let mut known = Month {
        hash: 0,
        len: 0,
        warnings: Vec::new(),
        warning_count: 0,
        days: Vec::with_capacity(files.len()),
    };
    let mut all = Diagnostics::default();
    for file in files {
        match check_file(file, &shown_file(shown, file), cache)? {
            Ok((key, checked)) => {
                bytes.extend_from_slice(&checked.day);
                known.warnings.extend_from_slice(&checked.warnings);
                known.warning_count += checked.warning_count;
                known.days.push(key);
            }
            Err(diagnostics) => all.0.extend(diagnostics.0),
        }
    }
    if !all.0.is_empty() {
        return Ok(Err(all));
    }
    // The days were encoded just now; a part that does not decode is a bug,
    // reported as the file it would have been.
    let bytes = store_part(&bytes).map_err(|error| LoadError::Io {
        path: cache.join(month),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, error),
    })?;
    known.hash = source_hash(&bytes);
    known.len = bytes.len();
    let part = part_of(&known);
    // A part that is not there is read from nowhere, so a part that cannot be
    // written is an error. Included by the macro where the archive is not linked.
    write_included(&part.file, &bytes).map_err(|source| LoadError::Io {
        path: part.file.clone(),
        source,
    })?;
    if let Some(name) = &record {
        let _ = crate::text::write_atomically(&cache.join(name), &known.to_bytes());
    }
    let days = files.len();
    Ok(Ok((part, known, days, record)))
}

/// Writes `bytes` whole to `path`, a file named after its content for
/// `include_bytes!`, unless it holds them already. Written during the build, it
/// would look newer than the build to cargo, which would then rebuild every
/// time: it is given a time in the past. Its name changes with its content, so
/// an old time hides nothing.
pub fn write_included(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let same = std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|on_disk| on_disk == bytes);
    if !same {
        crate::text::write_atomically(path, bytes)?;
        std::fs::File::options()
            .write(true)
            .open(path)?
            .set_modified(UNIX_EPOCH + Duration::from_secs(946_684_800))?;
    }
    Ok(())
}

/// What `stat` says of a month's files, as one number, with the shown folder
/// and this crate's source; `None` if any of them is not a regular file or
/// changed too recently for `stat` to be trusted with it.
fn stat_key(files: &[PathBuf], shown: &str, now: SystemTime) -> Option<u64> {
    let mut text = format!("{SOURCE}\n{shown}\n");
    for file in files {
        let meta = std::fs::symlink_metadata(file).ok()?;
        if !meta.is_file() {
            return None;
        }
        let modified = meta.modified().ok()?;
        if now.duration_since(modified).map_or(true, |age| age < RACY) {
            return None;
        }
        let since = modified.duration_since(UNIX_EPOCH).ok()?.as_nanos();
        text.push_str(&format!(
            "{} {} {since}",
            file.file_name()?.to_string_lossy(),
            meta.len()
        ));
        // Where the system says more: the inode and the time of the last change
        // of any kind, which no tool can set back (a file copied with its old
        // time still gets a new one).
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            text.push_str(&format!(" {} {} {}", meta.ino(), meta.ctime(), meta.ctime_nsec()));
        }
        text.push('\n');
    }
    Some(source_hash(text.as_bytes()))
}

/// One day-file from the cache, or read, checked and then kept; its cache key
/// with it. A file with errors gives its diagnostics.
#[allow(clippy::type_complexity)]
fn check_file(
    file: &Path,
    shown: &str,
    cache: &Path,
) -> Result<Result<(u64, Checked), Diagnostics>, LoadError> {
    let text = match read_text(file, shown)? {
        Ok(text) => text,
        Err(refused) => return Ok(Err(refused)),
    };
    let key = source_hash(text.as_bytes())
        ^ source_hash(shown.as_bytes()).rotate_left(21)
        ^ source_hash(SOURCE.as_bytes()).rotate_left(42);
    let path: PathBuf = cache.join(format!("{key:016x}{DAY_FILE}"));
    if let Some(checked) = std::fs::read(&path).ok().as_deref().and_then(Checked::from_bytes) {
        return Ok(Ok((key, checked)));
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
    Ok(Ok((key, checked)))
}

/// Removes the cache files this build did not use: of day-files that changed
/// or are gone. A month's record or part is left for a minute, in case a
/// concurrent build (`cargo check` beside `cargo build`) is about to use it.
fn forget_others(cache: &Path, used: &HashSet<String>, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    let minute_ago = now - Duration::from_secs(60);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if used.contains(&name) {
            continue;
        }
        // The time the file was made, which `set_modified` left alone.
        let old = || {
            entry
                .metadata()
                .and_then(|m| m.created().or_else(|_| m.accessed()))
                .is_ok_and(|made| made < minute_ago)
        };
        if name.ends_with(DAY_FILE) || ((name.ends_with(MONTH_FILE) || name.ends_with(PART_FILE)) && old()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Archive;

    const DAY: &str = include_str!("../../../posts/2020-10-30.toml");

    /// The day-files of a test, with their times set an hour back: old enough
    /// for `stat` to be trusted with them.
    fn write_day(posts: &Path, name: &str, text: &str) {
        let path = posts.join(name);
        std::fs::write(&path, text).unwrap();
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
    }

    fn cache_files(cache: &Path, ending: &str) -> usize {
        std::fs::read_dir(cache)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(ending)
            })
            .count()
    }

    #[test]
    fn the_cached_archive_is_the_uncached_one() {
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("posts");
        std::fs::create_dir(&posts).unwrap();
        write_day(&posts, "2020-10-30.toml", DAY);
        write_day(
            &posts,
            "2020-12-07.toml",
            "date = 2020-12-07\npublished = 2020-12-08T13:04:41Z\ndraft = false\n",
        );
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
        assert_eq!(first.read().unwrap().decode().unwrap(), expected);
        let months: Vec<&str> = first.parts.iter().map(|p| p.month.as_str()).collect();
        assert_eq!(months, ["2020-10", "2020-12"]);
        for ending in [DAY_FILE, MONTH_FILE, PART_FILE] {
            assert_eq!(cache_files(&cache, ending), 2, "{ending} files");
        }
        // From the months' records this time: the same parts, none read.
        let second = encode_dir_cached(&site, Some(7), &posts, "posts", &cache).unwrap();
        assert_eq!(second, first);

        // An edit: that month is checked again, the other is not.
        write_day(
            &posts,
            "2020-12-07.toml",
            "date = 2020-12-07\npublished = 2020-12-08T13:04:41Z\n",
        );
        std::fs::remove_file(cache.join(format!("{:016x}{PART_FILE}", first.parts[0].hash))).unwrap();
        let third = encode_dir_cached(&site, Some(7), &posts, "posts", &cache).unwrap();
        assert_eq!(third.read().unwrap().decode().unwrap().days.len(), 2);
        assert_eq!(
            third.parts[0], first.parts[0],
            "the other month's part is the same"
        );
        assert_ne!(third.parts[1], first.parts[1]);
        // The day cache made the lost part again without a parse.
        assert_eq!(third.parts[0].read().unwrap(), first.read().unwrap().parts[0].1);
        assert_eq!(cache_files(&cache, DAY_FILE), 2, "the old day's entry is gone");

        // A broken day-file is reported every time, never kept.
        write_day(&posts, "2020-12-07.toml", "date = 2020-12-07\n");
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
    fn a_month_changed_too_recently_is_looked_at_again() {
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("posts");
        std::fs::create_dir(&posts).unwrap();
        let cache = dir.path().join("cache");
        let site = Site::default();
        let day = |published: &str| format!("date = 2020-12-07\npublished = {published}\n");
        // Just written: `stat` cannot tell this from a second write in the same
        // clock tick, so the month gets no record...
        std::fs::write(posts.join("2020-12-07.toml"), day("2020-12-08T13:04:41Z")).unwrap();
        let first = encode_dir_cached(&site, None, &posts, "posts", &cache).unwrap();
        assert_eq!(cache_files(&cache, MONTH_FILE), 0);
        // ...and a same-sized change a moment later is seen.
        std::fs::write(posts.join("2020-12-07.toml"), day("2020-12-08T13:04:42Z")).unwrap();
        let second = encode_dir_cached(&site, None, &posts, "posts", &cache).unwrap();
        assert_ne!(second.parts[0].hash, first.parts[0].hash);
        let published = |parts: &CachedParts| parts.read().unwrap().decode().unwrap().days[0].published;
        assert_ne!(published(&second), published(&first));
    }

    #[test]
    fn a_damaged_record_or_part_is_made_again() {
        assert!(Month::from_bytes(b"").is_none());
        let month = Month {
            hash: 1,
            len: 2,
            warnings: vec![3, 4],
            warning_count: 1,
            days: vec![5, 6],
        };
        let bytes = month.to_bytes();
        assert_eq!(Month::from_bytes(&bytes), Some(month));
        assert!(Month::from_bytes(&bytes[..bytes.len() - 1]).is_none());

        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("posts");
        std::fs::create_dir(&posts).unwrap();
        write_day(&posts, "2020-10-30.toml", DAY);
        let cache = dir.path().join("cache");
        let site = Site::default();
        let first = encode_dir_cached(&site, None, &posts, "posts", &cache).unwrap();
        let part = first.parts[0].path().to_owned();
        let bytes = std::fs::read(&part).unwrap();
        // The same length, other bytes: reading it is refused.
        let mut other = bytes.clone();
        other[10] ^= 1;
        std::fs::write(&part, &other).unwrap();
        assert!(first.parts[0].read().is_err());
        // A cut part is noticed by its length, and made again.
        std::fs::write(&part, &bytes[..bytes.len() - 1]).unwrap();
        let again = encode_dir_cached(&site, None, &posts, "posts", &cache).unwrap();
        assert_eq!(again, first);
        assert_eq!(again.parts[0].read().unwrap(), bytes);
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
