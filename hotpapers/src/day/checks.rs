//! The rules a value must follow, beyond its TOML type.
//!
//! Each check returns a [`Problem`] that says what was found and what was
//! expected; the parser places it at the value's line and column. The rules
//! between fields (an id's month against the day, a paper or tweet listed twice)
//! are here too, as functions of plain values.

use std::collections::{HashMap, HashSet};

use crate::day::html::{self, Context};
use crate::model::ArxivId;
use crate::model::Category;
use crate::model::Dir;

/// What is wrong with a value, before it is placed in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What was found.
    pub message: String,
    /// What was expected.
    pub expected: String,
    /// A likely fix.
    pub hint: Option<String>,
    /// The offending bytes of the value's text, where narrower than the value.
    pub at: Option<std::ops::Range<usize>>,
}

impl Problem {
    pub(crate) fn new(message: impl Into<String>, expected: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            expected: expected.into(),
            hint: None,
            at: None,
        }
    }

    pub(crate) fn hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

/// A field that is shown on one line of the post.
pub(crate) fn one_line(field: &str, value: &str) -> Result<(), Problem> {
    if value.trim().is_empty() {
        return Err(Problem::new(
            format!("empty {field}"),
            format!("a non-empty {field}"),
        ));
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        let what = if c == '\n' || c == '\r' {
            "a line break".to_owned()
        } else {
            format!("control character U+{:04X}", u32::from(c))
        };
        return Err(Problem::new(
            format!("{field} holds {what}"),
            format!("the {field} on one line, without control characters"),
        ));
    }
    Ok(())
}

/// A field whose text reaches a reader's page, against the HTML policy of the
/// place it is rendered in.
pub(crate) fn html_policy(field: &str, value: &str, context: Context) -> Result<(), Problem> {
    html::check(value, context).map_err(|violation| {
        let expected = match context {
            Context::Markdown(_) => "plain text (Markdown links to http(s) allowed; no HTML, no images)",
            Context::EmbedText => "plain text",
            Context::EmbedHtml => "text with `<a href=\"https://…\">…</a>` and `<br>` only",
        };
        let mut problem = Problem::new(format!("{field} holds {}", violation.message), expected);
        problem.at = Some(violation.at);
        problem
    })
}

/// An arXiv identifier.
pub(crate) fn arxiv_id(value: &str) -> Result<ArxivId<'static>, Problem> {
    ArxivId::parse(value.to_owned()).map_err(|why| {
        Problem::new(
            format!("`{}` is not an arXiv id", crate::text::quoted(value)),
            why.to_string(),
        )
    })
}

/// `date` equal to the day the file's name gives (`named`, when it gives one).
pub(crate) fn date_is_the_file_name(
    date: time::Date,
    named: Option<time::Date>,
    path: &str,
) -> Result<(), Problem> {
    match named {
        Some(named) if named != date => {
            let name = std::path::Path::new(path)
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            Err(Problem::new(
                format!(
                    "`date` is {date} but the file is named `{}`",
                    crate::text::quoted(name)
                ),
                format!("the date of the file name, `{named}`"),
            ))
        }
        _ => Ok(()),
    }
}

/// A post is not published before the day it covers (in UTC).
pub(crate) fn published_on_or_after(
    published: time::OffsetDateTime,
    date: time::Date,
) -> Result<(), Problem> {
    let day = published.to_offset(time::UtcOffset::UTC).date();
    if day < date {
        return Err(Problem::new(
            format!("`published` ({day}) is before the day it covers ({date})"),
            "a publication time on or after `date`",
        ));
    }
    Ok(())
}

/// An id whose `YYMM` is not later than the day it is listed on.
pub(crate) fn id_not_after_day(id: &ArxivId<'_>, date: time::Date) -> Result<(), Problem> {
    let (year, month) = id.year_month();
    if (year, month) > (date.year(), u8::from(date.month())) {
        return Err(Problem::new(
            format!("arXiv id `{id}` is from {year}-{month:02}, after the day {date}"),
            "an id whose `YYMM` is not later than the day",
        ));
    }
    Ok(())
}

/// The papers of one day so far, to find one listed twice: by hash, so a day
/// of 40,000 papers is checked in linear time.
#[derive(Default)]
pub(crate) struct PapersOfTheDay(HashMap<String, usize>);

impl PapersOfTheDay {
    /// Notes the paper `id` on `line`; an error if the day lists it already.
    pub(crate) fn once(&mut self, id: &ArxivId<'_>, line: usize) -> Result<(), Problem> {
        let key = id.without_version();
        if let Some(first) = self.0.get(key) {
            return Err(Problem::new(
                format!("paper `{key}` is listed twice in this day (first on line {first})"),
                "each paper once per day",
            ));
        }
        self.0.insert(key.to_owned(), line);
        Ok(())
    }
}

/// The tweets of one paper so far, to find one listed twice.
#[derive(Default)]
pub(crate) struct TweetsOfAPaper(HashSet<String>);

impl TweetsOfAPaper {
    /// Notes the tweet at `url`; a problem (a warning: legacy posts repeat some)
    /// if the paper lists it already. One status on twitter.com and x.com is the
    /// same tweet.
    pub(crate) fn once(&mut self, url: &str) -> Result<(), Problem> {
        let status = url.rsplit('/').next().unwrap_or_default().to_owned();
        if self.0.contains(status.as_str()) {
            return Err(Problem::new(
                format!(
                    "tweet `{}` is listed twice under this paper",
                    crate::text::quoted(url)
                ),
                "each tweet once (legacy posts repeat some; the post shows both)",
            ));
        }
        self.0.insert(status);
        Ok(())
    }
}

