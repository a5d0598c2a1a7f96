//! Compile-time checks: each mistake in a day-file fails the build with its
//! file, line, column and what was expected (trybuild `.stderr` files).
//!
//! A test binary of its own, with this one test: trybuild runs cargo for
//! minutes, and the environment variable below must not change under other
//! tests' feet. (Set in `.cargo/config.toml` instead, it would also reach every
//! copy of the repository built inside it, such as the benchmark's.)

#[test]
fn day_files_are_checked_at_compile_time() {
    // The cases compile in trybuild's own folder; the macro resolves their site
    // folders against this repository. Set before anything else runs here.
    std::env::set_var("HOTPAPERS_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"));
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
