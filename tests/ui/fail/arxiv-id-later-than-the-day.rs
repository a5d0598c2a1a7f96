fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/arxiv-id-later-than-the-day");
}
