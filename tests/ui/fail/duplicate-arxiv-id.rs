fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/duplicate-arxiv-id");
}
