//! `hotpapers check` and `hotpapers new`: the checks at run time, without compiling.

use std::path::Path;
use std::process::{Command, Output};

use crate::run::run;

fn hotpapers(root: &Path, args: &[&str]) -> (Output, String) {
    let (out, stdout, _) = run(Command::new(env!("CARGO_BIN_EXE_hotpapers"))
        .arg("--root")
        .arg(root)
        .args(args));
    (out, stdout)
}

/// A site holding a copy of one of the UI cases' day-files.
fn site_from(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = crate::project_dir().join("tests/ui").join(case).join("posts");
    std::fs::create_dir(dir.path().join("posts")).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join("posts").join(entry.file_name())).unwrap();
    }
    dir
}

#[test]
fn check_reports_every_problem_as_github_annotations() {
    let site = site_from("fail/every-error-in-every-file");
    let (out, stdout) = hotpapers(site.path(), &["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout,
        "::error file=posts/2020-10-30.toml,line=8,col=15,title=hotpapers::unknown category `cs.LGG`; did you mean `cs.LG`?%0Aexpected a category of the arXiv taxonomy, such as `cs.LG`\n\
         ::error file=posts/2020-10-30.toml,line=9,col=12,title=hotpapers::`retweets` is a string%0Aexpected a whole number from 0 to 4294967295\n\
         ::error file=posts/2020-10-31.toml,line=6,col=9,title=hotpapers::empty title%0Aexpected a non-empty title\n\
         ::error file=posts/2020-10-31.toml,line=13,col=7,title=hotpapers::`https://example.com/x` is not a tweet URL%0Aexpected `https://twitter.com/HANDLE/status/ID` (or on `x.com`)\n"
    );
}

#[test]
fn a_value_cannot_forge_an_annotation_or_reach_the_terminal_raw() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("posts")).unwrap();
    let day = "date = 2020-10-30\npublished = 2020-10-31T09:40:17Z\n[[paper]]\narxiv = '2010.15581'\n\
               title = 't'\nauthors = ['a']\ncategories = ['cs.LG']\nretweets = 60\nfavorites = 1\n\
               [[paper.tweet]]\nurl = 'https://twitter.com/a/status/1'\nauthor = 'A'\ndate = 2020-10-30\n\
               text = 'x'\nlang = \"en\\n::error file=forged.toml,line=1::forged\\u001b[2J\"\n";
    std::fs::write(site.path().join("posts/2020-10-30.toml"), day).unwrap();
    let (out, stdout) = hotpapers(site.path(), &["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout.lines().count(), 1, "one problem, one line: {stdout}");
    assert!(
        stdout.starts_with("::error file=posts/2020-10-30.toml,line=15,"),
        "{stdout}"
    );
    let (_, human) = hotpapers(site.path(), &["check"]);
    assert!(
        !human.contains('\u{1b}'),
        "no escape sequence reaches the terminal: {human:?}"
    );
    assert!(
        human.contains("`en\\n::error file=forged.toml,line=1::forged\\u{1b}[2J` is not a language tag"),
        "{human}"
    );
}

#[test]
fn max_age_turns_a_stalled_pipeline_into_a_failure() {
    let site = site_from("pass/unicode");
    let (out, stdout) = hotpapers(site.path(), &["check", "--max-age", "100000"]);
    assert!(out.status.success(), "{stdout}");
    let (out, stdout) = hotpapers(site.path(), &["check", "--max-age", "3", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let stalled: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(stalled.len(), 1, "{stdout}");
    assert!(
        stalled[0].starts_with(
            "::error file=posts,line=1,col=1,title=hotpapers::the newest day-file is `2020-10-31.toml`, "
        ),
        "{stdout}"
    );
    std::fs::remove_dir_all(site.path().join("posts")).unwrap();
    std::fs::create_dir(site.path().join("posts")).unwrap();
    let (out, stdout) = hotpapers(site.path(), &["check", "--max-age", "100000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("no day-file in `posts`"), "{stdout}");
}

#[test]
fn check_prints_json_lines_and_the_human_form_of_the_build() {
    let site = site_from("fail/every-error-in-every-file");
    let (out, stdout) = hotpapers(site.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["severity"], "error");
    assert_eq!(
        (
            first["path"].as_str(),
            first["line"].as_u64(),
            first["column"].as_u64()
        ),
        (Some("posts/2020-10-30.toml"), Some(8), Some(15))
    );
    assert_eq!(first["hint"], "did you mean `cs.LG`?");
    assert_eq!(stdout.lines().count(), 4);

    let (_, human) = hotpapers(site.path(), &["check"]);
    let ui =
        std::fs::read_to_string(crate::project_dir().join("tests/ui/fail/every-error-in-every-file.stderr"))
            .unwrap();
    for headline in human.lines().filter(|l| l.starts_with("error: ")) {
        let compile_time = headline.replace(
            "error: posts/",
            "error: tests/ui/fail/every-error-in-every-file/posts/",
        );
        assert!(ui.contains(&compile_time), "the build says the same: {headline}");
    }
    assert!(human.ends_with("4 error(s), 0 warning(s)\n"));
}

#[test]
fn check_of_named_files_and_warnings_that_do_not_fail() {
    let site = site_from("pass/unicode");
    let (out, stdout) = hotpapers(site.path(), &["check"]);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("warning: posts/2020-10-31.toml:5:1: paper has no tweets"));
    assert!(stdout.ends_with("0 error(s), 2 warning(s)\n"));
    let file = site.path().join("posts/2020-10-30.toml");
    let (out, stdout) = hotpapers(site.path(), &["check", file.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(stdout.ends_with("0 error(s), 1 warning(s)\n"), "{stdout}");
}

#[test]
fn new_starts_a_day_that_checks_and_never_overwrites() {
    let site = tempfile::tempdir().unwrap();
    let (out, stdout) = hotpapers(site.path(), &["new", "2020-11-02"]);
    assert!(out.status.success());
    assert!(stdout.starts_with("created "));
    let path = site.path().join("posts/2020-11-02.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("#:schema ../docs/day-file.schema.json\ndate = 2020-11-02\npublished = "),
        "{text}"
    );
    let (out, _) = hotpapers(site.path(), &["check"]);
    assert!(out.status.success());

    std::fs::write(&path, format!("{text}# my notes\n")).unwrap();
    let (out, _) = hotpapers(site.path(), &["new", "2020-11-02"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists already; edit it instead"));
    assert!(
        std::fs::read_to_string(&path).unwrap().ends_with("# my notes\n"),
        "the curator's file is kept"
    );
    let leftovers = std::fs::read_dir(site.path().join("posts")).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");

    let (out, _) = hotpapers(site.path(), &["new", "2020-13-01"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn import_turns_legacy_posts_into_day_files_that_render_them_back() {
    let site = tempfile::tempdir().unwrap();
    let golden = crate::project_dir().join("tests/golden");
    let (out, stdout) = hotpapers(site.path(), &["import", golden.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("2020-10-30.toml (9 papers)") && stdout.contains("2020-12-07.toml (0 papers)"),
        "{stdout}"
    );
    let loaded = hotpapers::load_dir(site.path().join("posts")).unwrap();
    for day in &loaded.days {
        let name = hotpapers::Site::default().post_file_name(day.date);
        let legacy = std::fs::read_to_string(golden.join(&name)).unwrap();
        assert_eq!(
            hotpapers::render(day, &hotpapers::Site::default()),
            legacy,
            "{name}"
        );
    }
    let day_file = std::fs::read_to_string(site.path().join("posts/2020-10-30.toml")).unwrap();
    assert!(day_file.starts_with("date = 2020-10-30\npublished = 2020-10-31T09:40:17Z\n\n[[paper]]\n"));
    assert!(
        !day_file.contains("lang =") && !day_file.contains("dir = "),
        "defaults are left out"
    );

    // Never overwritten without --force.
    let path = site.path().join("posts/2020-12-07.toml");
    std::fs::write(&path, "# curated by hand\n").unwrap();
    let (out, _) = hotpapers(site.path(), &["import", golden.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists already; pass `--force` to replace it"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# curated by hand\n");
    let (out, _) = hotpapers(site.path(), &["import", "--force", golden.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .starts_with("date = 2020-12-07\n"));
}

#[test]
fn import_of_a_post_that_is_not_in_the_legacy_format_names_the_line() {
    let site = tempfile::tempdir().unwrap();
    let post = site.path().join("2020-10-30---Hot-Papers.md");
    let legacy = include_str!("../../tests/golden/2020-10-30---Hot-Papers.md");
    std::fs::write(&post, legacy.replacen("- links: [abs]", "- links: [ABS]", 1)).unwrap();
    let (out, _) = hotpapers(site.path(), &["import", post.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2020-10-30---Hot-Papers.md:24: `- links: [ABS](https://arxiv.org/abs/2010.15581)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("expected `- links: [abs](https://arxiv.org/abs/ID)"),
        "{stderr}"
    );
    assert!(!site.path().join("posts/2020-10-30.toml").exists());
}
