//! Cargo rebuilds the site when a day-file is edited, added or removed, and only
//! then (build.rs). Checked on a copy of the repository with a real `cargo build`.

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

/// Builds the site binary; whether cargo recompiled it.
fn build(site: &Path, target: &Path) -> bool {
    let (out, _, log) = run(Command::new(env!("CARGO"))
        .args(["build", "--bin", "hotpapers-site", "--verbose"])
        .current_dir(site)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("HOTPAPERS_MANIFEST_DIR"));
    assert!(out.status.success(), "{log}");
    log.lines()
        .any(|l| l.trim_start().starts_with("Compiling hotpapers-site"))
}

#[test]
fn the_site_is_rebuilt_when_a_day_file_is_edited_added_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    for file in SITE_FILES {
        copy(&project_dir().join(file), &site.join(file));
    }
    // Shared between runs, so only the site and its path dependencies build here.
    let target: PathBuf = project_dir().join("target/rebuild-test");
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

    let template = site.join("templates/404.html");
    let page = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, page.replace("Not found", "Nothing here")).unwrap();
    assert!(build(&site, &target), "an edited template is rebuilt");
    std::fs::write(site.join("static/extra.txt"), "x").unwrap();
    assert!(build(&site, &target), "an added static file is rebuilt");
    assert!(!build(&site, &target));

    std::fs::write(&template, page.replace("{% endblock %}", "{% endblock %")).unwrap();
    let (out, _, log) = run(Command::new(env!("CARGO"))
        .args(["build", "--bin", "hotpapers-site"])
        .current_dir(&site)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("HOTPAPERS_MANIFEST_DIR"));
    assert!(!out.status.success(), "a broken template fails the build");
    assert!(log.contains("error: templates/404.html:"), "{log}");
    std::fs::write(&template, page).unwrap();

    std::fs::write(
        site.join("posts/2020-12-07.toml"),
        text.replace("date = 2020-12-07", "date = 2020-12-06"),
    )
    .unwrap();
    let (out, _, log) = run(Command::new(env!("CARGO"))
        .args(["build", "--bin", "hotpapers-site"])
        .current_dir(&site)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("HOTPAPERS_MANIFEST_DIR"));
    assert!(!out.status.success(), "a bad day-file fails the build");
    assert!(
        log.contains(
            "error: posts/2020-12-07.toml:1:8: `date` is 2020-12-06 but the file is named `2020-12-07.toml`"
        ),
        "{log}"
    );
}
