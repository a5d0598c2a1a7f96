fn main() {
    let _ = hotpapers_macros::theme!("tests/ui/fail/bad-template");
}
