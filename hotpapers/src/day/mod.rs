//! The day-file format: from TOML text to a checked [`Day`](crate::Day).
//!
//! - `parse`: the TOML read with spans and walked key by key into typed values,
//!   every problem located (parse → check → build, as thiserror's `impl/` does);
//! - `checks`: the rules a value must follow beyond its type, and the rules
//!   between fields (an id's month, ids twice in a day, tweets twice);
//! - `html`: the HTML policy, what a text field may put into a reader's page;
//! - `plain`: arXiv's plain text as Markdown that renders as the same text;
//! - `schema`: the one table of keys, which the parser walks and the JSON Schema
//!   is generated from;
//! - `load`: a folder of day-files, the same code at compile time and run time;
//! - `write`: a [`Day`](crate::Day) back to day-file text.

//!
//! All but listing the files and writing a day-file need the `check` feature.

#[cfg(feature = "check")]
mod checks;
#[cfg(feature = "check")]
mod html;
mod load;
#[cfg(feature = "check")]
mod parse;
#[cfg(feature = "check")]
mod plain;
#[cfg(feature = "check")]
mod schema;
pub(crate) mod write;

pub use load::{day_files, LoadError, Loaded};
#[cfg(feature = "check")]
pub use load::{load_dir, load_dir_shown, load_file};
#[cfg(feature = "check")]
pub(crate) use load::{read_text, shown_file};
#[cfg(feature = "check")]
pub use parse::parse_day;
#[cfg(feature = "check")]
pub use plain::markdown_text;
#[cfg(feature = "check")]
pub use schema::json_schema;

/// The largest day-file read; real days are around 20 KiB.
pub const MAX_DAY_FILE_BYTES: u64 = 4 * 1024 * 1024;
