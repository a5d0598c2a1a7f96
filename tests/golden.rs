//! The real legacy posts, reproduced byte for byte.

use include_dir::{include_dir, Dir};

use crate::util::project_dir;

/// The legacy generator's posts for the days in `posts/`.
static GOLDEN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/tests/golden");

fn compiled() -> hotpapers::Archive<'static> {
    hotpapers_macros::archive!()
        .decode()
        .expect("the compiled-in archive decodes")
}

#[test]
fn compiled_days_render_the_legacy_posts_byte_for_byte() {
    let archive = compiled();
    assert_eq!(archive.days.len(), GOLDEN.files().count());
    for day in &archive.days {
        let name = archive.site.post_file_name(day.date);
        let golden = GOLDEN
            .get_file(&name)
            .unwrap_or_else(|| panic!("no golden post {name}"));
        let post = hotpapers::render(day, &archive.site);
        assert!(
            post.as_bytes() == golden.contents(),
            "{name} differs from the legacy post"
        );
    }
}

#[test]
fn compile_time_and_run_time_loading_agree() {
    let compiled = compiled();
    let (site, site_hash) = hotpapers::Site::load_with_hash(&project_dir()).unwrap();
    let loaded = hotpapers::load_dir(project_dir().join(&site.posts_dir)).unwrap();
    assert_eq!((&compiled.site, compiled.site_hash), (&site, site_hash));
    assert_eq!(compiled.days, loaded.days);
    assert_eq!(compiled.days.len(), 2);
    let warnings: Vec<_> = loaded.warnings.0.iter().map(hotpapers::Warning::of).collect();
    assert_eq!(compiled.warnings, warnings);
}

#[test]
fn compiled_strings_borrow_the_embedded_bytes() {
    // The binary's parts are inflated once, as a whole; no string is copied
    // out of them on its own.
    let archive = compiled();
    let title = &archive.days[0].papers[0].title;
    assert!(
        matches!(title, std::borrow::Cow::Borrowed(_)),
        "strings borrow the archive's bytes"
    );
}

/// The fenced block after the line containing `marker`.
fn readme_block(marker: &str) -> String {
    let readme = include_str!("../README.md");
    let rest = &readme[readme.find(marker).unwrap()..];
    let start = rest.find("```").unwrap();
    let body = &rest[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_owned()
}

#[test]
fn the_readme_example_renders_as_the_readme_shows() {
    let day_file = readme_block("A curator keeps one file");
    let (day, diagnostics) = hotpapers::parse_day("posts/2020-12-07.toml", &day_file);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let post = hotpapers::render(&day.unwrap(), &hotpapers::Site::default());
    let shown = readme_block("turns it into");
    for line in shown.lines().filter(|l| !l.contains("...")) {
        assert!(
            post.lines().any(|p| p == line),
            "README shows `{line}`, not in the post:\n{post}"
        );
    }
}
