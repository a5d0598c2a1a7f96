//! A page per arXiv topic: `/arxiv/SLUG/`, the category's id in lower case
//! (`/arxiv/cs.lg/`, `/arxiv/hep-th/`), its papers newest day first and in
//! rank order within a day, paginated as the index is (`/arxiv/cs.lg/page/2/`);
//! and `/arxiv/`, every topic with how many papers it has. Its feeds are
//! `feeds.rs`'s.
//!
//! A topic is a category a shown paper has, primary or cross-listed; an alias
//! (`cs.SY`) is one topic with the category arXiv lists it under (`eess.SY`),
//! under that name. Which papers a topic has comes from the days' index
//! ([`crate::archive::DayEntry`]); a page is known by its key (what it shows
//! of its papers: their days, ranks, scores and texts' fingerprints; its place
//! among the pages; and everything the blog is rendered from), and only a page
//! whose key changed is rendered, decoding the days of its papers alone.

use std::collections::BTreeMap;

use minijinja::Value;
use serde::Serialize;

use super::pages::{page as page_file, Blog, Pagination};
use super::papers::Shown;
use super::{BlogError, PageKey, SiteFile};
use crate::model::Category;

/// The folder of the topic pages.
pub(crate) const TOPICS_DIR: &str = "arxiv";

/// A topic as pages link to it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct TopicLink {
    /// The category's id, `cs.LG`.
    pub(crate) id: &'static str,
    /// The taxonomy's name, `Machine Learning`.
    pub(crate) name: &'static str,
    /// The topic's page, base included.
    url: String,
}

/// A topic: a canonical category and every shown paper that has it, newest day
/// first, in rank order within a day.
pub(crate) struct Topic {
    pub(crate) category: Category,
    pub(crate) papers: Vec<Shown>,
}

/// A topic as its page and `/arxiv/` give it to templates.
#[derive(Debug, Serialize)]
struct TopicContext {
    #[serde(flatten)]
    link: TopicLink,
    /// How many papers it has (a paper on two days counts twice).
    count: usize,
    /// Its feeds, base included.
    rss: String,
    atom: String,
    json_feed: String,
}

/// A paper in a topic's list.
#[derive(Debug, Serialize)]
pub(crate) struct TopicPaper {
    /// The arXiv id, as the day-file has it.
    pub(crate) id: String,
    /// The paper's page, base included.
    pub(crate) url: String,
    /// The title as plain text.
    pub(crate) title: String,
    pub(crate) authors: Vec<String>,
    /// The day it was shown on, `YYYY-MM-DD`.
    pub(crate) date: String,
    /// The paper on that day's page, `/posts/SLUG/#ID`.
    pub(crate) day_url: String,
    pub(crate) rank: usize,
    pub(crate) score: u64,
}

/// Every topic of the shown papers, by category id.
pub(crate) fn topics(blog: &Blog<'_, '_>) -> Vec<Topic> {
    let mut topics: BTreeMap<&str, Topic> = BTreeMap::new();
    let mut seen: Vec<Category> = Vec::new();
    for &shown in blog.shown() {
        seen.clear();
        for category in &blog.entry(shown.day).papers[shown.at].categories {
            let category = category.canonical();
            // `cs.SY` and `eess.SY` on one paper: one topic, listed once.
            if seen.contains(&category) {
                continue;
            }
            seen.push(category);
            topics
                .entry(category.as_str())
                .or_insert_with(|| Topic {
                    category,
                    papers: Vec::new(),
                })
                .papers
                .push(shown);
        }
    }
    topics.into_values().collect()
}

/// The folder of a topic's files in the site, `arxiv/cs.lg/`.
pub(crate) fn topic_dir(category: Category) -> String {
    format!("{TOPICS_DIR}/{}/", category.slug())
}

impl Blog<'_, '_> {
    /// The topics of `categories`, primary first, each once.
    pub(crate) fn topic_links(&self, categories: &[Category]) -> Vec<TopicLink> {
        let mut links: Vec<TopicLink> = Vec::with_capacity(categories.len());
        for category in categories {
            let link = self.topic_link(category.canonical());
            if !links.iter().any(|l| l.id == link.id) {
                links.push(link);
            }
        }
        links
    }

    fn topic_link(&self, category: Category) -> TopicLink {
        TopicLink {
            id: category.as_str(),
            name: category.info().name,
            url: format!("{}/{}", self.context.base, topic_dir(category)),
        }
    }

    fn topic_context(&self, topic: &Topic) -> TopicContext {
        let link = self.topic_link(topic.category);
        TopicContext {
            rss: format!("{}{}", link.url, super::RSS),
            atom: format!("{}{}", link.url, super::ATOM),
            json_feed: format!("{}{}", link.url, super::JSON_FEED),
            link,
            count: topic.papers.len(),
        }
    }

