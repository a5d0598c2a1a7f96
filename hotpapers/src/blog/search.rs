//! What the search page finds: a record per paper a published day shows, and
//! the documents `hotpapers search build` hands the search index (Pagefind).
//!
//! A record is the paper as its page shows it: its newest day's title, authors
//! and abstract as plain text (TeX as a person would type it, as link previews
//! show it: `$\epsilon > 10^{-36}$` as `ϵ > 10^(−36)`),
//! its arXiv id and its topics, by id and by the taxonomy's name. Which papers
//! there are is the blog's own list ([`Blog::shown`]), so the index holds
//! exactly the papers that have pages, and drafts are nowhere.
//!
//! The index holds a document per day, not per paper: a section per paper whose
//! newest day it is, found by its heading's anchor. Pagefind's meta file, which
//! every first query downloads whole, lists every document: at 3,650 days, a
//! document per paper made it 242 KB (41,459 papers), a document per day makes
//! it 25 KB (docs/BENCHMARKS.md, "(fourteenth)"). The search page ranks a day's
//! papers by the words each one matched.

use super::math::escape;
use super::pages::{plain_text, Blog};
use super::papers::index;
use super::BlogError;
use crate::archive::Days;
use crate::model::Day;
use crate::site::Site;

/// A paper as the search index holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRecord {
    /// The paper's page from the site's root, without the base path (the
    /// index's script adds it): `/papers/2010.15581/`.
    pub url: String,
    /// The arXiv id without its version.
    pub id: String,
    /// The title as plain text.
    pub title: String,
    /// Every author, in order.
    pub authors: Vec<String>,
    /// The abstract as plain text.
    pub summary: String,
    /// Its topics: `cs.LG Machine Learning`, primary first, an alias under its
    /// canonical name.
    pub topics: Vec<String>,
    /// The newest day it was on, `YYYY-MM-DD`.
    pub date: String,
    /// That day's page, as `url` is: `/posts/hot-papers-2020-10-30/`.
    pub day: String,
}

impl SearchRecord {
    /// Everything a search matches besides the title, as one text: abstract,
    /// authors, id and topics (the abstract first, so that an excerpt reads
    /// on from the title).
    pub fn content(&self) -> String {
        let mut text =
            String::with_capacity(self.summary.len() + 40 * (self.authors.len() + self.topics.len()));
        for part in [&self.summary, &self.authors.join(", "), &self.id] {
            text.push_str(part);
            text.push_str(if part.ends_with('.') { " " } else { ". " });
        }
        text.push_str(&self.topics.join(". "));
        text
    }

    /// The first three authors, then "et al.": what a result shows.
    pub fn byline(&self) -> String {
        match self.authors.len() {
            0..=3 => self.authors.join(", "),
            _ => format!("{} et al.", self.authors[..3].join(", ")),
        }
    }
}

/// One document of the index: the papers whose newest day is `date`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchDocument {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The day's page, as a record's `url` is.
    pub url: String,
    /// How many papers it holds.
    pub papers: usize,
    /// The document as Pagefind reads it: HTML whose every text is escaped.
    /// A paper is an `<h2>` with its arXiv id as anchor (its title: Pagefind
    /// weighs a heading's words above the text's), then its
    /// [content](SearchRecord::content). The day (`date`) and its papers'
    /// pages and bylines (`papers`) are meta fields, taken from attributes.
    pub html: String,
}

/// The documents of the index, a day each, oldest first: each paper in the
/// day its record is from, in the records' order.
pub fn search_documents(records: &[SearchRecord]) -> Vec<SearchDocument> {
    let mut days: std::collections::BTreeMap<(&str, &str), Vec<&SearchRecord>> = Default::default();
    for record in records {
        days.entry((&record.date, &record.day)).or_default().push(record);
    }
    days.into_iter()
        .map(|((date, url), papers)| SearchDocument {
            date: date.to_owned(),
            url: url.to_owned(),
            papers: papers.len(),
            html: document(date, &papers),
        })
        .collect()
}

