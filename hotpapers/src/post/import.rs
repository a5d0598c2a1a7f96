//! Legacy posts back to days: `hotpapers import`.
//!
//! The legacy generator's format is read exactly as [`crate::post::render`] writes it,
//! line by line; anything else is an error naming the line and what was
//! expected. Papers below the minimum score were never in the posts, so an
//! imported day holds the papers its post showed.

use std::borrow::Cow;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::model::ArxivId;
use crate::model::Category;
use crate::model::{Counts, Day, Dir, Paper, Tweet, TwitterCounts};
use crate::post::render::WIDGETS;

const TWEET_START: &str = "<blockquote class=\"twitter-tweet\"><p lang=\"";

/// A legacy post that does not follow the legacy format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {found}; expected {expected}")]
pub struct ImportError {
    /// The post.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// What is there.
    pub found: String,
    /// What the legacy format has there.
    pub expected: String,
}

/// Reads a legacy post for the day `date`; `path` names it in errors.
pub fn import_post(path: &str, date: Date, text: &str) -> Result<Day<'static>, ImportError> {
    let mut r = Lines {
        path,
        lines: text.split('\n').collect(),
        at: 0,
    };
    r.exact("---")?;
    let mut published = None;
    let mut draft = None;
    loop {
        let line = r.next("front matter or `---`")?;
        if line == "---" {
            break;
        }
        if let Some(value) = line.strip_prefix("date: ") {
            published = Some(r.parse(value, "`date: YYYY-MM-DDTHH:MM:SS.Z`", parse_published)?);
        } else if let Some(value) = line.strip_prefix("draft: ") {
            draft = Some(r.parse(value, "`draft: true` or `draft: false`", |v| {
                v.parse::<bool>().ok()
            })?);
        }
    }
    let published = published.ok_or_else(|| r.error("no `date:` in the front matter", "a `date:` line"))?;
    let mut day = Day {
        date,
        published,
        draft: draft.unwrap_or(false),
        papers: Vec::new(),
        source_hash: 0,
    };
    while r.at < r.lines.len() {
        if r.lines[r.at..].iter().all(|l| l.is_empty()) {
            break;
        }
        r.exact("")?;
        day.papers.push(r.paper(day.papers.len() + 1)?);
    }
    Ok(day)
}

struct Lines<'t> {
    path: &'t str,
    lines: Vec<&'t str>,
    at: usize,
}

impl<'t> Lines<'t> {
    fn error(&self, found: impl Into<String>, expected: impl Into<String>) -> ImportError {
        ImportError {
            path: self.path.to_owned(),
            line: self.at.max(1),
            found: found.into(),
            expected: expected.into(),
        }
    }

