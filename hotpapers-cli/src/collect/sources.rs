//! The open sources of the day's discussion, each read in its documented
//! shape: Hugging Face Daily Papers, Hacker News (Algolia) and Bluesky.
//!
//! Every answer is untrusted: a field of the wrong type is an error naming the
//! source, a link that is not an arXiv link is ignored, counts saturate, and
//! pages stop at an empty page, or after [`MAX_PAGES`].

use std::time::Duration;

use serde_json::Value;
use time::{Date, OffsetDateTime, Time};

use hotpapers::{ArxivId, BlueskyCounts, Code, HackerNewsCounts, HuggingFaceCounts};

use super::ids::{arxiv_id, arxiv_ids};
use crate::fetch::{Client, FetchError, Pace};

/// Pages read from one source for one day, at most: 1,000 items, where Hugging
/// Face's busiest days list about 50 papers and a day's arXiv links on Hacker
/// News and Bluesky that score are far fewer. Hugging Face documents no largest
/// `limit`, so its pages are read until one is empty, not until one is short.
pub const MAX_PAGES: u32 = 10;
/// Items asked for per page.
const PER_PAGE: u32 = 100;

/// Hugging Face allows 500 anonymous calls per 5-minute window: one per 0.6 s,
/// and a 429's `RateLimit` reset is waited for up to the window (hub-docs,
/// `docs/hub/rate-limits.md`).
const HF_PACE: Pace = Pace {
    spacing: Duration::from_millis(600),
    max_wait: Duration::from_secs(300),
};
/// Algolia allows 10,000 calls an hour: one per 0.36 s.
const HN_PACE: Pace = Pace {
    spacing: Duration::from_millis(400),
    max_wait: Duration::from_secs(120),
};
/// Bluesky allows 3,000 calls per 5 minutes; be gentler.
const BSKY_PACE: Pace = Pace {
    spacing: Duration::from_millis(500),
    max_wait: Duration::from_secs(300),
};

/// What one source said about one paper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mention {
    /// A paper of the day's Hugging Face list.
    /// Hugging Face's listing, with the paper's code when it links one.
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
fn day_bounds(date: Date) -> (i64, i64) {
    let start = date.with_time(Time::MIDNIGHT).assume_utc().unix_timestamp();
    (start, start + 86_400)
}

fn count(value: &Value) -> Option<u32> {
    match value {
        Value::Null => Some(0),
        Value::Number(n) => n.as_u64().map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        _ => None,
    }
}

fn shape(url: &str, reason: impl Into<String>) -> SourceError {
    SourceError::Shape {
        url: url.to_owned(),
        reason: reason.into(),
    }
}

/// Hugging Face Daily Papers of `date`: `paper.id`, `paper.upvotes`,
/// `numComments`, and `paper.githubRepo` with `paper.githubStars`.
pub fn huggingface(client: &mut Client, date: Date) -> Result<Vec<Mention>, SourceError> {
    let base = client.endpoints().huggingface.clone();
    let mut mentions = Vec::new();
    for page in 0..MAX_PAGES {
        let url = format!(
            "{base}?date={}&limit={PER_PAGE}&p={page}",
            hotpapers::format_date(date)
        );
        let answer = client.get_json(&url, HF_PACE, None)?;
        let items = answer
            .as_array()
            .ok_or_else(|| shape(&url, "expected a JSON array of daily papers"))?;
        for (i, item) in items.iter().enumerate() {
            let paper = &item["paper"];
            let id = paper["id"]
                .as_str()
                .ok_or_else(|| shape(&url, format!("item {i} has no string `paper.id`")))?;
            let Some(id) = arxiv_id(id) else {
                // Not every listed paper is on arXiv; those are not ours.
                continue;
            };
            let upvotes = count(&paper["upvotes"])
                .ok_or_else(|| shape(&url, format!("item {i}: `paper.upvotes` is not a count")))?;
            let comments = count(&item["numComments"])
                .ok_or_else(|| shape(&url, format!("item {i}: `numComments` is not a count")))?;
            // `paper.githubRepo` and `paper.githubStars`, for papers with
            // code; a URL of any other shape is not taken.
            let code = paper["githubRepo"]
                .as_str()
                .filter(|url| hotpapers::github_repo(url).is_some())
                .map(|url| Code {
                    url: url.to_owned().into(),
                    stars: count(&paper["githubStars"]).unwrap_or(0),
                });
            mentions.push(Mention::HuggingFace(
                id,
                HuggingFaceCounts { upvotes, comments },
                code,
            ));
        }
        if items.is_empty() {
            break;
        }
    }
    Ok(mentions)
}

