fn main() {
    let archive = hotpapers_macros::archive!("tests/ui/pass/unicode").decode().unwrap();
    assert_eq!(archive.days.len(), 2);
    for day in &archive.days {
        let name = archive.site.post_file_name(day.date);
        let expected = std::fs::read_to_string(format!("{}/tests/ui/pass/unicode/{name}", env!("HOTPAPERS_MANIFEST_DIR")))
            .unwrap();
        assert_eq!(hotpapers::render(day, &archive.site), expected, "{name}");
    }
    // The repeated tweet and the paper with no tweets are warnings, not errors.
    assert_eq!(archive.warnings.len(), 2, "{:#?}", archive.warnings);
}
