//! `hotpapers search build`, end to end: the index of the project's real days
//! written beside the blog and searched in headless Chromium (a word of a
//! title, its stem, a word in no paper, a query with markup), then committed
//! into a pages branch and left alone when it has not changed.

use std::path::Path;
use std::process::Command;

use crate::chromium::{chromium, serve, visit_settled};
use crate::run::run;
use crate::{copy_dir, git, project_dir};

/// A site with the project's day-files, settings and theme.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["posts", "static"] {
        copy_dir(&project_dir().join(folder), &dir.path().join(folder));
    }
    std::fs::copy(
        project_dir().join("hotpapers.toml"),
        dir.path().join("hotpapers.toml"),
    )
    .unwrap();
    dir
}

fn hotpapers(root: &Path, args: &[&str]) -> (bool, String, String) {
    let (out, stdout, stderr) = run(Command::new(env!("CARGO_BIN_EXE_hotpapers"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL"));
    (out.status.success(), stdout, stderr)
}

/// The blog as `cargo run -- --site-dir` writes it.
fn write_blog(root: &Path, out: &Path) -> usize {
    let site = hotpapers::Site::load(root).unwrap();
    let days = hotpapers::load_dir_shown(&root.join("posts"), "posts")
        .unwrap()
        .days;
    let theme = hotpapers::Theme::load(root).unwrap();
    let files = hotpapers::render_blog(&site, &days, &theme).unwrap();
    hotpapers::write_site(out, &files).unwrap();
    hotpapers::search_records(&site, &days, &theme).unwrap().len()
}

#[test]
fn the_index_is_built_beside_the_blog_and_searched_in_chromium() {
    let root = site();
    // Text that only looks like markup, as real abstracts have it.
    let day = root.path().join("posts/2020-10-30.toml");
    let text = std::fs::read_to_string(&day).unwrap();
    let marked = text
        .replacen(
            "of the eight Thurston geometries",
            "of the eight Thurston geometries (k<2 and $m<n^{1.19}$)",
            1,
        )
        .replacen(
            "'Ray-marching Thurston geometries'",
            "'Ray-marching Thurston geometries & k<2'",
            1,
        );
    assert_ne!(marked, text);
    std::fs::write(&day, marked).unwrap();
    let blog = tempfile::tempdir().unwrap();
    let papers = write_blog(root.path(), blog.path());
    assert_eq!(papers, 9, "the real 2020-10-30 shows nine papers");

    let (ok, stdout, stderr) = hotpapers(
        root.path(),
        &["search", "build", "--out", blog.path().to_str().unwrap()],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("search: 9 paper(s) on 1 day(s), "), "{stdout}");
    let index = blog.path().join("pagefind");
    for file in ["pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"] {
        assert!(index.join(file).is_file(), "no {file}");
    }
    let fragments = std::fs::read_dir(index.join("fragment")).unwrap().count();
    assert_eq!(fragments, 1, "a fragment per day");
    // Built again: replaced whole, nothing left beside it.
    assert!(
        hotpapers(
            root.path(),
            &["search", "build", "--out", blog.path().to_str().unwrap()]
        )
        .0
    );
    let leftovers: Vec<_> = std::fs::read_dir(blog.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".pagefind"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let Some(browser) = chromium() else { return };
    let origin = serve(blog.path());
    let shots = project_dir().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    // Once the results are shown (the status is set with them).
    let ready = r#"doc.getElementById("search-results").getAttribute("aria-busy") === "false""#;
    let search = |query: &str, shot: Option<&str>| {
        let path = format!("/search/?q={query}");
        let settled =
            |shot: Option<(&Path, &str)>| visit_settled(&browser, blog.path(), &origin, &path, ready, shot);
        let page = settled(None);
        assert!(page.errors.is_empty(), "{path}: {:?}", page.errors);
        if let Some(name) = shot {
            for (size, window) in [("desktop", "1280,1400"), ("phone", "390,1400")] {
                let file = shots.join(format!("{name}-{size}.png"));
                let _ = std::fs::remove_file(&file);
                let shot = settled(Some((&file, window)));
                assert!(shot.errors.is_empty(), "{path}: {:?}", shot.errors);
                assert!(std::fs::read(&file).is_ok_and(|png| png.starts_with(b"\x89PNG")));
            }
        }
        page.dom
    };

    // A word of one real title, by its stem: "geometry" finds "geometries".
    let found = search("geometry", Some("search"));
    assert!(found.contains("1 paper matches “geometry”."), "{found}");
    assert!(
        found.contains(r#"<a href="/papers/2010.15801/">Ray-marching Thurston geometries &amp; k&lt;2</a>"#),
        "{found}"
    );
    assert!(found.contains("<mark>geometries</mark>"), "{found}");
    assert!(found.contains("(k&lt;2 and m &lt; n^1.19)"), "{found}");
    assert!(
        found.contains(
            "Rémi Coulon, Elisabetta A. Matsumoto, Henry Segerman et al. · 2010.15801 · 2020-10-30"
        ),
        "{found}"
    );
    // An author and an arXiv id find their papers too, and only them.
    for query in ["2010.15801", "Segerman"] {
        let page = search(query, None);
        assert!(page.contains(r#"href="/papers/2010.15801/""#), "{page}");
        assert!(page.contains(&format!("1 paper matches “{query}”.")), "{page}");
    }
    // A word of several papers of the day: each once, by its own page.
    let several = search("learning", None);
    let links: Vec<&str> = several
        .split(r#"<a href="/papers/"#)
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    let mut unique = links.clone();
    unique.sort();
    unique.dedup();
    assert!(links.len() > 1 && unique.len() == links.len(), "{links:?}");
    assert!(
        several.contains(&format!("{} papers match “learning”.", links.len())),
        "{several}"
    );

    let none = search("zzyzxnotaword", None);
    assert!(none.contains("No paper matches “zzyzxnotaword”."), "{none}");
    assert!(!none.contains("<li>"), "{none}");

    // Markup in the query is text, in the status and in the box.
    let markup = search("%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", Some("search-markup"));
    assert!(
        markup.contains("“&lt;img src=x onerror=alert(1)&gt;”"),
        "{markup}"
    );
    let main = &markup[markup.find("<main>").unwrap()..];
    assert!(!main.contains("<img"), "{main}");
}

/// A word of many papers on many days: the page shows the best days' papers
/// first, a page of them, says on how many days papers match until it has
/// read them all, and offers more.
#[test]
fn many_days_are_read_a_few_at_a_time() {
    let root = site();
    // Seven more days, each the real 2020-10-30 under new ids: four of its
    // nine papers say "learning".
    let real = std::fs::read_to_string(root.path().join("posts/2020-10-30.toml")).unwrap();
    for day in 1..=7 {
        let text = real
            .replace("date = 2020-10-30", &format!("date = 2020-11-0{day}"))
            .replace("2020-10-31T", &format!("2020-11-0{day}T"))
            .replace("arxiv = \"2010.1", &format!("arxiv = \"2011.{day}"));
        std::fs::write(root.path().join(format!("posts/2020-11-0{day}.toml")), text).unwrap();
    }
    let blog = tempfile::tempdir().unwrap();
    assert_eq!(write_blog(root.path(), blog.path()), 72);
    let (ok, stdout, stderr) = hotpapers(
        root.path(),
        &["search", "build", "--out", blog.path().to_str().unwrap()],
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.starts_with("search: 72 paper(s) on 8 day(s), "),
        "{stdout}"
    );

    let Some(browser) = chromium() else { return };
    let origin = serve(blog.path());
    let ready = r#"doc.getElementById("search-results").getAttribute("aria-busy") === "false""#;
    let page = visit_settled(&browser, blog.path(), &origin, "/search/?q=learning", ready, None);
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    let dom = page.dom;
    assert!(dom.contains("Papers on 8 days match “learning”."), "{dom}");
    assert_eq!(dom.matches("<li>").count(), 10, "{dom}");
    assert!(
        dom.contains(r#"id="search-more" class="search-more" type="button">"#),
        "{dom}"
    );
    // Each paper shows its own day and page, whichever day it is read from.
    for item in dom.split("<li>").skip(1) {
        let id = &item[item.find("/papers/").unwrap() + 8..][..10];
        let day = match &id[..6] {
            "2010.1" => "2020-10-30".to_owned(),
            other => format!("2020-11-0{}", &other[5..]),
        };
        assert!(item.contains(&format!("· {id} · {day}</p>")), "{item}");
    }
}

#[test]
fn the_index_is_committed_into_the_pages_branch_once() {
    let root = site();
    let dir = root.path();
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "days"]);
    // No pages branch yet: said, nothing made.
    let (ok, _, stderr) = hotpapers(dir, &["search", "build", "--author", "S <s@example.org>"]);
    assert!(!ok);
    assert!(stderr.contains("publish the site first"), "{stderr}");
    assert!(git(dir, &["branch", "--list", "gh-pages"]).is_empty());

    git(dir, &["checkout", "-q", "--orphan", "gh-pages"]);
    git(dir, &["rm", "-q", "-r", "--cached", "."]);
    std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
    git(dir, &["add", "index.html"]);
    git(dir, &["commit", "-q", "-m", "Site: pages"]);
    git(dir, &["checkout", "-q", "-f", "main"]);

    let (ok, stdout, stderr) = hotpapers(dir, &["search", "build", "--author", "S <s@example.org>"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("commit "), "{stdout}");
    assert!(stdout.trim_end().ends_with("on gh-pages"), "{stdout}");
    assert_eq!(
        git(dir, &["log", "-1", "--format=%s|%an", "gh-pages"]),
        "Site: search index of 9 paper(s)|S"
    );
    let listed = git(dir, &["ls-tree", "-r", "--name-only", "gh-pages"]);
    assert!(listed.lines().any(|l| l == "pagefind/pagefind.js"), "{listed}");
    assert!(listed.lines().any(|l| l == "index.html"), "{listed}");
    assert_eq!(git(dir, &["status", "--porcelain"]), "");

    // Nothing changed: no commit.
    let tip = git(dir, &["rev-parse", "gh-pages"]);
    let (ok, stdout, _) = hotpapers(dir, &["search", "build", "--author", "S <s@example.org>"]);
    assert!(ok);
    assert!(stdout.trim_end().ends_with("gh-pages has it already"), "{stdout}");
    assert_eq!(git(dir, &["rev-parse", "gh-pages"]), tip);
    git(dir, &["fsck", "--strict", "--no-dangling"]);
}
