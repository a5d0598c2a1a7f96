fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/tweet-url-is-not-a-status");
}
