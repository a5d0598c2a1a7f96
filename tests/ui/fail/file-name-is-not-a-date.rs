fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/file-name-is-not-a-date");
}
