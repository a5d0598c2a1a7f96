//! Publishing into temporary repositories, checked with git2 and the `git` command.

use std::collections::BTreeMap;

use hotpapers::{publish, Change, PublishError, PublishOptions};

use crate::util::{archive_of, TempRepo, DEC_07, OCT_30};

const POST_30: &str = "content/posts/2020-10-30---Hot-Papers.md";
const POST_07: &str = "content/posts/2020-12-07---Hot-Papers.md";

/// Options that read no identity from the test process's environment.
fn options() -> PublishOptions {
    PublishOptions {
        env: Some(BTreeMap::new()),
        ..PublishOptions::default()
    }
}

/// [`options`] with `--no-commit`.
fn no_commit() -> PublishOptions {
    PublishOptions {
        no_commit: true,
        ..options()
    }
}

fn with_days() -> TempRepo {
    let repo = TempRepo::new();
    repo.write("posts/2020-10-30.toml", OCT_30);
    repo.write("posts/2020-12-07.toml", DEC_07);
    repo
}

fn run(repo: &TempRepo) -> hotpapers::Report {
    publish(repo.path(), &archive_of(repo.path()), &options()).unwrap()
}

fn run_err(repo: &TempRepo) -> PublishError {
    publish(repo.path(), &archive_of(repo.path()), &options()).unwrap_err()
}

