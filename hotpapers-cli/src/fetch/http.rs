//! One request as the services' terms ask: spacing per host across
//! processes, a timeout, a size cap, same-origin redirects, and bounded retries
//! that wait as long as the service asks.

use std::time::Duration;

use url::Url;

use super::arxiv::parse_atom;
use super::{normalise, said, Call, Client, FetchError};

/// Redirects followed on the same host, at most.
const MAX_REDIRECTS: u32 = 3;

type Response = ureq::http::Response<ureq::Body>;

impl Client {
    /// One request with spacing per host, a timeout, a size cap, same-host
    /// redirects (GET only) and bounded retries with backoff on 406, 429, 5xx
    /// gateway errors and timeouts, waiting as `Retry-After` or `RateLimit`
    /// asks up to the pace's `max_wait`. Any other status is
    /// [`FetchError::Refused`] with what the service said.
    pub(super) fn call(&mut self, call: &Call<'_>) -> Result<String, FetchError> {
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
            let mut response = match self.send(call, &asked) {
                Ok(response) => response,
                Err(ureq::Error::Timeout(_)) => {
                    reason = "timed out".to_owned();
                    continue;
                }
                Err(error) => return Err(network(error.to_string())),
            };
            let status = response.status().as_u16();
            match status {
                200 => return answer(&mut response).map_err(network),
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
                    let asked_wait = asked_wait(&response);
                    let message = service_message(&error_body(&mut response));
                    reason = format!("HTTP {status}{}", said(&message));
                    if let Some(after) = asked_wait {
                        if after > call.pace.max_wait {
                            return Err(network(too_long(&reason, after, call.pace.max_wait)));
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

    /// One try of `call`, sent to `url` (where redirects have led).
    fn send(&self, call: &Call<'_>, url: &str) -> Result<Response, ureq::Error> {
        let bearer = call.bearer.map(|token| format!("Bearer {token}"));
        match call.body {
            Some(body) => {
                let mut request = self
                    .agent
                    .post(url)
                    .header("Accept", call.accept)
                    .header("Content-Type", "application/json");
                if let Some(bearer) = &bearer {
                    request = request.header("Authorization", bearer);
                }
                if let Some(key) = call.idempotency_key {
                    request = request.header("Idempotency-Key", key);
                }
                request.send(body)
            }
            None => {
                let mut request = self.agent.get(url).header("Accept", call.accept);
                if let Some(bearer) = &bearer {
                    request = request.header("Authorization", bearer);
                }
                request.call()
            }
        }
    }
}

/// A 200's answer, read up to [`MAX_RESPONSE_BYTES`].
fn answer(response: &mut Response) -> Result<String, String> {
    response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_string()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => {
                format!("the answer is over {} MiB; refused", MAX_RESPONSE_BYTES >> 20)
            }
            e => e.to_string(),
        })
}

/// How long an answer asks the tool to wait: the longer of `Retry-After` and
/// `RateLimit`'s reset.
fn asked_wait(response: &Response) -> Option<Duration> {
    [
        header(response, "retry-after").and_then(|v| parse_retry_after(&v)),
        header(response, "ratelimit").and_then(|v| parse_rate_limit(&v)),
    ]
    .into_iter()
    .flatten()
    .max()
}

/// Why a request is given up when the service asks for a longer wait than
/// its window: with the time to try again.
fn too_long(reason: &str, after: Duration, max_wait: Duration) -> String {
    let at = time::OffsetDateTime::now_utc() + after;
    format!(
        "{reason}; the service asks to wait {} s, longer than its {} s window; \
         try again after {:02}:{:02} UTC",
        after.as_secs(),
        max_wait.as_secs(),
        at.hour(),
        at.minute()
    )
}

/// The largest answer read: a day of any source is far smaller.
const MAX_RESPONSE_BYTES: u64 = 16 << 20;

/// The most of an error answer read: enough for any service's message.
const MAX_ERROR_BYTES: u64 = 64 << 10;

/// What an answer that is not 200 says, read up to [`MAX_ERROR_BYTES`]
/// (empty when it cannot be read).
fn error_body(response: &mut Response) -> String {
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
fn service_message(body: &str) -> Option<String> {
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

fn header(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name)?.to_str().ok().map(str::to_owned)
}

/// `HOTPAPERS_HTTP_TIMEOUT`: a finite number of seconds, 1 ms to an hour.
pub(super) fn timeout_seconds(text: &str) -> Option<Duration> {
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
    // A request is stamped in milliseconds rounded up and the wait counted
    // from now rounded down, so that rounding never lets the next request go
    // early (stamped at 5.9 ms and rounded down, it would go at 1,005 ms).
    let since_epoch = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    if let Ok(last) = last.trim().parse::<u64>() {
        let now = since_epoch().map_or(0, |d| d.as_millis() as u64);
        let due = last.saturating_add(spacing.as_millis() as u64);
        // A clock set back must not stall the tool for longer than the spacing.
        let wait = due.saturating_sub(now).min(spacing.as_millis() as u64);
        std::thread::sleep(Duration::from_millis(wait));
    }
    let stamp = since_epoch().map_or(0, |d| d.as_micros().div_ceil(1000) as u64);
    file.set_len(0)?;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0))?;
    std::io::Write::write_all(&mut file, stamp.to_string().as_bytes())?;
    Ok(())
}
