//! What the search page finds: a record per paper a published day shows, as
//! `hotpapers search build` hands it to the search index (Pagefind).
//!
//! A record is the paper as its page shows it: its newest day's title, authors
//! and abstract as plain text (TeX as a person would type it, as link previews
//! show it: `$\epsilon > 10^{-36}$` as `ϵ > 10^(−36)`),
//! its arXiv id and its topics, by id and by the taxonomy's name. Which papers
//! there are is the blog's own list ([`Blog::shown`]), so the index holds
//! exactly the papers that have pages, and drafts are nowhere.

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
}

impl SearchRecord {
    /// Everything a search matches, as one text: title, authors, abstract,
    /// id and topics.
    pub fn content(&self) -> String {
        let mut text = String::with_capacity(
            self.title.len() + self.summary.len() + 40 * (self.authors.len() + self.topics.len()),
        );
        for part in [&self.title, &self.authors.join(", "), &self.summary, &self.id] {
            text.push_str(part);
            text.push_str(". ");
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
                date: crate::text::format_date(blog.entry(newest.day).date),
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
            let content = record.content();
            for part in [&record.title, &record.summary, &record.id] {
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
        };
        assert_eq!(record.byline(), "A, B, C et al.");
        let three = SearchRecord {
            authors: record.authors[..3].to_vec(),
            ..record.clone()
        };
        assert_eq!(three.byline(), "A, B, C");
    }
}
