//! Day-file text to a typed [`Day`], with every problem located.
//!
//! The TOML is read with spans on every key and value, then walked key by key,
//! so one pass reports every unknown key, missing key, wrong type and bad value
//! in the file instead of stopping at the first.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::day::checks::{self, Problem};
use crate::day::html::{Block, Context};
use crate::day::schema::{self, Key};
use crate::diagnostic::{Diagnostic, LineIndex, Severity, Source};
use crate::model::{
    source_hash, ArxivId, BlueskyCounts, BlueskyPost, Category, Code, Counts, Day, Dir, HackerNewsCounts,
    HuggingFaceCounts, Paper, Tweet, TwitterCounts,
};

use super::MAX_DAY_FILE_BYTES;

/// How much of a file that is not valid TOML is parsed again to list its syntax
/// errors.
const RECOVER_BYTES: usize = 64 * 1024;

/// The most problems reported for one file; the rest are counted in one more
/// line, so a file of garbage costs no more to report than a file of a few errors.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 50;

/// Parses and checks one day-file.
///
/// `path` is the name shown in diagnostics; its stem must be the day's date. The
/// day is returned only when there is no error; warnings come with it.
pub fn parse_day(path: &str, text: &str) -> (Option<Day<'static>>, Vec<Diagnostic>) {
    let source = Source { path, text };
    let mut walker = Walker {
        source,
        lines: None,
        diagnostics: Vec::new(),
        more: 0,
    };
    if text.len() as u64 > MAX_DAY_FILE_BYTES {
        walker.error(
            0..0,
            Problem::new(
                format!("day-file is {} bytes", text.len()),
                format!("a day-file of at most {MAX_DAY_FILE_BYTES} bytes"),
            ),
        );
        return (None, walker.diagnostics);
    }
    let document = match DeTable::parse(text) {
        Ok(document) => document,
        Err(first) => {
            walker.malformed(text, first);
            return (None, walker.finish());
        }
    };
    let day = walker.day(document.get_ref(), source_hash(text.as_bytes()));
    let failed = walker.diagnostics.iter().any(Diagnostic::is_error);
    (day.filter(|_| !failed), walker.finish())
}

