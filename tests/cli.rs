//! The `hotpapers-site` binary, run as CI runs it, against temporary clones.

use std::process::{Command, Output};

use crate::run::run;
use crate::util::{TempRepo, DEC_07, OCT_30};

/// A repository holding the day-files and settings this binary was compiled from.
fn site() -> TempRepo {
    let repo = TempRepo::new();
    repo.write("posts/2020-10-30.toml", OCT_30);
    repo.write("posts/2020-12-07.toml", DEC_07);
    // The settings as compiled in, out of git's view: these tests look at
    // the commits and status a publish leaves on an unborn branch.
    repo.write("hotpapers.toml", include_str!("../hotpapers.toml"));
    repo.write(".git/info/exclude", "/hotpapers.toml\n");
    repo
}

fn bin(repo: &TempRepo, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hotpapers-site"));
    command.arg("--root").arg(repo.path()).args(args);
    for key in [
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ] {
        command.env_remove(key);
    }
    command
}

fn output(mut command: Command) -> (Output, String, String) {
    run(&mut command)
}

#[test]
fn publishes_then_has_nothing_to_do() {
    let repo = site();
    let (out, stdout, stderr) = output(bin(&repo, &[]));
    assert!(out.status.success(), "{stderr}");
    let head = repo.head().unwrap().to_string();
    let pages = repo
        .repo
        .refname_to_id("refs/heads/gh-pages")
        .unwrap()
        .to_string();
    assert_eq!(
        stdout,
        format!(
            "published: 2 added, 0 updated, 0 removed, 0 unchanged\ncommit {} Hot Papers: add 2020-10-30, 2020-12-07\nsite: 87 of 87 file(s) changed; commit {} on gh-pages\n",
            &head[..12],
            &pages[..12]
        )
    );
    let (out, stdout, _) = output(bin(&repo, &[]));
    assert!(out.status.success());
    assert_eq!(stdout, "nothing to publish: 2 post(s) up to date\n");
    assert_eq!(repo.head().unwrap().to_string(), head);
    assert_eq!(
        repo.git(&["log", "--format=%s"]),
        "Hot Papers: add 2020-10-30, 2020-12-07\n"
    );
}

#[test]
fn no_site_publishes_the_posts_and_leaves_the_pages_branch_alone() {
    let repo = site();
    let (out, stdout, stderr) = output(bin(&repo, &["--no-site", "--author", "A <a@example.com>"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("published: 2 added"), "{stdout}");
    assert!(!stdout.contains("site:"), "{stdout}");
    assert!(repo.repo.find_reference("refs/heads/gh-pages").is_err());
    let (out, _, stderr) = output(bin(&repo, &["--no-site", "--site-dir", "out"]));
    assert!(!out.status.success());
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn json_summary_for_ci() {
    let repo = site();
    let (out, stdout, _) = output(bin(&repo, &["--json", "--dry-run"]));
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["changes_detected"], true);
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["commit"], serde_json::Value::Null);
    assert_eq!(
        json["days"]["added"],
        serde_json::json!(["2020-10-30", "2020-12-07"])
    );
    assert_eq!(json["files"]["added"].as_array().unwrap().len(), 4);
    assert!(!repo.path().join("content").exists());

    let (_, stdout, _) = output(bin(&repo, &["--json"]));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["commit"], repo.head().unwrap().to_string());
    let (_, stdout, _) = output(bin(&repo, &["--json"]));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (
            json["changes_detected"].clone(),
            json["days"]["unchanged"].clone()
        ),
        (false.into(), 2.into())
    );
}

#[test]
fn without_any_identity_it_fails_before_writing() {
    let repo = site();
    let mut config = repo.repo.config().unwrap();
    config.remove("user.name").unwrap();
    config.remove("user.email").unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut command = bin(&repo, &[]);
    command
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1");
    let (out, _, stderr) = output(command);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.starts_with("error: cannot publish the site in"),
        "{stderr}"
    );
    assert!(
        stderr.contains("no commit author: pass `--author \"Name <email>\"`"),
        "{stderr}"
    );
    assert!(!repo.path().join("content").exists());
    assert_eq!(repo.head(), None);

    let mut command = bin(&repo, &["--author", "CI Bot <ci@example.com>"]);
    command
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1");
    let (out, _, stderr) = output(command);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        repo.git(&["log", "--format=%an <%ae>"]),
        "CI Bot <ci@example.com>\n"
    );
}

#[test]
fn outside_a_repository_it_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("posts")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_hotpapers-site"));
    command
        .arg("--root")
        .arg(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap());
    let (out, _, stderr) = output(command);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("is not inside a git repository; run `git init` first"),
        "{stderr}"
    );
}