/// A paper without tweets: a warning, since legacy posts have them.
pub(crate) fn no_tweets() -> Problem {
    Problem::new(
        "paper has no tweets",
        "at least one `[[paper.tweet]]` showing why the paper is hot",
    )
}

/// The abstract: no control character but line breaks and tabs, then the HTML
/// policy of a paragraph after the category list.
pub(crate) fn abstract_text(text: &str) -> Result<(), Problem> {
    if let Some((at, c)) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        let mut problem = Problem::new(
            format!("abstract holds control character U+{:04X}", u32::from(c)),
            "text without control characters",
        );
        problem.at = Some(at..at + c.len_utf8());
        return Err(problem);
    }
    html_policy(
        "abstract",
        text,
        Context::Markdown(crate::day::html::Block::AfterList),
    )
}

/// A category of the arXiv taxonomy.
pub(crate) fn category(value: &str) -> Result<Category, Problem> {
    Category::from_id(value).ok_or_else(|| {
        Problem::new(
            format!("unknown category `{}`", crate::text::quoted(value)),
            "a category of the arXiv taxonomy, such as `cs.LG`",
        )
        .hint(Category::suggest(value).map(|id| format!("did you mean `{id}`?")))
    })
}

/// A tweet status URL on twitter.com or x.com.
pub(crate) fn tweet_url(value: &str) -> Result<(), Problem> {
    crate::model::tweet_handle(value).map(drop).ok_or_else(|| {
        Problem::new(
            format!("`{}` is not a tweet URL", crate::text::quoted(value)),
            "`https://twitter.com/HANDLE/status/ID` (or on `x.com`)",
        )
    })
}

/// A paper's code: a GitHub repository's URL.
pub(crate) fn github_url(value: &str) -> Result<(), Problem> {
    crate::model::github_repo(value).map(drop).ok_or_else(|| {
        Problem::new(
            format!("`{}` is not a GitHub repository URL", crate::text::quoted(value)),
            "`https://github.com/OWNER/REPO`",
        )
    })
}

/// A Bluesky post's URL, and its record key.
pub(crate) fn bluesky_url(value: &str) -> Result<&str, Problem> {
    crate::model::bluesky_post_parts(value)
        .map(|(_, rkey)| rkey)
        .ok_or_else(|| {
            Problem::new(
                format!("`{}` is not a Bluesky post URL", crate::text::quoted(value)),
                "`https://bsky.app/profile/HANDLE/post/RKEY`, HANDLE a domain name in lower case",
            )
        })
}

/// A Bluesky post's `at://` URI, for the record key of its URL when known.
pub(crate) fn bluesky_uri(value: &str, rkey: Option<&str>) -> Result<(), Problem> {
    let key = value.rsplit('/').next().unwrap_or_default();
    if crate::model::bluesky_uri_ok(value, rkey.unwrap_or(key)) {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{}` is not this post's URI", crate::text::quoted(value)),
            "`at://did:plc:…/app.bsky.feed.post/RKEY` with the RKEY of `url`",
        ))
    }
}

/// A Bluesky content id.
pub(crate) fn bluesky_cid(value: &str) -> Result<(), Problem> {
    if crate::model::bluesky_cid_ok(value) {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{}` is not a content id", crate::text::quoted(value)),
            "base32 in lower case starting with `b`, such as `bafyrei…`",
        ))
    }
}

/// A language tag such as `en`, `ja`, `pt-BR` or `und`.
pub(crate) fn lang(value: &str) -> Result<(), Problem> {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{}` is not a language tag", crate::text::quoted(value)),
            "a language tag such as `en`, `ja`, `pt-BR` or `und`",
        ))
    }
}

/// A text direction.
pub(crate) fn dir(value: &str) -> Result<Dir, Problem> {
    match value {
        "ltr" => Ok(Dir::Ltr),
        "rtl" => Ok(Dir::Rtl),
        _ => Err(Problem::new(
            format!("`{}` is not a text direction", crate::text::quoted(value)),
            "`ltr` or `rtl`",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_language_tags() {
        for ok in ["en", "ja", "pt-BR", "und", "zh-Hant-TW", "qme"] {
            assert_eq!(lang(ok), Ok(()), "{ok}");
        }
        for bad in ["", "e", "english", "en_US", "en-", "1a"] {
            assert!(lang(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_line_breaks_and_control_characters() {
        assert!(one_line("title", "a\nb").is_err());
        assert!(one_line("title", "a\u{7}b").is_err());
        assert!(one_line("title", "  ").is_err());
        assert_eq!(one_line("title", "Ünïcödé 😀 \u{202E}rtl"), Ok(()));
    }

    #[test]
    fn values_in_messages_hold_no_control_characters() {
        let problem = lang("en\n::error::forged").unwrap_err();
        assert!(!problem.message.contains('\n'), "{}", problem.message);
    }

    #[test]
    fn suggests_categories() {
        let problem = category("cs.LGG").unwrap_err();
        assert_eq!(problem.message, "unknown category `cs.LGG`");
        assert_eq!(problem.hint.as_deref(), Some("did you mean `cs.LG`?"));
    }
}
