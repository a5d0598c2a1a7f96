//! Cargo rebuilds the site when a day-file, the settings, a template or a static
//! file is edited, added or removed, and only then (build.rs). Checked on a copy
//! of the repository with a real `cargo build` and `cargo run`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::run;
use crate::util::project_dir;

/// What a copy of the site needs to build.
const SITE_FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
    "src",
    "hotpapers",
    "hotpapers-cli",
    "hotpapers-macros",
    "xtask",
    "tests",
    "posts",
    "templates",
    "static",
    "hotpapers.toml",
];

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() != "target" {
                copy(&entry.path(), &to.join(entry.file_name()));
            }
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

/// Held by each test while it builds: they share one target folder, where
/// the site binary of one copy would otherwise replace another's between its
/// build and its run.
static TARGET: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A copy of the site in a temporary folder (kept while the first is), its
/// root, and the target folder the tests share, so that only the site and its
/// path dependencies build here.
fn site_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    for file in SITE_FILES {
        copy(&project_dir().join(file), &site.join(file));
    }
    (dir, site, project_dir().join("target/rebuild-test"))
}

/// `cargo build` of the site binary in `site`, into `target`, with `args`.
fn cargo_build(site: &Path, target: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["build", "--bin", "hotpapers-site"])
        .args(args)
        .current_dir(site)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("HOTPAPERS_MANIFEST_DIR");
    command
}

/// Builds the site binary; whether cargo recompiled it.
fn build(site: &Path, target: &Path) -> bool {
    let (out, _, log) = run(&mut cargo_build(site, target, &["--verbose"]));
    assert!(out.status.success(), "{log}");
    log.lines()
        .any(|l| l.trim_start().starts_with("Compiling hotpapers-site"))
}

#[test]
fn the_site_is_rebuilt_when_a_day_file_is_edited_added_or_removed() {
    let _target = TARGET.lock().unwrap_or_else(|e| e.into_inner());
    let (_dir, site, target) = site_copy();
    build(&site, &target);
    assert!(!build(&site, &target), "nothing changed: nothing is rebuilt");

    let day = site.join("posts/2020-12-07.toml");
    let text = std::fs::read_to_string(&day).unwrap();
    std::fs::write(&day, format!("{text}draft = true\n")).unwrap();
    assert!(build(&site, &target), "an edited day-file is rebuilt");
    assert!(!build(&site, &target));

    std::fs::write(
        site.join("posts/2020-12-08.toml"),
        "date = 2020-12-08\npublished = 2020-12-09T00:00:00Z\n",
    )
    .unwrap();
    assert!(build(&site, &target), "an added day-file is rebuilt");

    std::fs::remove_file(site.join("posts/2020-12-08.toml")).unwrap();
    assert!(build(&site, &target), "a removed day-file is rebuilt");
    assert!(!build(&site, &target));

    // The theme's own 404 page, replacing the built-in one, then edited.
    let template = site.join("templates/404.html");
    let page = std::fs::read_to_string(site.join("hotpapers/src/blog/builtins/404.html")).unwrap();
    std::fs::write(&template, page.replace("Not found", "Nothing here")).unwrap();
    assert!(build(&site, &target), "an added template is rebuilt");
    std::fs::write(&template, page.replace("Not found", "Nothing at all")).unwrap();
    assert!(build(&site, &target), "an edited template is rebuilt");
    std::fs::write(site.join("static/extra.txt"), "x").unwrap();
    assert!(build(&site, &target), "an added static file is rebuilt");
    assert!(!build(&site, &target));

    std::fs::write(&template, page.replace("{% endblock %}", "{% endblock %")).unwrap();
    let (out, _, log) = run(&mut cargo_build(&site, &target, &[]));
    assert!(!out.status.success(), "a broken template fails the build");
    assert!(log.contains("error: templates/404.html:"), "{log}");
    std::fs::write(&template, page).unwrap();

    std::fs::write(
        site.join("posts/2020-12-07.toml"),
        text.replace("date = 2020-12-07", "date = 2020-12-06"),
    )
    .unwrap();
    let (out, _, log) = run(&mut cargo_build(&site, &target, &[]));
    assert!(!out.status.success(), "a bad day-file fails the build");
    assert!(
        log.contains(
            "error: posts/2020-12-07.toml:1:8: `date` is 2020-12-06 but the file is named `2020-12-07.toml`"
        ),
        "{log}"
    );
}

