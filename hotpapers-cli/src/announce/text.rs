//! What is said about a day, fitted to a service's length limit: the day's
//! title, its top papers with their scores, and the day's page; every link
//! with the byte range of the text it is on.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::News;

/// How a service counts and shows a post.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// The most characters (grapheme clusters) a post may have.
    pub graphemes: usize,
    /// The most bytes a post may have (Bluesky's 3,000).
    pub bytes: usize,
    /// A link written out in the text counts this many characters
    /// (Mastodon's 23), whatever its length; `None`: its own length.
    pub link_counts: Option<usize>,
    /// Each paper's arXiv page is written out after its line (Mastodon,
    /// which links only what it shows); otherwise the title itself is the
    /// link (Bluesky's facets).
    pub links_written: bool,
}

/// A post's text and its links: the byte range each link covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Post {
    /// The text, within the limits it was made for.
    pub text: String,
    /// Byte ranges of `text` and where they link to.
    pub links: Vec<(Range<usize>, String)>,
}

/// The post for `news` within `limits`: titles shortened (each to the same
/// length, the longest first, with `…`) until it fits. `None` when even
/// titles of one character would not fit.
pub(crate) fn compose(news: &News, limits: Limits) -> Option<Post> {
    let longest = news
        .papers
        .iter()
        .map(|p| p.title.graphemes(true).count())
        .max()
        .unwrap_or(0);
    // The longest titles that fit: `fits` only gets harder as titles grow.
    let (mut low, mut high) = (1, longest.max(1));
    if !fits(&build(news, limits, high), limits) {
        while low < high {
            let mid = (low + high).div_ceil(2);
            if fits(&build(news, limits, mid), limits) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        high = low;
    }
    let post = build(news, limits, high);
    fits(&post, limits).then_some(post)
}

/// The post with every title cut to at most `title_len` characters.
fn build(news: &News, limits: Limits, title_len: usize) -> Post {
    let mut text = String::new();
    let mut links = Vec::new();
    text.push_str(&news.title);
    text.push_str("\n\n");
    for (rank, paper) in news.papers.iter().enumerate() {
        text.push_str(&format!("{}. ", rank + 1));
        let start = text.len();
        text.push_str(&shortened(&paper.title, title_len));
        let end = text.len();
        text.push_str(&format!(" (score {})", paper.score));
        if limits.links_written {
            text.push(' ');
            let at = text.len();
            text.push_str(&paper.url);
            links.push((at..text.len(), paper.url.clone()));
        } else {
            links.push((start..end, paper.url.clone()));
        }
        text.push('\n');
    }
    text.push('\n');
    let at = text.len();
    text.push_str(&news.url);
    links.push((at..text.len(), news.url.clone()));
    Post { text, links }
}

/// `title` cut to `len` characters, ending in `…` when cut.
fn shortened(title: &str, len: usize) -> String {
    if title.graphemes(true).count() <= len {
        return title.to_owned();
    }
    let kept: String = title.graphemes(true).take(len.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// Whether the post is within the limits, counted as the service counts.
fn fits(post: &Post, limits: Limits) -> bool {
    post.text.len() <= limits.bytes && length(post, limits) <= limits.graphemes
}

/// The post's length as the service counts it.
pub(crate) fn length(post: &Post, limits: Limits) -> usize {
    let all = post.text.graphemes(true).count();
    match limits.link_counts {
        None => all,
        // Each link written out counts `each`, whatever its own length.
        Some(each) => post
            .links
            .iter()
            .map(|(range, url)| (&post.text[range.clone()], url.as_str()))
            .filter(|(shown, url)| shown == url)
            .fold(all, |length, (shown, _)| {
                length - shown.graphemes(true).count() + each
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::announce::PaperNews;

    fn news(titles: &[&str]) -> News {
        News {
            date: time::macros::date!(2026 - 11 - 27),
            title: "Hot Papers 2026-11-27".into(),
            url: "https://example.org/posts/hot-papers-2026-11-27/".into(),
            description: String::new(),
            papers: titles
                .iter()
                .enumerate()
                .map(|(i, t)| PaperNews {
                    id: format!("2611.0000{i}"),
                    title: (*t).into(),
                    score: 100 - i as u64,
                    url: format!("https://arxiv.org/abs/2611.0000{i}"),
                    authors: Vec::new(),
                    abstract_: String::new(),
                    counts: String::new(),
                })
                .collect(),
        }
    }

    const BLUESKY: Limits = Limits {
        graphemes: 300,
        bytes: 3000,
        link_counts: None,
        links_written: false,
    };

    #[test]
    fn short_titles_are_kept_whole_with_a_link_on_each() {
        let post = compose(&news(&["Über Grüße: naïve Café", "B"]), BLUESKY).unwrap();
        assert_eq!(
            post.text,
            "Hot Papers 2026-11-27\n\n1. Über Grüße: naïve Café (score 100)\n2. B (score 99)\n\nhttps://example.org/posts/hot-papers-2026-11-27/"
        );
        // Byte offsets, not character offsets: 22 characters, of which `Ü`,
        // `ü`, `ß`, `ï` and `é` are two bytes each.
        let (range, url) = &post.links[0];
        assert_eq!(&post.text[range.clone()], "Über Grüße: naïve Café");
        assert_eq!((range.start, range.end), (26, 53));
        assert_eq!(url, "https://arxiv.org/abs/2611.00000");
    }

    #[test]
    fn long_titles_are_shortened_evenly_to_the_limit() {
        let long = "A".repeat(200);
        let post = compose(&news(&[&long, &long, "Short"]), BLUESKY).unwrap();
        let count = post.text.graphemes(true).count();
        assert!(count <= 300 && count > 290, "{count}: {}", post.text);
        assert!(post.text.contains("Short (score 98)"));
        assert_eq!(post.text.matches('…').count(), 2);
    }

    #[test]
    fn written_links_count_as_the_service_counts_them() {
        let mastodon = Limits {
            graphemes: 500,
            bytes: usize::MAX,
            link_counts: Some(23),
            links_written: true,
        };
        let long = "B".repeat(400);
        let post = compose(&news(&[&long, &long, &long]), mastodon).unwrap();
        // Three arXiv links and the page at 23 each, the rest as written.
        let length = length(&post, mastodon);
        assert!(length <= 500 && length > 490, "{length}: {}", post.text);
        assert!(post.text.graphemes(true).count() > 500);
        assert!(post.text.contains("https://arxiv.org/abs/2611.00002"));
    }
}
