//! Curated TOML day-files to daily "Hot Papers" blog posts.
//!
//! A day-file (`posts/YYYY-MM-DD.toml`) lists the papers of one arXiv day with
//! their tweets. This crate parses and checks day-files ([`load_dir`],
//! [`parse_day`]), holds them as typed data ([`Day`], [`Paper`], [`Tweet`],
//! [`ArxivId`], [`Category`]), packs them into the compact [`Archive`] that
//! `hotpapers-macros` compiles into a binary, renders each day into the legacy
//! blog's Markdown ([`render`]) and, with the `git` feature, commits the posts.
//!
//! ```
//! let text = "date = 2020-12-07\npublished = 2020-12-08T13:04:41Z\n";
//! let (day, diagnostics) = hotpapers::parse_day("posts/2020-12-07.toml", text);
//! assert!(diagnostics.is_empty());
//! let post = hotpapers::render(&day.unwrap(), &hotpapers::Site::default());
//! assert!(post.starts_with("---\ntitle: Hot Papers 2020-12-07\ndate: 2020-12-08T13:04:41.Z\n"));
//! ```

mod archive;
mod arxiv;
mod category;
mod diagnostic;
mod hint;
mod html;
mod import;
mod load;
mod model;
#[cfg(feature = "git")]
mod pack;
mod parallel;
mod parse;
#[cfg(feature = "git")]
mod publish;
#[cfg(feature = "git")]
mod push;
mod render;
mod schema;
mod site;
mod validate;
mod write;

pub use archive::{Archive, ArchiveError, Warning, WarningSummary};
pub use arxiv::{ArxivId, ArxivIdError};
pub use category::{taxonomy, Category, CategoryInfo};
pub use diagnostic::{Diagnostic, Diagnostics, LineIndex, Severity, Source};
pub use import::{import_post, parse_tweet_embed, ImportError};
pub use load::{day_files, load_dir, load_dir_shown, load_file, LoadError, Loaded};
pub use model::{source_hash, Day, Dir, Paper, Tweet};
pub use parse::{parse_day, MAX_DAY_FILE_BYTES};
#[cfg(feature = "git")]
pub use publish::{publish, Change, FileChange, Options as PublishOptions, PublishError, Report};
#[cfg(feature = "git")]
pub use push::{PushTarget, Pushed};
pub use render::{ranked, render, render_into};
pub use schema::json_schema;
pub use site::{
    day_file_date, day_file_name, parse_date, CommitSettings, EndpointSettings, Site, SiteError, SITE_FILE,
};
pub use validate::{quoted, tweet_handle};
pub use write::day_file;
