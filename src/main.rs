//! The Hot Papers site: `cargo run` renders every day-file in `posts/` into its
//! post and the blog, and commits what changed (see `hotpapers::app`).
//!
//! This crate is rebuilt on every edit of a day-file, so it is only the data
//! the macros compile in and one call.

fn main() -> std::process::ExitCode {
    hotpapers::app::main(
        env!("CARGO_MANIFEST_DIR"),
        hotpapers_macros::archive!(),
        hotpapers_macros::theme!(),
    )
}
