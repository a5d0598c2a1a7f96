//! The days of an archive, each part decoded the first time one of its days is
//! needed.
//!
//! After an edit a run renders one day's post and page, a list page or two and
//! the newest days' feeds; everything else it needs of the other 3,649 days (their
//! dates, when they were published, whether they are drafts, the fingerprints
//! of their files, and what the statistics count) is in a small index, a
//! [`DayEntry`] per day, stored uncompressed in front of each part. So a run
//! inflates and decodes the parts it renders from, not ten years of them.

use std::borrow::Cow;
use std::sync::OnceLock;

use time::{Date, OffsetDateTime};

#[cfg(feature = "check")]
use super::Writer;
use super::{ArchiveError, Reader};
use crate::model::{Category, Counts, Day};

/// What a run needs to know of a day without decoding it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayEntry {
    /// The arXiv day.
    pub date: Date,
    /// When its post was published.
    pub published: OffsetDateTime,
    /// Whether it is a draft.
    pub draft: bool,
    /// The fingerprint of its day-file's bytes ([`Day::source_hash`]).
    pub source_hash: u64,
    /// Its papers, in the day-file's order: what the statistics count.
    pub papers: Vec<PaperEntry>,
}

/// What the statistics count of a paper, and what its page is known by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperEntry {
    /// Its arXiv id without the version: its page's name, which gathers the
    /// days it was shown on without decoding them.
    pub id: String,
    /// How much it was discussed.
    pub counts: Counts,
    /// Its categories, primary first: what its topics are.
    pub categories: Vec<Category>,
    /// A fingerprint of what a list or a feed shows of it beyond its counts
    /// (its id as written, title, abstract and authors): a topic's page or feed is known by
    /// its papers, so an edit of one paper renders its topics alone, not every
    /// topic of its day.
    pub text_hash: u64,
}

impl PaperEntry {
    /// Its primary category.
    pub fn primary(&self) -> Option<Category> {
        self.categories.first().copied()
    }
}

impl DayEntry {
    /// The entry of a decoded day.
    pub fn of(day: &Day<'_>) -> DayEntry {
        DayEntry {
            date: day.date,
            published: day.published,
            draft: day.draft,
            source_hash: day.source_hash,
            papers: day
                .papers
                .iter()
                .map(|paper| PaperEntry {
                    id: paper.arxiv.without_version().to_owned(),
                    counts: paper.counts,
                    categories: paper.categories.clone(),
                    text_hash: text_hash(paper),
                })
                .collect(),
        }
    }
}

/// The fingerprint of a paper's id as written, title, abstract and authors.
fn text_hash(paper: &crate::model::Paper<'_>) -> u64 {
    let mut bytes = Vec::with_capacity(paper.title.len() + paper.abstract_.len() + 64);
    let texts = [paper.arxiv.as_str(), &paper.title, &paper.abstract_];
    for text in texts.into_iter().chain(paper.authors.iter().map(|a| a.as_ref())) {
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
    }
    crate::model::source_hash(&bytes)
}

/// The days of an archive in date order: the index of every day at hand, each
/// day decoded when first asked for.
#[derive(Debug)]
pub struct Days<'a> {
    entries: Vec<DayEntry>,
    source: Source<'a>,
}

#[derive(Debug)]
enum Source<'a> {
    /// Days decoded already.
    Decoded(Cow<'a, [Day<'a>]>),
    /// An archive's parts: each part's compressed days, the index of its first
    /// day, and its days once decoded.
    Parts(Vec<Part<'a>>),
}

#[derive(Debug)]
struct Part<'a> {
    compressed: &'a [u8],
    first: usize,
    days: OnceLock<Result<Vec<Day<'a>>, ArchiveError>>,
}

