//! The site written into a folder (`--site-dir`), for hosts other than a
//! pages branch.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::text::{first_link, manifest_paths, manifest_text, write_atomically, SiteFile, SITE_MANIFEST};

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
        Ok(text) => manifest_paths(&text).map(str::to_owned).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeSet::new(),
        Err(e) => return Err(error("read", &manifest)(e)),
    };
    let chunks = crate::parallel::map_chunks(files, 64, |chunk| -> Result<(usize, usize), SiteDirError> {
        let (mut written, mut unchanged) = (0, 0);
        let mut real = RealFolders::default();
        for file in chunk {
            real.check(dir, &file.path)
                .map_err(error("write", &dir.join(&file.path)))?;
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
    let mut real = RealFolders::default();
    for stale in before.iter().filter(|p| !now.contains(p.as_str())) {
        let path = dir.join(stale);
        // A list entry under a linked folder would remove a file elsewhere.
        real.check(dir, stale).map_err(error("remove", &path))?;
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
    let list = manifest_text(now.iter().copied());
    write_atomically(&manifest, list.as_bytes()).map_err(error("write", &manifest))?;
    Ok(report)
}

/// The folders of a site folder found to be real ones (not symbolic links), so
/// that the folder of a day's page is asked about once, not once a file.
#[derive(Default)]
struct RealFolders(std::collections::HashSet<String>);

impl RealFolders {
    /// Refuses `file` (relative to `dir`, with `/`) when a folder on its way,
    /// or the file itself, is a symbolic link: a write or a removal there would
    /// reach outside `dir`.
    fn check(&mut self, dir: &Path, file: &str) -> std::io::Result<()> {
        let folder = file.rsplit_once('/').map_or("", |(folder, _)| folder);
        if !folder.is_empty() && !self.0.contains(folder) {
            if let Some(link) = first_link(dir, folder)? {
                return Err(linked(&link));
            }
            self.0.insert(folder.to_owned());
        }
        match std::fs::symlink_metadata(dir.join(file)) {
            Ok(meta) if meta.is_symlink() => Err(linked(file)),
            _ => Ok(()),
        }
    }
}

fn linked(path: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("`{path}` in the site folder is a symbolic link; the site is written only to real files and folders"),
    )
}
