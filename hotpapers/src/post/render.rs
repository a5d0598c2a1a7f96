//! A day to its Markdown post, byte for byte in the legacy generator's format.

use std::fmt::Write;

use time::{OffsetDateTime, UtcOffset};

use crate::model::{BlueskyPost, Counts, Day, Paper, Tweet};
use crate::site::{fill, Site};

/// The line after every tweet embed in a post.
pub(crate) const WIDGETS: &str =
    "<script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>";

/// Renders a day's post.
pub fn render(day: &Day<'_>, site: &Site) -> String {
    let mut out = String::with_capacity(estimate(day));
    render_into(day, site, &mut out);
    out
}

/// Renders a day's post at the end of `out`.
pub fn render_into(day: &Day<'_>, site: &Site, out: &mut String) {
    front_matter(day, site, out);
    render_papers(day, site, out);
}

/// Renders a day's post without its front matter (what the blog's page shows)
/// at the end of `out`.
pub fn render_papers(day: &Day<'_>, site: &Site, out: &mut String) {
    for (rank, paper) in ranked(day, site).into_iter().enumerate() {
        paper_block(rank + 1, paper, out);
    }
}

/// The papers that make the post: those scoring at least `[collect]
/// min-score`, highest score first, ties in file order.
pub fn ranked<'d, 'a>(day: &'d Day<'a>, site: &Site) -> Vec<&'d Paper<'a>> {
    let weights = &site.collect.weights;
    let mut papers: Vec<(u64, &Paper<'a>)> = day
        .papers
        .iter()
        .map(|p| (p.score(weights), p))
        .filter(|&(score, _)| listed(score, site))
        .collect();
    papers.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    papers.into_iter().map(|(_, p)| p).collect()
}

/// Whether a paper of this score is in its day's post: the settings' lowest
/// score, which keeps the legacy posts' low scorers out.
pub(crate) fn listed(score: u64, site: &Site) -> bool {
    score >= site.collect.min_score
}

fn estimate(day: &Day<'_>) -> usize {
    let text: usize = day
        .papers
        .iter()
        .map(|p| {
            p.title.len()
                + p.abstract_.len()
                + 400
                + p.tweets.iter().map(|t| t.text.len() + 350).sum::<usize>()
        })
        .sum();
    text + 400
}

fn front_matter(day: &Day<'_>, site: &Site, out: &mut String) {
    let date = day.date;
    let published = day.published.to_offset(UtcOffset::UTC);
    out.push_str("---\ntitle: ");
    out.push_str(&fill(&site.title, date));
    let _ = write!(
        out,
        "\ndate: {:04}-{:02}-{:02}T{:02}:{:02}:{:02}.Z\n",
        published.year(),
        u8::from(published.month()),
        published.day(),
        published.hour(),
        published.minute(),
        published.second()
    );
    let _ = write!(out, "template: \"{}\"\ndraft: {}\n", site.template, day.draft);
    let _ = write!(
        out,
        "slug: \"{}\"\ncategory: \"{}\"\ntags:\n",
        fill(&site.slug, date),
        site.category
    );
    for tag in &site.tags {
        let _ = writeln!(out, "  - \"{tag}\"");
    }
    let _ = write!(
        out,
        "description: \"{}\"\nsocialImage: \"{}\"\n\n---\n",
        fill(&site.description, date),
        site.social_image
    );
}

fn paper_block(rank: usize, paper: &Paper<'_>, out: &mut String) {
    let _ = write!(out, "\n# {rank}. ");
    out.push_str(&paper.title);
    out.push_str("\n\n");
    paper_body(paper, out);
}

/// A paper's block in a post after its heading: authors, counts, code, links,
/// categories, abstract, and the embeds of its discussion. A paper's page
/// shows it too.
pub(crate) fn paper_body(paper: &Paper<'_>, out: &mut String) {
    for (i, author) in paper.authors.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(author);
    }
    out.push_str("\n\n");
    counts(paper, out);
    if let Some(code) = &paper.code {
        // The URL is held to `https://github.com/OWNER/REPO`; of its
        // characters only `_` is Markdown (emphasis), and is escaped.
        let _ = writeln!(
            out,
            "- code: [{}]({}), {}",
            code.repo().replace('_', "\\_"),
            code.url,
            plural(code.stars, "star")
        );
    }
    let id = paper.arxiv.as_str();
    let _ = write!(
        out,
        "\n- links: [abs](https://arxiv.org/abs/{id}) | [pdf](https://arxiv.org/pdf/{id})\n- "
    );
    for (i, category) in paper.categories.iter().enumerate() {
        if i > 0 {
            out.push_str(" | ");
        }
        let _ = write!(out, "[{category}](https://arxiv.org/list/{category}/recent)");
    }
    out.push_str("\n\n");
    abstract_text(&paper.abstract_, out);
    out.push_str("\n\n");
    for tweet in &paper.tweets {
        tweet_block(tweet, out);
    }
    for post in &paper.bluesky_posts {
        bluesky_block(post, out);
    }
    out.push_str("\n\n");
}