impl<'a> Days<'a> {
    /// Days decoded already, borrowed.
    pub fn of(days: &'a [Day<'a>]) -> Days<'a> {
        Days::decoded(Cow::Borrowed(days))
    }

    pub(crate) fn decoded(days: Cow<'a, [Day<'a>]>) -> Days<'a> {
        Days {
            entries: days.iter().map(DayEntry::of).collect(),
            source: Source::Decoded(days),
        }
    }

    /// The days of an archive's stored parts (as the checker stores them): their
    /// index read, none of them decoded.
    pub(crate) fn in_parts(stored: &[&'a [u8]]) -> Result<Days<'a>, ArchiveError> {
        let mut entries = Vec::new();
        let mut parts = Vec::with_capacity(stored.len());
        for &stored in stored {
            let (index, compressed) = split_part(stored)?;
            let first = entries.len();
            entries.extend(Reader::counted(
                index,
                Reader::entry,
                "trailing bytes in a part's index",
            )?);
            parts.push(Part {
                compressed,
                first,
                days: OnceLock::new(),
            });
        }
        if !entries.is_sorted_by(|a, b| a.date < b.date) {
            return Err(ArchiveError("days out of order"));
        }
        Ok(Days {
            entries,
            source: Source::Parts(parts),
        })
    }

    /// How many days there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every day's entry, in date order.
    pub fn entries(&self) -> &[DayEntry] {
        &self.entries
    }

    /// The `i`th day, decoded with the rest of its part if it was not yet.
    ///
    /// # Panics
    ///
    /// If `i` is not below [`Days::len`].
    pub fn get(&self, i: usize) -> Result<&Day<'a>, ArchiveError> {
        match &self.source {
            Source::Decoded(days) => Ok(&days[i]),
            Source::Parts(parts) => {
                assert!(i < self.entries.len(), "day {i} of {}", self.entries.len());
                let p = parts.partition_point(|part| part.first <= i) - 1;
                let part = &parts[p];
                let days = part
                    .days
                    .get_or_init(|| decode_part(parts, &self.entries, p))
                    .as_ref()
                    .map_err(|e| *e)?;
                Ok(&days[i - part.first])
            }
        }
    }

    /// Every day, decoded on every core a part at a time.
    pub fn into_vec(self) -> Result<Vec<Day<'a>>, ArchiveError> {
        match self.source {
            Source::Decoded(days) => Ok(days.into_owned()),
            Source::Parts(ref parts) => {
                let numbers: Vec<usize> = (0..parts.len()).collect();
                let days = crate::parallel::try_map(&numbers, 8, |&p| decode_part(parts, &self.entries, p))?;
                Ok(days.into_iter().flatten().collect())
            }
        }
    }
}

/// The days of the `p`th of `parts`, inflated and decoded, and checked against
/// their `entries`. The inflated bytes are kept for the rest of the process, as
/// the binary's own are, and the days borrow from them: a program decodes a
/// part at most once.
fn decode_part<'a>(parts: &[Part<'a>], entries: &[DayEntry], p: usize) -> Result<Vec<Day<'a>>, ArchiveError> {
    let first = parts[p].first;
    let end = parts.get(p + 1).map_or(entries.len(), |next| next.first);
    let raw: &'static [u8] = Box::leak(super::inflate_part(parts[p].compressed)?.into_boxed_slice());
    let days = Reader::counted(raw, Reader::day, "trailing bytes in a part")?;
    let entries = &entries[first..end];
    if days.len() != entries.len()
        || days
            .iter()
            .zip(entries)
            .any(|(day, entry)| DayEntry::of(day) != *entry)
    {
        return Err(ArchiveError("a part that does not match its index"));
    }
    Ok(days)
}

/// A part's index (a day count, then an entry per day) as stored in front of
/// its compressed days.
#[cfg(feature = "check")]
pub(crate) fn encode_index(days: &[Day<'_>]) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(4 + days.len() * 256));
    w.len(days.len());
    for day in days {
        w.entry(&DayEntry::of(day));
    }
    w.0
}

/// A stored part's index and its compressed days.
pub(crate) fn split_part(stored: &[u8]) -> Result<(&[u8], &[u8]), ArchiveError> {
    let (len, rest) = super::length_prefixed(stored)?;
    rest.split_at_checked(len).ok_or(super::DAMAGED)
}

#[cfg(feature = "check")]
impl Writer {
    fn entry(&mut self, entry: &DayEntry) {
        self.day_head((entry.date, entry.published, entry.draft, entry.source_hash));
        self.len(entry.papers.len());
        for paper in &entry.papers {
            self.str(&paper.id);
            self.counts(&paper.counts);
            self.len(paper.categories.len());
            for category in &paper.categories {
                self.0.extend_from_slice(&category.index().to_le_bytes());
            }
            self.0.extend_from_slice(&paper.text_hash.to_le_bytes());
        }
    }
}

impl Reader<'_> {
    fn entry(&mut self) -> Result<DayEntry, ArchiveError> {
        let (date, published, draft, source_hash) = self.day_head()?;
        let papers = self.list(|r| {
            let id = r.string()?;
            let counts = r.counts()?;
            let categories = r.list(|r| {
                Category::from_index(u16::from_le_bytes(r.array()?)).ok_or(ArchiveError("unknown category"))
            })?;
            let text_hash = u64::from_le_bytes(r.array()?);
            Ok(PaperEntry {
                id,
                counts,
                categories,
                text_hash,
            })
        })?;
        Ok(DayEntry {
            date,
            published,
            draft,
            source_hash,
            papers,
        })
    }
}

