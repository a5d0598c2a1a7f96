//! Compile-time loading of hotpapers day-files.
//!
//! [`archive!`] reads `hotpapers.toml` and every day-file of the site while the
//! crate compiles, checks them with the same code as `hotpapers::load_dir`, and
//! expands to a [`hotpapers::Compiled`] archive of compact bytes, decoded when a
//! run needs it (its head alone when that is enough): the copy the
//! site's build script linked into the binary when it is exactly this archive
//! (`HOTPAPERS_LINKED_ARCHIVE` gives its length and fingerprint), else parts
//! written to `OUT_DIR` and included with `include_bytes!`. A bad
//! day-file fails the build with `FILE:LINE:COL`, the line and a caret, for every
//! problem in every file at once.
//!
//! ```ignore
//! let archive = hotpapers_macros::archive!().decode().expect("archive is well formed");
//! ```

mod expand;
mod fallback;
mod theme;

use proc_macro::TokenStream;

/// Loads and checks the site's day-files at compile time.
///
/// `archive!()` reads the site at the crate root (`CARGO_MANIFEST_DIR`);
/// `archive!("path")` reads the site in `path`, relative to the crate root. The
/// expression has type `hotpapers::Compiled<'static>`: `.decode()` gives the
/// `Result<hotpapers::Archive<'static>, hotpapers::ArchiveError>`, `.head()` the
/// settings, day count and warnings alone.
/// Tests that compile in another folder (trybuild) set `HOTPAPERS_MANIFEST_DIR`
/// to the crate root.
#[proc_macro]
pub fn archive(input: TokenStream) -> TokenStream {
    expand::archive(input.into()).into()
}

/// Reads the blog's theme at compile time: `templates/` and `static/`.
///
/// Every template is rendered against a small sample blog, so a syntax error, an
/// unknown variable or filter, or a missing template fails the build with its
/// `FILE:LINE:COL`. The files reach the binary through `include_str!` and
/// `include_bytes!`, so editing one rebuilds the site. `theme!("path")` reads the
/// theme of the site in `path`, as `archive!` does. The expression has type
/// `hotpapers::Theme<'static>`.
#[proc_macro]
pub fn theme(input: TokenStream) -> TokenStream {
    theme::theme(input.into()).into()
}