#[test]
fn an_archive_included_instead_of_linked_gives_the_same_posts_from_the_cache_s_own_files() {
    // Where the archive is not linked (MSVC, or `HOTPAPERS_INCLUDE_ARCHIVE`),
    // rustc includes each month's part from the cache in `OUT_DIR`, not a copy.
    let _target = TARGET.lock().unwrap_or_else(|e| e.into_inner());
    let (_dir, site, target) = site_copy();
    let (out, stdout, log) =
        run(cargo_build(&site, &target, &["--message-format=json"]).env("HOTPAPERS_INCLUDE_ARCHIVE", "1"));
    assert!(out.status.success(), "{log}");
    let mut out_dir = None;
    let mut binary = None;
    for line in stdout.lines() {
        let message: serde_json::Value = serde_json::from_str(line).unwrap();
        if !message["package_id"]
            .as_str()
            .unwrap_or_default()
            .contains("hotpapers-site")
        {
            continue;
        }
        match message["reason"].as_str() {
            Some("build-script-executed") => out_dir = message["out_dir"].as_str().map(PathBuf::from),
            Some("compiler-artifact") => binary = message["executable"].as_str().map(PathBuf::from),
            _ => {}
        }
    }
    let (out_dir, binary) = (
        out_dir.expect("the site's OUT_DIR"),
        binary.expect("the site binary"),
    );
    // No part was linked, and none copied beside the cache (the target folder is
    // shared with the other test, so its `OUT_DIR` may hold the linked ones').
    let bytes = std::fs::read(&binary).unwrap();
    assert!(
        !bytes.windows(15).any(|w| w == b"hotpapers_part_"),
        "no symbol of a linked part"
    );
    let contents = |dir: &Path, keep: &dyn Fn(&str) -> bool| -> Vec<Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| keep(&e.file_name().to_string_lossy()))
            .map(|e| std::fs::read(e.path()).unwrap())
            .collect()
    };
    let parts = contents(&out_dir.join("hotpapers-days"), &|name| name.ends_with(".part"));
    let written = contents(&out_dir, &|name| name.starts_with("hotpapers-archive-"));
    assert!(!parts.is_empty() && !written.is_empty());
    assert!(
        written.iter().all(|file| !parts.contains(file)),
        "a part was copied out of the cache"
    );

    let (out, _, log) = run(Command::new("git").args(["init", "-q"]).current_dir(&site));
    assert!(out.status.success(), "{log}");
    let (out, _, log) = run(Command::new(&binary)
        .arg("--root")
        .arg(&site)
        .args(["--no-commit", "--no-site"]));
    assert!(out.status.success(), "{log}");
    for name in ["2020-10-30---Hot-Papers.md", "2020-12-07---Hot-Papers.md"] {
        assert_eq!(
            std::fs::read_to_string(site.join("content/posts").join(name)).unwrap(),
            std::fs::read_to_string(project_dir().join("tests/golden").join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn the_shipped_settings_file_is_the_defaults() {
    let text = std::fs::read_to_string(project_dir().join(hotpapers::SITE_FILE)).unwrap();
    assert_eq!(
        hotpapers::Site::from_toml(hotpapers::SITE_FILE, &text).unwrap(),
        hotpapers::Site::default()
    );
}

/// A plain `cargo run` in `site`: it must publish.
fn cargo_run(site: &Path, target: &Path) -> String {
    let (out, stdout, log) = run(Command::new(env!("CARGO"))
        .args(["run", "--quiet"])
        .current_dir(site)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("HOTPAPERS_MANIFEST_DIR")
        .env("GIT_AUTHOR_NAME", "Site Owner")
        .env("GIT_AUTHOR_EMAIL", "owner@example.com")
        .env("GIT_COMMITTER_NAME", "Site Owner")
        .env("GIT_COMMITTER_EMAIL", "owner@example.com"));
    assert!(out.status.success(), "{stdout}{log}");
    stdout
}

/// A file of the site's pages branch, or `None`.
fn on_pages(site: &Path, path: &str) -> Option<String> {
    let (out, stdout, _) = run(Command::new("git")
        .args(["show", &format!("gh-pages:{path}")])
        .current_dir(site));
    out.status.success().then_some(stdout)
}

#[test]
fn settings_templates_and_static_files_added_edited_or_removed_publish_with_a_plain_cargo_run() {
    let _target = TARGET.lock().unwrap_or_else(|e| e.into_inner());
    let (_dir, site, target) = site_copy();
    let git = |args: &[&str]| {
        let (out, _, log) = run(Command::new("git").args(args).current_dir(&site));
        assert!(out.status.success(), "git {args:?}: {log}");
    };
    std::fs::write(site.join(".gitignore"), "/target\n").unwrap();
    git(&["init", "-q"]);
    git(&["-c", "user.name=O", "-c", "user.email=o@example.com", "add", "-A"]);
    git(&[
        "-c",
        "user.name=O",
        "-c",
        "user.email=o@example.com",
        "commit",
        "-qm",
        "site",
    ]);
    cargo_run(&site, &target);
    let index = || on_pages(&site, "index.html").unwrap();
    assert!(index().contains("Hot arXiv Papers"));

    // The settings: edited, removed, and added again.
    let settings = site.join(hotpapers::SITE_FILE);
    let shipped = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        shipped.replace("# title = \"Hot arXiv Papers\"", "title = \"My Papers\""),
    )
    .unwrap();
    cargo_run(&site, &target);
    assert!(
        index().contains("My Papers"),
        "an edited settings file is published"
    );
    std::fs::remove_file(&settings).unwrap();
    cargo_run(&site, &target);
    assert!(
        index().contains("Hot arXiv Papers"),
        "a removed settings file is published"
    );
    std::fs::write(&settings, "[blog]\ntitle = \"Papers Again\"\n").unwrap();
    cargo_run(&site, &target);
    assert!(
        index().contains("Papers Again"),
        "an added settings file is published"
    );

    // A template the theme includes when it is there: added, edited, removed
    // (in the theme's own `post.html`, copied from the built-in one).
    let post = site.join("templates/post.html");
    let source = std::fs::read_to_string(site.join("hotpapers/src/blog/builtins/post.html")).unwrap();
    let with_note = source.replacen(
        "{% block content %}",
        "{% block content %}{% include \"note.html\" ignore missing %}",
        1,
    );
    assert_ne!(with_note, source);
    std::fs::write(&post, with_note).unwrap();
    let note = site.join("templates/note.html");
    let day_page = || on_pages(&site, "posts/hot-papers-2020-12-07/index.html").unwrap();
    std::fs::write(&note, "<p>NOTE-ONE</p>").unwrap();
    cargo_run(&site, &target);
    assert!(day_page().contains("NOTE-ONE"), "an added template is published");
    std::fs::write(&note, "<p>NOTE-TWO</p>").unwrap();
    cargo_run(&site, &target);
    assert!(day_page().contains("NOTE-TWO"), "an edited template is published");
    std::fs::remove_file(&note).unwrap();
    cargo_run(&site, &target);
    assert!(!day_page().contains("NOTE-"), "a removed template is published");

    // A static file: added, edited, removed.
    let extra = site.join("static/extra.txt");
    std::fs::write(&extra, "one\n").unwrap();
    cargo_run(&site, &target);
    assert_eq!(on_pages(&site, "extra.txt").as_deref(), Some("one\n"));
    std::fs::write(&extra, "two\n").unwrap();
    cargo_run(&site, &target);
    assert_eq!(on_pages(&site, "extra.txt").as_deref(), Some("two\n"));
    std::fs::remove_file(&extra).unwrap();
    cargo_run(&site, &target);
    assert_eq!(
        on_pages(&site, "extra.txt"),
        None,
        "a removed static file is gone"
    );
}
