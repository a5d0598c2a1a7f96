//! Embeds from oEmbed endpoints: a tweet's (`hotpapers tweet`) and a Bluesky
//! post's (`collect`), each read as the curator's own embed would be.

use std::borrow::Cow;
use std::time::Duration;

use hotpapers::Tweet;

use super::{encode, Client, FetchError, Pace};

impl Client {
    /// Fetches a Bluesky post's embed from Bluesky's oEmbed endpoint; `url` is
    /// the post's `https://bsky.app/profile/HANDLE/post/RKEY`.
    pub fn bluesky_post(&mut self, url: &str) -> Result<hotpapers::BlueskyPost<'static>, FetchError> {
        let request = format!("{}?url={}", self.endpoints.bluesky_oembed, encode(url));
        let pace = Pace {
            spacing: Duration::from_millis(500),
            max_wait: self.pace.max_wait,
        };
        let json = self.get_json(&request, pace, None)?;
        let malformed = |reason: String| FetchError::Malformed {
            url: request.clone(),
            reason,
        };
        let html = json["html"]
            .as_str()
            .ok_or_else(|| malformed("no `html` in the oEmbed answer".to_owned()))?;
        let post = crate::collect::embed::bluesky_post(html).map_err(&malformed)?;
        // The embed of another post would put its words under this one's name.
        let key = |url: &str| hotpapers::bluesky_post_parts(url).map(|(_, rkey)| rkey.to_owned());
        if key(url).is_none() || key(url) != key(&post.url) {
            return Err(malformed(format!("the embed is of another post, `{}`", post.url)));
        }
        Ok(post)
    }

    /// Fetches a tweet's embed; `x.com` URLs are read as twitter.com ones.
    pub fn tweet(&mut self, url: &str) -> Result<Tweet<'static>, FetchError> {
        let url = url.replacen("https://x.com/", "https://twitter.com/", 1);
        let request = format!("{}?url={}&omit_script=true", self.endpoints.oembed, encode(&url));
        let body = self.get(&request, "application/json")?;
        let malformed = |reason: &str| FetchError::Malformed {
            url: request.clone(),
            reason: reason.to_owned(),
        };
        let json: serde_json::Value = serde_json::from_str(&body).map_err(|e| malformed(&e.to_string()))?;
        let html = json["html"]
            .as_str()
            .ok_or_else(|| malformed("no `html` in the oEmbed answer"))?;
        let mut tweet = hotpapers::parse_tweet_embed(html)
            .ok_or_else(|| malformed("the embed HTML is not a tweet blockquote"))?;
        tweet.url = Cow::Owned(url);
        Ok(tweet)
    }
}
