//! The checked day-files as one compact byte string, compiled into the binary.
//!
//! One literal per field makes rustc slow and hungry as the archive grows (24 s
//! and 2.7 GB for ten years of days). So `hotpapers-macros` checks the day-files
//! and emits a single byte string in this format instead, which rustc embeds as
//! fast as it can copy it. Decoding borrows every string from those bytes: the
//! typed [`Day`]s it yields hold `&'static str`s into the binary, no copies.
//!
//! Layout (integers little-endian, strings as `u32` length + UTF-8):
//! magic `HPAR`, format version `u32`, the [`Site`] settings, a `u32` day count,
//! then each day, its papers and their tweets in order. The binary gets it in
//! [`Parts`]: a head (magic `HPAH`, the version, the settings, the day count and
//! the warnings) and a part per month, each the index of its days ([`Days`],
//! [`DayEntry`]) and then its days as above, compressed with LZ4.

#[cfg(feature = "check")]
mod cache;
mod days;

use std::borrow::Cow;

use time::{Date, OffsetDateTime, UtcOffset};

use crate::model::ArxivId;
use crate::model::Category;
use crate::model::{
    BlueskyCounts, BlueskyPost, Code, Counts, Day, Dir, HackerNewsCounts, HuggingFaceCounts, Paper, Tweet,
    TwitterCounts,
};
use crate::site::{CommitSettings, Site};

#[cfg(feature = "check")]
pub use cache::{encode_dir_cached, write_included, CachedPart, CachedParts};
pub use days::{DayEntry, Days, PaperEntry};

const MAGIC: &[u8; 4] = b"HPAR";
const VERSION: u32 = 10;

/// Site settings and days, as compiled into the binary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archive<'a> {
    /// The site settings the days were checked against.
    pub site: Site,
    /// A fingerprint of `hotpapers.toml` as compiled in ([`crate::source_hash`]),
    /// or `None` if there was none.
    pub site_hash: Option<u64>,
    /// The days, sorted by date.
    pub days: Vec<Day<'a>>,
    /// Warnings found while checking the day-files, rendered for display.
    pub warnings: Vec<Warning<'a>>,
}

/// A warning found while checking a day-file, rendered for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning<'a> {
    /// The day whose file it is in; `None` for the site as a whole.
    pub day: Option<Date>,
    /// The whole warning as shown, headline, line and caret.
    pub text: Cow<'a, str>,
}

impl<'a> Warning<'a> {
    /// The warning about the file a diagnostic names, rendered.
    pub fn of(diagnostic: &crate::Diagnostic) -> Warning<'static> {
        Warning {
            day: crate::text::day_file_date(&diagnostic.path),
            text: Cow::Owned(diagnostic.report().to_string()),
        }
    }
}

/// The warnings a run shows: in full for the days it touches, counted for the
/// rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WarningSummary<'w> {
    /// The warnings shown in full: of the touched days, and of the site.
    pub shown: Vec<&'w str>,
    /// How many other warnings there are.
    pub other: usize,
    /// In how many other days.
    pub other_days: usize,
}

impl<'w> WarningSummary<'w> {
    /// The `warnings` of the days for which `touched` is true (and of the site)
    /// in full, and a count of the others.
    pub fn of(warnings: &'w [Warning<'_>], touched: impl Fn(Date) -> bool) -> WarningSummary<'w> {
        let mut summary = WarningSummary::default();
        let mut other_days = std::collections::HashSet::new();
        for warning in warnings {
            match warning.day {
                Some(day) if !touched(day) => {
                    summary.other += 1;
                    other_days.insert(day);
                }
                _ => summary.shown.push(&warning.text),
            }
        }
        summary.other_days = other_days.len();
        summary
    }
}