/// Hacker News stories of the UTC day whose URL is on arxiv.org.
pub fn hackernews(client: &mut Client, date: Date) -> Result<Vec<Mention>, SourceError> {
    let base = client.endpoints().hackernews.clone();
    let (start, end) = day_bounds(date);
    let mut mentions = Vec::new();
    for page in 0..MAX_PAGES {
        let url = format!(
            "{base}?query=arxiv.org&restrictSearchableAttributes=url&tags=story\
             &numericFilters=created_at_i%3E%3D{start}%2Ccreated_at_i%3C{end}&hitsPerPage={PER_PAGE}&page={page}"
        );
        let answer = client.get_json(&url, HN_PACE, None)?;
        let hits = answer["hits"]
            .as_array()
            .ok_or_else(|| shape(&url, "expected an object with a `hits` array"))?;
        for (i, hit) in hits.iter().enumerate() {
            let Some(link) = hit["url"].as_str() else {
                continue;
            };
            let Some(id) = arxiv_ids(link).into_iter().next() else {
                continue;
            };
            let story = hit["objectID"]
                .as_str()
                .and_then(|s| s.parse::<u32>().ok())
                .ok_or_else(|| shape(&url, format!("hit {i}: `objectID` is not a story number")))?;
            let points = count(&hit["points"])
                .ok_or_else(|| shape(&url, format!("hit {i}: `points` is not a count")))?;
            let comments = count(&hit["num_comments"])
                .ok_or_else(|| shape(&url, format!("hit {i}: `num_comments` is not a count")))?;
            mentions.push(Mention::HackerNews(
                id,
                HackerNewsCounts {
                    points,
                    comments,
                    story,
                },
            ));
        }
        let pages = answer["nbPages"].as_u64().unwrap_or(0);
        if u64::from(page) + 1 >= pages {
            break;
        }
    }
    Ok(mentions)
}

/// Bluesky's login, from the environment: `None` when it is not set.
pub fn bluesky_login() -> Option<(String, String)> {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    Some((
        var("HOTPAPERS_BSKY_IDENTIFIER")?,
        var("HOTPAPERS_BSKY_APP_PASSWORD")?,
    ))
}

