//! Posts: a day to its Markdown post, byte for byte in the legacy format
//! (`render`), and a legacy post back to the day that renders it (`import`).

mod import;
mod render;

pub use import::{import_post, parse_tweet_embed, ImportError};
#[cfg(feature = "blog")]
pub(crate) use render::discussions;
pub use render::{count_phrases, ranked, render, render_into, render_papers};
#[cfg(feature = "templates")]
pub(crate) use render::{listed, paper_body};
