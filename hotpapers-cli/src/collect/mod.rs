//! Finding the day's hot papers: what each source said (a module each behind
//! [`source::Source`], made from its name by [`source()`]), merged by arXiv id
//! ([`ids`]), the Bluesky posts embedded as their oEmbed gives them
//! ([`embed`]), scored with the one score the posts rank by, and filtered by
//! the site's subject.

pub mod bluesky;
pub mod embed;
pub mod hackernews;
pub mod huggingface;
pub mod ids;
pub mod source;

use std::collections::BTreeMap;

use hotpapers::{Code, CollectSettings, Counts, SourceName};

use crate::fetch::ArxivPaper;
use bluesky::Bluesky;
use hackernews::HackerNews;
use huggingface::HuggingFace;
use source::{BlueskyPost, Mention, Source};

/// The source of that name, or why it is not asked here (Bluesky without its
/// login).
pub fn source(name: SourceName) -> Result<Box<dyn Source>, String> {
    match name {
        SourceName::Huggingface => Ok(Box::new(HuggingFace)),
        SourceName::Hackernews => Ok(Box::new(HackerNews)),
        SourceName::Bluesky => match Bluesky::from_env() {
            Some(bluesky) => Ok(Box::new(bluesky)),
            None => Err(
                "not asked (set HOTPAPERS_BSKY_IDENTIFIER and HOTPAPERS_BSKY_APP_PASSWORD to use it)"
                    .to_owned(),
            ),
        },
    }
}

/// One paper and everything the sources said about it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidate {
    /// Each source's counts, summed over its mentions.
    pub counts: Counts,
    /// The Bluesky posts that linked it, best first.
    pub posts: Vec<BlueskyPost>,
    /// Its code, as Hugging Face links it.
    pub code: Option<Code<'static>>,
    /// The points of the Hacker News story its link is to: the most.
    pub top_story_points: u32,
}

/// Mentions merged by arXiv id (without version), in id order: Hacker News
/// and Bluesky counts summed over stories and posts (the story with the most
/// points gives the link), Hugging Face's taken once.
pub fn merge(mentions: Vec<Mention>) -> BTreeMap<String, Candidate> {
    let mut papers: BTreeMap<String, Candidate> = BTreeMap::new();
    for mention in mentions {
        let candidate = papers
            .entry(mention.id().without_version().to_owned())
            .or_default();
        match mention {
            Mention::HuggingFace(_, counts, code) => huggingface::merge(candidate, counts, code),
            Mention::HackerNews(_, story) => hackernews::merge(candidate, story),
            Mention::Bluesky(_, counts, post) => bluesky::merge(candidate, counts, post),
        }
    }
    for candidate in papers.values_mut() {
        candidate.posts.sort_by_key(|p| std::cmp::Reverse(p.engagement));
    }
    papers
}

/// Why a paper looked up on arXiv is left out by the site's subject, if it is.
pub fn filtered_out(paper: &ArxivPaper, settings: &CollectSettings) -> Option<String> {
    let names: Vec<&str> = paper.categories.iter().map(|c| c.as_str()).collect();
    // `cs` is the archive of `cs.LG`; `hep-th` is its own archive.
    let matches = |wanted: &str| {
        names
            .iter()
            .any(|name| *name == wanted || name.split('.').next() == Some(wanted))
    };
    let categories = &settings.categories;
    if let Some(excluded) = categories.exclude.iter().find(|c| matches(c)) {
        return Some(format!("category `{excluded}` is excluded"));
    }
    if !categories.include.is_empty() && !categories.include.iter().any(|c| matches(c)) {
        return Some(format!(
            "none of its categories ({}) is included",
            names.join(", ")
        ));
    }
    let text = format!("{}\n{}", paper.title, paper.abstract_).to_lowercase();
    let keywords = &settings.keywords;
    if let Some(excluded) = keywords.exclude.iter().find(|k| mentions(&text, k)) {
        return Some(format!("it mentions the excluded keyword `{excluded}`"));
    }
    if !keywords.include.is_empty() && !keywords.include.iter().any(|k| mentions(&text, k)) {
        return Some("it mentions none of the included keywords".to_owned());
    }
    None
}

/// Whether `text` (in lower case) has `keyword` as whole words: `GAN` is in
/// "a GAN for faces" and "GANs", not in "organ"; a keyword ending in a letter
/// also matches its plural.
fn mentions(text: &str, keyword: &str) -> bool {
    let keyword = keyword.trim().to_lowercase();
    if keyword.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(&keyword).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let rest = &text[at + keyword.len()..];
        let after = rest.strip_prefix('s').unwrap_or(rest).chars().next();
        !word(before) && !word(after)
    })
}