#[test]
fn first_publish_commits_posts_with_their_day_files_on_an_unborn_branch() {
    let repo = with_days();
    let report = run(&repo);
    assert_eq!(report.count(Change::Added), 2);
    let commit = repo.repo.find_commit(report.commit.unwrap()).unwrap();
    assert_eq!(commit.parent_count(), 0);
    assert_eq!(commit.message().ok(), Some(
        "Hot Papers: add 2020-10-30, 2020-12-07\n\nadd content/posts/2020-10-30---Hot-Papers.md\nadd posts/2020-10-30.toml\n\
         add content/posts/2020-12-07---Hot-Papers.md\nadd posts/2020-12-07.toml\n"
    ));
    assert_eq!(
        repo.changed_paths("HEAD"),
        [
            format!("A\t{POST_30}"),
            format!("A\t{POST_07}"),
            "A\tposts/2020-10-30.toml".into(),
            "A\tposts/2020-12-07.toml".into(),
        ]
    );
    assert_eq!(
        repo.read(POST_30),
        include_str!("golden/2020-10-30---Hot-Papers.md")
    );
    assert_eq!(
        repo.git(&["show", &format!("HEAD:{POST_07}")]),
        include_str!("golden/2020-12-07---Hot-Papers.md")
    );
    assert_eq!(repo.status(), "");
    assert_eq!(
        repo.git(&["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        repo.git(&["branch", "--show-current"]).trim()
    );
    repo.assert_fsck_clean();
}

#[test]
fn a_run_with_nothing_new_makes_no_commit() {
    let repo = with_days();
    run(&repo);
    let head = repo.head();
    let report = run(&repo);
    assert_eq!(
        (report.commit, report.files.len(), report.unchanged),
        (None, 0, 2)
    );
    assert_eq!(repo.head(), head);
    assert_eq!(repo.status(), "");
}

#[test]
fn an_edited_day_commits_its_post_and_day_file_only() {
    let repo = with_days();
    run(&repo);
    repo.write(
        "posts/2020-10-30.toml",
        &OCT_30.replace("retweets = 4696", "retweets = 5000"),
    );
    let report = run(&repo);
    assert_eq!(
        report.changes,
        [(time::macros::date!(2020 - 10 - 30), Change::Updated)]
    );
    let commit = repo.repo.find_commit(report.commit.unwrap()).unwrap();
    assert_eq!(commit.message().ok(), Some("Hot Papers 2020-10-30"));
    assert_eq!(
        repo.changed_paths("HEAD"),
        [format!("M\t{POST_30}"), "M\tposts/2020-10-30.toml".into()]
    );
    assert!(repo.read(POST_30).contains("- retweets: 5000, favorites: 218"));
    assert_eq!(repo.status(), "");
}

/// `.git/hotpapers-published`, as lines after the renderer's fingerprint.
fn published_record(repo: &TempRepo) -> Vec<String> {
    let text = std::fs::read_to_string(repo.repo.path().join("hotpapers-published")).unwrap();
    text.lines().skip(1).map(str::to_owned).collect()
}

#[test]
fn the_last_publish_is_recorded_and_a_change_to_anything_a_post_is_made_from_renders_it_again() {
    let repo = with_days();
    repo.commit_all("day-files");
    run(&repo);
    // Each day as HEAD has it: the day-file's fingerprint and blob, the post's blob.
    let archive = archive_of(repo.path());
    let id = |path: &str| {
        repo.git(&["rev-parse", &format!("HEAD:{path}")])
            .trim()
            .to_owned()
    };
    let expected: Vec<String> = archive
        .days
        .iter()
        .zip([POST_30, POST_07])
        .map(|(day, post)| {
            let name = format!("{}.toml", day.date);
            format!(
                "{name} {:016x} {} {}",
                day.source_hash,
                id(&format!("posts/{name}")),
                id(post)
            )
        })
        .collect();
    assert_eq!(published_record(&repo), expected);

    // The settings posts are rendered with: every post again.
    repo.write("hotpapers.toml", "category = \"Papers\"\n");
    repo.commit_all("settings");
    let report = run(&repo);
    assert_eq!(report.count(Change::Updated), 2, "{report:?}");
    assert!(
        repo.read(POST_30).contains("category: \"Papers\""),
        "{}",
        repo.read(POST_30)
    );

    // A post replaced in a commit by hand: HEAD no longer has what was
    // recorded, so it is rendered and committed again.
    let rendered = repo.read(POST_07);
    repo.write(POST_07, "hand-written\n");
    repo.commit_all("by hand");
    let report = run(&repo);
    assert_eq!(
        report.changes,
        [(time::macros::date!(2020 - 12 - 07), Change::Updated)]
    );
    assert_eq!(repo.read(POST_07), rendered);
    assert_eq!(repo.git(&["show", &format!("HEAD:{POST_07}")]), rendered);

    // A post edited in the work tree is still a hand edit, recorded or not.
    repo.write(POST_30, "edited\n");
    assert!(matches!(run_err(&repo), PublishError::LocalEdits(_)));
    assert_eq!(repo.status(), format!(" M {POST_30}\n"));
}

#[test]
fn the_users_staged_modified_and_untracked_files_keep_their_state() {
    let repo = with_days();
    repo.write("notes.md", "one\n");
    repo.write("tracked.md", "one\n");
    repo.commit_all("start");
    repo.write("notes.md", "staged change\n");
    repo.git(&["add", "notes.md"]);
    repo.write("tracked.md", "unstaged change\n");
    repo.write("untracked.md", "new\n");
    repo.write("posts/2020-12-07.toml", &format!("{DEC_07}draft = true\n"));
    let before = repo.status();
    let report = run(&repo);
    assert!(report.commit.is_some());
    assert_eq!(
        repo.changed_paths("HEAD"),
        [
            format!("A\t{POST_30}"),
            format!("A\t{POST_07}"),
            "M\tposts/2020-12-07.toml".into(),
        ]
    );
    assert_eq!(repo.status(), "M  notes.md\n M tracked.md\n?? untracked.md\n");
    assert!(before.contains(" M posts/2020-12-07.toml"));
    assert_eq!(repo.git(&["diff", "--cached", "--name-only"]), "notes.md\n");
    assert_eq!(repo.read("notes.md"), "staged change\n");
    assert_eq!(repo.read("tracked.md"), "unstaged change\n");
    assert!(repo.read(POST_07).contains("draft: true"));
    repo.assert_fsck_clean();
}

#[test]
fn deleting_a_day_file_removes_its_post_and_nothing_hand_written() {
    let repo = with_days();
    repo.write("content/posts/about.md", "hand written\n");
    repo.write(
        "content/posts/2019-01-01---Hot-Papers.md",
        "a legacy post with no day-file\n",
    );
    repo.commit_all("hand-written pages");
    run(&repo);
    std::fs::remove_file(repo.path().join("posts/2020-12-07.toml")).unwrap();
    let report = run(&repo);
    assert_eq!(
        report.changes,
        [(time::macros::date!(2020 - 12 - 07), Change::Removed)]
    );
    let commit = repo.repo.find_commit(report.commit.unwrap()).unwrap();
    assert!(commit
        .message()
        .unwrap()
        .starts_with("Hot Papers: remove 2020-12-07\n"));
    assert_eq!(
        repo.changed_paths("HEAD"),
        [format!("D\t{POST_07}"), "D\tposts/2020-12-07.toml".into()]
    );
    assert!(!repo.path().join(POST_07).exists());
    assert_eq!(repo.read("content/posts/about.md"), "hand written\n");
    assert!(repo
        .path()
        .join("content/posts/2019-01-01---Hot-Papers.md")
        .exists());
    assert_eq!(repo.status(), "");
    repo.assert_fsck_clean();
}

#[test]
fn publishes_on_a_detached_head() {
    let repo = with_days();
    repo.write("README.md", "x\n");
    repo.commit_all("start");
    let start = repo.head().unwrap();
    repo.git(&["checkout", "-q", "--detach"]);
    let report = run(&repo);
    assert!(repo.repo.head_detached().unwrap());
    assert_eq!(repo.head(), report.commit);
    assert_eq!(
        repo.repo
            .find_commit(report.commit.unwrap())
            .unwrap()
            .parent_id(0)
            .unwrap(),
        start
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD~1"]).trim(), start.to_string());
    assert_eq!(repo.status(), "");
}

#[test]
fn publishes_in_a_linked_worktree() {
    let repo = with_days();
    repo.commit_all("start");
    let other = tempfile::tempdir().unwrap();
    let worktree = other.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "publish",
        worktree.to_str().unwrap(),
    ]);
    let report = publish(&worktree, &archive_of(&worktree), &options()).unwrap();
    assert_eq!(
        crate::util::git_in(&worktree, &["rev-parse", "publish"]).trim(),
        report.commit.unwrap().to_string()
    );
    assert_eq!(crate::util::git_in(&worktree, &["status", "--porcelain"]), "");
    assert!(
        !repo.path().join(POST_30).exists(),
        "the main work tree is untouched"
    );
}

#[test]
fn publishes_a_site_in_a_subdirectory_of_the_repository() {
    let repo = TempRepo::new();
    repo.write("site/posts/2020-12-07.toml", DEC_07);
    let site = repo.path().join("site");
    let report = publish(&site, &archive_of(&site), &options()).unwrap();
    assert!(report.commit.is_some());
    assert_eq!(
        repo.changed_paths("HEAD"),
        [
            "A\tsite/content/posts/2020-12-07---Hot-Papers.md".to_owned(),
            "A\tsite/posts/2020-12-07.toml".into(),
        ]
    );
    assert_eq!(repo.status(), "");
}

#[test]
fn refuses_while_a_merge_is_in_progress_and_changes_nothing() {
    let repo = with_days();
    repo.commit_all("start");
    let head = repo.head().unwrap();
    std::fs::write(repo.repo.path().join("MERGE_HEAD"), format!("{head}\n")).unwrap();
    assert!(matches!(run_err(&repo), PublishError::Busy("merge")));
    assert!(!repo.path().join("content").exists());
    assert_eq!(repo.head(), Some(head));
}

#[test]
fn refuses_a_bare_repository() {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init_bare(dir.path()).unwrap();
    std::fs::create_dir(dir.path().join("posts")).unwrap();
    let archive = archive_of(dir.path());
    assert!(matches!(
        publish(dir.path(), &archive, &options()),
        Err(PublishError::Bare)
    ));
}

#[test]
fn refuses_while_another_run_holds_the_lock() {
    let repo = with_days();
    // Another process holds the OS lock; this test's own handle stands in for it.
    let path = repo.repo.path().join("hotpapers.lock");
    let held = std::fs::File::create(&path).unwrap();
    held.lock().unwrap();
    let error = run_err(&repo);
    assert!(matches!(error, PublishError::Locked(_)));
    assert!(error.to_string().contains("another hotpapers run is publishing"));
    assert!(!repo.path().join("content").exists());
    drop(held);
    run(&repo);
    let again = std::fs::File::open(&path).unwrap();
    assert!(again.try_lock().is_ok(), "a run releases its lock");
}

#[test]
fn dry_run_changes_nothing() {
    let repo = with_days();
    let report = publish(
        repo.path(),
        &archive_of(repo.path()),
        &PublishOptions {
            dry_run: true,
            ..options()
        },
    )
    .unwrap();
    assert_eq!(report.count(Change::Added), 2);
    assert_eq!(report.commit, None);
    assert!(report.message.is_some());
    assert!(!repo.path().join("content").exists());
    assert_eq!(repo.head(), None);
    assert!(
        !repo.repo.path().join("hotpapers.lock").exists(),
        "not even a lock file"
    );
}

#[test]
fn no_commit_writes_the_posts_only() {
    let repo = with_days();
    let report = publish(repo.path(), &archive_of(repo.path()), &no_commit()).unwrap();
    assert_eq!(report.commit, None);
    assert_eq!(
        repo.read(POST_30),
        include_str!("golden/2020-10-30---Hot-Papers.md")
    );
    assert_eq!(repo.head(), None);
}

/// The names in a folder of the work tree, sorted.
fn names_in(repo: &TempRepo, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo.path().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_first_publish_writes_the_posts_folder_whole_and_clears_a_killed_runs_leftovers() {
    let repo = with_days();
    // What a run killed during its first publish leaves beside the posts'
    // folder: the temporary folder it was filling, and a temporary file.
    repo.write(
        "content/.hotpapers-999-0.tmp/2020-10-30---Hot-Papers.md",
        "half a po",
    );
    repo.write("content/.hotpapers-999-1.tmp", "half a file");
    // Not a temporary name: kept (the blog's manifest is `.hotpapers-site`).
    repo.write("content/.hotpapers-site", "a file of someone else's");
    let report = run(&repo);
    assert_eq!(report.count(Change::Added), 2);
    assert_eq!(
        names_in(&repo, "content"),
        [".hotpapers-site", "posts"],
        "no temporary folder or file left, and nothing else removed"
    );
    assert_eq!(
        names_in(&repo, "content/posts"),
        ["2020-10-30---Hot-Papers.md", "2020-12-07---Hot-Papers.md"]
    );
    assert_eq!(
        repo.read(POST_30),
        include_str!("golden/2020-10-30---Hot-Papers.md")
    );
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "?? content/.hotpapers-site\n",
        "the posts are committed and the index holds them"
    );
    #[cfg(unix)]
    {
        // Made with the permissions any new folder gets, not a temporary one's.
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &str| {
            std::fs::metadata(repo.path().join(path))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        std::fs::create_dir(repo.path().join("other")).unwrap();
        assert_eq!(mode("content/posts"), mode("other"));
    }
}

#[test]
fn refuses_to_overwrite_a_hand_edited_post() {
    let repo = with_days();
    run(&repo);
    repo.write(POST_30, "my edit\n");
    repo.write(
        "posts/2020-10-30.toml",
        &OCT_30.replace("retweets = 4696", "retweets = 5000"),
    );
    let head = repo.head();
    assert!(matches!(run_err(&repo), PublishError::LocalEdits(path) if path == POST_30));
    assert_eq!(repo.read(POST_30), "my edit\n");
    assert_eq!(repo.head(), head);
}

#[test]
fn refuses_day_files_edited_after_the_build() {
    let repo = with_days();
    let archive = archive_of(repo.path());
    repo.write("posts/2020-12-07.toml", &format!("{DEC_07}draft = true\n"));
    let error = publish(repo.path(), &archive, &options()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`posts/2020-12-07.toml` changed since this binary was built; run `cargo run` to rebuild and publish"
    );
    repo.write("posts/2021-01-01.toml", DEC_07);
    assert!(matches!(
        publish(repo.path(), &archive, &options()),
        Err(PublishError::Stale { .. })
    ));
    assert!(!repo.path().join("content").exists());
}

#[test]
fn identity_comes_from_the_flag_then_the_environment_then_the_site_then_git_config() {
    let repo = with_days();
    let mut archive = archive_of(repo.path());
    let author_of = |repo: &TempRepo, oid: Option<git2::Oid>| {
        let commit = repo.repo.find_commit(oid.unwrap()).unwrap();
        let (a, c) = (commit.author(), commit.committer());
        (
            format!("{} <{}>", a.name().unwrap(), a.email().unwrap()),
            format!("{} <{}>", c.name().unwrap(), c.email().unwrap()),
        )
    };
    let report = publish(repo.path(), &archive, &options()).unwrap();
    assert_eq!(
        author_of(&repo, report.commit).0,
        "Repo Config <config@example.com>"
    );

    let bump = |n: u32| OCT_30.replace("retweets = 4696", &format!("retweets = {n}"));
    repo.write("posts/2020-10-30.toml", &bump(1));
    archive = archive_of(repo.path());
    archive.site.commit.author = Some("Site Bot <site@example.com>".into());
    let report = publish(repo.path(), &archive, &options()).unwrap();
    assert_eq!(author_of(&repo, report.commit).0, "Site Bot <site@example.com>");

    repo.write("posts/2020-10-30.toml", &bump(2));
    let mut site_archive = archive_of(repo.path());
    site_archive.site.commit.author = Some("Site Bot <site@example.com>".into());
    let env: BTreeMap<String, String> = [
        ("GIT_AUTHOR_NAME", "Env Author"),
        ("GIT_AUTHOR_EMAIL", "env@example.com"),
        ("GIT_COMMITTER_NAME", "Env Committer"),
        ("GIT_COMMITTER_EMAIL", "committer@example.com"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let report = publish(
        repo.path(),
        &site_archive,
        &PublishOptions {
            env: Some(env.clone()),
            ..options()
        },
    )
    .unwrap();
    assert_eq!(
        author_of(&repo, report.commit),
        (
            "Env Author <env@example.com>".into(),
            "Env Committer <committer@example.com>".into()
        )
    );

    repo.write("posts/2020-10-30.toml", &bump(3));
    let flag = PublishOptions {
        env: Some(env),
        author: Some("Flag Person <flag@example.com>".into()),
        ..options()
    };
    let report = publish(repo.path(), &archive_of(repo.path()), &flag).unwrap();
    assert_eq!(
        author_of(&repo, report.commit).0,
        "Flag Person <flag@example.com>"
    );

    repo.write("posts/2020-10-30.toml", &bump(4));
    let bad = PublishOptions {
        author: Some("no email".into()),
        ..options()
    };
    assert!(matches!(
        publish(repo.path(), &archive_of(repo.path()), &bad),
        Err(PublishError::BadIdentity(_))
    ));
    assert_eq!(
        repo.status(),
        " M posts/2020-10-30.toml\n",
        "a refused run writes nothing"
    );
}

#[test]
fn refuses_during_a_rebase_cherry_pick_or_revert() {
    for (state, what) in [
        ("rebase-merge", "rebase"),
        ("CHERRY_PICK_HEAD", "cherry-pick"),
        ("REVERT_HEAD", "revert"),
    ] {
        let repo = with_days();
        repo.commit_all("start");
        let head = repo.head().unwrap();
        let path = repo.repo.path().join(state);
        if state == "rebase-merge" {
            std::fs::create_dir(&path).unwrap();
        } else {
            std::fs::write(&path, format!("{head}\n")).unwrap();
        }
        let error = run_err(&repo);
        assert!(
            matches!(error, PublishError::Busy(w) if w == what),
            "{state}: {error}"
        );
        assert!(error
            .to_string()
            .ends_with("is in progress; finish or abort it, then run again"));
        assert!(!repo.path().join("content").exists());
        assert_eq!(repo.head(), Some(head));
    }
}

#[test]
fn a_lock_file_left_by_a_killed_run_does_not_block() {
    let repo = with_days();
    // The kernel released the dead run's lock; its file alone means nothing.
    std::fs::write(repo.repo.path().join("hotpapers.lock"), "999999999\n").unwrap();
    assert!(run(&repo).commit.is_some());
}

#[test]
fn a_failure_before_the_branch_moves_leaves_the_work_staged_and_the_next_run_commits_it() {
    let repo = with_days();
    repo.commit_all("start");
    let head = repo.head();
    // git holds the index: the run can write posts and objects, not the index.
    let index_lock = repo.repo.path().join("index.lock");
    std::fs::write(&index_lock, "").unwrap();
    let error = run_err(&repo);
    assert!(
        matches!(&error, PublishError::GitLocked(lock) if *lock == index_lock),
        "{error}"
    );
    assert_eq!(repo.head(), head, "the branch did not move");
    assert_eq!(
        repo.read(POST_30),
        include_str!("golden/2020-10-30---Hot-Papers.md"),
        "posts are whole"
    );
    repo.assert_fsck_clean();
    std::fs::remove_file(&index_lock).unwrap();
    let report = run(&repo);
    assert_eq!(report.count(Change::Added), 2);
    assert_eq!(repo.status(), "");
    repo.assert_fsck_clean();
}

#[test]
fn refuses_settings_added_or_changed_after_the_build() {
    let repo = with_days();
    let archive = archive_of(repo.path());
    repo.write("hotpapers.toml", "min-score = 10\n");
    let error = publish(repo.path(), &archive, &options()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`hotpapers.toml` was added since this binary was built; run `cargo run` to rebuild and publish"
    );
    let archive = archive_of(repo.path());
    repo.write("hotpapers.toml", "min-score = 20\n");
    assert!(publish(repo.path(), &archive, &options())
        .unwrap_err()
        .to_string()
        .starts_with("`hotpapers.toml` changed"));
    assert!(!repo.path().join("content").exists());
}

#[test]
fn a_large_publish_is_written_as_one_pack_that_git_accepts() {
    let repo = TempRepo::new();
    let mut date = time::macros::date!(2020 - 09 - 01);
    for _ in 0..40 {
        let next = date.next_day().unwrap();
        repo.write(
            &format!("posts/{date}.toml"),
            &format!("date = {date}\npublished = {next}T09:40:17Z\n"),
        );
        date = next;
    }
    let report = run(&repo);
    assert_eq!(report.count(Change::Added), 40);
    assert_eq!(report.files.len(), 80);
    let counts = repo.git(&["count-objects", "-v"]);
    assert!(counts.contains("\npacks: 1\n"), "{counts}");
    assert_eq!(repo.status(), "");
    repo.assert_fsck_clean();
    let post = repo.git(&["show", "HEAD:content/posts/2020-09-01---Hot-Papers.md"]);
    assert!(post.starts_with("---\ntitle: Hot Papers 2020-09-01\ndate: 2020-09-02T09:40:17.Z\n"));
    // The next, small publish goes loose, on top of the pack.
    repo.write(
        "posts/2020-09-01.toml",
        "date = 2020-09-01\npublished = 2020-09-02T09:40:17Z\ndraft = true\n",
    );
    assert!(run(&repo).commit.is_some());
    assert!(repo.git(&["count-objects", "-v"]).contains("\npacks: 1\n"));
    repo.assert_fsck_clean();
}

#[test]
fn gits_own_locks_are_reported_as_git_does_and_never_removed() {
    let repo = with_days();
    repo.commit_all("start");
    let git = repo.repo.path().to_owned();
    repo.write(
        "posts/2020-10-30.toml",
        &OCT_30.replace("retweets = 4696", "retweets = 1"),
    );
    // Whether a killed run or a live `git` left it, it is not this tool's to take.
    std::fs::write(git.join("index.lock"), "").unwrap();
    let error = run_err(&repo);
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "unable to create `{}`: file exists",
            git.join("index.lock").display()
        )),
        "{message}"
    );
    assert!(message.contains("remove the file by hand"), "{message}");
    assert!(git.join("index.lock").exists());
    std::fs::remove_file(git.join("index.lock")).unwrap();
    assert!(run(&repo).commit.is_some(), "the next run finishes the job");
    assert_eq!(repo.status(), "");
}

#[test]
fn the_preview_loop_of_no_commit_runs_then_a_commit_works() {
    let repo = with_days();
    run(&repo);
    let no_commit = no_commit();
    let edit = |retweets: &str| {
        repo.write(
            "posts/2020-10-30.toml",
            &OCT_30.replace("retweets = 4696", &format!("retweets = {retweets}")),
        );
        archive_of(repo.path())
    };
    // Preview, edit, preview again: the second run overwrites the first's output.
    publish(repo.path(), &edit("5000"), &no_commit).unwrap();
    publish(repo.path(), &edit("6000"), &no_commit).unwrap();
    assert!(repo.read(POST_30).contains("retweets: 6000"));
    let head = repo.head();
    let report = publish(repo.path(), &edit("7000"), &options()).unwrap();
    assert!(report.commit.is_some() && repo.head() != head);
    assert_eq!(repo.status(), "");
    assert!(
        !repo.repo.path().join("hotpapers-written").exists(),
        "nothing of this tool's is left uncommitted"
    );
}

#[test]
fn a_hand_edit_after_a_no_commit_run_is_still_refused() {
    let repo = with_days();
    run(&repo);
    let no_commit = no_commit();
    repo.write(
        "posts/2020-10-30.toml",
        &OCT_30.replace("retweets = 4696", "retweets = 5000"),
    );
    publish(repo.path(), &archive_of(repo.path()), &no_commit).unwrap();
    let ours = repo.read(POST_30);
    repo.write(POST_30, &format!("{ours}my edit\n"));
    repo.write(
        "posts/2020-10-30.toml",
        &OCT_30.replace("retweets = 4696", "retweets = 6000"),
    );
    let error = publish(repo.path(), &archive_of(repo.path()), &no_commit).unwrap_err();
    assert!(
        matches!(&error, PublishError::LocalEdits(path) if path == POST_30),
        "{error}"
    );
    assert!(error
        .to_string()
        .contains("has changes that are not in git and would be overwritten"));
    assert!(repo.read(POST_30).ends_with("my edit\n"));
}

#[cfg(unix)]
#[test]
fn a_committed_symlink_on_the_way_to_the_posts_is_refused() {
    let repo = with_days();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join("content")).unwrap();
    repo.commit_all("content is a link");
    let error = run_err(&repo);
    assert!(
        matches!(&error, PublishError::Symlink(path) if path == "content"),
        "{error}"
    );
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written outside"
    );
}

