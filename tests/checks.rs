//! What the checker says about each mistake in a day-file, pinned byte for
//! byte: every folder of `tests/checks/` is a site whose day-files fail the
//! check, and its `expected.txt` holds every error as `cargo build` shows it
//! (`error: ` and the message the macro turns into a `compile_error!`; rustc
//! adds only the macro call's place). The macro's own plumbing (the span, one
//! `compile_error!` per error, settings and templates, a build that passes) is
//! trybuild's, in `tests/ui/`. `HOTPAPERS_BLESS=1 cargo test` rewrites the
//! files after an intended change.

use std::path::Path;

/// Every error the checker finds in the case's day-files, as the macro words
/// them (with no `OUT_DIR`, as trybuild builds it).
fn errors(case: &Path, shown: &str) -> String {
    let site = hotpapers::Site::load(case).unwrap();
    let posts = case.join(&site.posts_dir);
    let shown_posts = format!("{shown}/{}", site.posts_dir);
    match hotpapers::load_dir_shown(&posts, &shown_posts) {
        Err(hotpapers::LoadError::Invalid(diagnostics)) => {
            let errors: Vec<String> = diagnostics.errors().map(|e| format!("error: {e}")).collect();
            errors.join("\n\n") + "\n"
        }
        Err(other) => panic!("{shown}: not a checking error: {other}"),
        Ok(_) => panic!("{shown}: passed the check"),
    }
}

#[test]
fn every_mistake_is_reported_with_its_place_and_what_was_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<_> = std::fs::read_dir(root.join("tests/checks"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let bless = std::env::var_os("HOTPAPERS_BLESS").is_some();
    let mut wrong = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_str().unwrap();
        let found = errors(case, &format!("tests/checks/{name}"));
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &found).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        if found != expected {
            wrong.push(format!("== {name}: expected\n{expected}== found\n{found}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
