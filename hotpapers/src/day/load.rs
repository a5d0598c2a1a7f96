//! Reading a folder of day-files: the same code at compile time and at run time.

use std::path::{Path, PathBuf};

#[cfg(feature = "check")]
use crate::day::checks::Problem;
#[cfg(feature = "check")]
use crate::day::parse::parse_day;
#[cfg(feature = "check")]
use crate::day::MAX_DAY_FILE_BYTES;
use crate::diagnostic::Diagnostics;
#[cfg(feature = "check")]
use crate::diagnostic::{Severity, Source};
use crate::model::Day;

/// The days of a folder, with the warnings they raised.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The days, sorted by date.
    pub days: Vec<Day<'static>>,
    /// Problems that do not stop the build.
    pub warnings: Diagnostics,
    /// The day-files read, sorted.
    pub files: Vec<PathBuf>,
}

/// Why a folder of day-files could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder or a file in it could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Some day-files are wrong; every problem found is listed.
    #[error("{0}")]
    Invalid(Diagnostics),
}

#[cfg(feature = "check")]
/// Reads and checks every `*.toml` day-file in `dir`.
///
/// Diagnostics name files as `dir/FILE.toml`, with `dir` as given.
pub fn load_dir(dir: impl AsRef<Path>) -> Result<Loaded, LoadError> {
    let dir = dir.as_ref();
    load_dir_shown(dir, &dir.display().to_string())
}

#[cfg(feature = "check")]
/// Like [`load_dir`], naming files `shown/FILE.toml` in diagnostics; for callers
/// that read an absolute path but show the user a relative one.
pub fn load_dir_shown(dir: &Path, shown: &str) -> Result<Loaded, LoadError> {
    let files = day_files(dir)?;
    let results = crate::parallel::map_chunks(&files, 64, |files| {
        files
            .iter()
            .map(|f| load_file(f, &shown_file(shown, f)))
            .collect::<Vec<_>>()
    });
    let mut loaded = Loaded {
        files,
        ..Loaded::default()
    };
    let mut all = Diagnostics::default();
    let mut complete = true;
    for result in results.into_iter().flatten() {
        let (day, diagnostics) = result?;
        all.0.extend(diagnostics.0);
        match day {
            Some(day) => loaded.days.push(day),
            None => complete = false,
        }
    }
    all.sort();
    if !complete || all.has_errors() {
        return Err(LoadError::Invalid(all));
    }
    loaded.warnings = all;
    loaded.days.sort_by_key(|d| d.date);
    Ok(loaded)
}

/// How diagnostics name `file` of a folder shown as `shown`: `shown/FILE.toml`.
#[cfg(feature = "check")]
pub(crate) fn shown_file(shown: &str, file: &Path) -> String {
    format!(
        "{}/{}",
        shown.trim_end_matches('/'),
        file.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// The `*.toml` entries directly in `dir`, sorted; hidden ones are skipped. Links
/// and other entries that are not regular files are listed too, so that loading
/// refuses them with an error instead of passing over them in silence.
pub fn day_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with('.') && name.ends_with(".toml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(feature = "check")]
/// Reads and checks one day-file; `shown` names it in diagnostics.
pub fn load_file(path: &Path, shown: &str) -> Result<(Option<Day<'static>>, Diagnostics), LoadError> {
    match read_text(path, shown)? {
        Ok(text) => {
            let (day, diagnostics) = parse_day(shown, &text);
            Ok((day, Diagnostics(diagnostics)))
        }
        Err(refused) => Ok((None, refused)),
    }
}

#[cfg(feature = "check")]
/// The text of a day-file, or the error that refuses it unparsed (not a regular
/// file, too large, not UTF-8).
pub(crate) fn read_text(path: &Path, shown: &str) -> Result<Result<String, Diagnostics>, LoadError> {
    let refuse = |problem: Problem| {
        let source = Source {
            path: shown,
            text: "",
        };
        let d = source.diagnostic(Severity::Error, 0..0, problem.message, problem.expected);
        Ok(Err(Diagnostics(vec![d])))
    };
    let bytes = match read_day_file(path, shown) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(problem)) => return refuse(problem),
        Err(source) => {
            return Err(LoadError::Io {
                path: path.to_owned(),
                source,
            })
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Ok(text)),
        Err(error) => refuse(Problem::new(
            format!(
                "day-file is not UTF-8 (invalid byte at offset {})",
                error.utf8_error().valid_up_to()
            ),
            "TOML text in UTF-8",
        )),
    }
}

#[cfg(feature = "check")]
/// The bytes of a day-file, or why it is refused unread: it is not a regular
/// file (the entry itself, not what a link points to: a link could read anything
/// on the machine), or it is over the size limit. At most one byte past the
/// limit is read, even if the file grows meanwhile.
fn read_day_file(path: &Path, shown: &str) -> std::io::Result<Result<Vec<u8>, Problem>> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        let what = if meta.is_symlink() {
            "a symbolic link"
        } else if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file"
        };
        return Ok(Err(Problem::new(
            format!("`{}` is {what}", crate::text::quoted(shown)),
            "a day-file that is a regular file (copy a linked file in instead)",
        )));
    }
    let too_large = |size: u64| {
        Problem::new(
            format!("day-file is {size} bytes"),
            format!("a day-file of at most {MAX_DAY_FILE_BYTES} bytes"),
        )
    };
    if meta.len() > MAX_DAY_FILE_BYTES {
        return Ok(Err(too_large(meta.len())));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    let file = std::fs::File::open(path)?;
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_DAY_FILE_BYTES + 1), &mut bytes)?;
    if bytes.len() as u64 > MAX_DAY_FILE_BYTES {
        return Ok(Err(too_large(bytes.len() as u64)));
    }
    Ok(Ok(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn refuses_a_linked_day_file_instead_of_skipping_or_following_it() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("secret.txt");
        std::fs::write(&outside, "date = 2020-10-30\npublished = 2020-10-31T00:00:00Z\n").unwrap();
        let posts = dir.path().join("posts");
        std::fs::create_dir(&posts).unwrap();
        std::os::unix::fs::symlink(&outside, posts.join("2020-10-30.toml")).unwrap();
        std::fs::create_dir(posts.join("2020-10-31.toml")).unwrap();
        let Err(LoadError::Invalid(diagnostics)) = load_dir(&posts) else {
            panic!("a link and a folder were accepted");
        };
        let messages: Vec<&str> = diagnostics.0.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].ends_with("2020-10-30.toml` is a symbolic link"),
            "{messages:?}"
        );
        assert!(
            messages[1].ends_with("2020-10-31.toml` is a folder"),
            "{messages:?}"
        );
        let (day, diagnostics) = load_file(&posts.join("2020-10-30.toml"), "posts/2020-10-30.toml").unwrap();
        assert!(day.is_none());
        assert!(
            !diagnostics.to_string().contains("date = 2020"),
            "the target is not shown"
        );
    }
}
