//! Writing a file whole: to a temporary file beside it, then renamed (or linked)
//! into place, so a reader (or a killed run) sees the old file or the new one,
//! never half of one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The prefix of the temporary files; a run that was killed may leave one, and
/// a later run may remove them by this name.
pub const TEMP_PREFIX: &str = ".hotpapers-";

/// Writes `content` to `path` whole, creating its folder; an existing file keeps
/// its permissions. Not fsynced, like git's own objects: a killed run is safe, a
/// power cut is left to the file system.
pub fn write_atomically(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let mode = fs::metadata(path).map(|m| m.permissions()).ok();
    place(path, content, |temp| {
        if let Some(mode) = mode {
            fs::set_permissions(temp, mode)?;
        }
        fs::rename(temp, path)
    })
}

/// Like [`write_atomically`], but only if nothing is at `path`: an existing file
/// is an `AlreadyExists` error and is left as it is.
pub fn write_new(path: &Path, content: &[u8]) -> std::io::Result<()> {
    // Linked into place, which fails if the name is taken; then the temporary
    // name goes.
    place(path, content, |temp| {
        fs::hard_link(temp, path).and_then(|()| fs::remove_file(temp))
    })
}

/// Writes the folder `dir`, which must not exist yet, with `files` (names and
/// contents) in it: they go into a new temporary folder beside it, renamed into
/// place once all are written, so a reader (or a killed run) sees no folder or
/// all of it. Each file is then one file created, as `cp` makes it, where
/// [`write_atomically`] makes a temporary file and renames it: at 3,650 posts
/// 57 ms against 140 (docs/BENCHMARKS.md). `AlreadyExists` if `dir` exists.
#[cfg(feature = "git")]
pub(crate) fn write_new_folder(dir: &Path, files: &[(&str, &[u8])]) -> std::io::Result<()> {
    if dir.symlink_metadata().is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    let parent = parent(dir);
    fs::create_dir_all(parent)?;
    let temp = loop {
        let temp = temp_path(parent);
        match fs::create_dir(&temp) {
            Ok(()) => break temp,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    let written = crate::parallel::map_chunks(files, 64, |files| {
        files.iter().try_for_each(|(name, content)| {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(temp.join(name))?
                .write_all(content)
        })
    })
    .into_iter()
    .collect::<std::io::Result<()>>()
    .and_then(|()| fs::rename(&temp, dir));
    if written.is_err() {
        let _ = fs::remove_dir_all(&temp);
    }
    written
}

/// The folder a file is in; `.` for a bare name.
fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A name in `dir` for a temporary file or folder of this process, not yet
/// used by this process: `.hotpapers-<pid>-<n>.tmp`.
fn temp_path(dir: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static PID: OnceLock<u32> = OnceLock::new();
    let pid = *PID.get_or_init(std::process::id);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!("{TEMP_PREFIX}{pid}-{n}.tmp"))
}

/// Writes `content` to a new temporary file beside `path`, then `finish`es it
/// into place; the temporary file never outlives a failure.
fn place(
    path: &Path,
    content: &[u8],
    finish: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = parent(path);
    // The folder is made only when it is missing: a first publish writes
    // thousands of posts into one folder, and asking for it each time is two
    // more system calls a post.
    let mut made_dir = false;
    let (mut file, temp) = loop {
        let temp = temp_path(dir);
        match fs::OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => break (file, temp),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !made_dir => {
                fs::create_dir_all(dir)?;
                made_dir = true;
            }
            Err(e) => return Err(e),
        }
    };
    let written = file.write_all(content).and_then(|()| finish(&temp));
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// The first symbolic link on the way from `root` down to `root/dir` (`dir`
/// relative, with `/`), as a path relative to `root`; `None` when every folder
/// that exists on the way is a real one (a missing one ends the way). Every
/// folder the tool reads from or writes to is checked with it, so a link at
/// `static` (to `.git`, say) or at `content` never lets a file from outside the
/// site be published, nor a page be written outside it.
pub fn first_link(root: &Path, dir: &str) -> std::io::Result<Option<String>> {
    let mut path = root.to_owned();
    let mut shown = String::new();
    for part in Path::new(dir).components() {
        if part == std::path::Component::CurDir {
            continue;
        }
        path.push(part);
        if !shown.is_empty() {
            shown.push('/');
        }
        shown.push_str(&part.as_os_str().to_string_lossy());
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_symlink() => return Ok(Some(shown)),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// [`first_link`] as an error: `InvalidInput`, naming the link.
pub fn refuse_links(root: &Path, dir: &str) -> std::io::Result<()> {
    match first_link(root, dir)? {
        None => Ok(()),
        Some(link) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("`{link}` is a symbolic link; the site reads and writes only real folders inside it"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_committed() {
        for good in ["pagefind.js", "fragment/en_1a2b.pf_fragment", "a/b/c"] {
            assert!(plain_path(good), "{good}");
        }
        for bad in [
            "",
            "/x",
            "x/",
            "a//b",
            "../x",
            "a/./b",
            ".git/config",
            "a/.GIT/x",
            "a\\b",
            "a\0b",
        ] {
            assert!(!plain_path(bad), "{bad:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn finds_a_link_at_any_folder_on_the_way() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("real/inner")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("linked")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("real/inner/up")).unwrap();
        assert_eq!(first_link(root, "real/inner").unwrap(), None);
        assert_eq!(first_link(root, "./real/missing/deeper").unwrap(), None);
        assert_eq!(first_link(root, "linked").unwrap().as_deref(), Some("linked"));
        assert_eq!(
            first_link(root, "linked/inner").unwrap().as_deref(),
            Some("linked")
        );
        assert_eq!(
            first_link(root, "real/inner/up/x").unwrap().as_deref(),
            Some("real/inner/up")
        );
        let error = refuse_links(root, "linked/inner").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(
            error.to_string().starts_with("`linked` is a symbolic link"),
            "{error}"
        );
    }

    #[test]
    fn writes_whole_files_keeps_permissions_and_never_clobbers_with_write_new() {
        let dir = std::env::temp_dir().join(format!("hotpapers-file-test-{}", std::process::id()));
        let path = dir.join("a/b.txt");
        write_atomically(&path, b"one").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            write_atomically(&path, b"two").unwrap();
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        write_atomically(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let error = write_new(&path, b"three").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"two", "an existing file is kept");
        write_new(&dir.join("a/c.txt"), b"new").unwrap();
        let names = fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(names, 2, "no temporary file left");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(feature = "git")]
    #[test]
    fn writes_a_new_folder_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("content/posts");
        let files: Vec<(String, Vec<u8>)> = (0..200).map(|i| (format!("{i}.md"), vec![b'a'; i])).collect();
        let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (n.as_str(), c.as_slice())).collect();
        write_new_folder(&posts, &borrowed).unwrap();
        for (name, content) in &files {
            assert_eq!(&fs::read(posts.join(name)).unwrap(), content);
        }
        let beside: Vec<_> = fs::read_dir(dir.path().join("content"))
            .unwrap()
            .flatten()
            .collect();
        assert_eq!(beside.len(), 1, "no temporary folder left");

        let error = write_new_folder(&posts, &[("new.md", b"x")]).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert!(
            !posts.join("new.md").exists(),
            "an existing folder is left as it is"
        );

        // A file that cannot be written (its name's folder does not exist):
        // neither the folder nor its temporary one is left.
        let other = dir.path().join("content/other");
        write_new_folder(&other, &[("a.md", b"a"), ("no/such.md", b"b")]).unwrap_err();
        assert!(!other.exists());
        let beside = fs::read_dir(dir.path().join("content")).unwrap().count();
        assert_eq!(beside, 1, "the temporary folder went with the failure");
    }
}

/// The list of the files this tool generated in a site, kept beside them (in a
/// site folder, and on the pages branch): a file that is no longer generated is
/// removed, and a file that is not on the list (a `CNAME` set through GitHub's
/// settings, a verification file) is someone else's and is kept.
pub const SITE_MANIFEST: &str = ".hotpapers-site";

/// A path a tree can hold and a checkout writes where it says: folders and a
/// name, none empty, `.` or `..`, none git's own folder, no backslash or NUL.
pub fn plain_path(path: &str) -> bool {
    path.split('/').all(|part| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && !part.eq_ignore_ascii_case(".git")
            && !part.contains(['\\', '\0'])
    })
}

/// The folder of a site (the pages branch, a site folder) that holds the
/// search index `hotpapers search build` makes: the site's publish keeps it as
/// it is, without listing it, and a theme cannot put a static file there.
pub const SEARCH_DIR: &str = "pagefind";

/// The text of a [`SITE_MANIFEST`]: each path on a line, in the order given.
#[cfg(any(feature = "git", feature = "templates"))]
pub(crate) fn manifest_text<'p>(paths: impl Iterator<Item = &'p str>) -> String {
    paths.map(|p| format!("{p}\n")).collect()
}

/// The paths a [`SITE_MANIFEST`]'s text lists: only plain relative paths, as
/// this tool writes them (no empty, `.` or `..` part).
#[cfg(any(feature = "git", feature = "templates"))]
pub(crate) fn manifest_paths(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|path| {
        !path
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
    })
}

/// One file of the generated site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteFile {
    /// Its path inside the site, with `/` and without a leading one
    /// (`posts/hot-papers-2020-10-30/index.html`).
    pub path: String,
    /// Its content.
    pub bytes: std::borrow::Cow<'static, [u8]>,
}

/// A day's page as the pages branch keeps it: its path and a fingerprint of
/// everything it is rendered from (the day-file, its neighbours, the settings,
/// the templates, the rendering code and its dependencies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageKey {
    /// The page's path in the site.
    pub path: String,
    /// The fingerprint.
    pub key: u64,
    /// Whether it was left unrendered, because the branch already has it.
    pub reused: bool,
}

#[cfg(feature = "templates")]
impl PageKey {
    /// The page at `path` known by `key`, reused if `reuse` says the pages
    /// branch has it with that key already.
    pub(crate) fn reusing(path: String, key: u64, reuse: &(dyn Fn(&str, u64) -> bool + Sync)) -> PageKey {
        PageKey {
            reused: reuse(&path, key),
            path,
            key,
        }
    }
}
