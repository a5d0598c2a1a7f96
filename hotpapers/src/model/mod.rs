//! The typed data of a day-file: days, papers and tweets.

use std::borrow::Cow;

use time::{Date, OffsetDateTime};

mod arxiv;
mod category;

pub use arxiv::{ArxivId, ArxivIdError};
pub use category::{taxonomy, Category, CategoryInfo};

/// One arXiv day: the content of `posts/YYYY-MM-DD.toml`.
///
/// Text borrows from wherever the day came from: the archive compiled into the
/// binary (`Day<'static>` borrowing static data) or a day-file read at run time
/// (owned strings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day<'a> {
    /// The arXiv day the post covers; equals the file name's stem.
    pub date: Date,
    /// When the post is published (front matter `date:`).
    pub published: OffsetDateTime,
    /// Front matter `draft:`.
    pub draft: bool,
    /// The papers, in file order.
    pub papers: Vec<Paper<'a>>,
    /// A fingerprint of the day-file's bytes, to tell whether the file on disk is
    /// the one this day was read from.
    pub source_hash: u64,
}

/// A paper and the tweets that discussed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paper<'a> {
    /// The arXiv identifier.
    pub arxiv: ArxivId<'a>,
    /// The title, byte for byte as arXiv gives it.
    pub title: Cow<'a, str>,
    /// The authors, in order.
    pub authors: Vec<Cow<'a, str>>,
    /// The categories, primary first.
    pub categories: Vec<Category>,
    /// How much each source discussed the paper.
    pub counts: Counts,
    /// When the counts were taken.
    pub collected: OffsetDateTime,
    /// The abstract, one paragraph (may hold newlines, rendered as spaces).
    pub abstract_: Cow<'a, str>,
    /// The tweets embedded under the paper, in order.
    pub tweets: Vec<Tweet<'a>>,
    /// The Bluesky posts embedded under the paper, after the tweets, in order.
    pub bluesky_posts: Vec<BlueskyPost<'a>>,
    /// The paper's code, as Hugging Face links it.
    pub code: Option<Code<'a>>,
}

/// A paper's code: a GitHub repository, and its stars when last collected
/// (shown, not scored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code<'a> {
    /// `https://github.com/OWNER/REPO`, held to that shape
    /// ([`github_repo`]), so a day-file cannot smuggle a link.
    pub url: Cow<'a, str>,
    /// The repository's stars.
    pub stars: u32,
}

impl Code<'_> {
    /// `OWNER/REPO`.
    pub fn repo(&self) -> &str {
        github_repo(&self.url).unwrap_or_default()
    }
}

/// The `OWNER/REPO` of `https://github.com/OWNER/REPO`, if `url` has exactly
/// that shape: an owner as GitHub allows one (letters, digits and `-`, not
/// first, at most 39) and a repository name of letters, digits, `.`, `_` and
/// `-` (not `.` or `..`, at most 100).
pub fn github_repo(url: &str) -> Option<&str> {
    let repo = url.strip_prefix("https://github.com/")?;
    let (owner, name) = repo.split_once('/')?;
    let owner_ok = (1..=39).contains(&owner.len())
        && !owner.starts_with('-')
        && owner.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let name_ok = (1..=100).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    (owner_ok && name_ok).then_some(repo)
}

/// A Bluesky post as its embed shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlueskyPost<'a> {
    /// `https://bsky.app/profile/HANDLE/post/RKEY`.
    pub url: Cow<'a, str>,
    /// `at://DID/app.bsky.feed.post/RKEY`, the embed script's key.
    pub uri: Cow<'a, str>,
    /// The content id of the version embedded.
    pub cid: Cow<'a, str>,
    /// The display name, as embed HTML (may hold entities).
    pub author: Cow<'a, str>,
    /// The post's date.
    pub date: Date,
    /// The post's language tag.
    pub lang: Cow<'a, str>,
    /// The body as embed HTML.
    pub text: Cow<'a, str>,
}