    fn next(&mut self, expected: &str) -> Result<&'t str, ImportError> {
        let line = self
            .lines
            .get(self.at)
            .copied()
            .ok_or_else(|| self.error("the end of the post", expected))?;
        self.at += 1;
        Ok(line)
    }

    fn exact(&mut self, expected: &str) -> Result<(), ImportError> {
        let shown = if expected.is_empty() {
            "a blank line".to_owned()
        } else {
            format!("`{expected}`")
        };
        let line = self.next(&shown)?;
        if line == expected {
            Ok(())
        } else {
            Err(self.error(format!("`{}`", shorten(line)), shown))
        }
    }

    fn parse<T>(
        &self,
        value: &str,
        expected: &str,
        f: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, ImportError> {
        f(value).ok_or_else(|| self.error(format!("`{}`", shorten(value)), expected))
    }

    fn paper(&mut self, rank: usize) -> Result<Paper<'static>, ImportError> {
        let heading = format!("# {rank}. ");
        let line = self.next(&format!("`{heading}TITLE`"))?;
        let title = self.parse(line, &format!("`{heading}TITLE`"), |l| {
            l.strip_prefix(&heading).map(str::to_owned)
        })?;
        self.exact("")?;
        let authors = self
            .next("the authors")?
            .split(", ")
            .map(|a| Cow::Owned(a.to_owned()))
            .collect();
        self.exact("")?;
        let counts = "`- retweets: R, favorites: F (MM/DD/YYYY HH:MM:SS)`";
        let line = self.next(counts)?;
        let (retweets, favorites, collected) = self.parse(line, counts, parse_counts)?;
        self.exact("")?;
        let links = "`- links: [abs](https://arxiv.org/abs/ID) | [pdf](https://arxiv.org/pdf/ID)`";
        let line = self.next(links)?;
        let arxiv = self.parse(line, links, parse_links)?;
        let categories_line = "`- [CAT](https://arxiv.org/list/CAT/recent) | ...` with arXiv categories";
        let line = self.next(categories_line)?;
        let categories = self.parse(line, categories_line, parse_categories)?;
        self.exact("")?;
        let abstract_ = self.next("the abstract")?.to_owned();
        self.exact("")?;
        let mut tweets = Vec::new();
        while self
            .lines
            .get(self.at)
            .is_some_and(|l| l.starts_with(TWEET_START))
        {
            let shape = "a tweet embed: `<blockquote class=\"twitter-tweet\">...</blockquote>`";
            let line = self.next(shape)?;
            tweets.push(self.parse(line, shape, parse_tweet)?);
            self.exact(WIDGETS)?;
            self.exact("")?;
        }
        self.exact("")?;
        self.exact("")?;
        Ok(Paper {
            arxiv,
            title: Cow::Owned(title),
            authors,
            categories,
            counts: Counts {
                twitter: Some(TwitterCounts { retweets, favorites }),
                ..Counts::default()
            },
            collected,
            abstract_: Cow::Owned(abstract_),
            tweets,
            bluesky_posts: Vec::new(),
            code: None,
        })
    }
}

fn shorten(line: &str) -> String {
    match line.char_indices().nth(60) {
        Some((at, _)) => format!("{}...", &line[..at]),
        None => line.to_owned(),
    }
}

fn number<T: std::str::FromStr>(text: &str) -> Option<T> {
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse().ok())
        .flatten()
}

fn date_of(year: &str, month: &str, day: &str) -> Option<Date> {
    Date::from_calendar_date(
        number(year)?,
        Month::try_from(number::<u8>(month)?).ok()?,
        number(day)?,
    )
    .ok()
}

fn time_of(text: &str) -> Option<Time> {
    let mut parts = text.split(':');
    let time = Time::from_hms(
        number(parts.next()?)?,
        number(parts.next()?)?,
        number(parts.next()?)?,
    )
    .ok()?;
    parts.next().is_none().then_some(time)
}

/// `2020-10-31T09:40:17.Z`
fn parse_published(value: &str) -> Option<OffsetDateTime> {
    let (date, time) = value.strip_suffix(".Z")?.split_once('T')?;
    let mut d = date.split('-');
    let date = date_of(d.next()?, d.next()?, d.next()?)?;
    Some(PrimitiveDateTime::new(date, time_of(time)?).assume_utc())
}

/// `- retweets: 4696, favorites: 218 (10/31/2020 09:40:17)`
fn parse_counts(line: &str) -> Option<(u32, u32, OffsetDateTime)> {
    let rest = line.strip_prefix("- retweets: ")?;
    let (retweets, rest) = rest.split_once(", favorites: ")?;
    let (favorites, rest) = rest.split_once(" (")?;
    let (date, time) = rest.strip_suffix(')')?.split_once(' ')?;
    let mut d = date.split('/');
    let (month, day, year) = (d.next()?, d.next()?, d.next()?);
    let at = PrimitiveDateTime::new(date_of(year, month, day)?, time_of(time)?).assume_utc();
    Some((number(retweets)?, number(favorites)?, at))
}

/// `- links: [abs](https://arxiv.org/abs/ID) | [pdf](https://arxiv.org/pdf/ID)`
fn parse_links(line: &str) -> Option<ArxivId<'static>> {
    let rest = line.strip_prefix("- links: [abs](https://arxiv.org/abs/")?;
    let (id, rest) = rest.split_once(") | [pdf](https://arxiv.org/pdf/")?;
    (rest.strip_suffix(')')? == id)
        .then(|| ArxivId::parse(id.to_owned()).ok())
        .flatten()
}

