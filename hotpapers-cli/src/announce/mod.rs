//! A new day told to readers where they are: `hotpapers announce` (Bluesky,
//! Mastodon) and `hotpapers digest` (e-mail).
//!
//! - `text`: what is said about a day, fitted to a service's limits;
//! - `bluesky`, `mastodon`: a channel each, behind [`Channel`];
//! - `mail`: the day as an e-mail, and its sending over SMTP.
//!
//! What was announced is recorded by the library's [`hotpapers::Announcements`].

pub(crate) mod bluesky;
pub(crate) mod mail;
pub(crate) mod mastodon;
pub(crate) mod text;

use hotpapers::{Day, Site};

use crate::fetch::{Client, FetchError};

/// A day as announcements tell it: plain text, no Markdown or TeX markup.
#[derive(Clone, Debug)]
pub(crate) struct News {
    /// The arXiv day.
    pub date: time::Date,
    /// The day's title, `Hot Papers 2026-11-27`.
    pub title: String,
    /// The day's page, absolute.
    pub url: String,
    /// One line: the day's top titles.
    pub description: String,
    /// The day's papers, best first.
    pub papers: Vec<PaperNews>,
}

/// A paper as announcements tell it.
#[derive(Clone, Debug)]
pub(crate) struct PaperNews {
    /// The arXiv id.
    pub id: String,
    /// The title as a reader sees it.
    pub title: String,
    /// The score the day ranks by.
    pub score: u64,
    /// The paper's arXiv page.
    pub url: String,
    /// The authors.
    pub authors: Vec<String>,
    /// The abstract as a reader sees it.
    pub abstract_: String,
    /// The counts, as the post says them (`Hugging Face: 120 upvotes`…).
    pub counts: String,
}

/// Papers an announcement names.
pub(crate) const TOP: usize = 3;

impl News {
    /// What readers are told about `day`: its `top` best papers (all with
    /// `None`), as the day's page ranks them.
    pub(crate) fn of(site: &Site, day: &Day<'_>, top: Option<usize>) -> News {
        let weights = &site.collect.weights;
        let papers: Vec<PaperNews> = hotpapers::ranked(day, site)
            .into_iter()
            .take(top.unwrap_or(usize::MAX))
            .map(|paper| PaperNews {
                id: paper.arxiv.without_version().to_owned(),
                title: hotpapers::plain_text(&paper.title),
                score: paper.score(weights),
                url: format!("https://arxiv.org/abs/{}", paper.arxiv.without_version()),
                authors: paper.authors.iter().map(|a| a.to_string()).collect(),
                abstract_: hotpapers::plain_text(&paper.abstract_),
                counts: hotpapers::count_phrases(&paper.counts).join(" · "),
            })
            .collect();
        let description = papers
            .iter()
            .take(TOP)
            .map(|p| p.title.as_str())
            .collect::<Vec<_>>()
            .join(" · ");
        News {
            date: day.date,
            title: site.post_title(day.date),
            url: site.post_url(day.date),
            description,
            papers,
        }
    }
}

/// A place a day is announced: one module each.
pub(crate) trait Channel {
    /// Its name in the record and in messages: `bluesky`, `mastodon`.
    fn name(&self) -> &'static str;
    /// The post as it would be sent, for `--dry-run`.
    fn preview(&self, news: &News) -> Result<String, FetchError>;
    /// Posts `news`; where the post is (a URI or URL), recorded so that it
    /// is never posted again.
    fn send(&mut self, client: &mut Client, news: &News) -> Result<String, FetchError>;
}

/// The channels configured in the environment, and a line for each one that
/// is not.
pub(crate) struct Channels {
    /// Those configured.
    pub on: Vec<Box<dyn Channel>>,
    /// `NAME: not configured (...); skipped`, one for each of the others.
    pub off: Vec<String>,
}

/// The [`Channels`] of the environment.
pub(crate) fn channels() -> anyhow::Result<Channels> {
    let mut on: Vec<Box<dyn Channel>> = Vec::new();
    let mut off = Vec::new();
    match bluesky::Bluesky::from_env() {
        Some(channel) => on.push(Box::new(channel)),
        None => off.push(
            "bluesky: not configured (HOTPAPERS_BSKY_IDENTIFIER and HOTPAPERS_BSKY_APP_PASSWORD); skipped"
                .to_owned(),
        ),
    }
    match mastodon::Mastodon::from_env()? {
        Some(channel) => on.push(Box::new(channel)),
        None => off.push(
            "mastodon: not configured (HOTPAPERS_MASTODON_URL and HOTPAPERS_MASTODON_TOKEN); skipped"
                .to_owned(),
        ),
    }
    Ok(Channels { on, off })
}

/// A 10-bit number that tells sites apart, stable across machines and Rust
/// versions (FNV-1a of the blog's URL): part of a Bluesky record key and of
/// a Mastodon idempotency key, so two sites of one account never collide.
pub(crate) fn site_tag(news: &News) -> u64 {
    let origin = news.url.split("/posts/").next().unwrap_or_default();
    origin.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether the URL's host is this machine.
pub(crate) fn loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or("", |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