/// Bluesky posts of the UTC day linking arxiv.org, best first: a session from
/// the app password, then `app.bsky.feed.searchPosts`.
pub fn bluesky(
    client: &mut Client,
    date: Date,
    login: &(String, String),
) -> Result<Vec<Mention>, SourceError> {
    let base = client.endpoints().bluesky.trim_end_matches('/').to_owned();
    let token = client.bluesky_session(login, BSKY_PACE)?.access_jwt;
    let (start, end) = day_bounds(date);
    let iso = |t: i64| {
        OffsetDateTime::from_unix_timestamp(t)
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default()
    };
    let mut mentions = Vec::new();
    let mut cursor: Option<String> = None;
    // `domain:arxiv.org` in `q` is what Bluesky's search service (indigo's
    // `search/parse_query.go`) turns into its domain filter, with a query that
    // matches every post; `q=arxiv.org` would also require the words in the
    // text, and miss a post that carries the link only as a card. The
    // lexicon's `domain` parameter says the same to a server that reads it.
    for _ in 0..MAX_PAGES {
        let mut url = format!(
            "{base}/app.bsky.feed.searchPosts?q=domain%3Aarxiv.org&domain=arxiv.org&since={}&until={}&sort=top&limit={PER_PAGE}",
            crate::fetch::encode(&iso(start)),
            crate::fetch::encode(&iso(end))
        );
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={}", crate::fetch::encode(cursor)));
        }
        let answer = client.get_json(&url, BSKY_PACE, Some(&token))?;
        let posts = answer["posts"]
            .as_array()
            .ok_or_else(|| shape(&url, "expected an object with a `posts` array"))?;
        for (i, post) in posts.iter().enumerate() {
            let likes = count(&post["likeCount"])
                .ok_or_else(|| shape(&url, format!("post {i}: `likeCount` is not a count")))?;
            let reposts = count(&post["repostCount"])
                .ok_or_else(|| shape(&url, format!("post {i}: `repostCount` is not a count")))?;
            let Some(link) = post_url(post) else {
                continue;
            };
            for id in post_ids(post) {
                mentions.push(Mention::Bluesky(
                    id,
                    BlueskyCounts {
                        likes,
                        reposts,
                        posts: 1,
                    },
                    BlueskyPost {
                        url: link.clone(),
                        engagement: u64::from(likes) + u64::from(reposts),
                    },
                ));
            }
        }
        cursor = answer["cursor"].as_str().map(str::to_owned);
        if cursor.is_none() || posts.is_empty() {
            break;
        }
    }
    Ok(mentions)
}

/// `https://bsky.app/profile/HANDLE/post/RKEY` from the post's `uri` and handle.
fn post_url(post: &Value) -> Option<String> {
    let uri = post["uri"].as_str()?;
    let rkey = uri.strip_prefix("at://")?.split('/').nth(2)?;
    let handle = post["author"]["handle"].as_str()?;
    let ok = |s: &str, extra: &[u8]| {
        !s.is_empty() && s.len() <= 253 && s.bytes().all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
    };
    (ok(handle, b".-") && ok(rkey, b"._:~-"))
        .then(|| format!("https://bsky.app/profile/{handle}/post/{rkey}"))
}

/// How deep embeds are followed: a quote of a quote with media is four.
const EMBED_DEPTH: usize = 6;

/// The links and text of a post record (`app.bsky.feed.post`) or an embed, of
/// every shape the lexicons give them: the record's text and link facets; a
/// link card (`app.bsky.embed.external`, its `#view`); a quote post
/// (`app.bsky.embed.record#view`, whose `viewRecord` has its own `value` and
/// `embeds`); and a quote with media (`app.bsky.embed.recordWithMedia`, the
/// link card in its `media`).
fn links<'v>(value: &'v Value, depth: usize, out: &mut Vec<&'v str>) {
    if depth == 0 || !value.is_object() {
        return;
    }
    out.extend(value["text"].as_str());
    for facet in value["facets"].as_array().into_iter().flatten() {
        for feature in facet["features"].as_array().into_iter().flatten() {
            out.extend(feature["uri"].as_str());
        }
    }
    out.extend(value["external"]["uri"].as_str());
    for inner in ["embed", "media", "record", "value"] {
        links(&value[inner], depth - 1, out);
    }
    for embed in value["embeds"].as_array().into_iter().flatten() {
        links(embed, depth - 1, out);
    }
}

/// The arXiv ids a post links: in its record (text, facets, embeds) and in
/// the embeds the service resolved for it (`post.embed`).
fn post_ids(post: &Value) -> Vec<ArxivId<'static>> {
    let mut links_found: Vec<&str> = Vec::new();
    links(&post["record"], EMBED_DEPTH, &mut links_found);
    links(&post["embed"], EMBED_DEPTH, &mut links_found);
    let links = links_found;
    let mut ids = Vec::new();
    for link in links {
        for id in arxiv_ids(link) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}
