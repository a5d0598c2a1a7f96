//! arXiv identifiers, new style (`2010.15581v2`) and old style (`hep-th/9901001`).

use std::borrow::Cow;
use std::fmt;

use crate::model::Category;

/// Archives that had old-style identifiers (`archive/YYMMNNN`) before April 2007.
///
/// Most are in the taxonomy; `acc-phys`, `adap-org` and `cmp-lg` were folded into
/// other archives before the current taxonomy was written down.
const OLD_ARCHIVES: &[&str] = &[
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn", "chem-ph",
    "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
    "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph",
    "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
];

/// A checked arXiv identifier, kept as written.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArxivId<'a>(Cow<'a, str>);

/// Why a string is not an arXiv identifier.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArxivIdError {
    /// Not of the shape of either style.
    #[error("expected `YYMM.NNNNN`, `YYMM.NNNN` (before 2015) or `archive/YYMMNNN`, optionally with `vN`")]
    Shape,
    /// A month outside 01-12.
    #[error("`{0}` is not a month: the id's `YYMM` needs a month from 01 to 12")]
    Month(String),
    /// Four digits after the dot from 2015 on, or five before.
    #[error("ids from {yymm} have {expected} digits after the dot")]
    Digits {
        /// The id's `YYMM`.
        yymm: String,
        /// How many digits ids of that month have.
        expected: usize,
    },
    /// New style before April 2007, or old style after March 2007.
    #[error("{0}")]
    Era(&'static str),
    /// An old-style archive that never existed.
    #[error("`{0}` is not an arXiv archive")]
    Archive(String),
}

impl<'a> ArxivId<'a> {
    /// Checks `id` and keeps it as written.
    pub fn parse(id: impl Into<Cow<'a, str>>) -> Result<Self, ArxivIdError> {
        let id = id.into();
        check(&id)?;
        Ok(ArxivId(id))
    }

    /// The identifier as written, such as `2010.15581` or `hep-th/9901001v2`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year and month of submission, from `YYMM`.
    pub fn year_month(&self) -> (i32, u8) {
        let digits = yymm_digits(&self.0);
        let yy: i32 = digits[..2].parse().unwrap_or_default();
        let mm: u8 = digits[2..].parse().unwrap_or_default();
        let year = if yy >= 91 { 1900 + yy } else { 2000 + yy };
        (year, mm)
    }

    /// The identifier without its `vN` suffix.
    pub fn without_version(&self) -> &str {
        Self::split_version(&self.0).0
    }

    /// An id written as `BASE` or `BASEvN`, split into the base and the version's
    /// digits; for ids not yet checked too.
    ///
    /// ```
    /// use hotpapers::ArxivId;
    /// assert_eq!(ArxivId::split_version("2010.15581v2"), ("2010.15581", Some("2")));
    /// assert_eq!(ArxivId::split_version("hep-th/9901001"), ("hep-th/9901001", None));
    /// ```
    pub fn split_version(id: &str) -> (&str, Option<&str>) {
        match id.rfind('v') {
            Some(at) if at > 0 && id[at + 1..].bytes().all(|b| b.is_ascii_digit()) => {
                (&id[..at], Some(&id[at + 1..]))
            }
            _ => (id, None),
        }
    }

    /// The same id owning its text.
    pub fn into_owned(self) -> ArxivId<'static> {
        ArxivId(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Display for ArxivId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ArxivId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArxivId({})", self.0)
    }
}

