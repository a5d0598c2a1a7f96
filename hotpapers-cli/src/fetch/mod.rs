//! The services the tools ask: one HTTP client that keeps to their terms
//! ([`http`]), arXiv's API ([`arxiv`]) and the oEmbed endpoints ([`oembed`]).
//!
//! Endpoints come from configuration (environment, then `hotpapers.toml`, then
//! the public services), so tests run against a local server. The client keeps
//! arXiv's terms: many ids in one request, at least three seconds between
//! requests to one host (across processes: a shell loop of `hotpapers add` does
//! not burst), a timeout, and a bounded number of retries with backoff on 406,
//! 429, 5xx and timeouts, waiting as long as `Retry-After` or the IETF draft's
//! `RateLimit` header (Hugging Face's) asks, up to the service's stated window.
//! It names itself (and a contact address, as arXiv asks) and what it accepts,
//! follows a redirect only on the same host, and says what the service said
//! when it refuses. What comes back is untrusted: it goes through the checks a
//! curator's typing goes through.

mod arxiv;
mod http;
mod oembed;

use std::time::Duration;

use hotpapers::Site;

pub use arxiv::ArxivPaper;
use http::timeout_seconds;

/// The public arXiv API.
pub const DEFAULT_ARXIV_API: &str = "https://export.arxiv.org/api/query";
/// The public oEmbed endpoint for tweets.
pub const DEFAULT_OEMBED_API: &str = "https://publish.twitter.com/oembed";

/// Hugging Face Daily Papers.
pub const DEFAULT_HF_API: &str = "https://huggingface.co/api/daily_papers";
/// Algolia's Hacker News search, newest first.
pub const DEFAULT_HN_API: &str = "https://hn.algolia.com/api/v1/search_by_date";
/// Bluesky's XRPC, where an app password logs in.
pub const DEFAULT_BSKY_API: &str = "https://bsky.social/xrpc";
/// Bluesky's oEmbed endpoint.
pub const DEFAULT_BSKY_OEMBED_API: &str = "https://embed.bsky.app/oembed";

/// Where the services are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The arXiv API; `?id_list=...` is appended.
    pub arxiv: String,
    /// The oEmbed endpoint; `?url=...&omit_script=true` is appended.
    pub oembed: String,
    /// Hugging Face Daily Papers; `?date=...&limit=100&p=N` is appended.
    pub huggingface: String,
    /// Hacker News search; `?query=arxiv.org&...` is appended.
    pub hackernews: String,
    /// Bluesky's XRPC; `/com.atproto.server.createSession` and
    /// `/app.bsky.feed.searchPosts?...` are appended.
    pub bluesky: String,
    /// Bluesky's oEmbed; `?url=...` is appended.
    pub bluesky_oembed: String,
}

impl Endpoints {
    /// `HOTPAPERS_ARXIV_API`, `HOTPAPERS_OEMBED_API`, `HOTPAPERS_HF_API`,
    /// `HOTPAPERS_HN_API`, `HOTPAPERS_BSKY_API` and `HOTPAPERS_BSKY_OEMBED_API`,
    /// else the site's `[endpoints]`, else the public services.
    pub fn from_env(site: &Site) -> Endpoints {
        let pick = |var: &str, configured: &Option<String>, default: &str| {
            std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .or_else(|| configured.clone())
                .unwrap_or_else(|| default.to_owned())
        };
        Endpoints {
            arxiv: pick(
                "HOTPAPERS_ARXIV_API",
                &site.endpoints.arxiv_api,
                DEFAULT_ARXIV_API,
            ),
            oembed: pick(
                "HOTPAPERS_OEMBED_API",
                &site.endpoints.oembed_api,
                DEFAULT_OEMBED_API,
            ),
            huggingface: pick("HOTPAPERS_HF_API", &site.endpoints.hf_api, DEFAULT_HF_API),
            hackernews: pick("HOTPAPERS_HN_API", &site.endpoints.hn_api, DEFAULT_HN_API),
            bluesky: pick("HOTPAPERS_BSKY_API", &site.endpoints.bsky_api, DEFAULT_BSKY_API),
            bluesky_oembed: pick(
                "HOTPAPERS_BSKY_OEMBED_API",
                &site.endpoints.bsky_oembed_api,
                DEFAULT_BSKY_OEMBED_API,
            ),
        }
    }
}

