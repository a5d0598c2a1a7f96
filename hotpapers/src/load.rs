//! Reading a folder of day-files: the same code at compile time and at run time.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostics, Severity, Source};
use crate::model::Day;
use crate::parse::{parse_day, MAX_DAY_FILE_BYTES};
use crate::validate::Problem;

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

/// Reads and checks every `*.toml` day-file in `dir`.
///
/// Diagnostics name files as `dir/FILE.toml`, with `dir` as given.
pub fn load_dir(dir: impl AsRef<Path>) -> Result<Loaded, LoadError> {
    let dir = dir.as_ref();
    load_dir_shown(dir, &dir.display().to_string())
}

/// Like [`load_dir`], naming files `shown/FILE.toml` in diagnostics; for callers
/// that read an absolute path but show the user a relative one.
pub fn load_dir_shown(dir: &Path, shown: &str) -> Result<Loaded, LoadError> {
    let files = day_files(dir)?;
    let shown_path = |file: &Path| {
        format!(
            "{}/{}",
            shown.trim_end_matches('/'),
            file.file_name().unwrap_or_default().to_string_lossy()
        )
    };
    let results = crate::parallel::map_chunks(&files, 64, |files| {
        files
            .iter()
            .map(|f| load_file(f, &shown_path(f)))
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

/// The `*.toml` files directly in `dir`, sorted; hidden files are skipped.
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
        if !name.starts_with('.') && name.ends_with(".toml") && entry.file_type().map_err(io)?.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads and checks one day-file; `shown` names it in diagnostics.
pub fn load_file(path: &Path, shown: &str) -> Result<(Option<Day<'static>>, Diagnostics), LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_owned(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    let refuse = |problem: Problem| {
        let source = Source {
            path: shown,
            text: "",
        };
        let d = source.diagnostic(Severity::Error, 0..0, problem.message, problem.expected);
        Ok((None, Diagnostics(vec![d])))
    };
    if size > MAX_DAY_FILE_BYTES {
        return refuse(Problem::new(
            format!("day-file is {size} bytes"),
            format!("a day-file of at most {MAX_DAY_FILE_BYTES} bytes"),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    match String::from_utf8(bytes) {
        Ok(text) => {
            let (day, diagnostics) = parse_day(shown, &text);
            Ok((day, Diagnostics(diagnostics)))
        }
        Err(error) => refuse(Problem::new(
            format!(
                "day-file is not UTF-8 (invalid byte at offset {})",
                error.utf8_error().valid_up_to()
            ),
            "TOML text in UTF-8",
        )),
    }
}
