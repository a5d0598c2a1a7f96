fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/source-counts");
}