#[test]
fn commit_messages_follow_the_templates_in_the_settings() {
    let repo = with_days();
    let mut archive = archive_of(repo.path());
    archive.site.commit.message_many = "Publish: {summary}".into();
    let report = publish(repo.path(), &archive, &options()).unwrap();
    let message = repo
        .repo
        .find_commit(report.commit.unwrap())
        .unwrap()
        .message()
        .unwrap()
        .to_owned();
    assert!(
        message.starts_with("Publish: add 2020-10-30, 2020-12-07\n\n"),
        "{message}"
    );

    repo.write("posts/2020-12-07.toml", &format!("{DEC_07}draft = true\n"));
    let mut archive = archive_of(repo.path());
    archive.site.commit.message = "Daily digest for {date}".into();
    let report = publish(repo.path(), &archive, &options()).unwrap();
    assert_eq!(
        repo.git(&["log", "-1", "--format=%B"]).trim(),
        "Daily digest for 2020-12-07"
    );
    assert!(report.commit.is_some());
}

/// A run renders the posts of the days that changed and decodes no other day:
/// after an edit to December's day, October's part of the compiled-in archive
/// (damaged here) is never read. A run that must render October's post says the
/// archive is damaged.
#[test]
fn a_publish_decodes_only_the_days_whose_posts_it_renders() {
    let repo = with_days();
    run(&repo);
    repo.write("posts/2020-12-07.toml", &DEC_07.replace("13:04:41Z", "13:04:42Z"));
    let mut parts = crate::util::parts_of(repo.path());
    let october = &mut parts.parts[0].1;
    october.truncate(october.len() - 10);
    let (head, days) = crate::util::lazily(parts);
    let site: hotpapers::PublishSettings = (&head).into();
    let report = hotpapers::publish_days(repo.path(), site, &days, &options()).unwrap();
    assert_eq!(
        report.changes,
        [(time::macros::date!(2020 - 12 - 07), Change::Updated)]
    );
    assert_eq!(report.unchanged, 1);
    assert_eq!(repo.status(), "");
    std::fs::remove_file(repo.path().join(POST_30)).unwrap();
    let error = hotpapers::publish_days(repo.path(), site, &days, &options()).unwrap_err();
    assert!(matches!(error, PublishError::Archive(_)), "{error}");
    assert!(error.to_string().contains("damaged"), "{error}");
    assert_eq!(repo.status(), " D content/posts/2020-10-30---Hot-Papers.md\n");
}