impl BlueskyPost<'_> {
    /// The author's handle, taken from the post URL.
    pub fn handle(&self) -> &str {
        bluesky_post_parts(&self.url).map_or("", |(handle, _)| handle)
    }
}

/// The HANDLE and RKEY of `https://bsky.app/profile/HANDLE/post/RKEY`, if `url`
/// has exactly that shape: a domain-name handle, and a record key of letters,
/// digits, `.`, `_`, `~` and `-`.
pub fn bluesky_post_parts(url: &str) -> Option<(&str, &str)> {
    let (handle, rkey) = url
        .strip_prefix("https://bsky.app/profile/")?
        .split_once("/post/")?;
    let handle_ok = (3..=253).contains(&handle.len())
        && handle.contains('.')
        && handle
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let rkey_ok = (1..=64).contains(&rkey.len())
        && rkey
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._~-".contains(&b));
    (handle_ok && rkey_ok).then_some((handle, rkey))
}

/// Whether `uri` is `at://did:plc:…/app.bsky.feed.post/RKEY` (or `did:web:`)
/// for the record key `rkey`.
pub fn bluesky_uri_ok(uri: &str, rkey: &str) -> bool {
    let Some((did, key)) = uri
        .strip_prefix("at://")
        .and_then(|rest| rest.split_once("/app.bsky.feed.post/"))
    else {
        return false;
    };
    let did_ok = match (did.strip_prefix("did:plc:"), did.strip_prefix("did:web:")) {
        (Some(plc), _) => plc.len() == 24 && plc.bytes().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7')),
        (_, Some(web)) => {
            (1..=253).contains(&web.len())
                && web
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        }
        _ => false,
    };
    did_ok && key == rkey
}

/// Whether `cid` is a content id as Bluesky writes them: base32, `b…`.
pub fn bluesky_cid_ok(cid: &str) -> bool {
    (8..=128).contains(&cid.len())
        && cid.starts_with('b')
        && cid.bytes().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'))
}

impl Paper<'_> {
    /// The ranking score: each source's counts times the source's weight
    /// ([`Counts::score`]).
    pub fn score(&self, weights: &Weights) -> u64 {
        self.counts.score(weights)
    }
}

/// How much each source discussed a paper; a paper has at least one.
///
/// Each source's discussion link is made from its numbers (the paper's id, a
/// story id), never taken as a URL from the day-file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Counts {
    /// Retweets and favorites, the legacy Twitter counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub twitter: Option<TwitterCounts>,
    /// Hugging Face Daily Papers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub huggingface: Option<HuggingFaceCounts>,
    /// Hacker News.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hackernews: Option<HackerNewsCounts>,
    /// Bluesky.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bluesky: Option<BlueskyCounts>,
}

/// The legacy counts: totals across the paper's tweets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct TwitterCounts {
    /// Total retweets.
    pub retweets: u32,
    /// Total favorites.
    pub favorites: u32,
}

/// A paper on Hugging Face Daily Papers, `https://huggingface.co/papers/ID`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct HuggingFaceCounts {
    /// Upvotes of the paper's page.
    pub upvotes: u32,
    /// Comments on the paper's page.
    pub comments: u32,
}

/// Hacker News stories linking the paper; the link is the top story's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct HackerNewsCounts {
    /// Points, summed over the stories.
    pub points: u32,
    /// Comments, summed over the stories.
    pub comments: u32,
    /// The id of the story with the most points:
    /// `https://news.ycombinator.com/item?id=STORY`.
    pub story: u32,
}

/// Bluesky posts linking the paper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct BlueskyCounts {
    /// Likes, summed over the posts.
    pub likes: u32,
    /// Reposts, summed over the posts.
    pub reposts: u32,
    /// How many posts linked the paper.
    pub posts: u32,
}

