//! `--push` against local bare repositories.

use std::collections::BTreeMap;

use hotpapers::{publish, PublishError, PublishOptions, PushError, PushTarget};

use crate::util::{archive_of, git_in, TempRepo, DEC_07, OCT_30};

/// A bare remote and a clone of it that holds the two real days, pushed.
struct Remote {
    bare: tempfile::TempDir,
    clones: tempfile::TempDir,
}

impl Remote {
    fn new() -> (Remote, TempRepo) {
        let bare = tempfile::tempdir().unwrap();
        git2::Repository::init_bare(bare.path()).unwrap();
        let remote = Remote {
            bare,
            clones: tempfile::tempdir().unwrap(),
        };
        let a = remote.clone_as("a");
        a.write("posts/2020-10-30.toml", OCT_30);
        a.write("posts/2020-12-07.toml", DEC_07);
        a.commit_all("start");
        publish(
            a.work(),
            &archive_of(a.work()),
            &PublishOptions {
                env: Some(BTreeMap::new()),
                ..Default::default()
            },
        )
        .unwrap();
        a.git(&["push", "-q", "origin", "HEAD"]);
        (remote, a)
    }

    fn clone_as(&self, name: &str) -> TempRepo {
        let dir = tempfile::tempdir_in(self.clones.path()).unwrap();
        git_in(
            dir.path(),
            &["clone", "-q", self.bare.path().to_str().unwrap(), name],
        );
        let path = dir.path().join(name);
        let repo = git2::Repository::open(&path).unwrap();
        let mut config = repo.config().unwrap();
        config.set_str("user.name", name).unwrap();
        config.set_str("user.email", "clone@example.com").unwrap();
        TempRepo::at(dir, path, repo)
    }

    fn tip(&self, branch: &str) -> Option<git2::Oid> {
        git2::Repository::open_bare(self.bare.path())
            .unwrap()
            .refname_to_id(&format!("refs/heads/{branch}"))
            .ok()
    }
}

fn push_options(branch: Option<&str>) -> PublishOptions {
    PublishOptions {
        env: Some(BTreeMap::new()),
        push: Some(PushTarget {
            branch: branch.map(str::to_owned),
            ..PushTarget::new("origin")
        }),
        ..PublishOptions::default()
    }
}

fn current_branch(repo: &TempRepo) -> String {
    repo.git(&["branch", "--show-current"]).trim().to_owned()
}

fn bump(n: u32) -> String {
    OCT_30.replace("retweets = 4696", &format!("retweets = {n}"))
}

#[test]
fn pushes_the_published_branch() {
    let (remote, a) = Remote::new();
    a.write("posts/2020-10-30.toml", &bump(3000));
    let report = publish(a.work(), &archive_of(a.work()), &push_options(None)).unwrap();
    let pushed = report.pushed.unwrap();
    assert_eq!((pushed.attempts, pushed.reapplied), (1, false));
    assert_eq!(remote.tip(&current_branch(&a)), report.commit);
    assert_eq!(a.status(), "");
    assert!(
        !a.git(&["status", "-sb"])
            .lines()
            .next()
            .unwrap()
            .contains("ahead"),
        "the tracking ref is updated"
    );
    // Nothing new: no commit, and the push is a no-op.
    let again = publish(a.work(), &archive_of(a.work()), &push_options(None)).unwrap();
    assert_eq!(
        (again.commit, again.pushed.map(|p| p.commit)),
        (None, report.commit)
    );
}

#[test]
fn re_applies_the_commit_when_the_remote_moved_ahead() {
    let (remote, a) = Remote::new();
    let b = remote.clone_as("b");
    b.write("README.md", "from b\n");
    b.commit_all("b's change");
    b.git(&["push", "-q", "origin", "HEAD"]);
    let b_tip = b.head().unwrap();

    a.write("posts/2020-10-30.toml", &bump(5000));
    let report = publish(a.work(), &archive_of(a.work()), &push_options(None)).unwrap();
    let pushed = report.pushed.unwrap();
    assert_eq!((pushed.attempts, pushed.reapplied), (2, true));
    let branch = current_branch(&a);
    assert_eq!(remote.tip(&branch), Some(pushed.commit));
    assert_eq!(a.head(), Some(pushed.commit));
    assert_eq!(a.git(&["rev-parse", "HEAD~1"]).trim(), b_tip.to_string());
    assert_eq!(a.git(&["log", "-1", "--format=%s"]), "Hot Papers 2020-10-30\n");
    assert_eq!(
        a.read("README.md"),
        "from b\n",
        "the work tree follows the re-applied commit"
    );
    assert_eq!(a.status(), "");
    a.assert_fsck_clean();
}

