fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/every-error-in-every-file");
}
