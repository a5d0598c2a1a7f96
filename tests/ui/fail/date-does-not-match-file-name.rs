fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/date-does-not-match-file-name");
}
