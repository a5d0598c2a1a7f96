fn main() {
    let _ = hotpapers_macros::archive!("tests/ui/fail/wrong-type");
}
