fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/tweet-text-outside-the-allowlist");
}