/// `- [cs.LG](https://arxiv.org/list/cs.LG/recent) | ...`
fn parse_categories(line: &str) -> Option<Vec<Category>> {
    line.strip_prefix("- ")?
        .split(" | ")
        .map(|link| {
            let (name, rest) = link.strip_prefix('[')?.split_once("](https://arxiv.org/list/")?;
            (rest.strip_suffix("/recent)")? == name)
                .then(|| Category::from_id(name))
                .flatten()
        })
        .collect()
}

/// A tweet from its embed HTML, as Twitter's oEmbed endpoint returns it and the
/// legacy posts carry it: the `<blockquote class="twitter-tweet">`, with or without
/// the widgets `<script>` after it. `None` if it is not a tweet blockquote.
pub fn parse_tweet_embed(html: &str) -> Option<Tweet<'static>> {
    let html = html.trim_end();
    parse_tweet(html.strip_suffix(WIDGETS).unwrap_or(html).trim_end())
}

/// `October 30, 2020`, as embeds write dates.
fn written_date(text: &str) -> Option<Date> {
    let (month_day, year) = text.split_once(", ")?;
    let (month, day) = month_day.split_once(' ')?;
    let month = (1..=12u8)
        .map(|m| Month::try_from(m).ok())
        .find(|m| m.is_some_and(|m| m.to_string() == month))??;
    Date::from_calendar_date(number(year)?, month, number(day)?).ok()
}

/// One tweet embed line.
fn parse_tweet(line: &str) -> Option<Tweet<'static>> {
    let rest = line.strip_prefix(TWEET_START)?;
    let (lang, rest) = rest.split_once("\" dir=\"")?;
    let (dir, rest) = rest.split_once("\">")?;
    let rest = rest.strip_suffix("</a></blockquote>")?;
    let (rest, date) = rest.rsplit_once("?ref_src=twsrc%5Etfw\">")?;
    let (rest, url) = rest.rsplit_once(" <a href=\"")?;
    let (text, byline) = rest.rsplit_once("</p>&mdash; ")?;
    let handle = crate::model::tweet_handle(url)?;
    let author = byline.strip_suffix(&format!(" (@{handle})"))?;
    let date = written_date(date)?;
    Some(Tweet {
        url: Cow::Owned(url.to_owned()),
        author: Cow::Owned(author.to_owned()),
        date,
        lang: Cow::Owned(lang.to_owned()),
        dir: match dir {
            "ltr" => Dir::Ltr,
            "rtl" => Dir::Rtl,
            _ => return None,
        },
        text: Cow::Owned(text.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::site::Site;

    #[test]
    fn imports_the_legacy_posts_byte_for_byte() {
        for (date, post) in [
            (
                date!(2020 - 10 - 30),
                include_str!("../../../tests/golden/2020-10-30---Hot-Papers.md"),
            ),
            (
                date!(2020 - 12 - 07),
                include_str!("../../../tests/golden/2020-12-07---Hot-Papers.md"),
            ),
        ] {
            let day = import_post("post.md", date, post).unwrap();
            assert_eq!(crate::post::render::render(&day, &Site::default()), post);
        }
    }

    #[test]
    fn names_the_line_and_what_was_expected() {
        let post = include_str!("../../../tests/golden/2020-10-30---Hot-Papers.md");
        let broken = post.replacen(
            "- retweets: 3026, favorites: 271",
            "- retweets: lots, favorites: 271",
            1,
        );
        let error = import_post("p.md", date!(2020 - 10 - 30), &broken).unwrap_err();
        assert_eq!(error.line, 39);
        assert!(
            error.to_string().starts_with(
                "p.md:39: `- retweets: lots, favorites: 271 (10/31/2020 09:40:18)`; expected `- retweets: R"
            ),
            "{error}"
        );
        let error = import_post("p.md", date!(2020 - 10 - 30), "# not a post\n").unwrap_err();
        assert_eq!((error.line, error.expected.as_str()), (1, "`---`"));
    }
}
