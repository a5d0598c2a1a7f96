//! What a discussion source is: one module of this folder behind [`Source`]
//! ([`huggingface`](super::huggingface), [`hackernews`](super::hackernews),
//! [`bluesky`](super::bluesky)), each asked in its documented shape, and the
//! [`Mention`]s it answers with.
//!
//! Every answer is untrusted: a field of the wrong type is an error naming the
//! source, a link that is not an arXiv link is ignored, counts saturate, and
//! pages stop at an empty page, or after [`MAX_PAGES`].
//!
//! A new source is a module of this folder, a variant of [`Mention`] with its
//! merge (in its module), an arm of [`super::source`], and its entry in the
//! library's `SourceName` and `Counts` (its counts, weight and rendering).

use serde_json::Value;
use time::{Date, Time};

use hotpapers::{ArxivId, BlueskyCounts, Code, HackerNewsCounts, HuggingFaceCounts};

use crate::fetch::{Client, FetchError};

/// Pages read from one source for one day, at most: 1,000 items, where Hugging
/// Face's busiest days list about 50 papers and a day's arXiv links on Hacker
/// News and Bluesky that score are far fewer. Hugging Face documents no largest
/// `limit`, so its pages are read until one is empty, not until one is short.
pub const MAX_PAGES: u32 = 10;
/// Items asked for per page.
pub(super) const PER_PAGE: u32 = 100;

/// A discussion source.
pub trait Source {
    /// What it said about the papers of the UTC day `date`, in its order.
    fn mentions(&self, client: &mut Client, date: Date) -> Result<Vec<Mention>, SourceError>;
}

/// What one source said about one paper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mention {
    /// A paper of the day's Hugging Face list, with its code when it links one.
    HuggingFace(ArxivId<'static>, HuggingFaceCounts, Option<Code<'static>>),
    /// A Hacker News story linking the paper.
    HackerNews(ArxivId<'static>, HackerNewsCounts),
    /// A Bluesky post linking the paper.
    Bluesky(ArxivId<'static>, BlueskyCounts, BlueskyPost),
}

impl Mention {
    /// The paper mentioned.
    pub fn id(&self) -> &ArxivId<'static> {
        match self {
            Mention::HuggingFace(id, _, _) | Mention::HackerNews(id, _) | Mention::Bluesky(id, _, _) => id,
        }
    }
}

/// A Bluesky post, enough to ask for its embed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlueskyPost {
    /// `https://bsky.app/profile/HANDLE/post/RKEY`.
    pub url: String,
    /// Likes plus reposts: which posts are the best.
    pub engagement: u64,
}

/// Why a source gave nothing usable.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The request failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The answer is not in the documented shape.
    #[error("unexpected answer from {url}: {reason}")]
    Shape {
        /// What was asked.
        url: String,
        /// What was wrong.
        reason: String,
    },
}

/// The start and end of the UTC day, in seconds.
pub(super) fn day_bounds(date: Date) -> (i64, i64) {
    let start = date.with_time(Time::MIDNIGHT).assume_utc().unix_timestamp();
    (start, start + 86_400)
}

/// A count as the services write it: a number (saturated), or `null` for
/// none; `None` for anything else.
pub(super) fn count(value: &Value) -> Option<u32> {
    match value {
        Value::Null => Some(0),
        Value::Number(n) => n.as_u64().map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        _ => None,
    }
}

/// The error for an answer not in its documented shape.
pub(super) fn shape(url: &str, reason: impl Into<String>) -> SourceError {
    SourceError::Shape {
        url: url.to_owned(),
        reason: reason.into(),
    }
}