#[cfg(all(test, feature = "check"))]
mod tests {
    use super::*;
    use crate::archive::{encode_day, store_part};

    fn day(name: &str, text: &str) -> Day<'static> {
        let (day, diagnostics) = crate::day::parse_day(name, text);
        day.unwrap_or_else(|| panic!("{diagnostics:?}"))
    }

    fn real_days() -> [Day<'static>; 2] {
        [
            day(
                "posts/2020-10-30.toml",
                include_str!("../../../posts/2020-10-30.toml"),
            ),
            day(
                "posts/2020-12-07.toml",
                include_str!("../../../posts/2020-12-07.toml"),
            ),
        ]
    }

    /// A part of these days as the checker stores it.
    fn part(days: &[Day<'_>]) -> Vec<u8> {
        let mut raw = (days.len() as u32).to_le_bytes().to_vec();
        for day in days {
            raw.extend_from_slice(&encode_day(day));
        }
        store_part(&raw).unwrap()
    }

    #[test]
    fn the_index_is_read_without_a_part_and_a_part_is_decoded_only_when_its_day_is_needed() {
        let [a, b] = real_days();
        let first = part(std::slice::from_ref(&a));
        let second = part(std::slice::from_ref(&b));
        // The second part's days cut short: only reading one of them can tell.
        let damaged = &second[..second.len() - 10];
        let days = Days::in_parts(&[&first, damaged]).unwrap();
        assert_eq!(days.entries(), [DayEntry::of(&a), DayEntry::of(&b)]);
        assert_eq!(days.entries()[0].papers.len(), a.papers.len());
        assert_eq!(days.get(0).unwrap(), &a);
        assert!(days.get(1).is_err());
        assert!(Days::in_parts(&[&first, damaged]).unwrap().into_vec().is_err());
        // Whole, every day decodes as it was.
        let days = Days::in_parts(&[&first, &second]).unwrap();
        assert_eq!(days.get(1).unwrap(), &b);
        assert_eq!(days.into_vec().unwrap(), [a, b]);
    }

    #[test]
    fn a_part_whose_days_are_not_its_index_is_refused() {
        let [a, b] = real_days();
        let (index_of_b, _) = split_part(&part(std::slice::from_ref(&b)))
            .map(|(i, d)| (i.to_vec(), d.len()))
            .unwrap();
        let of_a = part(std::slice::from_ref(&a));
        let (_, days_of_a) = split_part(&of_a).unwrap();
        let mut mixed = (index_of_b.len() as u32).to_le_bytes().to_vec();
        mixed.extend_from_slice(&index_of_b);
        mixed.extend_from_slice(days_of_a);
        let days = Days::in_parts(&[&mixed]).unwrap();
        assert_eq!(
            days.get(0).unwrap_err().to_string(),
            ArchiveError("a part that does not match its index").to_string()
        );
    }

    #[test]
    fn a_damaged_index_or_days_out_of_order_are_refused_without_a_panic() {
        let [a, b] = real_days();
        let both = part(&[a.clone(), b.clone()]);
        let (index, _) = split_part(&both).unwrap();
        for cut in [0, 3, 4, 5, 4 + index.len() / 2, 4 + index.len() - 1] {
            assert!(Days::in_parts(&[&both[..cut]]).is_err(), "cut at {cut}");
        }
        let mut lying = both.clone();
        lying[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Days::in_parts(&[&lying]).is_err());
        let (first, second) = (part(std::slice::from_ref(&a)), part(std::slice::from_ref(&b)));
        assert!(Days::in_parts(&[&second, &first]).is_err());
        assert!(Days::in_parts(&[&first, &first]).is_err());
    }

    #[test]
    fn decoded_days_have_the_same_entries() {
        let days = real_days();
        let decoded = Days::of(&days);
        let stored = part(&days);
        let in_parts = Days::in_parts(&[&stored]).unwrap();
        assert_eq!(decoded.entries(), in_parts.entries());
        assert_eq!(decoded.get(1).unwrap(), in_parts.get(1).unwrap());
        assert_eq!(decoded.len(), 2);
    }
}
