//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::run_ok;

use hotpapers::{Archive, ArchiveHead, Compiled, Days, Site};

/// The real day-files shipped in `posts/`.
pub const OCT_30: &str = include_str!("../posts/2020-10-30.toml");
pub const DEC_07: &str = include_str!("../posts/2020-12-07.toml");

/// A temporary git repository with an identity in its own config.
pub struct TempRepo {
    /// Removed with the repository when the test ends.
    _dir: tempfile::TempDir,
    /// The work tree: `dir` itself, or a folder inside it.
    work: PathBuf,
    pub repo: git2::Repository,
}

/// Every tree a test's publishes wrote must pass `git fsck --strict`: checked
/// as the repository goes, so no publish test can forget it.
impl Drop for TempRepo {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let fsck = Command::new("git")
            .args(["fsck", "--strict", "--no-dangling", "--no-progress"])
            .current_dir(&self.work)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(
            fsck.status.success(),
            "git fsck --strict in {}:\n{}{}",
            self.work.display(),
            String::from_utf8_lossy(&fsck.stdout),
            String::from_utf8_lossy(&fsck.stderr)
        );
    }
}

/// A repository with the two real day-files committed.
pub fn with_days_committed() -> TempRepo {
    let repo = TempRepo::new();
    repo.write("posts/2020-10-30.toml", OCT_30);
    repo.write("posts/2020-12-07.toml", DEC_07);
    repo.commit_all("day-files");
    repo
}

impl TempRepo {
    /// A new repository with no commit.
    pub fn new() -> TempRepo {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut config = repo.config().unwrap();
        config.set_str("user.name", "Repo Config").unwrap();
        config.set_str("user.email", "config@example.com").unwrap();
        let work = dir.path().to_owned();
        TempRepo {
            _dir: dir,
            work,
            repo,
        }
    }

    /// A repository whose work tree is `work`, inside `dir`.
    pub fn at(dir: tempfile::TempDir, work: PathBuf, repo: git2::Repository) -> TempRepo {
        TempRepo {
            _dir: dir,
            work,
            repo,
        }
    }

    pub fn path(&self) -> &Path {
        &self.work
    }

    /// The work tree, the site's root.
    pub fn work(&self) -> &Path {
        &self.work
    }

    pub fn write(&self, path: &str, content: &str) {
        let path = self.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).unwrap()
    }

    /// Runs `git` here and returns its standard output; fails the test on error.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    /// Commits everything in the work tree with the `git` command.
    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    pub fn head(&self) -> Option<git2::Oid> {
        self.repo.head().ok().and_then(|h| h.target())
    }

    /// The paths a commit changed, from `git diff-tree`.
    pub fn changed_paths(&self, rev: &str) -> Vec<String> {
        self.git(&[
            "diff-tree",
            "--root",
            "--no-commit-id",
            "--name-status",
            "-r",
            rev,
        ])
        .lines()
        .map(str::to_owned)
        .collect()
    }

    /// `git status --porcelain`.
    pub fn status(&self) -> String {
        self.git(&["status", "--porcelain"])
    }

    /// Asserts `git fsck` finds nothing wrong.
    pub fn assert_fsck_clean(&self) {
        run_ok(
            Command::new("git")
                .args(["fsck", "--strict"])
                .current_dir(self.path()),
        );
    }
}

pub fn git_in(dir: &Path, args: &[&str]) -> String {
    run_ok(
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1"),
    )
}

/// Loads the site at `root` the run-time way, as the binary would have it compiled in.
pub fn archive_of(root: &Path) -> Archive<'static> {
    let (site, site_hash) = Site::load_with_hash(root).unwrap();
    let loaded = hotpapers::load_dir(root.join(&site.posts_dir)).unwrap();
    Archive {
        site,
        site_hash,
        days: loaded.days,
        warnings: Vec::new(),
    }
}

/// The site at `root` as the binary has it compiled in: checked into parts by
/// the macro's code, and only the index of its days read.
pub fn compiled_of(root: &Path) -> (ArchiveHead<'static>, Days<'static>) {
    lazily(parts_of(root))
}

/// The site at `root` checked into parts, a month each, as the macro does.
pub fn parts_of(root: &Path) -> hotpapers::Parts {
    let (site, site_hash) = Site::load_with_hash(root).unwrap();
    let cache = tempfile::tempdir().unwrap();
    hotpapers::encode_dir_cached(
        &site,
        site_hash,
        &root.join(&site.posts_dir),
        "posts",
        cache.path(),
    )
    .unwrap()
    .read()
    .unwrap()
}

/// Parts as the binary has them: only the index of their days read.
pub fn lazily(parts: hotpapers::Parts) -> (ArchiveHead<'static>, Days<'static>) {
    // As the binary's own bytes, the parts live as long as the test.
    let parts: &'static hotpapers::Parts = Box::leak(Box::new(parts));
    Compiled::Parts {
        head: &parts.head,
        parts: parts.parts.iter().map(|(_, part)| &part[..]).collect(),
    }
    .decode_lazily()
    .unwrap()
}

/// The repository's own folder.
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The blog of the site at `root` (its day-files compiled as the build does),
/// rendered with the project's theme.
pub fn rendered(root: &Path) -> Vec<hotpapers::SiteFile> {
    let archive = archive_of(root);
    let theme = hotpapers::Theme::load(&project_dir()).unwrap();
    hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap()
}