    /// A shown paper as a topic's list and feeds show it: its day decoded.
    pub(crate) fn topic_paper(&self, shown: Shown) -> Result<TopicPaper, BlogError> {
        let day = self.day(shown.day)?;
        let paper = &day.papers[shown.at];
        Ok(TopicPaper {
            id: paper.arxiv.as_str().to_owned(),
            url: self.paper_url(paper.arxiv.as_str()),
            title: super::plain_text(&paper.title),
            authors: paper.authors.iter().map(|a| a.to_string()).collect(),
            date: crate::text::format_date(day.date),
            day_url: format!("{}#{}", self.site.post_path(day.date), paper.arxiv.as_str()),
            rank: shown.rank,
            score: shown.score,
        })
    }

    /// What a topic's list or feed shows of a paper on a day, for its key:
    /// the day, the paper's place, rank and score, and its text's
    /// fingerprint. Not the day-file's: an edit of one paper renders its own
    /// topics, not every topic of its day.
    pub(crate) fn push_shown_key(&self, bytes: &mut Vec<u8>, shown: Shown) {
        let entry = self.entry(shown.day);
        bytes.extend_from_slice(&entry.date.to_julian_day().to_le_bytes());
        bytes.extend_from_slice(&entry.published.unix_timestamp().to_le_bytes());
        for number in [shown.at as u64, shown.rank as u64, shown.score] {
            bytes.extend_from_slice(&number.to_le_bytes());
        }
        bytes.extend_from_slice(&entry.papers[shown.at].text_hash.to_le_bytes());
    }

    /// Every topic's pages, but for those `reuse` says are there already, and
    /// `/arxiv/`; the topic pages' keys.
    pub(crate) fn topic_pages(
        &self,
        reuse: &(dyn Fn(&str, u64) -> bool + Sync),
    ) -> Result<(Vec<SiteFile>, Vec<PageKey>), BlogError> {
        let pages = self.topic_page_keys(reuse);
        let todo: Vec<&TopicPage> = pages.iter().filter(|page| !page.key.reused).collect();
        let mut files = crate::parallel::try_map(&todo, 8, |page| self.topic_page(page))?;
        files.push(self.topic_list()?);
        Ok((files, pages.into_iter().map(|page| page.key).collect()))
    }

    /// Every page of every topic, with its key.
    fn topic_page_keys(&self, reuse: &(dyn Fn(&str, u64) -> bool + Sync)) -> Vec<TopicPage> {
        let per_page = self.site.blog.papers_per_page.max(1);
        let mut pages = Vec::new();
        for (topic, of) in self.topics().iter().enumerate() {
            let dir = topic_dir(of.category);
            let total = of.papers.len().div_ceil(per_page).max(1);
            for n in 1..=total {
                let path = format!("{}index.html", Pagination::dir(&dir, n));
                let mut bytes = Vec::with_capacity(48 + per_page * 48);
                bytes.extend_from_slice(&self.render_id.to_le_bytes());
                bytes.extend_from_slice(path.as_bytes());
                bytes.extend_from_slice(&(total as u64).to_le_bytes());
                for &shown in on_page(&of.papers, n, per_page) {
                    self.push_shown_key(&mut bytes, shown);
                }
                let key = PageKey::reusing(path, crate::model::source_hash(&bytes), reuse);
                pages.push(TopicPage { topic, n, total, key });
            }
        }
        pages
    }

    /// A page of a topic, its papers' days decoded.
    fn topic_page(&self, page: &TopicPage) -> Result<SiteFile, BlogError> {
        let topic = &self.topics()[page.topic];
        let per_page = self.site.blog.papers_per_page.max(1);
        let dir = topic_dir(topic.category);
        let url = |n: usize| format!("{}/{}", self.context.base, Pagination::dir(&dir, n));
        let papers = on_page(&topic.papers, page.n, per_page)
            .iter()
            .map(|&shown| self.topic_paper(shown))
            .collect::<Result<Vec<_>, _>>()?;
        let html = self.render(
            "topic.html",
            minijinja::context! {
                topic => self.topic_context(topic),
                papers,
                pagination => Pagination::of(page.n, page.total, url),
                page_url => url(page.n),
            },
        )?;
        Ok(page_file(page.key.path.clone(), html))
    }

    /// `/arxiv/`: every topic with its count, from the days' index alone.
    fn topic_list(&self) -> Result<SiteFile, BlogError> {
        let list: Vec<Value> = self
            .topics()
            .iter()
            .map(|topic| Value::from_serialize(self.topic_context(topic)))
            .collect();
        let html = self.render(
            "topics.html",
            minijinja::context! { topics => list, page_url => format!("{}/{TOPICS_DIR}/", self.context.base) },
        )?;
        Ok(page_file(format!("{TOPICS_DIR}/index.html"), html))
    }
}

/// A page of a topic: which topic, its number among the topic's pages, and its key.
struct TopicPage {
    topic: usize,
    n: usize,
    total: usize,
    key: PageKey,
}

/// The papers the `n`th page of a topic shows.
fn on_page(papers: &[Shown], n: usize, per_page: usize) -> &[Shown] {
    let start = ((n - 1) * per_page).min(papers.len());
    &papers[start..(n * per_page).min(papers.len())]
}
