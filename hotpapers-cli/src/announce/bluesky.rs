//! Bluesky: one post per day (`com.atproto.repo.createRecord`), its titles
//! linked to arXiv by facets, the day's page as a link card.
//!
//! The record key is made from the day and the site, not from the clock: a
//! request retried after a 5xx, or a run that lost its record, finds the
//! post already there (`com.atproto.repo.getRecord`) and never posts twice.

use std::time::Duration;

use crate::fetch::{BlueskySession, Client, FetchError, Pace, Post};

use super::text::{compose, Limits};
use super::{Channel, News};

/// Bluesky's limits on a post's text (the lexicon's `maxGraphemes` and
/// `maxLength`).
const LIMITS: Limits = Limits {
    graphemes: 300,
    bytes: 3000,
    link_counts: None,
    links_written: false,
};

/// Requests a second apart; a rate limit may ask for up to five minutes.
const PACE: Pace = Pace {
    spacing: Duration::from_secs(1),
    max_wait: Duration::from_secs(300),
};

/// The posts' collection.
const COLLECTION: &str = "app.bsky.feed.post";

/// A Bluesky account, logged in with an app password when first used.
pub(crate) struct Bluesky {
    login: (String, String),
    session: Option<BlueskySession>,
}

impl Bluesky {
    /// The account of `HOTPAPERS_BSKY_IDENTIFIER` and
    /// `HOTPAPERS_BSKY_APP_PASSWORD` (the ones `collect` reads), if set.
    pub(crate) fn from_env() -> Option<Bluesky> {
        Some(Bluesky {
            login: crate::collect::bluesky::login()?,
            session: None,
        })
    }
}

impl Channel for Bluesky {
    fn name(&self) -> &'static str {
        "bluesky"
    }

    fn preview(&self, news: &News) -> Result<String, FetchError> {
        let record = record(news, "PREVIEW")?;
        Ok(serde_json::to_string_pretty(&record).unwrap_or_default())
    }

    fn send(&mut self, client: &mut Client, news: &News) -> Result<String, FetchError> {
        let session = match &self.session {
            Some(session) => session.clone(),
            None => {
                let session = client.bluesky_session(&self.login, PACE)?;
                self.session = Some(session.clone());
                session
            }
        };
        let base = client.endpoints().bluesky.trim_end_matches('/').to_owned();
        let rkey = record_key(news);
        if let Some(uri) = existing(client, &base, &session, &rkey)? {
            return Ok(uri);
        }
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let body = serde_json::json!({
            "repo": session.did,
            "collection": COLLECTION,
            "rkey": rkey,
            "record": record(news, &now)?,
        });
        let url = format!("{base}/com.atproto.repo.createRecord");
        let post = Post {
            bearer: Some(&session.access_jwt),
            idempotency_key: None,
        };
        let created = match client.post_json_as(&url, PACE, &body, post) {
            Ok(created) => created,
            // A first try that went through before its answer was lost.
            Err(error) => match existing(client, &base, &session, &rkey)? {
                Some(uri) => return Ok(uri),
                None => return Err(error),
            },
        };
        created["uri"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| FetchError::Malformed {
                url,
                reason: "no `uri` in the created record".to_owned(),
            })
    }
}

/// The post's record: text, link facets with byte offsets, the day's page as
/// an external embed.
fn record(news: &News, created_at: &str) -> Result<serde_json::Value, FetchError> {
    let post = compose(news, LIMITS).ok_or_else(|| FetchError::Malformed {
        url: news.url.clone(),
        reason: "the day's title and page do not fit in one Bluesky post".to_owned(),
    })?;
    let facets: Vec<serde_json::Value> = post
        .links
        .iter()
        .map(|(range, uri)| {
            serde_json::json!({
                "index": {"byteStart": range.start, "byteEnd": range.end},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}],
            })
        })
        .collect();
    Ok(serde_json::json!({
        "$type": COLLECTION,
        "text": post.text,
        "facets": facets,
        "langs": ["en"],
        "createdAt": created_at,
        "embed": {
            "$type": "app.bsky.embed.external",
            "external": {
                "uri": news.url,
                "title": news.title,
                "description": news.description,
            },
        },
    }))
}

/// The post of this day and site, if the account has it.
fn existing(
    client: &mut Client,
    base: &str,
    session: &BlueskySession,
    rkey: &str,
) -> Result<Option<String>, FetchError> {
    let url = format!(
        "{base}/com.atproto.repo.getRecord?repo={}&collection={COLLECTION}&rkey={rkey}",
        crate::fetch::encode(&session.did)
    );
    match client.get_json(&url, PACE, Some(&session.access_jwt)) {
        Ok(found) => Ok(found["uri"].as_str().map(str::to_owned)),
        Err(FetchError::Refused { status, body, .. })
            if status == 404 || (status == 400 && body.contains("RecordNotFound")) =>
        {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// The record key of a day's post: a TID (the AT Protocol's timestamp id)
/// of the day's midnight, UTC, with the site's tag as its clock id.
pub(crate) fn record_key(news: &News) -> String {
    const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
    let micros = news.date.midnight().assume_utc().unix_timestamp().max(0) as u64 * 1_000_000;
    let mut value = ((micros & ((1 << 53) - 1)) << 10) | (super::site_tag(news) & 0x3ff);
    let mut key = [0u8; 13];
    for slot in key.iter_mut().rev() {
        *slot = ALPHABET[(value & 31) as usize];
        value >>= 5;
    }
    String::from_utf8_lossy(&key).into_owned()
}