/// The embedded archive is not in this version's format.
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("the compiled-in archive is damaged ({0}); run `cargo clean` and build again")]
pub struct ArchiveError(&'static str);

impl<'a> Archive<'a> {
    /// Encodes settings (and the fingerprint of the file they came from), days
    /// and the warnings to show at run time.
    pub fn encode(
        site: &Site,
        site_hash: Option<u64>,
        days: &[Day<'_>],
        warnings: &[Warning<'_>],
    ) -> Vec<u8> {
        let days: Vec<Vec<u8>> = days.iter().map(encode_day).collect();
        let warnings = encode_warnings(warnings);
        Archive::assemble(site, site_hash, &days, &[warnings.0], warnings.1)
    }

    /// The archive from days and warnings encoded one by one
    /// ([`encode_day`], [`encode_warnings`]), as the macro's cache keeps them.
    pub(crate) fn assemble(
        site: &Site,
        site_hash: Option<u64>,
        days: &[impl AsRef<[u8]>],
        warnings: &[impl AsRef<[u8]>],
        warning_count: usize,
    ) -> Vec<u8> {
        let size: usize = days.iter().map(|d| d.as_ref().len()).sum::<usize>()
            + warnings.iter().map(|w| w.as_ref().len()).sum::<usize>();
        let mut w = Writer(Vec::with_capacity(size + 4096));
        w.head(MAGIC, site, site_hash);
        w.len(days.len());
        for day in days {
            w.0.extend_from_slice(day.as_ref());
        }
        w.len(warning_count);
        for chunk in warnings {
            w.0.extend_from_slice(chunk.as_ref());
        }
        w.0
    }

    /// The warnings of the days for which `touched` is true (and of the site) in
    /// full, and a count of the others.
    pub fn warning_summary(&self, touched: impl Fn(Date) -> bool) -> WarningSummary<'_> {
        WarningSummary::of(&self.warnings, touched)
    }

    /// Decodes what [`Archive::encode`] wrote, borrowing its strings.
    pub fn decode(bytes: &'a [u8]) -> Result<Archive<'a>, ArchiveError> {
        let mut r = Reader { bytes, at: 0 };
        let (site, site_hash) = r.head(MAGIC)?;
        let count = r.len()?;
        let mut days = Vec::with_capacity(count.min(bytes.len()));
        for _ in 0..count {
            days.push(r.day()?);
        }
        let warnings = r.warnings()?;
        if r.at != bytes.len() {
            return Err(ArchiveError("trailing bytes"));
        }
        Ok(Archive {
            site,
            site_hash,
            days,
            warnings,
        })
    }

    /// Decodes an archive in parts ([`Parts`]): the head, with the settings and
    /// warnings, then every part's days, on every core ([`Days::into_vec`]).
    pub fn decode_parts(head: &'a [u8], parts: &[&'a [u8]]) -> Result<Archive<'a>, ArchiveError> {
        let head = ArchiveHead::decode(head)?;
        let days = days_in_parts(parts, &head)?.into_vec()?;
        Ok(Archive {
            site: head.site,
            site_hash: head.site_hash,
            days,
            warnings: head.warnings,
        })
    }

    /// Its head, and its days apart.
    fn split(self) -> (ArchiveHead<'a>, Vec<Day<'a>>) {
        let head = ArchiveHead {
            days: self.days.len(),
            site: self.site,
            site_hash: self.site_hash,
            warnings: self.warnings,
        };
        (head, self.days)
    }
}

/// The days of an archive's parts, none decoded yet, as many as its `head` says.
fn days_in_parts<'a>(parts: &[&'a [u8]], head: &ArchiveHead<'_>) -> Result<Days<'a>, ArchiveError> {
    let days = Days::in_parts(parts)?;
    if days.len() != head.days {
        return Err(ArchiveError("parts missing"));
    }
    Ok(days)
}

/// The archive as compiled into the binary, not yet decoded: what
/// `hotpapers_macros::archive!` expands to. Its head (the settings, the day
/// count and the warnings) is small and decoded on its own, so that a run with
/// nothing to do never decodes the days.
#[derive(Clone, Debug)]
pub enum Compiled<'a> {
    /// A head and the days a part each ([`Parts`]).
    Parts {
        /// The head.
        head: &'a [u8],
        /// The parts, in date order.
        parts: Vec<&'a [u8]>,
    },
    /// One byte string ([`Archive::encode`]), where the macro had no `OUT_DIR`.
    Whole(&'a [u8]),
}

/// What the head of a [`Compiled`] archive holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveHead<'a> {
    /// The site settings the days were checked against.
    pub site: Site,
    /// The fingerprint of `hotpapers.toml` as compiled in, or `None`.
    pub site_hash: Option<u64>,
    /// How many days there are.
    pub days: usize,
    /// The warnings found while checking the day-files.
    pub warnings: Vec<Warning<'a>>,
}

