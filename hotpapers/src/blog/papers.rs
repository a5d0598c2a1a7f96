//! A page for every paper a published day shows: `/papers/ID/` (the id without
//! its version; an old-style id keeps its slash, `/papers/hep-th/9901001/`).
//!
//! It shows the paper as its newest day's post does (authors, counts, code,
//! links, categories, abstract with its math, the embedded discussion), every
//! day it was on with its rank, score and counts per source, linking back to
//! each, and, when there are several, its score over those days as a small SVG
//! chart drawn here (no script).
//!
//! Which days a paper was on, with what rank and counts, comes from the days'
//! index ([`DayEntry`]), without decoding a day: a page is known by its key
//! (those days' day-files and everything the blog is rendered from), and only
//! a page whose key changed is rendered, decoding its newest day alone. An edit
//! of one day renders the pages of that day's papers.

use std::collections::BTreeMap;

use serde::Serialize;

use super::pages::{Blog, View};
use super::stats::{polyline, round, Dot};
use super::{BlogError, PageKey, SiteFile};
use crate::archive::DayEntry;
use crate::post::{count_phrases, listed, paper_body};

/// A paper shown on a published day: the day (newest first, as the blog
/// counts days), the paper's place in its day-file, its rank and its score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shown {
    pub(crate) day: usize,
    pub(crate) at: usize,
    pub(crate) rank: usize,
    pub(crate) score: u64,
}

/// Every paper the published days' posts show, newest day first and in rank
/// order within a day, known from the days' index without decoding a day.
pub(crate) fn shown(blog: &Blog<'_, '_>) -> Vec<Shown> {
    let weights = &blog.site.collect.weights;
    let mut shown = Vec::new();
    for day in 0..blog.len() {
        let entry: &DayEntry = blog.entry(day);
        let mut scored: Vec<(usize, u64)> = entry
            .papers
            .iter()
            .enumerate()
            .map(|(at, paper)| (at, paper.counts.score(weights)))
            .filter(|&(_, score)| listed(score, blog.site))
            .collect();
        // As the post ranks them: highest score first, ties in file order.
        scored.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
        shown.extend(scored.into_iter().enumerate().map(|(rank, (at, score))| Shown {
            day,
            at,
            rank: rank + 1,
            score,
        }));
    }
    shown
}

/// Every paper shown on a published day, by id, with the days it was on,
/// newest first.
pub(crate) fn index<'b>(blog: &'b Blog<'_, '_>, shown: &[Shown]) -> BTreeMap<&'b str, Vec<Shown>> {
    let mut papers: BTreeMap<&str, Vec<Shown>> = BTreeMap::new();
    for &s in shown {
        papers
            .entry(&blog.entry(s.day).papers[s.at].id)
            .or_default()
            .push(s);
    }
    papers
}

/// A paper's page as its template sees it.
#[derive(Debug, Serialize)]
struct PaperPage {
    /// The arXiv id without its version.
    id: String,
    /// The title as plain text (the page shows it rendered).
    title: String,
    /// The abstract's opening as plain text, for link previews.
    summary: String,
    /// The page's path, base included.
    url: String,
    /// Each day it was on, newest first.
    days: Vec<DayShown>,
    /// Its score over those days, when there are several.
    chart: Option<Chart>,
    /// Its categories as the blog's topics, primary first (an alias under
    /// its canonical name, once).
    topics: Vec<super::topics::TopicLink>,
}

/// A day a paper was on, as its page lists it.
#[derive(Debug, Serialize)]
struct DayShown {
    /// `YYYY-MM-DD`.
    date: String,
    /// The paper on the day's page: `/posts/SLUG/#ID`.
    url: String,
    rank: usize,
    score: u64,
    /// `retweets: 60, favorites: 200`, `Hugging Face: 12 upvotes, 3 comments`.
    counts: Vec<String>,
}

/// A line chart of a paper's score by day, oldest first, in the SVG's own
/// units: the template draws `points` as a polyline and each dot.
#[derive(Debug, Serialize)]
struct Chart {
    width: u32,
    height: u32,
    /// `x,y x,y …`.
    points: String,
    dots: Vec<Dot>,
}

const CHART_WIDTH: u32 = 600;
const CHART_HEIGHT: u32 = 120;
/// Room around the plot for the dots.
const CHART_MARGIN: f64 = 8.0;

