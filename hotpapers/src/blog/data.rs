//! The site's open data: `/data/index.json` (the published days) and
//! `/data/YYYY-MM-DD.json` (a day's papers in rank order, with everything its
//! page shows of them), described by `docs/data.schema.json`. They are the
//! site's API: a script reads a day's papers without knowing anything else
//! about the site, and without cloning its repository.
//!
//! A day's file is keyed like its page (its day-file and everything the blog
//! is rendered from), so an edit of one day writes that day's file and the
//! index, not ten years of them.

use std::borrow::Cow;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::UtcOffset;

use super::pages::Blog;
use super::{BlogError, PageKey, SiteFile};
use crate::model::{Counts, Paper};
use crate::post::{discussions, listed, ranked};

/// The format of `/data/`: raised when a field changes meaning or goes away
/// (new fields may appear without it).
pub(crate) const FORMAT: u32 = 1;

/// `/data/index.json`.
#[derive(Serialize)]
struct Index<'a> {
    version: u32,
    /// The blog's title.
    title: &'a str,
    /// The blog's home page, absolute.
    home_page_url: String,
    /// Every published day, newest first.
    days: Vec<IndexDay>,
}

/// A day as the index lists it: known from the days' index, not decoded.
#[derive(Serialize)]
struct IndexDay {
    /// `YYYY-MM-DD`.
    date: String,
    /// When it was published, RFC 3339 in UTC.
    published: String,
    /// How many papers its post shows.
    papers: usize,
    /// Its page, absolute.
    url: String,
    /// Its data file, absolute.
    data: String,
}

/// `/data/YYYY-MM-DD.json`.
#[derive(Serialize)]
struct DayData<'a> {
    version: u32,
    date: String,
    published: String,
    /// The day's page, absolute.
    url: String,
    /// Its papers as the post ranks them: highest score first.
    papers: Vec<PaperData<'a>>,
}

/// A paper on a day, as its data file gives it.
#[derive(Serialize)]
struct PaperData<'a> {
    rank: usize,
    /// The arXiv id as the day-file has it, version included if it has one.
    id: &'a str,
    /// CommonMark, with TeX in `$…$`, as the day-file has it.
    title: &'a str,
    authors: &'a [Cow<'a, str>],
    /// arXiv's category codes, primary first.
    categories: Vec<&'static str>,
    /// CommonMark, with TeX in `$…$`, as the day-file has it.
    #[serde(rename = "abstract")]
    abstract_: &'a str,
    /// The score the post ranks by: each source's counts times its weight.
    score: u64,
    /// Each source's counts, for the sources that discussed it.
    counts: &'a Counts,
    /// When the counts were taken, RFC 3339 in UTC.
    collected: String,
    code: Option<CodeData<'a>>,
    /// Where each source discussed it.
    discussions: Vec<DiscussionData>,
    /// Its page on the site, absolute.
    page: String,
    /// Its abstract's and its PDF's pages on arXiv.
    abs: String,
    pdf: String,
}

#[derive(Serialize)]
struct CodeData<'a> {
    url: &'a str,
    stars: u32,
}

#[derive(Serialize)]
struct DiscussionData {
    source: &'static str,
    url: String,
}

/// RFC 3339 in UTC.
fn rfc3339(at: time::OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
}

/// A file of the site as pretty JSON with a final newline: the open data
/// and the JSON Feed.
pub(super) fn json(path: String, value: &impl Serialize) -> Result<SiteFile, BlogError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| BlogError::Feed("JSON", e.to_string()))?;
    bytes.push(b'\n');
    Ok(SiteFile {
        path,
        bytes: Cow::Owned(bytes),
    })
}

impl Blog<'_, '_> {
    /// `/data/index.json` and each published day's data file, but for those
    /// `reuse` says are there already; the day files' keys.
    pub(crate) fn data_files(
        &self,
        reuse: &(dyn Fn(&str, u64) -> bool + Sync),
    ) -> Result<(Vec<SiteFile>, Vec<PageKey>), BlogError> {
        let keys: Vec<PageKey> = (0..self.len())
            .map(|i| {
                let entry = self.entry(i);
                let path = data_path(entry.date);
                let text = format!("{:016x} {path} {:016x}", self.render_id, entry.source_hash);
                let key = crate::model::source_hash(text.as_bytes());
                PageKey::reusing(path, key, reuse)
            })
            .collect();
        let todo: Vec<usize> = (0..self.len()).filter(|&i| !keys[i].reused).collect();
        let mut files = crate::parallel::try_map(&todo, 16, |&i| self.day_data(i, keys[i].path.clone()))?;
        files.push(self.data_index()?);
        Ok((files, keys))
    }

    fn data_index(&self) -> Result<SiteFile, BlogError> {
        let weights = &self.site.collect.weights;
        let origin = self.context.origin;
        let days = (0..self.len())
            .map(|i| {
                let entry = self.entry(i);
                IndexDay {
                    date: crate::text::format_date(entry.date),
                    published: rfc3339(entry.published),
                    papers: entry
                        .papers
                        .iter()
                        .filter(|p| listed(p.counts.score(weights), self.site))
                        .count(),
                    url: format!("{origin}{}", self.site.post_path(entry.date)),
                    data: format!("{}/{}", self.context.url, data_path(entry.date)),
                }
            })
            .collect();
        let index = Index {
            version: FORMAT,
            title: self.context.title,
            home_page_url: format!("{}/", self.context.url),
            days,
        };
        json(super::DATA_INDEX.to_owned(), &index)
    }

    fn day_data(&self, i: usize, path: String) -> Result<SiteFile, BlogError> {
        let day = self.day(i)?;
        let origin = self.context.origin;
        let weights = &self.site.collect.weights;
        let papers = ranked(day, self.site)
            .into_iter()
            .enumerate()
            .map(|(rank, paper)| PaperData {
                rank: rank + 1,
                id: paper.arxiv.as_str(),
                title: &paper.title,
                authors: &paper.authors,
                categories: paper.categories.iter().map(|c| c.as_str()).collect(),
                abstract_: &paper.abstract_,
                score: paper.score(weights),
                counts: &paper.counts,
                collected: rfc3339(paper.collected),
                code: paper.code.as_ref().map(|code| CodeData {
                    url: &code.url,
                    stars: code.stars,
                }),
                discussions: discussion_data(paper),
                page: format!("{origin}{}", self.paper_url(paper.arxiv.as_str())),
                abs: format!("https://arxiv.org/abs/{}", paper.arxiv.as_str()),
                pdf: format!("https://arxiv.org/pdf/{}", paper.arxiv.as_str()),
            })
            .collect();
        let data = DayData {
            version: FORMAT,
            date: crate::text::format_date(day.date),
            published: rfc3339(day.published),
            url: format!("{origin}{}", self.site.post_path(day.date)),
            papers,
        };
        json(path, &data)
    }
}

fn discussion_data(paper: &Paper<'_>) -> Vec<DiscussionData> {
    discussions(paper)
        .into_iter()
        .flatten()
        .map(|d| DiscussionData {
            source: d.source,
            url: d.url,
        })
        .collect()
}

/// `data/YYYY-MM-DD.json`.
fn data_path(date: time::Date) -> String {
    format!("data/{}.json", crate::text::format_date(date))
}
