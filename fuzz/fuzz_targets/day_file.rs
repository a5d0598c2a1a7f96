//! Any text as a day-file: parsing and checking never panic, and a day that
//! passes survives every round trip the tool makes with it.
#![no_main]

use hotpapers::{day_file, import_post, parse_day, render, Archive, Site};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (day, diagnostics) = parse_day("posts/2020-10-30.toml", text);
    for d in &diagnostics {
        assert!(d.line >= 1 && d.column >= 1 && d.width >= 1);
        let _ = d.to_string();
        let _ = d.github_annotation();
    }
    let Some(day) = day else {
        assert!(
            diagnostics.iter().any(|d| d.is_error()),
            "a refused day has an error"
        );
        return;
    };
    let mut site = Site::default();
    site.collect.min_score = 0;
    let post = render(&day, &site);

    // The compiled-in form decodes to the same day.
    let warning = hotpapers::Warning {
        day: Some(day.date),
        text: "w".into(),
    };
    let bytes = Archive::encode(&site, None, std::slice::from_ref(&day), &[warning]);
    assert_eq!(Archive::decode(&bytes).expect("decodes").days[0], day);

    // The day-file the tools write parses back to the same day.
    let written = day_file(&day);
    let (again, problems) = parse_day("posts/2020-10-30.toml", &written);
    let mut again = again.unwrap_or_else(|| panic!("written day-file refused: {problems:?}\n{written}"));
    again.source_hash = day.source_hash;
    assert_eq!(again, day);

    // Importing the post gives back the post, byte for byte.
    let imported = import_post("post.md", day.date, &post).expect("a rendered post imports");
    assert_eq!(render(&imported, &site), post);
});