/// One line per source: the legacy `- retweets: R, favorites: F (TIME)`, then
/// `- Hugging Face: N upvotes, N comments | [discussion](URL)` and the like,
/// the collection time on the first line only. Each link is made from numbers.
fn counts(paper: &Paper<'_>, out: &mut String) {
    let lines = count_phrases(&paper.counts).into_iter().zip(discussions(paper));
    for (i, (phrase, link)) in lines.enumerate() {
        out.push_str("- ");
        out.push_str(&phrase);
        if i == 0 {
            out.push_str(" (");
            collected(paper.collected, out);
            out.push(')');
        }
        if let Some(link) = link {
            let _ = write!(out, " | [{}]({})", link.label, link.url);
        }
        out.push('\n');
    }
}

/// Where a source discussed a paper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Discussion {
    /// The source's name, as the settings' weights name it (`hackernews`).
    pub(crate) source: &'static str,
    /// The link's text in a post: `discussion`, or `posts` for a search.
    pub(crate) label: &'static str,
    pub(crate) url: String,
}

/// Each source's discussion of a paper, one for each source its counts have,
/// in the order of [`count_phrases`]; `None` for the legacy Twitter counts,
/// which have no page. Each link is made from numbers (the paper's id, a
/// story id), never taken from the day-file.
pub(crate) fn discussions(paper: &Paper<'_>) -> Vec<Option<Discussion>> {
    let id = paper.arxiv.without_version();
    let c = &paper.counts;
    let link = |source, label, url| Some(Discussion { source, label, url });
    [
        c.twitter.map(|_| None),
        c.huggingface.map(|_| {
            link(
                "huggingface",
                "discussion",
                format!("https://huggingface.co/papers/{id}"),
            )
        }),
        c.hackernews.map(|h| {
            link(
                "hackernews",
                "discussion",
                format!("https://news.ycombinator.com/item?id={}", h.story),
            )
        }),
        c.bluesky.map(|_| {
            link(
                "bluesky",
                "posts",
                format!("https://bsky.app/search?q=arxiv.org%2Fabs%2F{id}"),
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Each source's counts in words, as a post says them, in its order: the
/// legacy `retweets: R, favorites: F`, then `Hugging Face: N upvotes, N
/// comments`, `Hacker News: N points, N comments`, `Bluesky: N likes, N
/// reposts in N posts`, for the sources the counts have.
pub fn count_phrases(counts: &Counts) -> Vec<String> {
    let mut phrases = Vec::new();
    if let Some(t) = counts.twitter {
        phrases.push(format!("retweets: {}, favorites: {}", t.retweets, t.favorites));
    }
    if let Some(h) = counts.huggingface {
        phrases.push(format!(
            "Hugging Face: {}, {}",
            plural(h.upvotes, "upvote"),
            plural(h.comments, "comment")
        ));
    }
    if let Some(h) = counts.hackernews {
        phrases.push(format!(
            "Hacker News: {}, {}",
            plural(h.points, "point"),
            plural(h.comments, "comment")
        ));
    }
    if let Some(b) = counts.bluesky {
        phrases.push(format!(
            "Bluesky: {}, {} in {}",
            plural(b.likes, "like"),
            plural(b.reposts, "repost"),
            plural(b.posts, "post")
        ));
    }
    phrases
}

/// `1 upvote`, `2 upvotes`.
fn plural(count: u32, one: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {one}s")
    }
}

/// `MM/DD/YYYY HH:MM:SS`, in UTC.
fn collected(at: OffsetDateTime, out: &mut String) {
    let at = at.to_offset(UtcOffset::UTC);
    let _ = write!(
        out,
        "{:02}/{:02}/{:04} {:02}:{:02}:{:02}",
        u8::from(at.month()),
        at.day(),
        at.year(),
        at.hour(),
        at.minute(),
        at.second()
    );
}

/// The abstract as one paragraph: each line break becomes a space.
fn abstract_text(text: &str, out: &mut String) {
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        out.push_str(first.strip_suffix('\r').unwrap_or(first));
    }
    for line in lines {
        out.push(' ');
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
    }
}

fn tweet_block(tweet: &Tweet<'_>, out: &mut String) {
    let _ = write!(
        out,
        "<blockquote class=\"twitter-tweet\"><p lang=\"{}\" dir=\"{}\">",
        tweet.lang,
        tweet.dir.as_str()
    );
    out.push_str(&tweet.text);
    out.push_str("</p>&mdash; ");
    out.push_str(&tweet.author);
    let _ = writeln!(
        out,
        " (@{}) <a href=\"{}?ref_src=twsrc%5Etfw\">{} {}, {}</a></blockquote>",
        tweet.handle(),
        tweet.url,
        tweet.date.month(),
        tweet.date.day(),
        tweet.date.year()
    );
    out.push_str(WIDGETS);
    out.push_str("\n\n");
}

/// The line after every Bluesky embed in a post.
pub(crate) const BLUESKY_SCRIPT: &str =
    "<script async src=\"https://embed.bsky.app/static/embed.js\" charset=\"utf-8\"></script>";

/// A Bluesky post as Bluesky's oEmbed writes it, then its script.
fn bluesky_block(post: &BlueskyPost<'_>, out: &mut String) {
    let _ = write!(
        out,
        "<blockquote class=\"bluesky-embed\" data-bluesky-uri=\"{}\" data-bluesky-cid=\"{}\"><p lang=\"{}\">",
        post.uri, post.cid, post.lang
    );
    out.push_str(&post.text);
    out.push_str("</p>&mdash; ");
    out.push_str(&post.author);
    let handle = post.handle();
    let _ = writeln!(
        out,
        " (<a href=\"https://bsky.app/profile/{handle}?ref_src=embed\">@{handle}</a>) \
         <a href=\"{}?ref_src=embed\">{} {}, {}</a></blockquote>",
        post.url,
        post.date.month(),
        post.date.day(),
        post.date.year()
    );
    out.push_str(BLUESKY_SCRIPT);
    out.push_str("\n\n");
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use time::macros::{date, datetime};

    use super::*;
    use crate::model::ArxivId;
    use crate::model::Category;
    use crate::model::Dir;
    use crate::model::{HackerNewsCounts, HuggingFaceCounts, TwitterCounts};

    fn paper(id: &str, retweets: u32, favorites: u32, tweets: Vec<Tweet<'static>>) -> Paper<'static> {
        Paper {
            arxiv: ArxivId::parse(id.to_owned()).unwrap(),
            title: Cow::Owned(format!("Paper {id}")),
            authors: vec![Cow::Borrowed("A. Author"), Cow::Borrowed("B. Author")],
            categories: vec![
                Category::from_id("cs.LG").unwrap(),
                Category::from_id("stat.ML").unwrap(),
            ],
            counts: Counts {
                twitter: Some(TwitterCounts { retweets, favorites }),
                ..Counts::default()
            },
            collected: datetime!(2020-10-31 09:40:18 UTC),
            abstract_: Cow::Borrowed("line one\nline two\r\nline three"),
            tweets,
            bluesky_posts: Vec::new(),
            code: None,
        }
    }

    fn tweet() -> Tweet<'static> {
        Tweet {
            url: Cow::Borrowed("https://twitter.com/someone/status/42"),
            author: Cow::Borrowed("Some One"),
            date: date!(2020 - 10 - 30),
            lang: Cow::Borrowed("ja"),
            dir: Dir::Rtl,
            text: Cow::Borrowed("hello<br>world"),
        }
    }

    fn day(papers: Vec<Paper<'static>>) -> Day<'static> {
        Day {
            date: date!(2020 - 10 - 30),
            published: datetime!(2020-10-31 09:40:17 UTC),
            draft: false,
            papers,
            source_hash: 0,
        }
    }

    #[test]
    fn renders_a_day_with_no_papers_as_front_matter_alone() {
        let post = render(&day(vec![]), &Site::default());
        assert!(post.starts_with("---\ntitle: Hot Papers 2020-10-30\ndate: 2020-10-31T09:40:17.Z\n"));
        assert!(post.ends_with("socialImage: \"/media/flying-marine.jpg\"\n\n---\n"));
    }

    #[test]
    fn renders_paper_without_tweets() {
        let post = render(&day(vec![paper("2010.00001", 50, 0, vec![])]), &Site::default());
        let body = post.split_once("\n---\n").unwrap().1;
        assert_eq!(
            body,
            "\n# 1. Paper 2010.00001\n\nA. Author, B. Author\n\n- retweets: 50, favorites: 0 (10/31/2020 09:40:18)\n\n\
             - links: [abs](https://arxiv.org/abs/2010.00001) | [pdf](https://arxiv.org/pdf/2010.00001)\n\
             - [cs.LG](https://arxiv.org/list/cs.LG/recent) | [stat.ML](https://arxiv.org/list/stat.ML/recent)\n\n\
             line one line two line three\n\n\n\n"
        );
    }

    #[test]
    fn renders_the_code_after_the_counts_and_a_repository_name_as_text() {
        let mut with_code = paper("2411.00001", 50, 0, vec![]);
        with_code.code = Some(crate::model::Code {
            url: "https://github.com/ada/_hot_papers_".into(),
            stars: 1,
        });
        let post = render(&day(vec![with_code]), &Site::default());
        assert!(
            post.contains(
                "- retweets: 50, favorites: 0 (10/31/2020 09:40:18)\n\
                 - code: [ada/\\_hot\\_papers\\_](https://github.com/ada/_hot_papers_), 1 star\n\n\
                 - links: "
            ),
            "{post}"
        );
    }

    #[test]
    fn renders_a_line_per_source_with_links_made_from_numbers() {
        let mut hot = paper("2411.00001v2", 0, 0, vec![]);
        hot.counts = Counts {
            twitter: None,
            huggingface: Some(HuggingFaceCounts {
                upvotes: 120,
                comments: 1,
            }),
            hackernews: Some(HackerNewsCounts {
                points: 1,
                comments: 0,
                story: 41234567,
            }),
            bluesky: Some(crate::model::BlueskyCounts {
                likes: 8,
                reposts: 2,
                posts: 1,
            }),
        };
        let post = render(&day(vec![hot]), &Site::default());
        let body = post.split_once("\n---\n").unwrap().1;
        assert_eq!(
            body,
            "\n# 1. Paper 2411.00001v2\n\nA. Author, B. Author\n\n\
             - Hugging Face: 120 upvotes, 1 comment (10/31/2020 09:40:18) | [discussion](https://huggingface.co/papers/2411.00001)\n\
             - Hacker News: 1 point, 0 comments | [discussion](https://news.ycombinator.com/item?id=41234567)\n\
             - Bluesky: 8 likes, 2 reposts in 1 post | [posts](https://bsky.app/search?q=arxiv.org%2Fabs%2F2411.00001)\n\n\
             - links: [abs](https://arxiv.org/abs/2411.00001v2) | [pdf](https://arxiv.org/pdf/2411.00001v2)\n\
             - [cs.LG](https://arxiv.org/list/cs.LG/recent) | [stat.ML](https://arxiv.org/list/stat.ML/recent)\n\n\
             line one line two line three\n\n\n\n"
        );
    }

    #[test]
    fn renders_bluesky_posts_as_blueskys_embed_after_the_tweets() {
        let mut hot = paper("2010.00001", 60, 0, vec![tweet()]);
        hot.bluesky_posts.push(BlueskyPost {
            url: Cow::Borrowed("https://bsky.app/profile/ada.bsky.social/post/3lbxyz2abcd2k"),
            uri: Cow::Borrowed("at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbxyz2abcd2k"),
            cid: Cow::Borrowed("bafyreia7ouzqgkyb7mqypyocljhtxrkq6ryjw6glkgaeph3ghjfzg6wz4a"),
            author: Cow::Borrowed("Ada &amp; co"),
            date: date!(2026 - 11 - 27),
            lang: Cow::Borrowed("en"),
            text: Cow::Borrowed("Out now<br>$k<k'$"),
        });
        let post = render(&day(vec![hot]), &Site::default());
        assert!(
            post.contains(
                "</a></blockquote>\n<script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>\n\n\
                 <blockquote class=\"bluesky-embed\" data-bluesky-uri=\"at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbxyz2abcd2k\" \
                 data-bluesky-cid=\"bafyreia7ouzqgkyb7mqypyocljhtxrkq6ryjw6glkgaeph3ghjfzg6wz4a\"><p lang=\"en\">Out now<br>$k<k'$</p>&mdash; Ada &amp; co \
                 (<a href=\"https://bsky.app/profile/ada.bsky.social?ref_src=embed\">@ada.bsky.social</a>) \
                 <a href=\"https://bsky.app/profile/ada.bsky.social/post/3lbxyz2abcd2k?ref_src=embed\">November 27, 2026</a></blockquote>\n\
                 <script async src=\"https://embed.bsky.app/static/embed.js\" charset=\"utf-8\"></script>\n\n\n\n"
            ),
            "{post}"
        );
    }

    #[test]
    fn scores_every_source_by_its_weight() {
        let mut site = Site::default();
        site.collect.min_score = 100;
        let mut hn = paper("2010.00001", 0, 0, vec![]);
        hn.counts = Counts {
            hackernews: Some(HackerNewsCounts {
                points: 40,
                comments: 0,
                story: 1,
            }),
            ..Counts::default()
        };
        let legacy = paper("2010.00002", 60, 50, vec![]);
        let shown = |site: &Site| -> Vec<String> {
            let day = day(vec![hn.clone(), legacy.clone()]);
            ranked(&day, site).iter().map(|p| p.arxiv.to_string()).collect()
        };
        assert_eq!(shown(&site), ["2010.00002"]);
        site.collect.weights.hackernews = 3;
        assert_eq!(shown(&site), ["2010.00001", "2010.00002"]);
    }

    #[test]
    fn renders_tweets_with_language_and_direction() {
        let post = render(
            &day(vec![paper("2010.00001", 60, 0, vec![tweet()])]),
            &Site::default(),
        );
        assert!(post.contains(
            "<blockquote class=\"twitter-tweet\"><p lang=\"ja\" dir=\"rtl\">hello<br>world</p>&mdash; Some One (@someone) \
             <a href=\"https://twitter.com/someone/status/42?ref_src=twsrc%5Etfw\">October 30, 2020</a></blockquote>\n\
             <script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>\n\n\n\n"
        ));
    }

    #[test]
    fn orders_by_score_and_keeps_file_order_on_ties() {
        let papers = vec![
            paper("2010.00001", 10, 50, vec![]),
            paper("2010.00002", 100, 0, vec![]),
            paper("2010.00003", 49, 0, vec![]),
            paper("2010.00004", 30, 30, vec![]),
            paper("2010.00005", 50, 0, vec![]),
        ];
        let mut site = Site::default();
        site.collect.min_score = 50;
        let post = render(&day(papers), &site);
        let headings: Vec<&str> = post.lines().filter(|l| l.starts_with("# ")).collect();
        assert_eq!(
            headings,
            [
                "# 1. Paper 2010.00002",
                "# 2. Paper 2010.00001",
                "# 3. Paper 2010.00004",
                "# 4. Paper 2010.00005"
            ]
        );
    }

    #[test]
    fn uses_site_settings() {
        let mut site = Site {
            title: "Daily {date}".into(),
            tags: vec![],
            ..Site::default()
        };
        site.collect.min_score = 0;
        let post = render(&day(vec![paper("2010.00003", 1, 0, vec![])]), &site);
        assert!(post.starts_with("---\ntitle: Daily 2020-10-30\n"));
        assert!(post.contains("tags:\ndescription:"));
        assert!(post.contains("# 1. Paper 2010.00003"));
    }

    #[test]
    fn renders_published_in_utc() {
        let mut d = day(vec![]);
        d.published = datetime!(2020-10-31 11:40:17 +02:00);
        assert!(render(&d, &Site::default()).contains("\ndate: 2020-10-31T09:40:17.Z\n"));
    }
}
