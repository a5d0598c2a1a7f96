fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/arxiv-id-of-the-wrong-shape");
}
