//! Bluesky (`app.bsky.feed.searchPosts` on the XRPC endpoint `[endpoints]
//! bsky-api`, after a session from an app password): the day's posts linking
//! arxiv.org, with their likes and reposts, best first.

use std::time::Duration;

use serde_json::Value;
use time::{Date, OffsetDateTime};

use hotpapers::{ArxivId, BlueskyCounts};

use super::ids::arxiv_ids;
use super::source::{
    count, day_bounds, shape, BlueskyPost, Mention, Source, SourceError, MAX_PAGES, PER_PAGE,
};
use super::Candidate;
use crate::fetch::{Client, Pace};

/// Bluesky allows 3,000 calls per 5 minutes; be gentler.
const PACE: Pace = Pace {
    spacing: Duration::from_millis(500),
    max_wait: Duration::from_secs(300),
};

/// Bluesky, with the login a session is made from.
#[derive(Clone, Debug)]
pub struct Bluesky {
    /// The handle or e-mail address, and the app password.
    login: (String, String),
}

impl Bluesky {
    /// Bluesky with the login from the environment; `None` when it is not set.
    pub fn from_env() -> Option<Bluesky> {
        login().map(|login| Bluesky { login })
    }
}

/// Bluesky's login, from the environment: `None` when it is not set.
pub fn login() -> Option<(String, String)> {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    Some((
        var("HOTPAPERS_BSKY_IDENTIFIER")?,
        var("HOTPAPERS_BSKY_APP_PASSWORD")?,
    ))
}

impl Source for Bluesky {
    /// Bluesky posts of the UTC day linking arxiv.org, best first: a session from
    /// the app password, then `app.bsky.feed.searchPosts`.
    fn mentions(&self, client: &mut Client, date: Date) -> Result<Vec<Mention>, SourceError> {
        let base = client.endpoints().bluesky.trim_end_matches('/').to_owned();
        let token = client.bluesky_session(&self.login, PACE)?.access_jwt;
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
            let answer = client.get_json(&url, PACE, Some(&token))?;
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
}

/// A post merged into its paper: likes and reposts summed over its posts,
/// each post once.
pub(super) fn merge(candidate: &mut Candidate, counts: BlueskyCounts, post: BlueskyPost) {
    if candidate.posts.iter().any(|p| p.url == post.url) {
        return;
    }
    let old = candidate.counts.bluesky.unwrap_or_default();
    candidate.counts.bluesky = Some(BlueskyCounts {
        likes: old.likes.saturating_add(counts.likes),
        reposts: old.reposts.saturating_add(counts.reposts),
        posts: old.posts.saturating_add(1),
    });
    candidate.posts.push(post);
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
