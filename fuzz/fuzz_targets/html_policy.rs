//! The HTML policy against a browser parser: whatever field values the checker
//! accepts, the post they make holds nothing outside the policy and leaves the
//! page after it intact. The oracle is the differential test's own.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../hotpapers/tests/oracle/mod.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    let fields = oracle::Fields::from_bytes(data);
    let day_file = fields.day_file();
    let (day, _) = hotpapers::parse_day("posts/2020-10-30.toml", &day_file);
    let Some(day) = day else { return };
    let post = hotpapers::render(&day, &hotpapers::Site::default());
    let harms = oracle::harms(&post, 2);
    assert!(
        harms.is_empty(),
        "accepted {fields:#?}\nthe page has {harms:#?}\n{post}"
    );
});