#[test]
fn a_run_killed_at_any_point_leaves_whole_posts_and_a_sound_repository() {
    let repo = site();
    let golden = [
        (
            "content/posts/2020-10-30---Hot-Papers.md",
            include_str!("golden/2020-10-30---Hot-Papers.md"),
        ),
        (
            "content/posts/2020-12-07---Hot-Papers.md",
            include_str!("golden/2020-12-07---Hot-Papers.md"),
        ),
    ];
    for attempt in 0..16u64 {
        let mut child = bin(&repo, &[])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(attempt * 1500));
        let _ = child.kill();
        child.wait().unwrap();
        for (path, content) in golden {
            if let Ok(on_disk) = std::fs::read_to_string(repo.path().join(path)) {
                assert_eq!(on_disk, content, "attempt {attempt}: {path} is whole");
            }
        }
        repo.assert_fsck_clean();
    }
    let (mut out, _, mut stderr) = output(bin(&repo, &[]));
    // A run killed inside git's own index or ref update leaves git's lock file, as
    // git itself would; the run names it, and once it is removed (as the message
    // says) the next run finishes the job. There are three such locks (the index,
    // the branch and the pages branch), so up to three messages.
    for _ in 0..3 {
        if !stderr.contains("unable to create") {
            break;
        }
        let lock = stderr
            .split('`')
            .find(|part| part.ends_with(".lock"))
            .unwrap_or_else(|| panic!("no lock file named: {stderr}"));
        std::fs::remove_file(lock).unwrap();
        (out, _, stderr) = output(bin(&repo, &[]));
    }
    assert!(out.status.success(), "{stderr}");
    assert_eq!(repo.status(), "");
    let leftovers: Vec<_> = std::fs::read_dir(repo.path().join("content/posts"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    for (path, content) in golden {
        assert_eq!(repo.git(&["show", &format!("HEAD:{path}")]), content);
    }
}

#[test]
fn a_run_with_nothing_new_renders_no_blog_but_a_lost_pages_branch_comes_back() {
    let repo = site();
    let (out, _, stderr) = output(bin(&repo, &[]));
    assert!(out.status.success(), "{stderr}");
    let pages = repo.repo.refname_to_id("refs/heads/gh-pages").unwrap();
    let stamp = std::fs::read_to_string(repo.path().join(".git/hotpapers-pages")).unwrap();
    let tree = repo.repo.find_commit(pages).unwrap().tree_id();
    assert!(stamp.trim_end().ends_with(&tree.to_string()), "{stamp}");

    // Nothing new: the blog is not rendered, so no folder to write either.
    let (out, stdout, _) = output(bin(&repo, &["--json"]));
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["pages"], serde_json::Value::Null, "{json}");

    // The branch deleted: the stamp no longer matches, and the blog is committed again.
    repo.git(&["branch", "-D", "gh-pages"]);
    let (out, stdout, _) = output(bin(&repo, &["--json"]));
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["pages"]["changed"], 87, "{json}");
    let again = repo.repo.refname_to_id("refs/heads/gh-pages").unwrap();
    assert_eq!(repo.repo.find_commit(again).unwrap().tree_id(), tree);

    // A stamp from another build: rendered, found unchanged, no commit.
    std::fs::write(
        repo.path().join(".git/hotpapers-pages"),
        format!("0000000000000000 {tree}\n"),
    )
    .unwrap();
    let (out, stdout, _) = output(bin(&repo, &["--json"]));
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["pages"]["changed"], 0, "{json}");
    assert_eq!(repo.repo.refname_to_id("refs/heads/gh-pages").unwrap(), again);
}

#[test]
fn the_quick_no_op_still_sees_deleted_and_edited_posts_and_new_settings() {
    let repo = site();
    let post = "content/posts/2020-10-30---Hot-Papers.md";
    let (out, _, stderr) = output(bin(&repo, &[]));
    assert!(out.status.success(), "{stderr}");
    assert!(repo.path().join(".git/hotpapers-posts").exists());
    let (_, stdout, _) = output(bin(&repo, &[]));
    assert_eq!(stdout, "nothing to publish: 2 post(s) up to date\n");

    // A post deleted in the work tree is written again.
    let text = repo.read(post);
    std::fs::remove_file(repo.path().join(post)).unwrap();
    let (out, stdout, stderr) = output(bin(&repo, &[]));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(repo.read(post), text, "{stdout}");

    // A hand edit is refused, as ever.
    std::fs::write(repo.path().join(post), format!("{text}edited\n")).unwrap();
    let (out, _, stderr) = output(bin(&repo, &[]));
    assert!(!out.status.success());
    assert!(stderr.contains("has changes that are not in git"), "{stderr}");
    std::fs::write(repo.path().join(post), &text).unwrap();

    // Settings on disk other than those compiled in: stale.
    repo.write("hotpapers.toml", "min-score = 1\n");
    let (out, _, stderr) = output(bin(&repo, &[]));
    assert!(!out.status.success());
    assert!(stderr.contains("hotpapers.toml` changed"), "{stderr}");
}