/// `score 150: huggingface 120, hackernews 30`, for the report.
pub fn explain_score(counts: &Counts, settings: &CollectSettings) -> String {
    let parts: Vec<String> = counts
        .weighted(&settings.weights)
        .into_iter()
        .map(|(source, part)| format!("{source} {part}"))
        .collect();
    format!("score {}: {}", counts.score(&settings.weights), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotpapers::{ArxivId, BlueskyCounts, Category, HackerNewsCounts, HuggingFaceCounts};

    fn id(text: &str) -> ArxivId<'static> {
        ArxivId::parse(text.to_owned()).unwrap()
    }

    fn story(points: u32, story: u32) -> HackerNewsCounts {
        HackerNewsCounts {
            points,
            comments: 1,
            story,
        }
    }

    #[test]
    fn merges_a_paper_seen_on_several_sources_and_stories() {
        let post = |url: &str, engagement| BlueskyPost {
            url: url.into(),
            engagement,
        };
        let likes = |likes| BlueskyCounts {
            likes,
            reposts: 1,
            posts: 1,
        };
        let merged = merge(vec![
            Mention::HuggingFace(
                id("2411.01234"),
                HuggingFaceCounts {
                    upvotes: 40,
                    comments: 2,
                },
                None,
            ),
            Mention::HackerNews(id("2411.01234v2"), story(10, 7)),
            Mention::HackerNews(id("2411.01234"), story(90, 8)),
            Mention::HackerNews(id("2411.01234"), story(5, 9)),
            Mention::Bluesky(
                id("2411.01234"),
                likes(3),
                post("https://bsky.app/profile/a/post/1", 4),
            ),
            Mention::Bluesky(
                id("2411.01234"),
                likes(9),
                post("https://bsky.app/profile/b/post/2", 10),
            ),
            Mention::Bluesky(
                id("2411.01234"),
                likes(9),
                post("https://bsky.app/profile/b/post/2", 10),
            ),
            Mention::HackerNews(id("2410.00001"), story(3, 1)),
        ]);
        assert_eq!(merged.len(), 2);
        let paper = &merged["2411.01234"];
        assert_eq!(
            paper.counts.hackernews,
            Some(HackerNewsCounts {
                points: 105,
                comments: 3,
                story: 8
            })
        );
        assert_eq!(
            paper.counts.bluesky,
            Some(BlueskyCounts {
                likes: 12,
                reposts: 2,
                posts: 2
            })
        );
        assert_eq!(paper.posts[0].url, "https://bsky.app/profile/b/post/2");
        let settings = CollectSettings::default();
        assert_eq!(
            explain_score(&paper.counts, &settings),
            "score 159: huggingface 40, hackernews 105, bluesky 14"
        );
    }

    #[test]
    fn filters_by_category_archive_and_keyword() {
        let paper = ArxivPaper {
            id: id("2411.01234"),
            title: "Diffusion Models for Protein Design".into(),
            authors: vec!["A".into()],
            categories: vec![
                Category::from_id("cs.LG").unwrap(),
                Category::from_id("q-bio.BM").unwrap(),
            ],
            abstract_: "We study LARGE language models.".into(),
        };
        let mut settings = CollectSettings::default();
        assert_eq!(filtered_out(&paper, &settings), None);
        settings.categories.include = vec!["cs".into()];
        assert_eq!(filtered_out(&paper, &settings), None);
        settings.categories.include = vec!["math".into(), "stat.ML".into()];
        assert_eq!(
            filtered_out(&paper, &settings).as_deref(),
            Some("none of its categories (cs.LG, q-bio.BM) is included")
        );
        settings.categories.include.clear();
        settings.categories.exclude = vec!["q-bio".into()];
        assert_eq!(
            filtered_out(&paper, &settings).as_deref(),
            Some("category `q-bio` is excluded")
        );
        settings.categories.exclude.clear();
        settings.keywords.include = vec!["large language model".into()];
        assert_eq!(filtered_out(&paper, &settings), None);
        settings.keywords.exclude = vec!["Protein".into()];
        assert_eq!(
            filtered_out(&paper, &settings).as_deref(),
            Some("it mentions the excluded keyword `Protein`")
        );
        settings.keywords.exclude.clear();
        settings.keywords.include = vec!["robotics".into()];
        assert!(filtered_out(&paper, &settings).is_some());
    }

    #[test]
    fn keywords_match_whole_words_and_plurals() {
        let text = "a gan for faces; more gans; organic chemistry; large language models";
        assert!(mentions(text, "GAN"));
        assert!(mentions("two gans", "gan"));
        assert!(!mentions("organic chemistry", "gan"));
        assert!(!mentions("organ", "gan"));
        assert!(mentions(text, "language model"));
        assert!(!mentions("multilanguage models", "language model"));
        assert!(!mentions(text, "  "));
    }
}
