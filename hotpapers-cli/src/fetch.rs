//! Papers from the arXiv API and tweets from their oEmbed, for `hotpapers add`
//! and `hotpapers tweet`.
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

use std::borrow::Cow;
use std::time::Duration;

use quick_xml::events::Event;
use url::Url;

use hotpapers::{ArxivId, Category, Site, Tweet};

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

/// A paper as arXiv describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArxivPaper {
    /// The id, without its version.
    pub id: ArxivId<'static>,
    /// The title, whitespace normalised, as Markdown that renders as arXiv's
    /// text ([`hotpapers::markdown_text`]).
    pub title: String,
    /// The authors, in order, likewise.
    pub authors: Vec<String>,
    /// The categories of the taxonomy, primary first.
    pub categories: Vec<Category>,
    /// The abstract, whitespace normalised, likewise.
    pub abstract_: String,
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

/// Redirects followed on the same host, at most.
const MAX_REDIRECTS: u32 = 3;

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

    /// Looks papers up, all in one request; any id arXiv does not know fails
    /// the whole lookup.
    pub fn arxiv_papers(&mut self, ids: &[ArxivId<'_>]) -> Result<Vec<ArxivPaper>, FetchError> {
        self.arxiv_lookup(ids)?
            .into_iter()
            .map(|(id, found)| {
                found.map_err(|message| match message {
                    None => FetchError::UnknownPaper(id),
                    Some(message) => FetchError::ArxivError { id, message },
                })
            })
            .collect()
    }

    /// Looks papers up, all in one request: for each id, its paper, or why
    /// arXiv gave none (`None`: it has no such paper). arXiv refuses a whole
    /// request for one id it will not take (HTTP 400 with its error feed): the
    /// ids are then asked again one by one, three seconds apart, so that one
    /// bad id never costs the others. A service that is down is an error.
    pub fn arxiv_lookup(&mut self, ids: &[ArxivId<'_>]) -> Result<Vec<(String, Lookup)>, FetchError> {
        match self.arxiv_request(ids) {
            Err(FetchError::Refused {
                status: 400,
                message,
                body,
                ..
            }) => match ids {
                [id] => {
                    let why = parse_atom(&body)
                        .ok()
                        .and_then(|entries| entries.into_iter().find_map(|e| e.err().map(|(_, m)| m)))
                        .or(message)
                        .unwrap_or_else(|| "HTTP 400".to_owned());
                    Ok(vec![(id.without_version().to_owned(), Err(Some(why)))])
                }
                _ => {
                    let mut found = Vec::with_capacity(ids.len());
                    for id in ids {
                        found.extend(self.arxiv_lookup(std::slice::from_ref(id))?);
                    }
                    Ok(found)
                }
            },
            other => other,
        }
    }

    /// One request for `ids`, read as [`Client::arxiv_lookup`] answers.
    fn arxiv_request(&mut self, ids: &[ArxivId<'_>]) -> Result<Vec<(String, Lookup)>, FetchError> {
        let list: Vec<&str> = ids.iter().map(ArxivId::without_version).collect();
        let url = format!(
            "{}?id_list={}&max_results={}",
            self.endpoints.arxiv,
            encode(&list.join(",")),
            ids.len()
        );
        let body = self.get(&url, "application/atom+xml")?;
        let papers = parse_atom(&body).map_err(|reason| FetchError::Malformed {
            url: url.clone(),
            reason,
        })?;
        let error_of_all = papers
            .iter()
            .find_map(|p| p.as_ref().err())
            .map(|(_, m)| m.clone());
        Ok(list
            .iter()
            .map(|id| {
                let found = match papers.iter().find(|p| match p {
                    Ok(paper) => paper.id.without_version() == *id,
                    Err((error_id, _)) => error_id.contains(id),
                }) {
                    Some(Ok(paper)) => Ok(paper.clone()),
                    Some(Err((_, message))) => Err(Some(message.clone())),
                    None => Err(error_of_all.clone()),
                };
                ((*id).to_owned(), found)
            })
            .collect())
    }

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
        let body = self.call(&Call {
            url,
            accept: "application/json",
            pace,
            body: None,
            bearer,
            idempotency_key: None,
        })?;
        serde_json::from_str(&body).map_err(|e| FetchError::Malformed {
            url: url.to_owned(),
            reason: format!("not JSON: {e}"),
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
        let answer = self.call(&Call {
            url,
            accept: "application/json",
            pace,
            body: Some(&sent),
            bearer: post.bearer,
            idempotency_key: post.idempotency_key,
        })?;
        serde_json::from_str(&answer).map_err(|e| FetchError::Malformed {
            url: url.to_owned(),
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

    /// One request with spacing per host, a timeout, a size cap, same-host
    /// redirects (GET only) and bounded retries with backoff on 406, 429, 5xx
    /// gateway errors and timeouts, waiting as `Retry-After` or `RateLimit`
    /// asks up to the pace's `max_wait`. Any other status is
    /// [`FetchError::Refused`] with what the service said.
    fn call(&mut self, call: &Call<'_>) -> Result<String, FetchError> {
        let url = call.url;
        let network = |reason: String| FetchError::Network {
            url: url.to_owned(),
            reason,
        };
        let mut reason = String::new();
        let mut asked = url.to_owned();
        let mut redirects = 0;
        let mut attempt = 0;
        let mut retry_after = None;
        while attempt < self.attempts.max(1) {
            // Backoff doubles: the spacing, then twice it, four times...
            let spacing = call.pace.spacing;
            let backoff = spacing * 2u32.pow(attempt.saturating_sub(1).min(6));
            let wait = retry_after.take().unwrap_or(backoff).max(spacing);
            wait_turn(&asked, wait).map_err(|e| network(format!("spacing: {e}")))?;
            attempt += 1;
            let sent = match call.body {
                Some(body) => {
                    let mut request = self
                        .agent
                        .post(&asked)
                        .header("Accept", call.accept)
                        .header("Content-Type", "application/json");
                    if let Some(token) = call.bearer {
                        request = request.header("Authorization", &format!("Bearer {token}"));
                    }
                    if let Some(key) = call.idempotency_key {
                        request = request.header("Idempotency-Key", key);
                    }
                    request.send(body)
                }
                None => {
                    let mut request = self.agent.get(&asked).header("Accept", call.accept);
                    if let Some(token) = call.bearer {
                        request = request.header("Authorization", &format!("Bearer {token}"));
                    }
                    request.call()
                }
            };
            let mut response = match sent {
                Ok(response) => response,
                Err(ureq::Error::Timeout(_)) => {
                    reason = "timed out".to_owned();
                    continue;
                }
                Err(error) => return Err(network(error.to_string())),
            };
            let status = response.status().as_u16();
            match status {
                200 => {
                    return response
                        .body_mut()
                        .with_config()
                        .limit(MAX_RESPONSE_BYTES)
                        .read_to_string()
                        .map_err(|e| match e {
                            ureq::Error::BodyExceedsLimit(_) => network(format!(
                                "the answer is over {} MiB; refused",
                                MAX_RESPONSE_BYTES >> 20
                            )),
                            e => network(e.to_string()),
                        })
                }
                301 | 302 | 303 | 307 | 308 if redirects < MAX_REDIRECTS && call.body.is_none() => {
                    let location = header(&response, "location").unwrap_or_default();
                    asked = same_host_redirect(&asked, &location).ok_or_else(|| {
                        network(format!(
                            "HTTP {status} redirects to `{}`, another host; refused",
                            hotpapers::quoted(&location)
                        ))
                    })?;
                    redirects += 1;
                    attempt -= 1;
                }
                406 | 429 | 500 | 502 | 503 | 504 => {
                    let asked_wait = [
                        header(&response, "retry-after").and_then(|v| parse_retry_after(&v)),
                        header(&response, "ratelimit").and_then(|v| parse_rate_limit(&v)),
                    ]
                    .into_iter()
                    .flatten()
                    .max();
                    let message = service_message(&error_body(&mut response));
                    reason = format!("HTTP {status}{}", said(&message));
                    if let Some(after) = asked_wait {
                        if after > call.pace.max_wait {
                            let at = time::OffsetDateTime::now_utc() + after;
                            return Err(network(format!(
                                "{reason}; the service asks to wait {} s, longer than its {} s window; \
                                 try again after {:02}:{:02} UTC",
                                after.as_secs(),
                                call.pace.max_wait.as_secs(),
                                at.hour(),
                                at.minute()
                            )));
                        }
                        retry_after = Some(after);
                    }
                }
                _ => {
                    let body = error_body(&mut response);
                    return Err(FetchError::Refused {
                        url: url.to_owned(),
                        status,
                        message: service_message(&body),
                        body,
                    });
                }
            }
        }
        Err(network(format!("{reason}, {} times", self.attempts)))
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

/// The largest answer read: a day of any source is far smaller.
const MAX_RESPONSE_BYTES: u64 = 16 << 20;

/// The most of an error answer read: enough for any service's message.
pub const MAX_ERROR_BYTES: u64 = 64 << 10;

/// What an answer that is not 200 says, read up to [`MAX_ERROR_BYTES`]
/// (empty when it cannot be read).
fn error_body(response: &mut ureq::http::Response<ureq::Body>) -> String {
    response
        .body_mut()
        .with_config()
        .limit(MAX_ERROR_BYTES)
        .read_to_string()
        .unwrap_or_default()
}

/// A service's own words in an error answer, on one line and quoted as
/// messages quote values: a JSON `error` and `message` (AT Protocol's
/// `{"error":"ExpiredToken","message":"..."}`, Hugging Face's `{"error":"..."}`),
/// or an Atom error entry's summary (arXiv's error feed).
pub(crate) fn service_message(body: &str) -> Option<String> {
    let text = if let Ok(json) = serde_json::from_str::<serde_json::Value>(body) {
        let part = |key: &str| json[key].as_str().map(str::to_owned);
        match (part("error"), part("message")) {
            (Some(error), Some(message)) if error != message => format!("{error}: {message}"),
            (Some(text), _) | (None, Some(text)) => text,
            (None, None) => return None,
        }
    } else {
        let (_, message) = parse_atom(body).ok()?.into_iter().find_map(Result::err)?;
        message
    };
    let text = normalise(&text);
    let text: String = text.chars().take(300).collect();
    (!text.is_empty()).then(|| format!("`{}`", hotpapers::quoted(&text)))
}

/// The seconds to the window's reset in the IETF draft's `RateLimit` header,
/// as Hugging Face sends it (`"api";r=0;t=55`): the longest `t` of an item
/// whose remaining `r` is 0, or of any item when none says so.
fn parse_rate_limit(value: &str) -> Option<Duration> {
    let mut spent = None;
    let mut any = None;
    for item in value.split(',') {
        let mut remaining = None;
        let mut reset = None;
        for parameter in item.split(';').skip(1) {
            match parameter.trim().split_once('=') {
                Some(("r", n)) => remaining = n.trim().parse::<u64>().ok(),
                Some(("t", n)) => reset = n.trim().parse::<u64>().ok(),
                _ => {}
            }
        }
        if let Some(reset) = reset {
            any = any.max(Some(reset));
            if remaining == Some(0) {
                spent = spent.max(Some(reset));
            }
        }
    }
    spent.or(any).map(Duration::from_secs)
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response.headers().get(name)?.to_str().ok().map(str::to_owned)
}

/// `HOTPAPERS_HTTP_TIMEOUT`: a finite number of seconds, 1 ms to an hour.
fn timeout_seconds(text: &str) -> Option<Duration> {
    let seconds: f64 = text.trim().parse().ok()?;
    (seconds.is_finite() && (0.001..=3600.0).contains(&seconds)).then(|| Duration::from_secs_f64(seconds))
}

/// `Retry-After`: seconds, or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    if let Ok(seconds) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at =
        time::OffsetDateTime::parse(value.trim(), &time::format_description::well_known::Rfc2822).ok()?;
    let wait = at - time::OffsetDateTime::now_utc();
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// Where a redirect from `from` to `location` leads, if it stays on the same
/// origin (scheme, host and port). `location` may be relative (RFC 9110,
/// section 10.2.2), resolved as a browser would; its fragment is dropped.
fn same_host_redirect(from: &str, location: &str) -> Option<String> {
    let from = Url::parse(from).ok()?;
    let mut to = from.join(location).ok()?;
    to.set_fragment(None);
    (to.origin() == from.origin()).then(|| to.into())
}

/// Waits until `spacing` has passed since the last request any process made to
/// `url`'s host, then notes this one. The time is kept in a file per host in
/// the temporary folder, read and written under an OS lock, so that processes
/// run one after another share the spacing.
fn wait_turn(url: &str, spacing: Duration) -> std::io::Result<()> {
    // The host and port, as a file name.
    let host: String = Url::parse(url)
        .ok()
        .and_then(|url| Some(format!("{}_{}", url.host_str()?, url.port_or_known_default()?)))
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = std::env::temp_dir().join(format!("hotpapers-spacing-{host}"));
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)?;
    file.lock()?;
    let mut last = String::new();
    std::io::Read::read_to_string(&mut file, &mut last)?;
    let now_ms = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    };
    if let Ok(last) = last.trim().parse::<u64>() {
        let due = last.saturating_add(spacing.as_millis() as u64);
        // A clock set back must not stall the tool for longer than the spacing.
        let wait = due.saturating_sub(now_ms()).min(spacing.as_millis() as u64);
        std::thread::sleep(Duration::from_millis(wait));
    }
    file.set_len(0)?;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0))?;
    std::io::Write::write_all(&mut file, now_ms().to_string().as_bytes())?;
    Ok(())
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

type Entry = Result<ArxivPaper, (String, String)>;

/// What looking one id up found: its paper, or why arXiv gave none (`None`:
/// it has no such paper).
pub type Lookup = Result<ArxivPaper, Option<String>>;

/// One `<entry>` while it is read.
#[derive(Default)]
struct Raw {
    id: String,
    title: String,
    summary: String,
    authors: Vec<String>,
    primary: Option<String>,
    categories: Vec<String>,
}

/// Adds text to the field of the entry that the element path names.
fn push_text(raw: Option<&mut Raw>, path: &[String], text: &str) {
    let Some(raw) = raw else { return };
    match path
        .iter()
        .rev()
        .take(2)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["id", "entry"] => raw.id.push_str(text),
        ["title", "entry"] => raw.title.push_str(text),
        ["summary", "entry"] => raw.summary.push_str(text),
        ["name", "author"] => {
            if let Some(name) = raw.authors.last_mut() {
                name.push_str(text);
            }
        }
        _ => {}
    }
}

/// The entries of an arXiv Atom feed: papers, or `(id, message)` for error entries.
pub fn parse_atom(xml: &str) -> Result<Vec<Entry>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut entries = Vec::new();
    let mut current: Option<Raw> = None;
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event().map_err(|e| format!("not XML: {e}"))? {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if name == "entry" {
                    current = Some(Raw::default());
                }
                // Each `<name>` in an `<author>` starts an author; text and entities fill it.
                if let (Some(raw), "name", Some("author")) =
                    (current.as_mut(), name.as_str(), path.last().map(String::as_str))
                {
                    raw.authors.push(String::new());
                }
                path.push(name);
            }
            Event::Empty(element) => {
                let name = String::from_utf8_lossy(element.local_name().as_ref()).into_owned();
                if let Some(raw) = current.as_mut() {
                    let term = element
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"term")
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()));
                    match (name.as_str(), term) {
                        ("primary_category", Some(term)) => raw.primary = Some(term),
                        ("category", Some(term)) => raw.categories.push(term),
                        _ => {}
                    }
                }
            }
            Event::Text(text) => {
                let text = text.xml_content().map_err(|e| format!("bad text: {e}"))?;
                push_text(current.as_mut(), &path, &text);
            }
            Event::GeneralRef(reference) => {
                // Entities arrive on their own: `&amp;`, `&#233;`, ...
                push_text(current.as_mut(), &path, &resolve_reference(&reference)?);
            }
            Event::End(_) => {
                let closed = path.pop();
                if closed.as_deref() == Some("entry") {
                    entries.push(entry(current.take().unwrap_or_default()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(entries)
}

/// An entity or character reference of the feed, as text.
fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    if let Some(c) = reference
        .resolve_char_ref()
        .map_err(|e| format!("bad reference: {e}"))?
    {
        return Ok(c.to_string());
    }
    let name = reference.decode().map_err(|e| format!("bad reference: {e}"))?;
    Ok(match name.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        other => return Err(format!("unknown entity `&{};`", hotpapers::quoted(other))),
    }
    .to_owned())
}

fn entry(raw: Raw) -> Entry {
    let Raw {
        id,
        title,
        summary,
        authors,
        primary,
        categories,
    } = raw;
    let id = id.trim().to_owned();
    if id.contains("/api/errors") || normalise(&title) == "Error" {
        return Err((id, normalise(&summary)));
    }
    let bare = id.rsplit_once("/abs/").map_or(id.as_str(), |(_, bare)| bare);
    let Ok(parsed) = ArxivId::parse(ArxivId::split_version(bare).0.to_owned()) else {
        return Err((id.clone(), format!("`{bare}` is not an arXiv id")));
    };
    let mut names: Vec<String> = primary.into_iter().collect();
    for category in categories {
        if !names.contains(&category) {
            names.push(category);
        }
    }
    // Cross-lists outside the taxonomy (such as ACM classes) are dropped.
    let categories: Vec<Category> = names.iter().filter_map(|n| Category::from_id(n)).collect();
    if categories.is_empty() {
        return Err((id, "no category of the arXiv taxonomy".to_owned()));
    }
    // arXiv's plain text into Markdown fields: escaped where CommonMark would
    // read markup (`<think>` is a tag to it), so it renders as arXiv wrote it.
    let text = |t: &str| hotpapers::markdown_text(&normalise(t));
    Ok(ArxivPaper {
        id: parsed,
        title: text(&title),
        authors: authors.iter().map(|a| text(a)).collect(),
        categories,
        abstract_: text(&summary),
    })
}
