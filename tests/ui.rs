//! Compile-time checks: each mistake in a day-file fails the build with its
//! file, line, column and what was expected (trybuild `.stderr` files).
//!
//! A test target of its own: trybuild runs cargo, and its cases find the
//! repository through `HOTPAPERS_MANIFEST_DIR`, set in `.cargo/config.toml`, so
//! no test changes the environment of a process that other tests share.

#[test]
fn day_files_are_checked_at_compile_time() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
