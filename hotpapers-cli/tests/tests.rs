//! Integration tests of the `hotpapers` curator binary: one binary, a module per
//! area.

mod announce;
mod check;
#[path = "../../tests/chromium.rs"]
mod chromium;
mod collect;
mod fetch;
#[path = "../../tests/run.rs"]
mod run;
mod search;
mod serve;
mod services;

use std::path::PathBuf;

/// The repository's root, where the site's posts, golden files and UI cases are.
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("hotpapers-cli/ is inside the repository")
        .to_owned()
}

/// Copies the folder `from` to `to`, subfolders too.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// `git` in `dir` as a test identity, which must succeed; its output, trimmed.
pub fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let (out, stdout, stderr) = run::run(
        std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.org")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.org")
            .stdin(std::process::Stdio::null()),
    );
    assert!(out.status.success(), "git {args:?}: {stderr}");
    stdout.trim().to_owned()
}