impl<'a> ArchiveHead<'a> {
    /// The head of an archive in parts.
    fn decode(head: &'a [u8]) -> Result<ArchiveHead<'a>, ArchiveError> {
        let mut r = Reader { bytes: head, at: 0 };
        let (site, site_hash) = r.head(PARTS_MAGIC)?;
        let days = r.len()?;
        let warnings = r.warnings()?;
        if r.at != head.len() {
            return Err(ArchiveError("trailing bytes"));
        }
        Ok(ArchiveHead {
            site,
            site_hash,
            days,
            warnings,
        })
    }
}

impl<'a> Compiled<'a> {
    /// The head alone. A whole archive is decoded for it.
    pub fn head(&self) -> Result<ArchiveHead<'a>, ArchiveError> {
        match self {
            Compiled::Parts { head, .. } => ArchiveHead::decode(head),
            Compiled::Whole(bytes) => Archive::decode(bytes).map(|a| a.split().0),
        }
    }

    /// The days of the archive whose [`Compiled::head`] is `head`, each part of
    /// them decoded when one of its days is first needed ([`Days::get`]).
    pub fn days(&self, head: &ArchiveHead<'_>) -> Result<Days<'a>, ArchiveError> {
        match self {
            Compiled::Parts { parts, .. } => days_in_parts(parts, head),
            Compiled::Whole(bytes) => Archive::decode(bytes).map(|a| Days::decoded(Cow::Owned(a.split().1))),
        }
    }

    /// The head and the days ([`Compiled::days`]).
    pub fn decode_lazily(&self) -> Result<(ArchiveHead<'a>, Days<'a>), ArchiveError> {
        let head = self.head()?;
        let days = self.days(&head)?;
        Ok((head, days))
    }

    /// The whole archive, days and all.
    pub fn decode(&self) -> Result<Archive<'a>, ArchiveError> {
        match self {
            Compiled::Parts { head, parts } => Archive::decode_parts(head, parts),
            Compiled::Whole(bytes) => Archive::decode(bytes),
        }
    }
}

/// The magic of an archive's head when its days come in parts.
const PARTS_MAGIC: &[u8; 4] = b"HPAH";

/// An archive in parts, so that an edit changes one part: the head (settings,
/// the day count, the warnings) and the days grouped by month, each part a day
/// count and the days, compressed with LZ4. The macro includes each part on its
/// own, in a module of its own, and rustc's incremental build compiles again
/// only the part that changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    /// Settings, day count and warnings.
    pub head: Vec<u8>,
    /// `YYYY-MM` and the days of that month, as stored.
    pub parts: Vec<(String, Vec<u8>)>,
}

impl Parts {
    /// The archive these parts make.
    pub fn decode(&self) -> Result<Archive<'_>, ArchiveError> {
        let parts: Vec<&[u8]> = self.parts.iter().map(|(_, p)| p.as_slice()).collect();
        Archive::decode_parts(&self.head, &parts)
    }
}

/// A month's part as it is stored, linked and included: the index of its days
/// ([`DayEntry`]) after its length as a `u32`, then its bytes (a day count,
/// then the days) compressed with LZ4, after their length as a `u32`. Ten years
/// of days are 88 MB, which the linker maps and copies on every edit; the text
/// of a day compresses to about half, and inflates at gigabytes a second. The
/// index lets a run find what it needs without inflating a part. Only the
/// checker stores parts; the binary inflates them.
#[cfg(feature = "check")]
pub(crate) fn store_part(raw: &[u8]) -> Result<Vec<u8>, ArchiveError> {
    let days = Reader::counted(raw, Reader::day, "trailing bytes in a part")?;
    let index = days::encode_index(&days);
    let len = |bytes: &[u8]| u32::try_from(bytes.len()).map_err(|_| ArchiveError("a part of 4 GiB"));
    let mut stored = len(&index)?.to_le_bytes().to_vec();
    stored.extend_from_slice(&index);
    stored.extend_from_slice(&len(raw)?.to_le_bytes());
    stored.extend_from_slice(&lz4_flex::block::compress(raw));
    Ok(stored)
}

/// The bytes of a part's days, compressed as [`store_part`] stores them; an
/// error, never a panic or an allocation beyond what LZ4 can expand them to, if
/// they are damaged.
fn inflate_part(stored: &[u8]) -> Result<Vec<u8>, ArchiveError> {
    let (len, compressed) = length_prefixed(stored)?;
    // LZ4 expands a byte to at most 255.
    if len > compressed.len().saturating_mul(255) {
        return Err(DAMAGED);
    }
    let mut raw = vec![0; len];
    match lz4_flex::block::decompress_into(compressed, &mut raw) {
        Ok(written) if written == len => Ok(raw),
        _ => Err(DAMAGED),
    }
}

