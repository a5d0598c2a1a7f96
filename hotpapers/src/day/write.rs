//! A [`Day`] as day-file text, the way a curator would write it.
//!
//! One key per line; `collected` left out when it equals `published`, `lang`
//! and `dir` left out at their defaults, `draft` only when true. Strings are
//! literal (`'...'`) where they can be, else basic with escapes.

use std::fmt::Write;

use time::{OffsetDateTime, UtcOffset};

use crate::model::{Counts, Day, Dir};
use crate::text::format_date;

/// Each source's counts: the legacy keys, then one inline table per source.
fn counts(counts: &Counts, out: &mut String) {
    if let Some(t) = counts.twitter {
        let _ = writeln!(out, "retweets = {}\nfavorites = {}", t.retweets, t.favorites);
    }
    if let Some(h) = counts.huggingface {
        let _ = writeln!(
            out,
            "huggingface = {{ upvotes = {}, comments = {} }}",
            h.upvotes, h.comments
        );
    }
    if let Some(h) = counts.hackernews {
        let _ = writeln!(
            out,
            "hackernews = {{ points = {}, comments = {}, story = {} }}",
            h.points, h.comments, h.story
        );
    }
    if let Some(b) = counts.bluesky {
        let _ = writeln!(
            out,
            "bluesky = {{ likes = {}, reposts = {}, posts = {} }}",
            b.likes, b.reposts, b.posts
        );
    }
}

/// The day-file text for `day`.
pub fn day_file(day: &Day<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "date = {}", format_date(day.date));
    let _ = writeln!(out, "published = {}", date_time(day.published));
    if day.draft {
        out.push_str("draft = true\n");
    }
    for paper in &day.papers {
        let _ = writeln!(out, "\n[[paper]]\narxiv = {}", string(paper.arxiv.as_str()));
        let _ = writeln!(out, "title = {}", string(&paper.title));
        let _ = writeln!(
            out,
            "authors = [{}]",
            list(paper.authors.iter().map(|a| a.as_ref()))
        );
        let _ = writeln!(
            out,
            "categories = [{}]",
            list(paper.categories.iter().map(|c| c.as_str()))
        );
        counts(&paper.counts, &mut out);
        if let Some(code) = &paper.code {
            let _ = writeln!(
                out,
                "code = {{ url = {}, stars = {} }}",
                string(&code.url),
                code.stars
            );
        }
        if paper.collected != day.published {
            let _ = writeln!(out, "collected = {}", date_time(paper.collected));
        }
        if !paper.abstract_.is_empty() {
            let _ = writeln!(out, "abstract = {}", string(&paper.abstract_));
        }
        for tweet in &paper.tweets {
            let _ = writeln!(out, "\n[[paper.tweet]]\nurl = {}", string(&tweet.url));
            let _ = writeln!(out, "author = {}", string(&tweet.author));
            let _ = writeln!(out, "date = {}", format_date(tweet.date));
            if tweet.lang != "en" {
                let _ = writeln!(out, "lang = {}", string(&tweet.lang));
            }
            if tweet.dir != Dir::Ltr {
                let _ = writeln!(out, "dir = {}", string(tweet.dir.as_str()));
            }
            let _ = writeln!(out, "text = {}", string(&tweet.text));
        }
        for post in &paper.bluesky_posts {
            let _ = writeln!(out, "\n[[paper.bluesky-post]]\nurl = {}", string(&post.url));
            let _ = writeln!(out, "uri = {}\ncid = {}", string(&post.uri), string(&post.cid));
            let _ = writeln!(out, "author = {}", string(&post.author));
            let _ = writeln!(out, "date = {}", format_date(post.date));
            if post.lang != "en" {
                let _ = writeln!(out, "lang = {}", string(&post.lang));
            }
            let _ = writeln!(out, "text = {}", string(&post.text));
        }
    }
    out
}

fn list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    items.map(string).collect::<Vec<_>>().join(", ")
}

/// A TOML string: literal when it can be, else basic with escapes.
pub(crate) fn string(text: &str) -> String {
    if !text.contains('\'') && !text.chars().any(char::is_control) {
        return format!("'{text}'");
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An offset date-time in UTC, `2020-10-31T09:40:17Z`, with fractions if any.
fn date_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let mut out = format!(
        "{}T{:02}:{:02}:{:02}",
        format_date(at.date()),
        at.hour(),
        at.minute(),
        at.second()
    );
    if at.nanosecond() != 0 {
        let fraction = format!("{:09}", at.nanosecond());
        let _ = write!(out, ".{}", fraction.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_strings_as_a_curator_would() {
        assert_eq!(string("plain"), "'plain'");
        assert_eq!(string("it's"), "\"it's\"");
        assert_eq!(string("a\"b'c\\d\ne\u{7}"), "\"a\\\"b'c\\\\d\\ne\\u0007\"");
        assert_eq!(string(r"TeX \alpha"), r"'TeX \alpha'");
    }

    #[test]
    fn writes_a_real_day_back_to_the_same_data() {
        let text = include_str!("../../../posts/2020-10-30.toml");
        let (day, _) = crate::day::parse_day("posts/2020-10-30.toml", text);
        let day = day.unwrap();
        let written = day_file(&day);
        let (again, diagnostics) = crate::day::parse_day("posts/2020-10-30.toml", &written);
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:#?}");
        let mut again = again.unwrap();
        again.source_hash = day.source_hash;
        assert_eq!(again, day);
        assert!(written.starts_with(
            "date = 2020-10-30\npublished = 2020-10-31T09:40:17Z\n\n[[paper]]\narxiv = '2010.15581'\n"
        ));
        assert_eq!(
            written.matches("collected =").count(),
            8,
            "left out where it equals `published`"
        );
        assert!(!written.contains("lang =") && !written.contains("dir ="));
    }
}