/// What one unit of each source's count is worth in a score (`[collect]
/// weights` in `hotpapers.toml`; 1 each by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Weights {
    /// Per retweet and per favorite.
    pub twitter: u32,
    /// Per Hugging Face upvote.
    pub huggingface: u32,
    /// Per Hacker News point.
    pub hackernews: u32,
    /// Per Bluesky like and per repost.
    pub bluesky: u32,
}

impl Weights {
    /// The largest weight settings accept: a score stays far inside `u64` with
    /// every count at its maximum, and the sums of scores saturate beyond it.
    pub const MAX: u32 = 1_000_000;
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            twitter: 1,
            huggingface: 1,
            hackernews: 1,
            bluesky: 1,
        }
    }
}

/// The sum of scores, held at `u64::MAX` rather than wrapping or panicking:
/// a day, a month or an archive of papers at extreme weights and counts.
pub(crate) fn total_score(scores: impl IntoIterator<Item = u64>) -> u64 {
    scores.into_iter().fold(0, u64::saturating_add)
}

impl Counts {
    /// The score: retweets + favorites, Hugging Face upvotes, Hacker News
    /// points and Bluesky likes + reposts, each times its source's weight, summed.
    /// Comments are shown, not scored: they count arguments as much as interest.
    pub fn score(&self, weights: &Weights) -> u64 {
        total_score(self.weighted(weights).into_iter().map(|(_, part)| part))
    }

    /// Each source the paper has, by name (`twitter`, `huggingface`,
    /// `hackernews`, `bluesky`), with its part of [`Counts::score`].
    pub fn weighted(&self, weights: &Weights) -> Vec<(&'static str, u64)> {
        let part = |weight: u32, count: u64| u64::from(weight).saturating_mul(count);
        let mut parts = Vec::with_capacity(4);
        if let Some(t) = self.twitter {
            let count = u64::from(t.retweets) + u64::from(t.favorites);
            parts.push(("twitter", part(weights.twitter, count)));
        }
        if let Some(h) = self.huggingface {
            parts.push(("huggingface", part(weights.huggingface, u64::from(h.upvotes))));
        }
        if let Some(h) = self.hackernews {
            parts.push(("hackernews", part(weights.hackernews, u64::from(h.points))));
        }
        if let Some(b) = self.bluesky {
            let count = u64::from(b.likes) + u64::from(b.reposts);
            parts.push(("bluesky", part(weights.bluesky, count)));
        }
        parts
    }

    /// Whether no source has counts.
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

/// A tweet as its embed shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tweet<'a> {
    /// `https://twitter.com/HANDLE/status/ID` (or on `x.com`).
    pub url: Cow<'a, str>,
    /// The display name, as embed HTML (may hold entities).
    pub author: Cow<'a, str>,
    /// The tweet's date.
    pub date: Date,
    /// The tweet's language tag.
    pub lang: Cow<'a, str>,
    /// The text direction.
    pub dir: Dir,
    /// The body as embed HTML.
    pub text: Cow<'a, str>,
}

impl Tweet<'_> {
    /// The author's handle, taken from the status URL.
    pub fn handle(&self) -> &str {
        tweet_handle(&self.url).unwrap_or_default()
    }
}

/// The HANDLE of `https://twitter.com/HANDLE/status/ID`, if `url` has that shape.
pub fn tweet_handle(url: &str) -> Option<&str> {
    let path = url
        .strip_prefix("https://twitter.com/")
        .or_else(|| url.strip_prefix("https://x.com/"))?;
    let (handle, id) = path.split_once("/status/")?;
    let handle_ok =
        (1..=15).contains(&handle.len()) && handle.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let id_ok = !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit());
    (handle_ok && id_ok).then_some(handle)
}

/// Text direction of a tweet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Dir {
    /// Left to right.
    #[default]
    Ltr,
    /// Right to left.
    Rtl,
}

impl Dir {
    /// The HTML attribute value, `ltr` or `rtl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
        }
    }
}