/// A day's document. What a result shows besides its section (each paper's
/// page and byline) is one meta field of the day, `papers`, a JSON object by
/// arXiv id: Pagefind lists every meta field's name in the meta file, so a
/// field per paper would make that file grow with the archive again.
fn document(date: &str, papers: &[&SearchRecord]) -> String {
    let shown: serde_json::Map<String, serde_json::Value> = papers
        .iter()
        .map(|paper| (paper.id.clone(), serde_json::json!([paper.url, paper.byline()])))
        .collect();
    // Pagefind decodes character references in a meta value once more than
    // HTML does: with no `&` in it, the JSON is read back as written.
    let shown = serde_json::Value::Object(shown)
        .to_string()
        .replace('&', "\\u0026");
    let mut html = String::with_capacity(papers.len() * 2048);
    html.push_str("<!DOCTYPE html><html lang=\"en\"><body>\n");
    html.push_str("<div data-pagefind-meta=\"date[data-date], papers[data-papers]\" data-date=\"");
    escape(date, &mut html);
    html.push_str("\" data-papers=\"");
    escape(&shown, &mut html);
    html.push_str("\"></div>\n");
    for paper in papers {
        html.push_str("<section><h2 id=\"");
        escape(&paper.id, &mut html);
        html.push_str("\">");
        escape(&paper.title, &mut html);
        html.push_str("</h2><p>");
        escape(&paper.content(), &mut html);
        html.push_str("</p></section>\n");
    }
    html.push_str("</body></html>\n");
    html
}

