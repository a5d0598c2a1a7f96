fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/bad-tweet-lang-and-dir");
}
