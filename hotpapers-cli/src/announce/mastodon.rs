//! Mastodon: one status per day (`POST /api/v1/statuses`), with an
//! `Idempotency-Key` made from the day and the site, so that a request
//! retried after a 5xx makes one status, not two.

use std::time::Duration;

use anyhow::bail;

use crate::fetch::{Client, FetchError, Pace, Post};

use super::text::{compose, Limits};
use super::{Channel, News};

/// Mastodon's default limit: 500 characters, a link counting 23 whatever
/// its length.
const LIMITS: Limits = Limits {
    graphemes: 500,
    bytes: usize::MAX,
    link_counts: Some(23),
    links_written: true,
};

/// Requests a second apart; a rate limit may ask for up to five minutes.
const PACE: Pace = Pace {
    spacing: Duration::from_secs(1),
    max_wait: Duration::from_secs(300),
};

/// An account on a Mastodon server.
pub(crate) struct Mastodon {
    /// The server, `https://mastodon.social`.
    base: String,
    token: String,
}

impl Mastodon {
    /// The account of `HOTPAPERS_MASTODON_URL` (the server) and
    /// `HOTPAPERS_MASTODON_TOKEN` (an access token with `write:statuses`),
    /// if both are set. The token goes over HTTPS only, or to a server on
    /// this machine.
    pub(crate) fn from_env() -> anyhow::Result<Option<Mastodon>> {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        let (Some(base), Some(token)) = (var("HOTPAPERS_MASTODON_URL"), var("HOTPAPERS_MASTODON_TOKEN"))
        else {
            return Ok(None);
        };
        let base = base.trim_end_matches('/').to_owned();
        if !secure_or_local(&base) {
            bail!(
                "HOTPAPERS_MASTODON_URL=`{}` must be an https:// URL (plain http only to 127.0.0.1, [::1] or localhost): the token would travel in the clear",
                hotpapers::quoted(&base)
            );
        }
        Ok(Some(Mastodon { base, token }))
    }
}

/// `https://…`, or `http://` to a loopback address.
fn secure_or_local(url: &str) -> bool {
    url.starts_with("https://") || (url.starts_with("http://") && super::loopback(url))
}

impl Channel for Mastodon {
    fn name(&self) -> &'static str {
        "mastodon"
    }

    fn preview(&self, news: &News) -> Result<String, FetchError> {
        Ok(status(news)?.to_string())
    }

    fn send(&mut self, client: &mut Client, news: &News) -> Result<String, FetchError> {
        let url = format!("{}/api/v1/statuses", self.base);
        let key = format!(
            "hotpapers-{}-{:016x}",
            hotpapers::format_date(news.date),
            super::site_tag(news)
        );
        let post = Post {
            bearer: Some(&self.token),
            idempotency_key: Some(&key),
        };
        let answer = client.post_json_as(&url, PACE, &status(news)?, post)?;
        answer["url"]
            .as_str()
            .or_else(|| answer["uri"].as_str())
            .map(str::to_owned)
            .ok_or_else(|| FetchError::Malformed {
                url,
                reason: "no `url` in the created status".to_owned(),
            })
    }
}

/// The status's form, as JSON.
fn status(news: &News) -> Result<serde_json::Value, FetchError> {
    let post = compose(news, LIMITS).ok_or_else(|| FetchError::Malformed {
        url: news.url.clone(),
        reason: "the day's title and page do not fit in one Mastodon status".to_owned(),
    })?;
    Ok(serde_json::json!({
        "status": post.text,
        "visibility": "public",
        "language": "en",
    }))
}
