fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/markdown-image-and-lone-carriage-return");
}