struct Walker<'s> {
    source: Source<'s>,
    /// Built at the first problem: most files have none.
    lines: Option<LineIndex>,
    diagnostics: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS_PER_FILE`], counted but not placed.
    more: usize,
}

/// The key-value pairs of one table, looked up by key.
struct Fields<'t, 'i> {
    table: &'t DeTable<'i>,
    /// Where a missing key is reported: the table header, or the file's start.
    span: Range<usize>,
    /// How the table is named in messages.
    name: &'static str,
}

impl<'t, 'i> Fields<'t, 'i> {
    fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }
}

impl Walker<'_> {
    fn error(&mut self, span: Range<usize>, problem: Problem) {
        self.report(Severity::Error, span, problem);
    }

    fn report(&mut self, severity: Severity, span: Range<usize>, problem: Problem) {
        if self.diagnostics.len() >= MAX_DIAGNOSTICS_PER_FILE {
            self.more += 1;
            return;
        }
        let lines = self.lines.get_or_insert_with(|| LineIndex::new(self.source.text));
        let mut diagnostic =
            self.source
                .diagnostic_in(lines, severity, span, problem.message, problem.expected);
        diagnostic.hint = problem.hint;
        self.diagnostics.push(diagnostic);
    }

    /// Reports the TOML syntax errors of a file that is not valid TOML: every one
    /// in its first [`RECOVER_BYTES`] (a real day-file is some 20 KiB), else the
    /// first. A recovering parse of megabytes of garbage would hold an error for
    /// every line of it.
    fn malformed(&mut self, text: &str, first: toml::de::Error) {
        let cut = if text.len() <= RECOVER_BYTES {
            text.len()
        } else {
            let end = crate::text::floor_char_boundary(text, RECOVER_BYTES);
            text[..end].rfind('\n').map_or(end, |at| at + 1)
        };
        let (_, mut errors) = DeTable::parse_recoverable(&text[..cut]);
        if errors.is_empty() || cut < text.len() && first.span().is_some_and(|span| span.start >= cut) {
            errors = vec![first];
        }
        for error in &errors {
            let mut lines = error.message().trim().lines();
            let message = lines.next().unwrap_or("invalid TOML").trim_end_matches('.');
            let expected = lines.collect::<Vec<_>>().join(" ");
            let expected = if expected.is_empty() {
                "valid TOML (https://toml.io)".to_owned()
            } else {
                expected
            };
            let span = error.span().unwrap_or(0..0);
            self.error(span, Problem::new(format!("malformed TOML: {message}"), expected));
        }
    }

    /// The 1-based line of a byte of the file.
    fn line_of(&mut self, at: usize) -> usize {
        self.lines
            .get_or_insert_with(|| LineIndex::new(self.source.text))
            .line(at)
    }

    /// The diagnostics, with a last one counting those left out (placed where
    /// the last one shown is).
    fn finish(mut self) -> Vec<Diagnostic> {
        if let (more @ 1.., Some(last)) = (self.more, self.diagnostics.last()) {
            let mut summary = last.clone();
            summary.message = format!("... and {more} more problem(s) in this file");
            summary.expected =
                format!("the first {MAX_DIAGNOSTICS_PER_FILE} fixed; check the file again for the rest");
            summary.hint = None;
            self.diagnostics.push(summary);
        }
        self.diagnostics
    }

    /// Checks the keys of a table against the format's table of keys, reporting
    /// each unknown one.
    fn fields<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        span: Range<usize>,
        name: &'static str,
        known: &[Key],
    ) -> Fields<'t, 'i> {
        for (key, _) in table.iter() {
            let key_name: &str = key.get_ref();
            if !known.iter().any(|k| k.name == key_name) {
                let hint = crate::text::closest(key_name, known.iter().map(|k| k.name));
                let listed: Vec<String> = schema::names(known).iter().map(|k| format!("`{k}`")).collect();
                self.error(
                    key.span(),
                    Problem::new(
                        format!("unknown key `{key_name}` in {name}"),
                        format!("one of {}", listed.join(", ")),
                    )
                    .hint(hint.map(|k| format!("did you mean `{k}`?"))),
                );
            }
        }
        Fields { table, span, name }
    }

    fn required<'t, 'i>(
        &mut self,
        fields: &Fields<'t, 'i>,
        key: &str,
        expected: &str,
    ) -> Option<&'t Spanned<DeValue<'i>>> {
        let value = fields.get(key);
        if value.is_none() {
            self.error(
                fields.span.clone(),
                Problem::new(
                    format!("missing key `{key}` in {}", fields.name),
                    format!("`{key} = ...`, {expected}"),
                ),
            );
        }
        value
    }

    fn wrong_type(&mut self, value: &Spanned<DeValue<'_>>, key: &str, expected: &str) {
        self.error(
            value.span(),
            Problem::new(format!("`{key}` is {}", type_name(value.get_ref())), expected),
        );
    }

    fn string(&mut self, value: &Spanned<DeValue<'_>>, key: &str, expected: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.wrong_type(value, key, expected);
                None
            }
        }
    }

    /// A string shown on one line of the post, held to the HTML policy of the
    /// place it is rendered in.
    fn line_text(&mut self, value: &Spanned<DeValue<'_>>, key: &str, context: Context) -> Option<String> {
        let text = self.string(value, key, &format!("a string: the {key}"))?;
        let checked = checks::one_line(key, &text).and_then(|()| checks::html_policy(key, &text, context));
        self.check_text(value.span(), &text, checked).map(|()| text)
    }

    /// The authors as the post shows them, one line joined by `, `, where two
    /// names could make one link (`[a`, `](b)`); a problem is placed on the name
    /// it starts in.
    fn author_line(&mut self, names: &[(String, Range<usize>)]) -> bool {
        let line = names
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let Err(problem) = checks::html_policy("authors", &line, Context::Markdown(Block::Paragraph)) else {
            return true;
        };
        let at = problem.at.clone().map_or(0, |at| at.start);
        let mut end = 0;
        let culprit = names.iter().find(|(name, _)| {
            end += name.len() + ", ".len();
            at < end
        });
        let span = culprit.or(names.last()).map_or(0..0, |(_, span)| span.clone());
        self.error(span, problem);
        false
    }

    fn check<T>(&mut self, span: Range<usize>, result: Result<T, Problem>) -> Option<T> {
        result.map_err(|problem| self.error(span, problem)).ok()
    }

    /// Like [`Walker::check`] for a string value, placing a problem that names
    /// bytes of `text` on those bytes of the file.
    fn check_text<T>(&mut self, span: Range<usize>, text: &str, result: Result<T, Problem>) -> Option<T> {
        result
            .map_err(|problem| {
                let span = match &problem.at {
                    Some(at) => self.text_span(span, text, at.clone()),
                    None => span,
                };
                self.error(span, problem)
            })
            .ok()
    }

    /// The file bytes of `at`, a range of the text of the string value at `span`,
    /// where the value is written without escapes; otherwise the whole value.
    fn text_span(&self, span: Range<usize>, text: &str, at: Range<usize>) -> Range<usize> {
        let file = self.source.text;
        let raw = file.get(span.clone()).unwrap_or_default();
        let delimiter = if raw.starts_with("\'\'\'") || raw.starts_with("\"\"\"") {
            3
        } else {
            1
        };
        let mut start = span.start + delimiter;
        if delimiter == 3 {
            start += [("\r\n", 2), ("\n", 1)]
                .iter()
                .find(|(newline, _)| file[start.min(file.len())..].starts_with(newline))
                .map_or(0, |(_, len)| *len);
        }
        match file.get(start..start + text.len()) {
            Some(written) if written == text => start + at.start..start + at.end,
            _ => span,
        }
    }

    fn date(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<Date> {
        let expected = "a local date such as `2020-10-30` (no quotes)";
        match value.get_ref() {
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                let converted = dt.date.and_then(|d| to_date(d).ok());
                if converted.is_none() {
                    self.error(
                        value.span(),
                        Problem::new(format!("`{key}` is not a calendar date"), expected),
                    );
                }
                converted
            }
            _ => {
                self.wrong_type(value, key, expected);
                None
            }
        }
    }

    fn date_time(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<OffsetDateTime> {
        let expected = "an offset date-time such as `2020-10-31T09:40:17Z` (no quotes)";
        match value.get_ref() {
            DeValue::Datetime(toml::value::Datetime {
                date: Some(d),
                time: Some(t),
                offset: Some(o),
            }) => {
                let converted = to_offset_date_time(*d, *t, *o);
                if converted.is_none() {
                    self.error(
                        value.span(),
                        Problem::new(
                            format!("`{key}` is not a valid date-time, or is out of range in UTC"),
                            expected,
                        ),
                    );
                }
                converted
            }
            _ => {
                self.wrong_type(value, key, expected);
                None
            }
        }
    }

    fn count(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<u32> {
        let expected = format!("a whole number from 0 to {}", u32::MAX);
        let DeValue::Integer(integer) = value.get_ref() else {
            self.wrong_type(value, key, &expected);
            return None;
        };
        let number = i128::from_str_radix(integer.as_str(), integer.radix()).ok();
        match number.and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                self.error(
                    value.span(),
                    Problem::new(format!("`{key}` is {integer}, out of range"), expected),
                );
                None
            }
        }
    }

    fn strings(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        what: &str,
    ) -> Option<Vec<(String, Range<usize>)>> {
        let expected = format!("an array of strings with at least one {what}");
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, key, &expected);
            return None;
        };
        if items.is_empty() {
            self.error(value.span(), Problem::new(format!("empty `{key}`"), expected));
            return None;
        }
        let mut all = Some(Vec::with_capacity(items.len()));
        for item in items.iter() {
            match (
                self.string(item, key, &format!("a string: one {what}")),
                all.as_mut(),
            ) {
                (Some(s), Some(all)) => all.push((s, item.span())),
                _ => all = None,
            }
        }
        all
    }

    fn tables<'t, 'i>(
        &mut self,
        value: &'t Spanned<DeValue<'i>>,
        key: &str,
        header: &str,
    ) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
        let expected = format!("an array of tables, written `{header}`");
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, key, &expected);
            return Vec::new();
        };
        let mut tables = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(table) => tables.push((table, item.span())),
                _ => self.wrong_type(item, key, &expected),
            }
        }
        tables
    }

    /// The whole day-file: its name, then each top-level key by its own reader.
    fn day(&mut self, table: &DeTable<'_>, source_hash: u64) -> Option<Day<'static>> {
        let fields = self.fields(table, 0..0, "the day-file", schema::DAY);
        let named = self.file_name_date();
        let date = self
            .required(&fields, "date", "the arXiv day, such as `2020-10-30`")
            .and_then(|v| {
                let date = self.date(v, "date")?;
                self.check(
                    v.span(),
                    checks::date_is_the_file_name(date, named, self.source.path),
                )
                .map(|()| date)
            });
        let published = self
            .required(
                &fields,
                "published",
                "the publication time, such as `2020-10-31T09:40:17Z`",
            )
            .and_then(|v| {
                let published = self.date_time(v, "published")?;
                match date {
                    Some(date) => self.check(v.span(), checks::published_on_or_after(published, date)),
                    None => Some(()),
                }
                .map(|()| published)
            });
        let draft = match fields.get("draft") {
            None => Some(false),
            Some(v) => self.boolean(v, "draft"),
        };
        let papers = self.papers(fields.get("paper"), published, date);
        let skip = fields.get("skip").map_or(Some(()), |v| self.skip_list(v));
        skip?;
        Some(Day {
            date: date?,
            published: published?,
            draft: draft?,
            papers: papers?,
            source_hash,
        })
    }

    /// `skip`: arXiv ids, read for their form only (the model has no use for them).
    fn skip_list(&mut self, value: &Spanned<DeValue<'_>>) -> Option<()> {
        let expected = "an array of arXiv ids, such as `['2411.01234']`";
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, "skip", expected);
            return None;
        };
        let checked = every(items.iter().map(|item| {
            let text = self.string(item, "skip", "a string: an arXiv id, such as `\"2411.01234\"`")?;
            self.check(item.span(), checks::arxiv_id(&text)).map(drop)
        }));
        checked.map(drop)
    }

    /// The day the file's name gives, which must be exactly `YYYY-MM-DD.toml`.
    fn file_name_date(&mut self) -> Option<Date> {
        let named = crate::text::day_file_date(self.source.path);
        if named.is_none() {
            let name = Path::new(self.source.path)
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            self.error(
                0..0,
                Problem::new(
                    format!("file name `{}` is not a date", crate::text::quoted(name)),
                    "a day-file named after its day, `YYYY-MM-DD.toml`",
                ),
            );
        }
        named
    }

    fn boolean(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(value, key, "`true` or `false`");
                None
            }
        }
    }

    fn papers(
        &mut self,
        value: Option<&Spanned<DeValue<'_>>>,
        published: Option<OffsetDateTime>,
        date: Option<Date>,
    ) -> Option<Vec<Paper<'static>>> {
        let mut seen = checks::PapersOfTheDay::default();
        let tables = value
            .map(|v| self.tables(v, "paper", "[[paper]]"))
            .unwrap_or_default();
        every(
            tables
                .into_iter()
                .map(|(table, span)| self.paper(table, span, published, date, &mut seen)),
        )
    }

    /// A `[[paper]]`: each field typed and checked by its own reader below; the
    /// rules between fields are in `checks`.
    fn paper(
        &mut self,
        table: &DeTable<'_>,
        span: Range<usize>,
        published: Option<OffsetDateTime>,
        date: Option<Date>,
        seen: &mut checks::PapersOfTheDay,
    ) -> Option<Paper<'static>> {
        let fields = self.fields(table, span.clone(), "`[[paper]]`", schema::PAPER);
        let arxiv = self
            .required(&fields, "arxiv", "the arXiv id, such as `\"2010.15581\"`")
            .and_then(|v| self.arxiv(v, date, seen));
        let title = self
            .required(&fields, "title", "the paper's title")
            .and_then(|v| self.line_text(v, "title", Context::Markdown(Block::Heading)));
        let authors = self
            .required(&fields, "authors", "the authors, such as `['Ada Lovelace']`")
            .and_then(|v| self.authors(v));
        let categories = self
            .required(&fields, "categories", "the arXiv categories, such as `['cs.LG']`")
            .and_then(|v| self.categories(v));
        let counts = self.counts(&fields);
        let collected = match fields.get("collected") {
            Some(v) => self.date_time(v, "collected"),
            None => published,
        };
        let abstract_ = match fields.get("abstract") {
            None => Some(String::new()),
            Some(v) => self.abstract_(v),
        };
        let tweets = self.tweets(fields.get("tweet"));
        let bluesky_posts = self.bluesky_posts(fields.get("bluesky-post"));
        let code = self.source(&fields, "code", schema::CODE, |w, f| {
            let url = w.required(f, "url", "the repository's URL").and_then(|v| {
                let url = w.string(v, "url", "a string: `https://github.com/OWNER/REPO`")?;
                w.check(v.span(), checks::github_url(&url)).map(|()| url)
            });
            let stars = w.optional_count(f, "stars");
            Some(Code {
                url: Cow::Owned(url?),
                stars: stars?,
            })
        });
        if let (Some(tweets), Some(counts)) = (&tweets, &counts) {
            // The legacy counts are the tweets' totals: they come with tweets.
            if tweets.is_empty() && counts.twitter.is_some() {
                self.report(Severity::Warning, span, checks::no_tweets());
            }
        }
        Some(Paper {
            arxiv: arxiv?,
            title: Cow::Owned(title?),
            authors: authors?,
            categories: categories?,
            counts: counts?,
            collected: collected?,
            abstract_: Cow::Owned(abstract_?),
            tweets: tweets?,
            bluesky_posts: bluesky_posts?,
            code: code?,
        })
    }

    /// The paper's counts: `retweets` and `favorites` as a pair, and a table
    /// per source; at least one of them.
    fn counts(&mut self, fields: &Fields<'_, '_>) -> Option<Counts> {
        let legacy = match (fields.get("retweets"), fields.get("favorites")) {
            (None, None) => Some(None),
            _ => {
                let retweets = self
                    .required(fields, "retweets", "the total retweets, with `favorites`")
                    .and_then(|v| self.count(v, "retweets"));
                let favorites = self
                    .required(fields, "favorites", "the total favorites, with `retweets`")
                    .and_then(|v| self.count(v, "favorites"));
                retweets
                    .zip(favorites)
                    .map(|(retweets, favorites)| Some(TwitterCounts { retweets, favorites }))
            }
        };
        let huggingface = self.source(fields, "huggingface", schema::HUGGINGFACE, |w, f| {
            Some(HuggingFaceCounts {
                upvotes: w.count_of(f, "upvotes")?,
                comments: w.optional_count(f, "comments")?,
            })
        });
        let hackernews = self.source(fields, "hackernews", schema::HACKERNEWS, |w, f| {
            let points = w.count_of(f, "points");
            let comments = w.optional_count(f, "comments");
            let story = w.count_of(f, "story");
            Some(HackerNewsCounts {
                points: points?,
                comments: comments?,
                story: story?,
            })
        });
        let bluesky = self.source(fields, "bluesky", schema::BLUESKY, |w, f| {
            let likes = w.count_of(f, "likes");
            let reposts = w.count_of(f, "reposts");
            let posts = w.count_of(f, "posts");
            Some(BlueskyCounts {
                likes: likes?,
                reposts: reposts?,
                posts: posts?,
            })
        });
        let counts = Counts {
            twitter: legacy?,
            huggingface: huggingface?,
            hackernews: hackernews?,
            bluesky: bluesky?,
        };
        if counts.is_empty() {
            self.error(
                fields.span.clone(),
                Problem::new(
                    format!("no counts in {}", fields.name),
                    "counts from at least one source: `retweets = ...` with `favorites = ...`, \
                     or `huggingface = { upvotes = ... }`, `hackernews = { points = ..., story = ... }`, \
                     `bluesky = { likes = ..., reposts = ..., posts = ... }`",
                ),
            );
            return None;
        }
        Some(counts)
    }

    /// A source's inline table, read by `read` when the paper has it:
    /// `Some(None)` without it, `None` when it is wrong.
    fn source<T>(
        &mut self,
        fields: &Fields<'_, '_>,
        key: &'static str,
        known: &'static [Key],
        read: impl FnOnce(&mut Self, &Fields<'_, '_>) -> Option<T>,
    ) -> Option<Option<T>> {
        let Some(value) = fields.get(key) else {
            return Some(None);
        };
        let DeValue::Table(table) = value.get_ref() else {
            let expected = format!("a table, such as `{key} = {{ {} = 1, ... }}`", known[0].name);
            self.wrong_type(value, key, &expected);
            return None;
        };
        let name = match key {
            "huggingface" => "`huggingface`",
            "hackernews" => "`hackernews`",
            "code" => "`code`",
            _ => "`bluesky`",
        };
        let inner = self.fields(table, value.span(), name, known);
        read(self, &inner).map(Some)
    }

    fn count_of(&mut self, fields: &Fields<'_, '_>, key: &'static str) -> Option<u32> {
        self.required(fields, key, "a whole number")
            .and_then(|v| self.count(v, key))
    }

    fn optional_count(&mut self, fields: &Fields<'_, '_>, key: &'static str) -> Option<u32> {
        match fields.get(key) {
            None => Some(0),
            Some(v) => self.count(v, key),
        }
    }

    /// The paper's id: well formed, not from after the day, once in the day.
    fn arxiv(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        date: Option<Date>,
        seen: &mut checks::PapersOfTheDay,
    ) -> Option<ArxivId<'static>> {
        let text = self.string(value, "arxiv", "a string: the arXiv id, such as `\"2010.15581\"`")?;
        let id = self.check(value.span(), checks::arxiv_id(&text))?;
        if let Some(date) = date {
            self.check(value.span(), checks::id_not_after_day(&id, date))?;
        }
        let line = self.line_of(value.span().start);
        self.check(value.span(), seen.once(&id, line))?;
        Some(id)
    }

    fn authors(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Vec<Cow<'static, str>>> {
        let names = self.strings(value, "authors", "author")?;
        let mut ok = true;
        for (name, span) in &names {
            let checked = checks::one_line("author", name)
                .and_then(|()| checks::html_policy("author", name, Context::Markdown(Block::Paragraph)));
            ok &= self.check_text(span.clone(), name, checked).is_some();
        }
        ok = ok && self.author_line(&names);
        ok.then(|| names.into_iter().map(|(name, _)| Cow::Owned(name)).collect())
    }

    fn categories(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Vec<Category>> {
        let names = self.strings(value, "categories", "category")?;
        every(
            names
                .iter()
                .map(|(name, span)| self.check(span.clone(), checks::category(name))),
        )
    }

    /// The abstract; `\r\n` line endings are kept as `\n`, as the post shows them.
    fn abstract_(&mut self, value: &Spanned<DeValue<'_>>) -> Option<String> {
        let text = self.string(value, "abstract", "a string: the abstract")?;
        let checked = checks::abstract_text(&text);
        self.check_text(value.span(), &text, checked)?;
        Some(if text.contains('\r') {
            text.replace("\r\n", "\n")
        } else {
            text
        })
    }

    /// The tweets under a paper; a paper without any, and a tweet listed twice,
    /// are warnings.
    fn tweets(&mut self, value: Option<&Spanned<DeValue<'_>>>) -> Option<Vec<Tweet<'static>>> {
        let mut statuses = checks::TweetsOfAPaper::default();
        let tables = value
            .map(|v| self.tables(v, "tweet", "[[paper.tweet]]"))
            .unwrap_or_default();
        let tweets = every(tables.into_iter().map(|(table, span)| {
            let tweet = self.tweet(table, span.clone());
            if let Some(Err(problem)) = tweet.as_ref().map(|t| statuses.once(&t.url)) {
                self.report(Severity::Warning, span, problem);
            }
            tweet
        }));
        tweets
    }

    /// The Bluesky posts under a paper; one listed twice is a warning.
    fn bluesky_posts(&mut self, value: Option<&Spanned<DeValue<'_>>>) -> Option<Vec<BlueskyPost<'static>>> {
        let tables = value
            .map(|v| self.tables(v, "bluesky-post", "[[paper.bluesky-post]]"))
            .unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        every(tables.into_iter().map(|(table, span)| {
            let post = self.bluesky_post(table, span.clone());
            if let Some(post) = &post {
                if !seen.insert(post.uri.to_string()) {
                    self.report(
                        Severity::Warning,
                        span,
                        Problem::new(
                            "this Bluesky post is listed twice under the paper",
                            "each post once",
                        ),
                    );
                }
            }
            post
        }))
    }

    fn bluesky_post(&mut self, table: &DeTable<'_>, span: Range<usize>) -> Option<BlueskyPost<'static>> {
        let fields = self.fields(table, span, "`[[paper.bluesky-post]]`", schema::BLUESKY_POST);
        let url = self.required(&fields, "url", "the post's URL").and_then(|v| {
            let url = self.string(v, "url", "a string: the post's URL")?;
            self.check(v.span(), checks::bluesky_url(&url).map(drop))
                .map(|()| url)
        });
        let rkey = url
            .as_deref()
            .and_then(crate::model::bluesky_post_parts)
            .map(|(_, rkey)| rkey.to_owned());
        let uri = self
            .required(&fields, "uri", "the post's `at://` URI")
            .and_then(|v| {
                let uri = self.string(v, "uri", "a string: the post's `at://` URI")?;
                self.check(v.span(), checks::bluesky_uri(&uri, rkey.as_deref()))
                    .map(|()| uri)
            });
        let cid = self
            .required(&fields, "cid", "the post's content id")
            .and_then(|v| {
                let cid = self.string(v, "cid", "a string: the post's content id")?;
                self.check(v.span(), checks::bluesky_cid(&cid)).map(|()| cid)
            });
        let Embed {
            author,
            date,
            lang,
            text,
        } = self.embed(&fields, "post");
        Some(BlueskyPost {
            url: Cow::Owned(url?),
            uri: Cow::Owned(uri?),
            cid: Cow::Owned(cid?),
            author: Cow::Owned(author?),
            date: date?,
            lang: Cow::Owned(lang?),
            text: Cow::Owned(text?),
        })
    }

    /// What every embed has: the author's name, the date, the language and
    /// the text, each checked as the browser will read it.
    fn embed(&mut self, fields: &Fields<'_, '_>, what: &str) -> Embed {
        let author = self
            .required(fields, "author", "the display name")
            .and_then(|v| self.line_text(v, "author", Context::EmbedText));
        let date = self
            .required(
                fields,
                "date",
                &format!("the {what}'s date, such as `2020-10-30`"),
            )
            .and_then(|v| self.date(v, "date"));
        let lang = match fields.get("lang") {
            None => Some("en".to_owned()),
            Some(v) => self
                .string(v, "lang", "a string: a language tag such as `\"en\"`")
                .and_then(|lang| self.check(v.span(), checks::lang(&lang)).map(|()| lang)),
        };
        let text = self
            .required(fields, "text", &format!("the {what} as embed HTML"))
            .and_then(|v| self.line_text(v, "text", Context::EmbedHtml));
        Embed {
            author,
            date,
            lang,
            text,
        }
    }

    fn tweet(&mut self, table: &DeTable<'_>, span: Range<usize>) -> Option<Tweet<'static>> {
        let fields = self.fields(table, span, "`[[paper.tweet]]`", schema::TWEET);
        let url = self
            .required(&fields, "url", "the tweet's status URL")
            .and_then(|v| {
                let url = self.string(v, "url", "a string: the tweet's status URL")?;
                self.check(v.span(), checks::tweet_url(&url)).map(|()| url)
            });
        let Embed {
            author,
            date,
            lang,
            text,
        } = self.embed(&fields, "tweet");
        let dir = match fields.get("dir") {
            None => Some(Dir::Ltr),
            Some(v) => self
                .string(v, "dir", "`\"ltr\"` or `\"rtl\"`")
                .and_then(|dir| self.check(v.span(), checks::dir(&dir))),
        };
        Some(Tweet {
            url: Cow::Owned(url?),
            author: Cow::Owned(author?),
            date: date?,
            lang: Cow::Owned(lang?),
            dir: dir?,
            text: Cow::Owned(text?),
        })
    }
}

/// The fields every embed has, each `None` when it was wrong.
struct Embed {
    author: Option<String>,
    date: Option<Date>,
    lang: Option<String>,
    text: Option<String>,
}

/// Every item, or `None` if any is `None`; unlike `collect`, it reads them all,
/// so every item's problems are reported.
fn every<T>(items: impl Iterator<Item = Option<T>>) -> Option<Vec<T>> {
    let mut all = Some(Vec::new());
    for item in items {
        match (item, all.as_mut()) {
            (Some(item), Some(all)) => all.push(item),
            _ => all = None,
        }
    }
    all
}

fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(dt) => match (dt.date.is_some(), dt.time.is_some(), dt.offset.is_some()) {
            (true, true, true) => "an offset date-time",
            (true, true, false) => "a local date-time",
            (true, false, _) => "a local date",
            _ => "a local time",
        },
        DeValue::Array(items)
            if !items.is_empty() && items.iter().all(|i| matches!(i.get_ref(), DeValue::Table(_))) =>
        {
            "an array of tables"
        }
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn to_date(d: toml::value::Date) -> Result<Date, time::error::ComponentRange> {
    Date::from_calendar_date(i32::from(d.year), Month::try_from(d.month)?, d.day)
}

fn to_offset_date_time(
    d: toml::value::Date,
    t: toml::value::Time,
    o: toml::value::Offset,
) -> Option<OffsetDateTime> {
    let date = to_date(d).ok()?;
    let time =
        Time::from_hms_nano(t.hour, t.minute, t.second.unwrap_or(0), t.nanosecond.unwrap_or(0)).ok()?;
    let offset = match o {
        toml::value::Offset::Z => UtcOffset::UTC,
        toml::value::Offset::Custom { minutes } => {
            UtcOffset::from_whole_seconds(i32::from(minutes) * 60).ok()?
        }
    };
    let at = PrimitiveDateTime::new(date, time).assume_offset(offset);
    // Shown in UTC, which must exist too: 9999-12-31T23:00:00-05:00 does not.
    at.checked_to_offset(UtcOffset::UTC).map(|_| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing(text: &str) -> Vec<String> {
        let (_, diagnostics) = parse_day("posts/2020-10-30.toml", text);
        let mut keys: Vec<String> = diagnostics
            .iter()
            .filter_map(|d| d.message.strip_prefix("missing key `"))
            .map(|rest| rest.split('`').next().unwrap_or_default().to_owned())
            .collect();
        keys.sort();
        keys
    }

    fn required(keys: &[Key]) -> Vec<String> {
        let mut names: Vec<String> = keys
            .iter()
            .filter(|k| k.required)
            .map(|k| k.name.to_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn requires_exactly_the_keys_the_schema_requires() {
        assert_eq!(missing(""), required(schema::DAY));
        let day = "date = 2020-10-30\npublished = 2020-10-31T00:00:00Z\n";
        // A paper needs counts from one source too, reported on its own.
        assert_eq!(missing(&format!("{day}[[paper]]\n")), required(schema::PAPER));
        let counts =
            "[[paper]]\narxiv = '2010.00001'\ntitle = 't'\nauthors = ['a']\ncategories = ['cs.LG']\n";
        assert_eq!(missing(&format!("{day}{counts}retweets = 1\n")), ["favorites"]);
        assert_eq!(missing(&format!("{day}{counts}favorites = 1\n")), ["retweets"]);
        assert_eq!(
            missing(&format!("{day}{counts}huggingface = {{}}\n")),
            required(schema::HUGGINGFACE)
        );
        assert_eq!(
            missing(&format!("{day}{counts}hackernews = {{ comments = 2 }}\n")),
            required(schema::HACKERNEWS)
        );
        assert_eq!(
            missing(&format!("{day}{counts}bluesky = {{}}\n")),
            required(schema::BLUESKY)
        );
        assert!(missing(&format!("{day}{counts}huggingface = {{ upvotes = 3 }}\n")).is_empty());
        let paper = "[[paper]]\narxiv = '2010.00001'\ntitle = 't'\nauthors = ['a']\ncategories = ['cs.LG']\nretweets = 1\nfavorites = 1\n";
        assert_eq!(
            missing(&format!("{day}{paper}[[paper.tweet]]\n")),
            required(schema::TWEET)
        );
    }

    #[test]
    fn a_code_link_is_a_github_repository_or_a_located_error() {
        let day = "date = 2020-10-30\npublished = 2020-10-31T00:00:00Z\n[[paper]]\narxiv = '2010.00001'\n\
                   title = 't'\nauthors = ['a']\ncategories = ['cs.LG']\nhuggingface = { upvotes = 1 }\n";
        let (parsed, diagnostics) = parse_day(
            "posts/2020-10-30.toml",
            &format!("{day}code = {{ url = 'https://github.com/ada/hot_papers', stars = 7 }}\n"),
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let code = parsed.unwrap().papers[0].code.clone().unwrap();
        assert_eq!((code.repo(), code.stars), ("ada/hot_papers", 7));
        assert_eq!(
            missing(&format!("{day}code = {{ stars = 1 }}\n")),
            required(schema::CODE)
        );
        for bad in [
            "https://github.com/ada/x\\\"onmouseover=alert(1)",
            "http://github.com/ada/x",
            "https://github.com/ada/x/",
            "https://github.com.evil.org/ada/x",
            "https://github.com/-ada/x",
        ] {
            let text = format!("{day}code = {{ url = \"{bad}\" }}\n");
            let (parsed, diagnostics) = parse_day("posts/2020-10-30.toml", &text);
            assert!(parsed.is_none(), "{bad}");
            let error = diagnostics.iter().find(|d| d.is_error()).unwrap();
            assert!(
                error.message.ends_with("is not a GitHub repository URL"),
                "{bad}: {error}"
            );
            assert_eq!((error.line, error.column), (9, 16), "{bad}: {error}");
        }
    }

    #[test]
    fn refuses_a_day_file_over_the_size_limit_without_parsing_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2020-10-30.toml");
        let mut text = String::from("date = 2020-10-30\npublished = 2020-10-31T00:00:00Z\n");
        text.push_str(&"# padding\n".repeat(MAX_DAY_FILE_BYTES as usize / 10 + 1));
        std::fs::write(&path, &text).unwrap();
        let (day, diagnostics) = crate::day::load::load_file(&path, "posts/2020-10-30.toml").unwrap();
        assert!(day.is_none());
        assert_eq!(diagnostics.0.len(), 1);
        assert!(
            diagnostics.0[0].message.starts_with("day-file is 4194"),
            "{}",
            diagnostics.0[0]
        );
        assert_eq!(diagnostics.0[0].expected, "a day-file of at most 4194304 bytes");
        let (day, diagnostics) = parse_day("posts/2020-10-30.toml", &text);
        assert!(day.is_none() && diagnostics[0].message.starts_with("day-file is"));
    }

    #[test]
    fn a_date_time_out_of_range_in_utc_is_an_error_not_a_panic() {
        for (published, collected) in [
            ("9999-12-31T23:00:00-05:00", "2020-10-31T00:00:00Z"),
            ("2020-10-31T00:00:00Z", "9999-12-31T23:59:59-23:59"),
        ] {
            let text = format!(
                "date = 2020-10-30\npublished = {published}\n[[paper]]\narxiv = '2010.00001'\ntitle = 't'\n\
                 authors = ['a']\ncategories = ['cs.LG']\nretweets = 1\nfavorites = 1\ncollected = {collected}\n"
            );
            let (day, diagnostics) = parse_day("posts/2020-10-30.toml", &text);
            assert!(day.is_none());
            assert!(
                diagnostics
                    .iter()
                    .any(|d| d.message.contains("out of range in UTC")),
                "{diagnostics:#?}"
            );
        }
    }

    #[test]
    fn a_file_of_bare_carriage_returns_is_reported_in_bounded_memory() {
        // Each bare CR is a TOML error; once every one copied the line (here the
        // whole file) and counted lines from the start: 4.2 GB for these 64 KiB.
        let text = format!("# {}", "\r".repeat(64 * 1024));
        let (day, diagnostics) = parse_day("posts/2020-10-30.toml", &text);
        assert!(day.is_none());
        assert_eq!(diagnostics.len(), MAX_DIAGNOSTICS_PER_FILE + 1);
        assert!(
            diagnostics.last().unwrap().message.starts_with("... and "),
            "{:?}",
            diagnostics.last()
        );
        let kept: usize = diagnostics.iter().map(|d| d.source_line.len()).sum();
        assert!(kept < 64 * 1024, "{kept} bytes of source lines kept");
    }

    #[test]
    fn a_large_malformed_file_lists_the_errors_of_its_start_or_its_first() {
        let garbage = "=\n".repeat(MAX_DAY_FILE_BYTES as usize / 2 - 1);
        let (_, diagnostics) = parse_day("posts/2020-10-30.toml", &garbage);
        assert_eq!(diagnostics.len(), MAX_DIAGNOSTICS_PER_FILE + 1);
        assert_eq!(diagnostics[0].line, 1);
        // Valid for 100 KiB, then one mistake: that mistake, where it is.
        let text = format!("date = 2020-10-30\n{}x = \n", "# padding\n".repeat(10_000));
        let (_, diagnostics) = parse_day("posts/2020-10-30.toml", &text);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert_eq!(diagnostics[0].line, 10_002);
    }

    #[test]
    fn a_file_name_must_be_exactly_a_date() {
        let text = "date = 2020-10-30\npublished = 2020-10-31T00:00:00Z\n";
        for name in ["+2020-10-30", "02020-10-30"] {
            let (day, diagnostics) = parse_day(&format!("posts/{name}.toml"), text);
            assert!(day.is_none(), "{name}");
            assert!(
                diagnostics[0].message.contains("is not a date"),
                "{diagnostics:#?}"
            );
        }
    }

    #[test]
    fn the_same_paper_may_trend_on_two_days() {
        let dir = tempfile::tempdir().unwrap();
        for date in ["2020-10-30", "2020-10-31"] {
            let text = format!(
                "date = {date}\npublished = {date}T12:00:00Z\n[[paper]]\narxiv = '2010.00001'\ntitle = 't'\n\
                 authors = ['a']\ncategories = ['cs.LG']\nretweets = 60\nfavorites = 1\n\
                 [[paper.tweet]]\nurl = 'https://twitter.com/a/status/7'\nauthor = 'A'\ndate = {date}\ntext = 'x'\n"
            );
            std::fs::write(dir.path().join(format!("{date}.toml")), text).unwrap();
        }
        let loaded = crate::day::load::load_dir(dir.path()).unwrap();
        assert_eq!(loaded.days.len(), 2);
        assert!(loaded.warnings.0.is_empty());
    }

    #[test]
    fn warns_about_a_tweet_listed_twice_even_across_hosts() {
        let text = "date = 2020-10-30\npublished = 2020-10-31T00:00:00Z\n[[paper]]\narxiv = '2010.00001'\n\
                    title = 't'\nauthors = ['a']\ncategories = ['cs.LG']\nretweets = 1\nfavorites = 1\n\
                    [[paper.tweet]]\nurl = 'https://twitter.com/a/status/7'\nauthor = 'A'\ndate = 2020-10-30\ntext = 'x'\n\
                    [[paper.tweet]]\nurl = 'https://x.com/a/status/7'\nauthor = 'A'\ndate = 2020-10-30\ntext = 'x'\n";
        let (day, diagnostics) = parse_day("posts/2020-10-30.toml", text);
        assert!(day.is_some(), "a warning does not fail");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].severity, Severity::Warning);
        assert!(diagnostics[0]
            .message
            .contains("is listed twice under this paper"));
        assert_eq!(diagnostics[0].line, 15);
    }
}
