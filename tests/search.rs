//! The search index on the pages branch: `hotpapers::commit_search_index`
//! replaces `pagefind/` whole in a commit of its own, and the site's publish
//! carries that folder over untouched (the index itself is built and opened
//! in a browser by the curator tools' tests and `tests/browser.rs`).

use std::collections::BTreeMap;

use hotpapers::{PublishError, PublishOptions, Site, Theme};

use crate::util::{archive_of, rendered, TempRepo, OCT_30};

const AUTHOR: &str = "Search <search@example.com>";

fn publish_site(repo: &TempRepo) -> hotpapers::PagesReport {
    let options = PublishOptions {
        site: Some(rendered(repo.path()).into()),
        env: Some(BTreeMap::new()),
        ..PublishOptions::default()
    };
    hotpapers::publish(repo.path(), &archive_of(repo.path()), &options)
        .unwrap()
        .pages
        .unwrap()
}

fn index(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(path, text)| ((*path).to_owned(), text.as_bytes().to_vec()))
        .collect()
}

fn commit(
    repo: &TempRepo,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<hotpapers::SearchIndexReport, PublishError> {
    let site = Site::load(repo.path()).unwrap();
    hotpapers::commit_search_index(
        repo.path(),
        &site,
        files,
        "search index of 2 papers",
        Some(AUTHOR.into()),
    )
}

fn changed_paths(repo: &TempRepo, from: &str, to: &str) -> Vec<String> {
    repo.git(&["diff", "--name-only", "--no-renames", from, to])
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_search_index_replaces_its_folder_in_a_commit_of_its_own() {
    let repo = crate::util::with_days_committed();
    // Nothing to add it to yet.
    let error = commit(&repo, &index(&[("pagefind.js", "a")])).unwrap_err();
    assert!(
        matches!(error, PublishError::NoPagesBranch(ref b) if b == "gh-pages"),
        "{error}"
    );

    publish_site(&repo);
    let site_commit = repo.git(&["rev-parse", "gh-pages"]).trim().to_owned();
    let first = index(&[("pagefind.js", "one"), ("index/en_1.pf_index", "two")]);
    let report = commit(&repo, &first).unwrap();
    assert_eq!((report.files, report.changed), (2, 2));
    assert_eq!(
        repo.git(&["rev-parse", "gh-pages"]).trim(),
        report.commit.unwrap().to_string()
    );
    assert_eq!(
        changed_paths(&repo, &site_commit, "gh-pages"),
        ["pagefind/index/en_1.pf_index", "pagefind/pagefind.js"]
    );
    assert_eq!(repo.git(&["show", "gh-pages:pagefind/pagefind.js"]), "one");
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s|%an <%ae>", "gh-pages"])
            .trim(),
        format!("Site: search index of 2 papers|{AUTHOR}")
    );
    // The main branch, its work tree and HEAD are as they were.
    assert_eq!(repo.git(&["status", "--porcelain"]), "");

    // The same index again: no commit.
    let again = commit(&repo, &first).unwrap();
    assert_eq!((again.changed, again.commit), (0, None));

    // A smaller one: what it no longer has goes.
    let before = repo.git(&["rev-parse", "gh-pages"]).trim().to_owned();
    let second = index(&[("pagefind.js", "three")]);
    assert_eq!(commit(&repo, &second).unwrap().changed, 2);
    assert_eq!(
        changed_paths(&repo, &before, "gh-pages"),
        ["pagefind/index/en_1.pf_index", "pagefind/pagefind.js"]
    );
    assert!(
        repo.git(&["ls-tree", "-r", "--name-only", "gh-pages", "pagefind"])
            .trim()
            == "pagefind/pagefind.js"
    );

    // The site's next publish keeps it, and neither lists it as someone
    // else's nor counts its commit as one.
    repo.write(
        "posts/2020-10-30.toml",
        &OCT_30.replacen("retweets = 4696", "retweets = 4697", 1),
    );
    repo.commit_all("edit");
    let pages = publish_site(&repo);
    assert!(pages.commit.is_some());
    assert_eq!((pages.kept.len(), pages.foreign_commits), (0, 0));
    assert_eq!(repo.git(&["show", "gh-pages:pagefind/pagefind.js"]), "three");
    let manifest = repo.git(&["show", &format!("gh-pages:{}", hotpapers::SITE_MANIFEST)]);
    assert!(!manifest.contains("pagefind"), "{manifest}");
    repo.assert_fsck_clean();
}

#[test]
fn an_index_file_with_a_path_a_tree_cannot_hold_is_refused_and_nothing_moves() {
    let repo = crate::util::with_days_committed();
    publish_site(&repo);
    let tip = repo.git(&["rev-parse", "gh-pages"]);
    for bad in ["../escape", ".git/config", "a//b", "/root", "x\\y"] {
        let error = commit(&repo, &index(&[("pagefind.js", "a"), (bad, "b")])).unwrap_err();
        assert!(
            matches!(error, PublishError::BadIndexPath(ref p) if p == bad),
            "{bad}: {error}"
        );
        assert_eq!(repo.git(&["rev-parse", "gh-pages"]), tip);
    }
    repo.assert_fsck_clean();
}

#[test]
fn a_theme_cannot_put_a_static_file_in_the_search_index_folder() {
    let repo = crate::util::with_days_committed();
    repo.write("static/pagefind/pagefind.js", "// not the index");
    let archive = archive_of(repo.path());
    let theme = Theme::load(repo.path()).unwrap();
    let error = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap_err();
    assert!(
        error.to_string().contains("static/pagefind/pagefind.js"),
        "{error}"
    );
    assert!(error.to_string().contains("the search index"), "{error}");
}
