//! What a security review found, each hole closed where it is owned and tried
//! as a careless contributor would: links on the way to the folders the tool
//! reads and writes, static files that take a page's place, templates that
//! print day-file text raw, scores at their limits, hand edits on the pages
//! branch, and the reflog a publish writes.

use std::collections::BTreeMap;
use std::path::Path;

use hotpapers::{BlogError, PublishError, PublishOptions, Site, Theme};

use crate::util::{archive_of, project_dir, rendered, TempRepo, OCT_30};

fn options() -> PublishOptions {
    PublishOptions {
        env: Some(BTreeMap::new()),
        ..PublishOptions::default()
    }
}

fn with_days() -> TempRepo {
    crate::util::with_days_committed()
}

fn publish_site(repo: &TempRepo) -> hotpapers::Report {
    let options = PublishOptions {
        site: Some(rendered(repo.path()).into()),
        ..options()
    };
    hotpapers::publish(repo.path(), &archive_of(repo.path()), &options).unwrap()
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[cfg(unix)]
#[test]
fn a_theme_folder_that_is_a_link_is_refused_so_git_s_config_is_never_published() {
    let repo = with_days();
    for folder in ["static", "templates"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        link(&repo.path().join(".git"), &root.join(folder));
        let error = Theme::load(root).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("`{folder}` is a symbolic link")),
            "{error}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_linked_posts_folder_is_refused_when_publishing() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("2020-10-30.toml"), OCT_30).unwrap();
    let repo = TempRepo::new();
    repo.write("README.md", "x\n");
    repo.commit_all("start");
    link(elsewhere.path(), &repo.path().join("posts"));
    let archive = archive_of(repo.path());
    let error = hotpapers::publish(repo.path(), &archive, &options()).unwrap_err();
    assert!(
        matches!(&error, PublishError::Symlink(link) if link == "posts"),
        "{error}"
    );
    assert_eq!(repo.git(&["log", "--format=%s"]), "start\n");
}

#[cfg(unix)]
#[test]
fn a_site_folder_is_written_and_cleaned_only_through_real_folders() {
    let files = rendered(&project_dir());
    // A linked folder inside the site folder receives no page.
    let out = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    link(elsewhere.path(), &out.path().join("posts"));
    let error = hotpapers::write_site(out.path(), &files).unwrap_err();
    assert!(error.to_string().contains("is a symbolic link"), "{error}");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);

    // A list entry under a linked folder removes nothing outside.
    let out = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("victim.txt"), "keep me\n").unwrap();
    link(elsewhere.path(), &out.path().join("linked"));
    std::fs::write(out.path().join(hotpapers::SITE_MANIFEST), "linked/victim.txt\n").unwrap();
    let error = hotpapers::write_site(out.path(), &files).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`linked` in the site folder is a symbolic link"),
        "{error}"
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.path().join("victim.txt")).unwrap(),
        "keep me\n"
    );
}

#[test]
fn a_static_file_where_the_blog_writes_a_page_is_refused_before_anything_is_written() {
    let archive = archive_of(&project_dir());
    for (asset, page) in [
        ("stats", "stats/index.html"),
        ("index.html", "index.html"),
        ("rss.xml/x.css", "rss.xml"),
        (
            "posts/hot-papers-2020-10-30",
            "posts/hot-papers-2020-10-30/index.html",
        ),
    ] {
        let mut theme = Theme::load(&project_dir()).unwrap();
        theme.assets.push((asset.into(), b"x".as_slice().into()));
        let error = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap_err();
        assert!(
            matches!(&error, BlogError::AssetCollision { asset: a, page: p } if a == asset && p == page),
            "{asset}: {error}"
        );
        assert_eq!(
            error.to_string(),
            format!("`static/{asset}` is where the blog writes `{page}`; rename or move the static file")
        );
    }
    // The build's check of the theme says so for the fixed routes.
    let mut theme = Theme::load(&project_dir()).unwrap();
    theme.assets.push(("stats".into(), b"x".as_slice().into()));
    assert!(matches!(
        hotpapers::check_theme(&archive.site, &theme),
        Err(BlogError::AssetCollision { .. })
    ));
}

#[test]
fn every_template_escapes_whatever_its_file_is_called() {
    let mut archive = archive_of(&project_dir());
    let attack = "Attack\" autofocus onfocus=\"alert(1)";
    archive.days[0].papers[0].title = attack.into();
    for partial in ["toc.jinja", "toc.j2", "toc.htm", "toc"] {
        // The built-in `post.html`, made to include the partial.
        let mut theme = Theme::load(&project_dir()).unwrap();
        let (_, post) = hotpapers::BUILTIN_TEMPLATES
            .iter()
            .find(|(n, _)| *n == "post.html")
            .unwrap();
        let include = format!("{{% block content %}}{{% include \"{partial}\" %}}");
        theme.templates.push((
            "post.html".into(),
            post.replacen("{% block content %}", &include, 1).into(),
        ));
        theme.templates.push((
            partial.into(),
            "{% for paper in post.papers %}<a title=\"{{ paper.title }}\">{{ paper.rank }}</a>{% endfor %}"
                .into(),
        ));
        let files = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
        let page = files
            .iter()
            .find(|f| f.path == "posts/hot-papers-2020-10-30/index.html")
            .unwrap();
        let page = std::str::from_utf8(&page.bytes).unwrap();
        assert!(
            page.contains("<a title=\"Attack&quot; autofocus onfocus=&quot;alert(1)\">1</a>"),
            "{partial}: {page}"
        );
        assert!(!page.contains("<a title=\"Attack\" autofocus"), "{partial}");
    }
}