#[test]
fn a_day_file_changed_on_both_sides_is_a_conflict() {
    let (remote, a) = Remote::new();
    let b = remote.clone_as("b");
    b.write("posts/2020-10-30.toml", &bump(1));
    b.commit_all("b edits the day");
    b.git(&["push", "-q", "origin", "HEAD"]);
    a.write("posts/2020-10-30.toml", &bump(2));
    let error = publish(a.work(), &archive_of(a.work()), &push_options(None)).unwrap_err();
    assert!(
        matches!(&error, PublishError::Push(PushError::Conflict(path)) if path == "posts/2020-10-30.toml"),
        "{error}"
    );
    assert_eq!(remote.tip(&current_branch(&a)), b.head());
}

#[test]
fn a_detached_head_needs_a_branch_name() {
    let (remote, a) = Remote::new();
    a.git(&["checkout", "-q", "--detach"]);
    a.write("posts/2020-10-30.toml", &bump(7));
    let error = publish(a.work(), &archive_of(a.work()), &push_options(None)).unwrap_err();
    assert!(
        matches!(&error, PublishError::Push(PushError::Detached)),
        "{error}"
    );
    assert_eq!(a.status(), " M posts/2020-10-30.toml\n", "nothing was written");
    let report = publish(a.work(), &archive_of(a.work()), &push_options(Some("published"))).unwrap();
    assert_eq!(remote.tip("published"), report.commit);
    assert!(a.repo.head_detached().unwrap());
}

#[test]
fn a_refused_push_is_a_clear_error() {
    let (remote, a) = Remote::new();
    let branch = current_branch(&a);
    // Another process is updating the remote branch: its ref is locked.
    std::fs::write(remote.bare.path().join(format!("refs/heads/{branch}.lock")), "").unwrap();
    let before = remote.tip(&branch);
    a.write("posts/2020-10-30.toml", &bump(9));
    let error = publish(a.work(), &archive_of(a.work()), &push_options(None)).unwrap_err();
    assert!(
        matches!(&error, PublishError::Push(PushError::Refused(_))),
        "{error}"
    );
    assert_eq!(remote.tip(&branch), before);
}

fn render_site(repo: &TempRepo) -> Vec<hotpapers::SiteFile> {
    let archive = archive_of(repo.work());
    let theme = hotpapers::Theme::load(&crate::util::project_dir()).unwrap();
    hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap()
}

fn publish_site(repo: &TempRepo) -> hotpapers::Report {
    publish(
        repo.work(),
        &archive_of(repo.work()),
        &PublishOptions {
            env: Some(BTreeMap::new()),
            push: Some(PushTarget::new("origin")),
            site: Some(render_site(repo).into()),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn the_pages_branch_is_pushed_and_reapplied_when_the_remote_moved() {
    let (remote, a) = Remote::new();
    let b = remote.clone_as("b");
    // `a` publishes the site first.
    let first = publish_site(&a).pages.unwrap();
    let pushed = first.pushed.clone().unwrap();
    assert_eq!(remote.tip("gh-pages"), Some(pushed.1));
    assert_eq!(first.commit, Some(pushed.1));

    // `b` cloned before that: its site goes on top of `a`'s, not beside it.
    b.write("hotpapers.toml", "[blog]\ntitle = \"Other Title\"\n");
    b.commit_all("rename the blog");
    let second = publish_site(&b).pages.unwrap();
    let tip = remote.tip("gh-pages").unwrap();
    assert_eq!(second.pushed.as_ref().map(|p| p.1), Some(tip));
    let bare = git2::Repository::open_bare(remote.bare.path()).unwrap();
    let commit = bare.find_commit(tip).unwrap();
    assert_eq!(
        commit.parent_id(0).unwrap(),
        pushed.1,
        "one commit on top of the last"
    );
    let index = git_in(remote.bare.path(), &["show", "gh-pages:index.html"]);
    assert!(index.contains("Other Title"));
    assert_eq!(
        git_in(remote.bare.path(), &["log", "--format=%s", "gh-pages"])
            .lines()
            .count(),
        2
    );
}