impl Blog<'_, '_> {
    /// One page per paper, but for those `reuse` says are there already;
    /// every paper page's key.
    pub(crate) fn paper_pages(
        &self,
        reuse: &(dyn Fn(&str, u64) -> bool + Sync),
    ) -> Result<(Vec<SiteFile>, Vec<PageKey>), BlogError> {
        let papers: Vec<(&str, Vec<Shown>)> = index(self, self.shown()).into_iter().collect();
        let keys: Vec<PageKey> = papers
            .iter()
            .map(|(id, shown)| {
                let path = format!("papers/{id}/index.html");
                let key = self.paper_key(id, shown);
                PageKey::reusing(path, key, reuse)
            })
            .collect();
        let todo: Vec<usize> = (0..papers.len()).filter(|&i| !keys[i].reused).collect();
        let files = crate::parallel::try_map(&todo, 16, |&i| {
            let (id, shown) = &papers[i];
            let html = self.paper_page(id, shown)?;
            Ok::<_, BlogError>(SiteFile {
                path: keys[i].path.clone(),
                bytes: std::borrow::Cow::Owned(html),
            })
        })?;
        Ok((files, keys))
    }

    /// What a paper's page is rendered from, as one number: the day-files of
    /// the days it was on (its rank and counts on each, its newest day's text)
    /// and everything the whole blog is rendered from.
    fn paper_key(&self, id: &str, shown: &[Shown]) -> u64 {
        // Bytes, not text: a ten-year blog has tens of thousands of papers,
        // each keyed on every publish.
        let mut bytes = Vec::with_capacity(8 + id.len() + 16 * shown.len());
        bytes.extend_from_slice(&self.render_id.to_le_bytes());
        bytes.extend_from_slice(id.as_bytes());
        for s in shown {
            let entry = self.entry(s.day);
            bytes.extend_from_slice(&entry.date.to_julian_day().to_le_bytes());
            bytes.extend_from_slice(&entry.source_hash.to_le_bytes());
        }
        crate::model::source_hash(&bytes)
    }

    /// A paper's page: its newest day decoded for its text, the others known
    /// by their entries.
    fn paper_page(&self, id: &str, shown: &[Shown]) -> Result<Vec<u8>, BlogError> {
        let newest = shown[0];
        let day = self.day(newest.day)?;
        let paper = &day.papers[newest.at];
        let mut markdown = format!("# {}\n\n", paper.title);
        paper_body(paper, &mut markdown);
        let content = self.markdown_html(&markdown, View::PaperPage, &[paper.arxiv.as_str()]);
        let days = shown
            .iter()
            .map(|s| {
                let entry = self.entry(s.day);
                DayShown {
                    date: crate::text::format_date(entry.date),
                    url: format!("{}#{}", self.site.post_path(entry.date), paper.arxiv.as_str()),
                    rank: s.rank,
                    score: s.score,
                    counts: count_phrases(&entry.papers[s.at].counts),
                }
            })
            .collect::<Vec<_>>();
        let chart = (shown.len() > 1).then(|| chart(&days));
        let page = PaperPage {
            id: id.to_owned(),
            title: super::plain_text(&paper.title),
            summary: summary(&super::plain_text(&paper.abstract_)),
            url: self.paper_url(id),
            days,
            chart,
            topics: self.topic_links(&paper.categories),
        };
        let url = page.url.clone();
        self.render(
            "paper.html",
            minijinja::context! {
                paper => page,
                content => minijinja::Value::from_safe_string(content),
                page_url => url,
            },
        )
    }
}

/// The abstract's first sentences, up to about 200 characters: what a link
/// preview shows.
fn summary(text: &str) -> String {
    const ABOUT: usize = 200;
    if text.chars().count() <= ABOUT {
        return text.to_owned();
    }
    let mut end = 0;
    for (i, _) in text.match_indices(". ") {
        if text[..i].chars().count() >= ABOUT {
            break;
        }
        end = i + 1;
    }
    if end == 0 {
        let cut: String = text.chars().take(ABOUT).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
        return format!("{cut}…");
    }
    text[..end].to_owned()
}

/// The score over the days (given newest first), oldest on the left.
fn chart(days: &[DayShown]) -> Chart {
    let max = days.iter().map(|d| d.score).max().unwrap_or(0).max(1) as f64;
    let (w, h) = (f64::from(CHART_WIDTH), f64::from(CHART_HEIGHT));
    let step = (w - 2.0 * CHART_MARGIN) / (days.len() - 1).max(1) as f64;
    let dots: Vec<Dot> = days
        .iter()
        .rev()
        .enumerate()
        .map(|(i, day)| Dot {
            x: round(CHART_MARGIN + step * i as f64),
            y: round(h - CHART_MARGIN - (h - 2.0 * CHART_MARGIN) * day.score as f64 / max),
            title: format!("{}: {}", day.date, day.score),
        })
        .collect();
    Chart {
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        points: polyline(&dots),
        dots,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_ends_at_a_sentence_or_a_word() {
        assert_eq!(summary("Short."), "Short.");
        let long = format!(
            "{} Second sentence goes on. {}",
            "A first sentence.",
            "word ".repeat(60)
        );
        assert_eq!(summary(&long), "A first sentence. Second sentence goes on.");
        let one = "word ".repeat(60);
        let cut = summary(&one);
        assert!(cut.ends_with("word…") && cut.chars().count() <= 201, "{cut}");
    }
}