#[test]
fn scores_at_their_limits_saturate_instead_of_panicking() {
    let paper = |i: usize| {
        format!(
            "\n[[paper]]\narxiv = \"2012.{i:05}\"\ntitle = 'Paper {i}'\nauthors = ['A']\ncategories = ['cs.LG']\n\
             retweets = 4294967295\nfavorites = 4294967295\nhuggingface = {{ upvotes = 4294967295 }}\n\
             hackernews = {{ points = 4294967295, comments = 1, story = 1 }}\nabstract = 'x'\n"
        )
    };
    let mut text = String::from("date = 2020-12-07\npublished = 2020-12-08T13:04:41Z\n");
    for i in 1..=40 {
        text.push_str(&paper(i));
    }
    let (day, diagnostics) = hotpapers::parse_day("posts/2020-12-07.toml", &text);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let mut site = Site::default();
    // Past what settings accept, as an older binary's settings could be.
    site.collect.weights = hotpapers::Weights {
        twitter: u32::MAX,
        huggingface: u32::MAX,
        hackernews: u32::MAX,
        bluesky: u32::MAX,
    };
    let days = vec![day.unwrap()];
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog(&site, &days, &theme).unwrap();
    let stats = files.iter().find(|f| f.path == "stats/index.html").unwrap();
    assert!(String::from_utf8_lossy(&stats.bytes).contains("18446744073709551615"));
    hotpapers::render(&days[0], &site);
}

/// Commits `files` on the pages branch as a person would, in a worktree of it.
fn commit_by_hand(repo: &TempRepo, branch: &str, change: impl FnOnce(&Path)) {
    let dir = tempfile::tempdir().unwrap();
    let worktree = dir.path().join("pages");
    let worktree_arg = worktree.to_str().unwrap();
    repo.git(&["worktree", "add", "-q", worktree_arg, branch]);
    change(&worktree);
    crate::util::git_in(&worktree, &["add", "-A"]);
    crate::util::git_in(&worktree, &["commit", "-q", "-m", "By hand"]);
    repo.git(&["worktree", "remove", worktree_arg]);
}

#[test]
fn files_a_person_put_on_the_pages_branch_are_kept_and_their_commits_reported() {
    let repo = with_days();
    let first = publish_site(&repo).pages.unwrap();
    assert_eq!((first.foreign_commits, first.kept.len()), (0, 0));
    let listed = repo.git(&["show", &format!("gh-pages:{}", hotpapers::SITE_MANIFEST)]);
    assert!(
        listed
            .lines()
            .any(|l| l == "posts/hot-papers-2020-10-30/index.html"),
        "{listed}"
    );
    // GitHub's Pages settings commit a CNAME; a site owner adds a verification file.
    commit_by_hand(&repo, "gh-pages", |pages| {
        std::fs::write(pages.join("CNAME"), "papers.example.org\n").unwrap();
        std::fs::write(pages.join("google123.html"), "google-site-verification\n").unwrap();
    });
    let edited = OCT_30.replacen("retweets = 4696", "retweets = 4697", 1);
    repo.write("posts/2020-10-30.toml", &edited);
    repo.commit_all("edit");
    let second = publish_site(&repo).pages.unwrap();
    assert!(second.commit.is_some());
    assert_eq!(second.foreign_commits, 1);
    assert_eq!(second.kept, ["CNAME", "google123.html"]);
    assert_eq!(repo.git(&["show", "gh-pages:CNAME"]), "papers.example.org\n");
    assert_eq!(
        repo.git(&["show", "gh-pages:google123.html"]),
        "google-site-verification\n"
    );

    // A revert on the branch is a hand edit too: the pages follow `main`, and
    // the run says so.
    let tip = repo.git(&["rev-parse", "gh-pages"]).trim().to_owned();
    commit_by_hand(&repo, "gh-pages", |pages| {
        crate::util::git_in(pages, &["revert", "--no-edit", "--no-commit", &tip]);
    });
    let third = publish_site(&repo).pages.unwrap();
    assert_eq!(third.foreign_commits, 1);
    assert_eq!(third.kept, ["CNAME", "google123.html"]);
    let page = repo.git(&["show", "gh-pages:posts/hot-papers-2020-10-30/index.html"]);
    assert!(page.contains("retweets: 4697"), "{page}");
    // Nobody else since: nothing to say.
    let fourth = hotpapers::publish(
        repo.path(),
        &archive_of(repo.path()),
        &PublishOptions {
            site: Some(rendered(repo.path()).into()),
            ..options()
        },
    )
    .unwrap()
    .pages
    .unwrap();
    assert_eq!((fourth.foreign_commits, fourth.commit), (0, None));
}

#[test]
fn a_detached_publish_writes_git_s_reflog_entries_and_checkout_dash_goes_back() {
    let repo = with_days();
    let branch = repo.git(&["branch", "--show-current"]).trim().to_owned();
    repo.git(&["checkout", "-q", "--detach"]);
    let report = publish_site(&repo);
    assert!(repo.repo.head_detached().unwrap());
    let subject = report
        .message
        .as_deref()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        repo.git(&["reflog", "-1", "--format=%gs", "HEAD"]).trim(),
        format!("commit: {subject}")
    );
    assert_eq!(
        repo.git(&["reflog", "-1", "--format=%gs", "gh-pages"]).trim(),
        format!("commit (initial): Site: {subject}")
    );
    repo.git(&["checkout", "-q", "-"]);
    assert_eq!(repo.git(&["branch", "--show-current"]).trim(), branch);
}