/// What a stored part is refused as.
const DAMAGED: ArchiveError = ArchiveError("a damaged part");

/// A length as a `u32`, and the bytes after it.
fn length_prefixed(bytes: &[u8]) -> Result<(usize, &[u8]), ArchiveError> {
    let (len, rest) = bytes.split_first_chunk::<4>().ok_or(DAMAGED)?;
    Ok((u32::from_le_bytes(*len) as usize, rest))
}

/// One day as the archive holds it.
pub(crate) fn encode_day(day: &Day<'_>) -> Vec<u8> {
    let text: usize = day.papers.iter().map(|p| p.abstract_.len() + 1024).sum();
    let mut w = Writer(Vec::with_capacity(text + 64));
    w.day(day);
    w.0
}

/// Warnings as the archive holds them, and how many.
pub(crate) fn encode_warnings(warnings: &[Warning<'_>]) -> (Vec<u8>, usize) {
    let mut w = Writer(Vec::new());
    for warning in warnings {
        match warning.day {
            Some(day) => {
                w.u8(1);
                w.date(day);
            }
            None => w.u8(0),
        }
        w.str(&warning.text);
    }
    (w.0, warnings.len())
}

/// A day's date, publication time, draft flag and source fingerprint.
type DayHead = (Date, OffsetDateTime, bool, u64);

struct Writer(Vec<u8>);

impl Writer {
    /// Magic, format version, settings and their file's fingerprint.
    fn head(&mut self, magic: &[u8; 4], site: &Site, site_hash: Option<u64>) {
        self.0.extend_from_slice(magic);
        self.u32(VERSION);
        self.site(site);
        match site_hash {
            Some(hash) => {
                self.u8(1);
                self.u64(hash);
            }
            None => self.u8(0),
        }
    }
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, v: usize) {
        self.u32(u32::try_from(v).expect("archive parts are far below 4 GiB"));
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn date(&mut self, d: Date) {
        self.u32(d.to_julian_day() as u32);
    }
    fn date_time(&mut self, t: OffsetDateTime) {
        self.u64(t.unix_timestamp() as u64);
        self.u32(t.nanosecond());
        self.u32(t.offset().whole_seconds() as u32);
    }
    fn site(&mut self, s: &Site) {
        for field in [
            &s.posts_dir,
            &s.output_dir,
            &s.file_name,
            &s.title,
            &s.slug,
            &s.description,
            &s.template,
            &s.category,
            &s.social_image,
        ] {
            self.str(field);
        }
        self.len(s.tags.len());
        for tag in &s.tags {
            self.str(tag);
        }
        self.str(&s.commit.message);
        self.str(&s.commit.message_many);
        match &s.commit.author {
            Some(text) => {
                self.u8(1);
                self.str(text);
            }
            None => self.u8(0),
        }
        // Only read once per run, and the tables that grow: JSON keeps the
        // format from listing every field twice.
        for table in [
            serde_json::to_string(&s.endpoints),
            serde_json::to_string(&s.blog),
            serde_json::to_string(&s.collect),
            serde_json::to_string(&s.announce),
        ] {
            self.str(&table.unwrap_or_default());
        }
    }
    /// Which sources the paper has (a bit each), then their numbers.
    fn counts(&mut self, c: &Counts) {
        let present = [
            c.twitter.is_some(),
            c.huggingface.is_some(),
            c.hackernews.is_some(),
            c.bluesky.is_some(),
        ];
        self.u8(present.iter().rev().fold(0, |bits, &p| bits << 1 | u8::from(p)));
        if let Some(t) = c.twitter {
            self.u32(t.retweets);
            self.u32(t.favorites);
        }
        if let Some(h) = c.huggingface {
            self.u32(h.upvotes);
            self.u32(h.comments);
        }
        if let Some(h) = c.hackernews {
            self.u32(h.points);
            self.u32(h.comments);
            self.u32(h.story);
        }
        if let Some(b) = c.bluesky {
            self.u32(b.likes);
            self.u32(b.reposts);
            self.u32(b.posts);
        }
    }
    /// What a day and its index entry ([`DayEntry`]) both begin with.
    fn day_head(&mut self, (date, published, draft, source_hash): DayHead) {
        self.date(date);
        self.date_time(published);
        self.u8(u8::from(draft));
        self.u64(source_hash);
    }
    fn day(&mut self, d: &Day<'_>) {
        self.day_head((d.date, d.published, d.draft, d.source_hash));
        self.len(d.papers.len());
        for p in &d.papers {
            self.str(p.arxiv.as_str());
            self.str(&p.title);
            self.len(p.authors.len());
            for author in &p.authors {
                self.str(author);
            }
            self.len(p.categories.len());
            for category in &p.categories {
                self.0.extend_from_slice(&category.index().to_le_bytes());
            }
            self.counts(&p.counts);
            self.date_time(p.collected);
            self.str(&p.abstract_);
            self.len(p.tweets.len());
            for t in &p.tweets {
                self.str(&t.url);
                self.str(&t.author);
                self.date(t.date);
                self.str(&t.lang);
                self.u8(matches!(t.dir, Dir::Rtl).into());
                self.str(&t.text);
            }
            self.len(p.bluesky_posts.len());
            for b in &p.bluesky_posts {
                for text in [&b.url, &b.uri, &b.cid, &b.author] {
                    self.str(text);
                }
                self.date(b.date);
                self.str(&b.lang);
                self.str(&b.text);
            }
            match &p.code {
                Some(code) => {
                    self.u8(1);
                    self.str(&code.url);
                    self.u32(code.stars);
                }
                None => self.u8(0),
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ArchiveError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(ArchiveError("truncated"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], ArchiveError> {
        Ok(self.take(N)?.try_into().unwrap_or([0; N]))
    }
    fn u8(&mut self) -> Result<u8, ArchiveError> {
        Ok(self.array::<1>()?[0])
    }
    fn u32(&mut self) -> Result<u32, ArchiveError> {
        self.array().map(u32::from_le_bytes)
    }
    fn len(&mut self) -> Result<usize, ArchiveError> {
        self.u32().map(|n| n as usize)
    }
    fn u64(&mut self) -> Result<u64, ArchiveError> {
        self.array().map(u64::from_le_bytes)
    }
    fn str(&mut self) -> Result<&'a str, ArchiveError> {
        let len = self.len()?;
        simdutf8::basic::from_utf8(self.take(len)?).map_err(|_| ArchiveError("invalid UTF-8"))
    }
    fn string(&mut self) -> Result<String, ArchiveError> {
        self.str().map(str::to_owned)
    }
    fn optional(&mut self) -> Result<Option<String>, ArchiveError> {
        Ok(if self.u8()? == 1 {
            Some(self.string()?)
        } else {
            None
        })
    }
    fn date(&mut self) -> Result<Date, ArchiveError> {
        Date::from_julian_day(self.u32()? as i32).map_err(|_| ArchiveError("bad date"))
    }
    fn date_time(&mut self) -> Result<OffsetDateTime, ArchiveError> {
        let seconds = self.u64()? as i64;
        let nanos = self.u32()?;
        let offset =
            UtcOffset::from_whole_seconds(self.u32()? as i32).map_err(|_| ArchiveError("bad offset"))?;
        let utc = OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| ArchiveError("bad time"))?;
        let utc = utc
            .replace_nanosecond(nanos)
            .map_err(|_| ArchiveError("bad time"))?;
        Ok(utc.to_offset(offset))
    }
    fn site(&mut self) -> Result<Site, ArchiveError> {
        let [posts_dir, output_dir, file_name, title, slug, description, template, category, social_image] =
            [(); 9].map(|()| self.string());
        let tags = (0..self.len()?)
            .map(|_| self.string())
            .collect::<Result<_, _>>()?;
        Ok(Site {
            posts_dir: posts_dir?,
            output_dir: output_dir?,
            file_name: file_name?,
            title: title?,
            slug: slug?,
            description: description?,
            template: template?,
            category: category?,
            social_image: social_image?,
            tags,
            legacy_min_score: None,
            commit: CommitSettings {
                message: self.string()?,
                message_many: self.string()?,
                author: self.optional()?,
            },
            endpoints: serde_json::from_str(self.str()?).map_err(|_| ArchiveError("bad endpoints"))?,
            blog: serde_json::from_str(self.str()?).map_err(|_| ArchiveError("bad blog settings"))?,
            collect: serde_json::from_str(self.str()?).map_err(|_| ArchiveError("bad collect settings"))?,
            announce: serde_json::from_str(self.str()?).map_err(|_| ArchiveError("bad announce settings"))?,
        })
    }
    /// What [`Writer::head`] wrote, if it begins with `magic`.
    fn head(&mut self, magic: &[u8; 4]) -> Result<(Site, Option<u64>), ArchiveError> {
        if self.take(4)? != magic || self.u32()? != VERSION {
            return Err(ArchiveError("unknown format"));
        }
        let site = self.site()?;
        let site_hash = if self.u8()? == 1 { Some(self.u64()?) } else { None };
        Ok((site, site_hash))
    }
    fn warnings(&mut self) -> Result<Vec<Warning<'a>>, ArchiveError> {
        (0..self.len()?)
            .map(|_| {
                let day = if self.u8()? == 1 { Some(self.date()?) } else { None };
                Ok(Warning {
                    day,
                    text: Cow::Borrowed(self.str()?),
                })
            })
            .collect()
    }
    /// What [`Writer::day_head`] wrote.
    fn day_head(&mut self) -> Result<DayHead, ArchiveError> {
        Ok((self.date()?, self.date_time()?, self.u8()? == 1, self.u64()?))
    }
    /// `bytes` whole as a count and that many items; `trailing` if more follows.
    fn counted<T>(
        bytes: &'a [u8],
        item: impl FnMut(&mut Self) -> Result<T, ArchiveError>,
        trailing: &'static str,
    ) -> Result<Vec<T>, ArchiveError> {
        let mut r = Reader { bytes, at: 0 };
        let items = r.list(item)?;
        if r.at != bytes.len() {
            return Err(ArchiveError(trailing));
        }
        Ok(items)
    }
    /// A count, then that many items.
    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, ArchiveError>,
    ) -> Result<Vec<T>, ArchiveError> {
        let count = self.len()?;
        let mut items = Vec::with_capacity(count.min(1024));
        for _ in 0..count {
            items.push(item(self)?);
        }
        Ok(items)
    }
    fn day(&mut self) -> Result<Day<'a>, ArchiveError> {
        let (date, published, draft, source_hash) = self.day_head()?;
        let papers = self.list(Reader::paper)?;
        Ok(Day {
            date,
            published,
            draft,
            papers,
            source_hash,
        })
    }
    fn paper(&mut self) -> Result<Paper<'a>, ArchiveError> {
        let arxiv = ArxivId::parse(self.str()?).map_err(|_| ArchiveError("bad arXiv id"))?;
        let title = Cow::Borrowed(self.str()?);
        let authors = (0..self.len()?)
            .map(|_| self.str().map(Cow::Borrowed))
            .collect::<Result<_, _>>()?;
        let categories = (0..self.len()?)
            .map(|_| {
                let index = u16::from_le_bytes(self.array()?);
                Category::from_index(index).ok_or(ArchiveError("unknown category"))
            })
            .collect::<Result<_, _>>()?;
        let counts = self.counts()?;
        let collected = self.date_time()?;
        let abstract_ = Cow::Borrowed(self.str()?);
        let tweets = (0..self.len()?).map(|_| self.tweet()).collect::<Result<_, _>>()?;
        let bluesky_posts = (0..self.len()?)
            .map(|_| {
                Ok(BlueskyPost {
                    url: Cow::Borrowed(self.str()?),
                    uri: Cow::Borrowed(self.str()?),
                    cid: Cow::Borrowed(self.str()?),
                    author: Cow::Borrowed(self.str()?),
                    date: self.date()?,
                    lang: Cow::Borrowed(self.str()?),
                    text: Cow::Borrowed(self.str()?),
                })
            })
            .collect::<Result<_, ArchiveError>>()?;
        let code = match self.u8()? {
            0 => None,
            1 => Some(Code {
                url: Cow::Borrowed(self.str()?),
                stars: self.u32()?,
            }),
            _ => return Err(ArchiveError("bad code link")),
        };
        Ok(Paper {
            arxiv,
            title,
            authors,
            categories,
            counts,
            collected,
            abstract_,
            tweets,
            bluesky_posts,
            code,
        })
    }
    fn counts(&mut self) -> Result<Counts, ArchiveError> {
        let present = self.u8()?;
        if present > 0b1111 {
            return Err(ArchiveError("bad counts"));
        }
        let has = |bit: u8| present & (1 << bit) != 0;
        Ok(Counts {
            twitter: if has(0) {
                Some(TwitterCounts {
                    retweets: self.u32()?,
                    favorites: self.u32()?,
                })
            } else {
                None
            },
            huggingface: if has(1) {
                Some(HuggingFaceCounts {
                    upvotes: self.u32()?,
                    comments: self.u32()?,
                })
            } else {
                None
            },
            hackernews: if has(2) {
                Some(HackerNewsCounts {
                    points: self.u32()?,
                    comments: self.u32()?,
                    story: self.u32()?,
                })
            } else {
                None
            },
            bluesky: if has(3) {
                Some(BlueskyCounts {
                    likes: self.u32()?,
                    reposts: self.u32()?,
                    posts: self.u32()?,
                })
            } else {
                None
            },
        })
    }
    fn tweet(&mut self) -> Result<Tweet<'a>, ArchiveError> {
        Ok(Tweet {
            url: Cow::Borrowed(self.str()?),
            author: Cow::Borrowed(self.str()?),
            date: self.date()?,
            lang: Cow::Borrowed(self.str()?),
            dir: if self.u8()? == 1 { Dir::Rtl } else { Dir::Ltr },
            text: Cow::Borrowed(self.str()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const DAY: &str = r#"date = 2020-10-30
published = 2020-10-31T11:40:17.5+02:00
draft = true

[[paper]]
arxiv = "hep-th/9901001v2"
title = "Émoji 😀 and \"quotes\" and 'single' and TeX $\\omega<2.37$ \\alpha {x}"
authors = ["李", "عربي", "a\u202Eb"]
categories = ["hep-th", "cs.SY"]
retweets = 4294967295
favorites = 0
hackernews = { points = 3, comments = 1, story = 4294967295 }
bluesky = { likes = 1, reposts = 2, posts = 3 }
abstract = "two\nlines"

[[paper.bluesky-post]]
url = "https://bsky.app/profile/ada.bsky.social/post/3lbxyz2abcd2k"
uri = "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbxyz2abcd2k"
cid = "bafyreia7ouzqgkyb7mqypyocljhtxrkq6ryjw6glkgaeph3ghjfzg6wz4a"
author = "Ada &amp; co"
date = 2026-11-27
lang = "fr"
text = "Bonjour <a href=\"https://arxiv.org/abs/2411.10001\">arxiv.org/abs/2411.10001</a>"

[[paper.tweet]]
url = "https://x.com/a_b/status/1"
author = "A &amp; B"
date = 2020-10-29
lang = "ar"
dir = "rtl"
text = "مرحبا <br>"
"#;

    #[test]
    fn round_trips_every_field() {
        let (day, diagnostics) = crate::day::parse_day("posts/2020-10-30.toml", DAY);
        let day = day.unwrap_or_else(|| panic!("{diagnostics:?}"));
        let mut site = Site {
            commit: CommitSettings {
                author: Some("B <b@c>".into()),
                ..CommitSettings::default()
            },
            blog: crate::site::BlogSettings {
                posts_per_page: 9,
                cname: Some("papers.example.org".into()),
                ..Default::default()
            },
            ..Site::default()
        };
        site.collect.min_score = 7;
        site.collect.weights.hackernews = 3;
        site.endpoints.hf_api = Some("http://127.0.0.1:1/hf".into());
        let warning = Warning {
            day: Some(day.date),
            text: "a warning".into(),
        };
        let bytes = Archive::encode(
            &site,
            Some(42),
            std::slice::from_ref(&day),
            std::slice::from_ref(&warning),
        );
        let archive = Archive::decode(&bytes).unwrap();
        assert_eq!(archive.site, site);
        assert_eq!(archive.site_hash, Some(42));
        assert_eq!(archive.days, [day]);
        assert_eq!(archive.warnings, [warning]);
    }

    #[test]
    fn the_head_alone_is_decoded_without_the_days() {
        let (day, diagnostics) = crate::day::parse_day("posts/2020-10-30.toml", DAY);
        let day = day.unwrap_or_else(|| panic!("{diagnostics:?}"));
        let site = Site::default();
        let warning = Warning {
            day: Some(day.date),
            text: "a warning".into(),
        };
        let (warnings, count) = encode_warnings(std::slice::from_ref(&warning));
        let mut w = Writer(Vec::new());
        w.head(PARTS_MAGIC, &site, Some(7));
        w.len(1);
        w.len(count);
        w.0.extend_from_slice(&warnings);
        let head = w.0;
        let mut raw = 1u32.to_le_bytes().to_vec();
        raw.extend_from_slice(&encode_day(&day));
        let part = store_part(&raw).unwrap();
        let expected = ArchiveHead {
            site: site.clone(),
            site_hash: Some(7),
            days: 1,
            warnings: vec![warning.clone()],
        };
        let compiled = Compiled::Parts {
            head: &head,
            parts: vec![&part],
        };
        assert_eq!(compiled.head().unwrap(), expected);
        assert_eq!(compiled.decode().unwrap().days, std::slice::from_ref(&day));
        // A damaged part: the head is still read, the days are refused.
        let damaged = Compiled::Parts {
            head: &head,
            parts: vec![&part[..part.len() - 1]],
        };
        assert_eq!(damaged.head().unwrap(), expected);
        assert!(damaged.decode().is_err());
        // The whole archive in one string gives the same.
        let whole = Archive::encode(
            &site,
            Some(7),
            std::slice::from_ref(&day),
            std::slice::from_ref(&warning),
        );
        assert_eq!(Compiled::Whole(&whole).head().unwrap(), expected);
        assert_eq!(
            Compiled::Whole(&whole).decode().unwrap(),
            compiled.decode().unwrap()
        );
    }

    #[test]
    fn parts_are_stored_compressed_and_a_damaged_one_is_refused_without_a_panic() {
        let real = include_str!("../../../posts/2020-10-30.toml");
        let (day, diagnostics) = crate::day::parse_day("posts/2020-10-30.toml", real);
        let day = day.unwrap_or_else(|| panic!("{diagnostics:?}"));
        let mut raw = 1u32.to_le_bytes().to_vec();
        raw.extend_from_slice(&encode_day(&day));
        let stored = store_part(&raw).unwrap();
        // The real day: 17.5 KB of text, stored in about 10 KB, index and all.
        assert!(
            stored.len() * 3 < raw.len() * 2,
            "{} of {}",
            stored.len(),
            raw.len()
        );
        let (index, stored) = days::split_part(&stored).unwrap();
        assert_eq!(index, days::encode_index(std::slice::from_ref(&day)));
        assert_eq!(inflate_part(stored).unwrap(), raw);
        let stored = stored.to_vec();
        // A length that lies, either way, and bytes cut short or too many.
        let mut huge = stored.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut short = stored.clone();
        short[..4].copy_from_slice(&(raw.len() as u32 - 1).to_le_bytes());
        let mut longer = stored.clone();
        longer.push(0);
        for damaged in [
            &huge[..],
            &short,
            &stored[..stored.len() - 1],
            &longer,
            &stored[..3],
            &[],
        ] {
            assert!(inflate_part(damaged).is_err());
        }
    }

    #[test]
    fn shows_the_warnings_of_touched_days_and_counts_the_rest() {
        let warning = |day: Option<Date>, text: &'static str| Warning {
            day,
            text: text.into(),
        };
        let (a, b, c) = (
            date!(2020 - 10 - 30),
            date!(2020 - 10 - 31),
            date!(2020 - 11 - 01),
        );
        let archive = Archive {
            site: Site::default(),
            site_hash: None,
            days: Vec::new(),
            warnings: vec![
                warning(Some(a), "a1"),
                warning(Some(b), "b1"),
                warning(Some(b), "b2"),
                warning(Some(c), "c1"),
                warning(None, "site"),
            ],
        };
        let summary = archive.warning_summary(|day| day == a);
        assert_eq!(summary.shown, ["a1", "site"]);
        assert_eq!((summary.other, summary.other_days), (3, 2));
        assert_eq!(archive.warning_summary(|_| true).other, 0);
    }

    #[test]
    fn rejects_damaged_bytes() {
        let bytes = Archive::encode(&Site::default(), None, &[], &[]);
        assert!(Archive::decode(&bytes).is_ok());
        assert!(Archive::decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(Archive::decode(b"HPAR\x02\0\0\0").is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Archive::decode(&longer).is_err());
    }
}
