fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/newline-in-one-line-field");
}
