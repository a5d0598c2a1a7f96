//! Properties that hold for any input, checked on generated ones (proptest).

use std::borrow::Cow;

use hotpapers::{
    parse_day, render, Archive, ArxivId, BlueskyPost, Category, Code, Counts, Day, Dir, HackerNewsCounts,
    HuggingFaceCounts, Paper, Site, Tweet, TwitterCounts,
};
use proptest::prelude::*;
use time::macros::{date, datetime};

const REAL_DAY: &str = include_str!("../../posts/2020-10-30.toml");

fn paper(index: usize, counts: Counts, title: String, tweets: usize) -> Paper<'static> {
    Paper {
        arxiv: ArxivId::parse(format!("2010.{:05}", index + 1)).unwrap(),
        title: Cow::Owned(format!("P{index} {title}")),
        authors: vec![Cow::Borrowed("A. Author")],
        categories: vec![Category::from_id("cs.LG").unwrap()],
        counts,
        collected: datetime!(2020-10-31 09:40:18 UTC),
        abstract_: Cow::Owned(title.clone()),
        tweets: (0..tweets)
            .map(|t| Tweet {
                url: Cow::Owned(format!("https://twitter.com/u{t}/status/{t}")),
                author: Cow::Borrowed("U"),
                date: date!(2020 - 10 - 30),
                lang: Cow::Borrowed("en"),
                dir: Dir::Ltr,
                text: Cow::Owned(title.clone()),
            })
            .collect(),
        bluesky_posts: (0..tweets % 2)
            .map(|p| BlueskyPost {
                url: Cow::Owned(format!("https://bsky.app/profile/u{p}.bsky.social/post/3l{p}")),
                uri: Cow::Owned(format!(
                    "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3l{p}"
                )),
                cid: Cow::Borrowed("bafyreia7ouzqgkyb7mqypyocljhtxrkq6ryjw6glkgaeph3ghjfzg6wz4a"),
                author: Cow::Borrowed("U"),
                date: date!(2020 - 10 - 30),
                lang: Cow::Borrowed("en"),
                text: Cow::Owned(title.clone()),
            })
            .collect(),
        // Some papers with code, so the writer, parser and archive carry it.
        code: (tweets != 1).then(|| Code {
            url: Cow::Owned(format!("https://github.com/o{index}/r_{index}.x")),
            stars: index as u32 * 7,
        }),
    }
}

prop_compose! {
    fn any_day()(
        papers in prop::collection::vec(
            (0u32..200, 0u32..200, prop::option::of(0u32..200), prop::option::of((0u32..200, 1u32..99)), "\\PC{0,40}", 0usize..3),
            0..25,
        ),
        min_score in 0u64..300,
    ) -> (Day<'static>, u64) {
        let papers = papers
            .into_iter()
            .enumerate()
            .map(|(i, (r, f, upvotes, story, t, n))| {
                // Every paper has a source; some have only the new ones.
                let counts = Counts {
                    twitter: (r % 3 != 0 || (upvotes.is_none() && story.is_none()))
                        .then_some(TwitterCounts { retweets: r, favorites: f }),
                    huggingface: upvotes.map(|upvotes| HuggingFaceCounts { upvotes, comments: 1 }),
                    hackernews: story.map(|(points, story)| HackerNewsCounts { points, comments: 0, story }),
                    bluesky: None,
                };
                paper(i, counts, t, n)
            })
            .collect();
        let day = Day {
            date: date!(2020 - 10 - 30),
            published: datetime!(2020-10-31 09:40:17 UTC),
            draft: false,
            papers,
            source_hash: 0,
        };
        (day, min_score)
    }
}

proptest! {
    #[test]
    fn one_heading_per_paper_at_or_above_the_minimum_in_score_order((day, min_score) in any_day()) {
        // Days the checker accepts: an abstract that reads as a Markdown heading
        // (up to three spaces, one to six `#`, then a space or the end) is refused.
        let heading = |text: &str| {
            let rest = text.trim_start_matches(' ');
            let spaces = text.len() - rest.len();
            let hashes = rest.len() - rest.trim_start_matches('#').len();
            spaces <= 3
                && (1..=6).contains(&hashes)
                && rest[hashes..].chars().next().is_none_or(|c| c == ' ' || c == '\t')
        };
        prop_assume!(day.papers.iter().all(|p| !heading(&p.abstract_)));
        let mut site = Site::default();
        site.collect.min_score = min_score;
        let post = render(&day, &site);
        let headings: Vec<&str> = post.lines().filter(|l| l.starts_with("# ")).collect();
        let score = |p: &Paper<'_>| p.score(&site.collect.weights);
        let mut expected: Vec<(usize, &Paper<'_>)> =
            day.papers.iter().enumerate().filter(|(_, p)| score(p) >= min_score).collect();
        expected.sort_by_key(|(_, p)| std::cmp::Reverse(score(p)));
        prop_assert_eq!(headings.len(), expected.len());
        for (rank, (heading, (index, _))) in headings.iter().zip(&expected).enumerate() {
            let prefix = format!("# {}. P{index} ", rank + 1);
            prop_assert!(heading.starts_with(&prefix), "{} vs {}", heading, prefix);
        }
        prop_assert!(post.starts_with("---\ntitle: Hot Papers 2020-10-30\n"));
    }

    #[test]
    fn parsing_never_panics_on_a_damaged_real_day(
        edits in prop::collection::vec((0usize..REAL_DAY.len(), "\\PC{0,3}|\n|\"|'|\\[|\\]|=", 0usize..4), 1..6)
    ) {
        let mut text = REAL_DAY.to_owned();
        for (at, insert, remove) in edits {
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + remove).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, &insert);
        }
        let (day, diagnostics) = parse_day("posts/2020-10-30.toml", &text);
        match day {
            Some(day) => {
                prop_assert!(diagnostics.iter().all(|d| !d.is_error()));
                let _ = render(&day, &Site::default());
                let bytes = Archive::encode(&Site::default(), None, std::slice::from_ref(&day), &[]);
                prop_assert_eq!(&Archive::decode(&bytes).unwrap().days[0], &day);
            }
            None => prop_assert!(diagnostics.iter().any(|d| d.is_error())),
        }
        for d in &diagnostics {
            prop_assert!(d.line >= 1 && d.column >= 1 && d.width >= 1);
            let _ = d.to_string();
        }
    }

    #[test]
    fn any_text_in_a_string_field_is_either_rendered_as_written_or_rejected(title in "\\PC{0,60}") {
        let escaped: String = title.chars().flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c => vec![c],
        }).collect();
        let text = REAL_DAY.replacen(
            "title = 'Probabilistic Transformers'",
            &format!("title = \"{escaped}\""),
            1,
        );
        let (day, diagnostics) = parse_day("posts/2020-10-30.toml", &text);
        if let Some(day) = day {
            let post = render(&day, &Site::default());
            prop_assert!(post.contains(&format!(". {title}\n")), "title rendered byte for byte");
        } else {
            prop_assert!(diagnostics.iter().any(|d| d.message.contains("title")), "{:?}", diagnostics);
        }
    }
}