/// The `YYMM` digits of an id already known to be well formed.
fn yymm_digits(id: &str) -> &str {
    let base = ArxivId::split_version(id).0;
    match base.split_once('/') {
        Some((_, number)) => &number[..4],
        None => &base[..4],
    }
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_month(mm: &str) -> bool {
    matches!(
        mm,
        "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
    )
}

/// An id's shape, archive, month and era: the digits of its `YYMM` and number
/// must fit the era the `YYMM` falls in.
fn check(id: &str) -> Result<(), ArxivIdError> {
    let (base, version) = ArxivId::split_version(id);
    if version.is_some_and(|v| v.is_empty() || v.starts_with('0')) {
        return Err(ArxivIdError::Shape);
    }
    let (yymm, old_style) = match base.split_once('/') {
        Some((archive, number)) => (check_old_style(archive, number)?, true),
        None => (check_new_style(base)?, false),
    };
    if !is_month(&yymm[2..]) {
        return Err(ArxivIdError::Month(yymm.to_owned()));
    }
    // Old-style ids run from August 1991 to March 2007; new-style ids start in April 2007.
    let sortable = if yymm >= "9100" {
        format!("19{yymm}")
    } else {
        format!("20{yymm}")
    };
    if old_style && !("199108".."200704").contains(&sortable.as_str()) {
        return Err(ArxivIdError::Era(
            "old-style ids (`archive/YYMMNNN`) run from 9108 to 0703",
        ));
    }
    if !old_style && sortable.as_str() < "200704" {
        return Err(ArxivIdError::Era(
            "new-style ids (`YYMM.NNNN`) start in 0704; earlier papers have `archive/YYMMNNN` ids",
        ));
    }
    Ok(())
}

/// `archive/YYMMNNN` or `archive.XX/YYMMNNN`; its `YYMM`.
fn check_old_style<'i>(archive: &str, number: &'i str) -> Result<&'i str, ArxivIdError> {
    let well_formed = !archive.is_empty()
        && archive
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !all_digits(number, 7) || !well_formed {
        return Err(ArxivIdError::Shape);
    }
    let (root, subject) = match archive.split_once('.') {
        Some((root, subject)) => (root, Some(subject)),
        None => (archive, None),
    };
    let known = OLD_ARCHIVES.contains(&root) && subject.is_none_or(|_| Category::from_id(archive).is_some());
    if !known {
        return Err(ArxivIdError::Archive(archive.to_owned()));
    }
    Ok(&number[..4])
}

/// `YYMM.NNNN` (to 1412) or `YYMM.NNNNN` (from 1501); its `YYMM`.
fn check_new_style(base: &str) -> Result<&str, ArxivIdError> {
    let Some((yymm, number)) = base.split_once('.') else {
        return Err(ArxivIdError::Shape);
    };
    if !all_digits(yymm, 4) || !(all_digits(number, 4) || all_digits(number, 5)) {
        return Err(ArxivIdError::Shape);
    }
    if !is_month(&yymm[2..]) {
        return Err(ArxivIdError::Month(yymm.to_owned()));
    }
    let expected = if yymm < "1501" { 4 } else { 5 };
    if number.len() != expected {
        return Err(ArxivIdError::Digits {
            yymm: yymm.to_owned(),
            expected,
        });
    }
    Ok(yymm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(id: &str) -> bool {
        ArxivId::parse(id).is_ok()
    }

    #[test]
    fn accepts_both_styles() {
        for id in [
            "2010.15581",
            "2010.15581v2",
            "0704.0001",
            "1412.9999",
            "1501.00001",
            "hep-th/9901001",
            "hep-th/9901001v3",
            "math.GT/0309136",
            "cs/0112017",
            "physics/9108001",
            "q-bio/0703001",
        ] {
            assert!(ok(id), "{id}");
        }
    }

    #[test]
    fn rejects_wrong_digit_counts() {
        assert_eq!(
            ArxivId::parse("1501.0001"),
            Err(ArxivIdError::Digits {
                yymm: "1501".into(),
                expected: 5
            })
        );
        assert!(!ok("1412.00001"));
        assert!(!ok("2010.155811"));
    }

    #[test]
    fn rejects_malformed_ids() {
        for id in [
            "",
            "2010",
            "2010.",
            "abcd.12345",
            "2013.12345",
            "2010.15581v",
            "2010.15581v0",
            "0703.1234",
            "hep-th/0704001",
            "nope/9901001",
            "math.XX/0309136",
            "hep-th/99010",
            "https://arxiv.org/abs/2010.15581",
            " 2010.15581",
        ] {
            assert!(!ok(id), "{id}");
        }
    }

    #[test]
    fn reports_a_bad_month_before_the_digit_count() {
        assert_eq!(
            ArxivId::parse("2013.1234"),
            Err(ArxivIdError::Month("2013".into()))
        );
    }

    #[test]
    fn reads_year_month_and_version() {
        let id = ArxivId::parse("2010.15581v2").unwrap();
        assert_eq!(id.year_month(), (2020, 10));
        assert_eq!(id.without_version(), "2010.15581");
        assert_eq!(ArxivId::parse("hep-th/9901001").unwrap().year_month(), (1999, 1));
    }
}
