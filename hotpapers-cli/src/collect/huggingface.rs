//! Hugging Face Daily Papers (`GET {endpoint}?date=…&limit=…&p=…`, the
//! endpoint `[endpoints] hf-api`): the day's list, each paper's upvotes and
//! comments, and its code repository with its stars when it links one.

use std::time::Duration;

use time::Date;

use hotpapers::{Code, HuggingFaceCounts};

use super::ids::arxiv_id;
use super::source::{count, shape, Mention, Source, SourceError, MAX_PAGES, PER_PAGE};
use super::Candidate;
use crate::fetch::{Client, Pace};

/// Hugging Face allows 500 anonymous calls per 5-minute window: one per 0.6 s,
/// and a 429's `RateLimit` reset is waited for up to the window (hub-docs,
/// `docs/hub/rate-limits.md`).
const PACE: Pace = Pace {
    spacing: Duration::from_millis(600),
    max_wait: Duration::from_secs(300),
};

/// Hugging Face Daily Papers.
#[derive(Clone, Copy, Debug)]
pub struct HuggingFace;

impl Source for HuggingFace {
    /// Hugging Face Daily Papers of `date`: `paper.id`, `paper.upvotes`,
    /// `numComments`, and `paper.githubRepo` with `paper.githubStars`.
    fn mentions(&self, client: &mut Client, date: Date) -> Result<Vec<Mention>, SourceError> {
        let base = client.endpoints().huggingface.clone();
        let mut mentions = Vec::new();
        for page in 0..MAX_PAGES {
            let url = format!(
                "{base}?date={}&limit={PER_PAGE}&p={page}",
                hotpapers::format_date(date)
            );
            let answer = client.get_json(&url, PACE, None)?;
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
}

/// A listing merged into its paper: listed twice (a page boundary moved), the
/// larger counts; the code, when one listing links it.
pub(super) fn merge(candidate: &mut Candidate, counts: HuggingFaceCounts, code: Option<Code<'static>>) {
    if code.is_some() {
        candidate.code = code;
    }
    let old = candidate.counts.huggingface.unwrap_or_default();
    candidate.counts.huggingface = Some(HuggingFaceCounts {
        upvotes: old.upvotes.max(counts.upvotes),
        comments: old.comments.max(counts.comments),
    });
}