/// Why a paper or tweet could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The service could not be reached, or kept failing.
    #[error("cannot reach {url}: {reason}")]
    Network {
        /// What was asked for.
        url: String,
        /// Why it failed, after the retries.
        reason: String,
    },
    /// arXiv answered with an error entry.
    #[error("arXiv refused `{id}`: {message}")]
    ArxivError {
        /// The id in question.
        id: String,
        /// arXiv's message.
        message: String,
    },
    /// arXiv has no such paper.
    #[error("arXiv has no paper `{0}`")]
    UnknownPaper(String),
    /// `HOTPAPERS_HTTP_TIMEOUT` is not a usable number of seconds.
    #[error("HOTPAPERS_HTTP_TIMEOUT=`{0}` is not a number of seconds from 0.001 to 3600")]
    Timeout(String),
    /// The service refused the request (a status that retrying does not
    /// change), with what it said.
    #[error("{url} refused the request: HTTP {status}{}", said(message))]
    Refused {
        /// What was asked for.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The service's own message (a JSON `error` and `message`, an Atom
        /// error entry's summary), if it gave one.
        message: Option<String>,
        /// The answer's body, read up to [`MAX_ERROR_BYTES`]: arXiv's error
        /// feed says which id it refused.
        body: String,
    },
    /// The answer was not what the service documents.
    #[error("unexpected answer from {url}: {reason}")]
    Malformed {
        /// What was asked for.
        url: String,
        /// What was wrong with it.
        reason: String,
    },
}

/// `: MESSAGE` for a service's message, nothing without one.
fn said(message: &Option<String>) -> String {
    message.as_ref().map_or_else(String::new, |m| format!(": {m}"))
}

/// How a service is asked: the least time between two requests to it, and the
/// longest it may ask the tool to wait (`Retry-After`, `RateLimit`) before a
/// request is given up with a time to try again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    /// The least time since the last request to the same host.
    pub spacing: Duration,
    /// The longest wait a service's rate limit may ask for.
    pub max_wait: Duration,
}

/// An HTTP client that keeps to the services' terms.
pub struct Client {
    agent: ureq::Agent,
    endpoints: Endpoints,
    /// How arXiv and the oEmbed endpoints are asked: three seconds apart, as
    /// arXiv's terms ask, and a wait of up to two minutes.
    pub pace: Pace,
    /// Tries per request.
    pub attempts: u32,
}

/// How the tool names itself to the services, with the site owner's contact
/// address when there is one (`HOTPAPERS_CONTACT`, else the email of
/// `[commit] author`): arXiv's API terms ask for one.
pub fn user_agent(contact: Option<&str>) -> String {
    let tool = concat!(
        "hotpapers/",
        env!("CARGO_PKG_VERSION"),
        " (+https://github.com/hotpapers/hotpapers"
    );
    // Only an address's own characters: a header cannot be broken from here.
    let contact = contact.filter(|c| {
        c.contains('@')
            && c.len() <= 254
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"@.-_+".contains(&b))
    });
    match contact {
        Some(contact) => format!("{tool}; mailto:{contact})"),
        None => format!("{tool})"),
    }
}

/// The contact address for [`user_agent`]: `HOTPAPERS_CONTACT`, else the
/// email of the site's `[commit] author`.
pub fn contact(site: &Site) -> Option<String> {
    std::env::var("HOTPAPERS_CONTACT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            let author = site.commit.author.as_deref()?;
            let (_, email) = author.split_once('<')?;
            Some(email.trim_end().trim_end_matches('>').to_owned())
        })
}

impl Client {
    /// A client with a timeout per request (`HOTPAPERS_HTTP_TIMEOUT` seconds,
    /// default 30), naming `contact` in its `User-Agent`.
    pub fn new(endpoints: Endpoints, contact: Option<&str>) -> Result<Client, FetchError> {
        let timeout = match std::env::var("HOTPAPERS_HTTP_TIMEOUT") {
            Ok(text) => timeout_seconds(&text).ok_or(FetchError::Timeout(hotpapers::quoted(&text)))?,
            Err(_) => Duration::from_secs(30),
        };
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            // Redirects are followed by hand, only on the same host.
            .max_redirects(0)
            .user_agent(user_agent(contact))
            .build();
        Ok(Client {
            agent: config.into(),
            endpoints,
            pace: Pace {
                spacing: Duration::from_secs(3),
                max_wait: Duration::from_secs(120),
            },
            attempts: 3,
        })
    }

