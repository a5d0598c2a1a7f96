//! Integration tests of the `hotpapers` curator binary: one binary, a module per
//! area.

mod announce;
mod check;
mod collect;
mod fetch;
#[path = "../../tests/run.rs"]
mod run;
mod serve;
mod services;

use std::path::PathBuf;

/// The repository's root, where the site's posts, golden files and UI cases are.
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("hotpapers-cli/ is inside the repository")
        .to_owned()
}