/// A 64-bit fingerprint of a day-file's bytes.
///
/// Stable across builds and platforms, so the compiled archive and the file on
/// disk can be compared without keeping the file's text. It detects edits, not
/// attacks: eight bytes at a time, multiply and rotate, with the length mixed in.
pub fn source_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut hash = (bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        hash = (hash.rotate_left(23) ^ word).wrapping_mul(K);
    }
    for &byte in words.remainder() {
        hash = (hash.rotate_left(23) ^ u64::from(byte)).wrapping_mul(K);
    }
    hash ^ (hash >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_hash_tells_edits_apart() {
        let text = b"date = 2020-10-30\npublished = 2020-10-31T09:40:17Z\n";
        assert_eq!(source_hash(text), source_hash(text));
        let mut seen = std::collections::HashSet::new();
        for cut in 0..text.len() {
            assert!(seen.insert(source_hash(&text[..cut])), "prefix {cut}");
        }
        let mut edited = text.to_vec();
        edited[7] = b'3';
        assert_ne!(source_hash(&edited), source_hash(text));
        assert_ne!(source_hash(b"\0"), source_hash(b""));
    }

    #[test]
    fn reads_tweet_handles() {
        assert_eq!(
            tweet_handle("https://twitter.com/Abebab/status/1322229024387727360"),
            Some("Abebab")
        );
        assert_eq!(
            tweet_handle("https://x.com/_vaishnavh/status/1"),
            Some("_vaishnavh")
        );
        for bad in [
            "https://twitter.com/Abebab",
            "http://twitter.com/a/status/1",
            "https://twitter.com/a/status/1?s=20",
            "https://twitter.com/a-b/status/1",
            "https://twitter.com/sixteen_chars_xx/status/1",
            "https://evil.com/a/status/1",
        ] {
            assert_eq!(tweet_handle(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_bluesky_post_urls_uris_and_cids_strictly() {
        let url = "https://bsky.app/profile/ada.bsky.social/post/3lbxyz2abcd2k";
        assert_eq!(
            bluesky_post_parts(url),
            Some(("ada.bsky.social", "3lbxyz2abcd2k"))
        );
        for bad in [
            "https://bsky.app/profile/Ada.bsky.social/post/3l",
            "https://bsky.app/profile/nodot/post/3l",
            "https://bsky.app/profile/a.b/post/3l\"x",
            "https://bsky.app/profile/a.b/post/",
            "https://evil.example/profile/a.b/post/3l",
            "https://bsky.app/profile/a.b/post/3l?x=1",
        ] {
            assert_eq!(bluesky_post_parts(bad), None, "{bad}");
        }
        let uri = "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbxyz2abcd2k";
        assert!(bluesky_uri_ok(uri, "3lbxyz2abcd2k"));
        assert!(bluesky_uri_ok(
            "at://did:web:example.org/app.bsky.feed.post/3l",
            "3l"
        ));
        assert!(!bluesky_uri_ok(uri, "3other"), "the URL's record key");
        assert!(!bluesky_uri_ok("at://did:plc:short/app.bsky.feed.post/3l", "3l"));
        assert!(!bluesky_uri_ok(
            "at://did:plc:abcdefghijklmnopqrstuvw\"/app.bsky.feed.post/3l",
            "3l"
        ));
        assert!(bluesky_cid_ok(
            "bafyreia7ouzqgkyb7mqypyocljhtxrkq6ryjw6glkgaeph3ghjfzg6wz4a"
        ));
        assert!(!bluesky_cid_ok("Bafyreia7ouzqgkyb"));
        assert!(!bluesky_cid_ok("bafy\" onx"));
    }

    #[test]
    fn dir_names_match_html() {
        assert_eq!(Dir::Ltr.as_str(), "ltr");
        assert_eq!(Dir::Rtl.as_str(), "rtl");
    }
}