    /// Where the services are.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// GET at arXiv's pace; see [`Client::call`].
    fn get(&mut self, url: &str, accept: &str) -> Result<String, FetchError> {
        let pace = self.pace;
        self.call(&Call {
            url,
            accept,
            pace,
            body: None,
            bearer: None,
            idempotency_key: None,
        })
    }

    /// A JSON document from `url`, asked at `pace`.
    pub fn get_json(
        &mut self,
        url: &str,
        pace: Pace,
        bearer: Option<&str>,
    ) -> Result<serde_json::Value, FetchError> {
        self.json(&Call {
            url,
            accept: "application/json",
            pace,
            body: None,
            bearer,
            idempotency_key: None,
        })
    }

    /// POSTs a JSON document and reads the JSON answer.
    pub fn post_json(
        &mut self,
        url: &str,
        pace: Pace,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, FetchError> {
        self.post_json_as(url, pace, body, Post::default())
    }

    /// POSTs a JSON document with an access token and other headers, and
    /// reads the JSON answer. A POST is retried as a GET is (5xx, 429): only
    /// for a request the service can tell apart from its first try (an
    /// `Idempotency-Key`, a record key it refuses twice).
    pub fn post_json_as(
        &mut self,
        url: &str,
        pace: Pace,
        body: &serde_json::Value,
        post: Post<'_>,
    ) -> Result<serde_json::Value, FetchError> {
        let sent = body.to_string();
        self.json(&Call {
            url,
            accept: "application/json",
            pace,
            body: Some(&sent),
            bearer: post.bearer,
            idempotency_key: post.idempotency_key,
        })
    }

    /// The JSON document `call` answers with.
    fn json(&mut self, call: &Call<'_>) -> Result<serde_json::Value, FetchError> {
        let answer = self.call(call)?;
        serde_json::from_str(&answer).map_err(|e| FetchError::Malformed {
            url: call.url.to_owned(),
            reason: format!("not JSON: {e}"),
        })
    }

    /// A session on a Bluesky server (`com.atproto.server.createSession`)
    /// from an app password: the access token and the account's DID.
    pub fn bluesky_session(
        &mut self,
        login: &(String, String),
        pace: Pace,
    ) -> Result<BlueskySession, FetchError> {
        let url = format!(
            "{}/com.atproto.server.createSession",
            self.endpoints.bluesky.trim_end_matches('/')
        );
        let session = self.post_json(
            &url,
            pace,
            &serde_json::json!({"identifier": login.0, "password": login.1}),
        )?;
        let field = |name: &str| {
            session[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| FetchError::Malformed {
                    url: url.clone(),
                    reason: format!("no `{name}` in the session"),
                })
        };
        Ok(BlueskySession {
            access_jwt: field("accessJwt")?,
            did: field("did")?,
        })
    }
}

/// One request, as [`Client::call`] makes it.
struct Call<'a> {
    url: &'a str,
    accept: &'a str,
    /// How the service is asked.
    pace: Pace,
    /// A JSON body: the request is a POST.
    body: Option<&'a str>,
    /// An access token, sent as `Authorization: Bearer`.
    bearer: Option<&'a str>,
    /// Sent as `Idempotency-Key` with a POST.
    idempotency_key: Option<&'a str>,
}

/// What a POST sends besides its body.
#[derive(Clone, Copy, Debug, Default)]
pub struct Post<'a> {
    /// An access token, sent as `Authorization: Bearer`.
    pub bearer: Option<&'a str>,
    /// Sent as `Idempotency-Key`: Mastodon answers a repeated request with
    /// the status the first one made.
    pub idempotency_key: Option<&'a str>,
}

/// A Bluesky login.
#[derive(Clone, Debug)]
pub struct BlueskySession {
    /// The access token.
    pub access_jwt: String,
    /// The account, whose repository records are written to.
    pub did: String,
}

/// What a query value keeps as it is: RFC 3986's unreserved characters.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query value.
pub(crate) fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// Whitespace runs to one space, trimmed.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