/// A record for every paper the published days show, by id: each from its
/// newest day, as its page is.
pub fn search_records(
    site: &Site,
    days: &[Day<'_>],
    theme: &super::Theme<'_>,
) -> Result<Vec<SearchRecord>, BlogError> {
    let days = Days::of(days);
    let blog = Blog::new(site, &days, theme)?;
    index(&blog, blog.shown())
        .into_iter()
        .map(|(id, shown)| {
            let newest = shown[0];
            let paper = &blog.day(newest.day)?.papers[newest.at];
            let date = blog.entry(newest.day).date;
            Ok(SearchRecord {
                url: format!("/papers/{id}/"),
                id: id.to_owned(),
                title: plain_text(&paper.title),
                authors: paper.authors.iter().map(|a| plain_text(a)).collect(),
                summary: plain_text(&paper.abstract_),
                topics: blog
                    .topic_links(&paper.categories)
                    .iter()
                    .map(|t| format!("{} {}", t.id, t.name))
                    .collect(),
                date: crate::text::format_date(date),
                day: format!("/{}", site.post_dir(date)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shown_paper_has_one_record_from_its_newest_day() {
        let days = super::super::pages::sample_days();
        let site = Site::default();
        let theme = super::super::Theme::default();
        let records = search_records(&site, &days, &theme).unwrap();
        assert!(!records.is_empty());
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique, "one record per paper, sorted by id");
        for record in &records {
            assert_eq!(record.url, format!("/papers/{}/", record.id));
            assert_eq!(record.day, format!("/posts/hot-papers-{}/", record.date));
            let content = record.content();
            for part in [&record.summary, &record.id] {
                assert!(content.contains(part.as_str()), "{part} in {content}");
            }
            assert!(record.topics.iter().all(|t| content.contains(t.as_str())));
        }
        // Text that only looks like markup is the paper's text; TeX is read
        // as a person would type it, as link previews show it.
        let first = records.iter().find(|r| r.id == "2010.15819").unwrap();
        assert_eq!(first.title, "A paper about k < k′");
        assert_eq!(first.authors, ["Ada Lovelace", "Alan Turing"]);
        assert_eq!(
            first.topics,
            ["cs.LG Machine Learning", "stat.ML Machine Learning"]
        );
    }

    fn record(id: &str, date: &str, title: &str) -> SearchRecord {
        SearchRecord {
            url: format!("/papers/{id}/"),
            id: id.into(),
            title: title.into(),
            authors: vec!["Ada \"Countess\" Lovelace &amp; co".into()],
            summary: "We show (k<2 and m < n^1.19) & more.".into(),
            topics: vec!["cs.LG Machine Learning".into()],
            date: date.into(),
            day: format!("/posts/hot-papers-{date}/"),
        }
    }

    #[test]
    fn a_document_per_day_holds_its_papers_as_escaped_text() {
        let records = [
            record("2010.15801", "2020-10-30", "<img src=x onerror=alert(1)> & k<2"),
            record("hep-th/9901001", "2020-10-29", "Strings"),
            record("2010.15819", "2020-10-30", "A paper about k < k′"),
        ];
        let documents = search_documents(&records);
        let days: Vec<(&str, usize)> = documents.iter().map(|d| (d.date.as_str(), d.papers)).collect();
        assert_eq!(days, [("2020-10-29", 1), ("2020-10-30", 2)]);
        assert_eq!(documents[1].url, "/posts/hot-papers-2020-10-30/");

        // Read back by an HTML parser: only the document's own elements, and
        // every text as it was.
        let html = &documents[1].html;
        let mut tags = std::collections::BTreeSet::new();
        let mut text = String::new();
        let mut metas = Vec::new();
        for token in html5gum::Tokenizer::new(html.as_str()) {
            let Ok(token) = token;
            match token {
                html5gum::Token::StartTag(tag) => {
                    tags.insert(String::from_utf8_lossy(&tag.name).into_owned());
                    let attribute = |name: &[u8]| {
                        tag.attributes
                            .get(name)
                            .map(|v| String::from_utf8_lossy(v).into_owned())
                    };
                    if let Some(meta) = attribute(b"data-pagefind-meta") {
                        metas.push((meta, attribute(b"data-date"), attribute(b"data-papers")));
                    }
                    if tag.name.as_slice() == b"h2" {
                        text.push_str(&format!("#{} ", attribute(b"id").unwrap()));
                    }
                }
                html5gum::Token::String(s) => text.push_str(&String::from_utf8_lossy(&s)),
                _ => {}
            }
        }
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        assert_eq!(tags, ["body", "div", "h2", "html", "p", "section"]);
        assert!(
            text.contains("#2010.15801 <img src=x onerror=alert(1)> & k<2"),
            "{text}"
        );
        assert!(text.contains("#2010.15819 A paper about k < k′"), "{text}");
        assert!(text.contains("We show (k<2 and m < n^1.19) & more. Ada \"Countess\" Lovelace &amp; co. "));
        // One meta field for the day's papers, whatever their number: JSON
        // with no `&`, which Pagefind would decode again.
        let [(fields, date, papers)] = &metas[..] else {
            panic!("{metas:?}")
        };
        assert_eq!(fields, "date[data-date], papers[data-papers]");
        assert_eq!(date.as_deref(), Some("2020-10-30"));
        let papers = papers.as_deref().unwrap();
        assert!(!papers.contains('&'), "{papers}");
        let papers: serde_json::Value = serde_json::from_str(papers).unwrap();
        assert_eq!(
            papers["2010.15801"],
            serde_json::json!(["/papers/2010.15801/", "Ada \"Countess\" Lovelace &amp; co"])
        );
        assert_eq!(papers.as_object().unwrap().len(), 2);
    }

    #[test]
    fn a_byline_names_three_authors() {
        let record = SearchRecord {
            url: "/papers/1/".into(),
            id: "1".into(),
            title: "T".into(),
            authors: ["A", "B", "C", "D"].map(String::from).to_vec(),
            summary: String::new(),
            topics: Vec::new(),
            date: "2020-10-30".into(),
            day: "/posts/hot-papers-2020-10-30/".into(),
        };
        assert_eq!(record.byline(), "A, B, C et al.");
        let three = SearchRecord {
            authors: record.authors[..3].to_vec(),
            ..record.clone()
        };
        assert_eq!(three.byline(), "A, B, C");
    }
}
