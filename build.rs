//! Makes cargo rebuild the site when a day-file is edited, added or removed.
//!
//! The day-files themselves are read by `hotpapers_macros::archive!` in
//! `src/main.rs`; this script only tells cargo which paths that depends on.

use std::path::Path;

fn main() {
    // Cargo rebuilds on every run while a watched file is missing, so the settings
    // file is watched only once it exists; the binary itself notices one that was
    // added since it was built.
    if Path::new(hotpapers::SITE_FILE).exists() {
        println!("cargo:rerun-if-changed={}", hotpapers::SITE_FILE);
    }
    println!("cargo:rerun-if-env-changed=HOTPAPERS_MANIFEST_DIR");
    // An unreadable hotpapers.toml is reported by the macro, with its location;
    // here the default folder is watched until it is fixed.
    let site = hotpapers::Site::load(Path::new(".")).unwrap_or_default();
    // A folder makes cargo look at every file in it, so additions and removals count.
    println!("cargo:rerun-if-changed={}", site.posts_dir);
    // The blog's theme, read by `hotpapers_macros::theme!`.
    for dir in [hotpapers::TEMPLATES_DIR, hotpapers::STATIC_DIR] {
        if Path::new(dir).exists() {
            println!("cargo:rerun-if-changed={dir}");
        }
    }
}
