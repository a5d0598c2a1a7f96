//! The site written into a folder (`--site-dir`), for hosts other than a
//! pages branch.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::text::{write_atomically, SiteFile};

/// The list of files this tool wrote into a site folder, so a page that is no
/// longer generated can be removed without touching anything else there.
pub const SITE_MANIFEST: &str = ".hotpapers-site";

/// What writing a site folder did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteDirReport {
    /// Files written because they are new or changed.
    pub written: usize,
    /// Files already as generated, left alone.
    pub unchanged: usize,
    /// Files this tool wrote before that the site no longer has, removed.
    pub removed: usize,
}

/// Why a site folder could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} `{}`: {source}", path.display())]
pub struct SiteDirError {
    action: &'static str,
    path: PathBuf,
    source: std::io::Error,
}

/// Writes `files` into `dir`: only those that changed, each whole; then removes
/// what an earlier run wrote that the site no longer has. Other files in the
/// folder are never touched.
pub fn write_site(dir: &Path, files: &[SiteFile]) -> Result<SiteDirReport, SiteDirError> {
    let error = |action, path: &Path| {
        let path = path.to_owned();
        move |source| SiteDirError { action, path, source }
    };
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        let source = std::io::Error::other("the site folder is a symbolic link");
        return Err(error("write", dir)(source));
    }
    let manifest = dir.join(SITE_MANIFEST);
    let before: BTreeSet<String> = match std::fs::read_to_string(&manifest) {
        Ok(text) => text.lines().map(str::to_owned).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeSet::new(),
        Err(e) => return Err(error("read", &manifest)(e)),
    };
    let chunks = crate::parallel::map_chunks(files, 64, |chunk| -> Result<(usize, usize), SiteDirError> {
        let (mut written, mut unchanged) = (0, 0);
        for file in chunk {
            let path = dir.join(&file.path);
            let same = std::fs::metadata(&path).is_ok_and(|m| m.len() == file.bytes.len() as u64)
                && std::fs::read(&path).is_ok_and(|old| old == *file.bytes);
            if same {
                unchanged += 1;
            } else {
                write_atomically(&path, &file.bytes).map_err(error("write", &path))?;
                written += 1;
            }
        }
        Ok((written, unchanged))
    });
    let mut report = SiteDirReport::default();
    for chunk in chunks {
        let (written, unchanged) = chunk?;
        report.written += written;
        report.unchanged += unchanged;
    }
    let now: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for stale in before.iter().filter(|p| !now.contains(p.as_str())) {
        // Only plain relative paths, as this tool writes them.
        if stale
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            continue;
        }
        let path = dir.join(stale);
        match std::fs::remove_file(&path) {
            Ok(()) => report.removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(error("remove", &path)(e)),
        }
        // Folders left empty go too; a folder with anything else in it stays.
        let mut folder = path.parent();
        while let Some(f) = folder.filter(|f| *f != dir) {
            if std::fs::remove_dir(f).is_err() {
                break;
            }
            folder = f.parent();
        }
    }
    let list: String = now.iter().map(|p| format!("{p}\n")).collect();
    write_atomically(&manifest, list.as_bytes()).map_err(error("write", &manifest))?;
    Ok(report)
}
