//! Small facts every layer shares, each written once: how a day is written in
//! names (`YYYY-MM-DD`, `YYYY-MM-DD.toml`), how a value is quoted in a message,
//! did-you-mean hints, and how a file is written whole.

mod file;
mod hint;

#[cfg(feature = "git")]
pub(crate) use file::write_new_folder;
#[cfg(feature = "git")]
pub(crate) use file::TEMP_PREFIX;
pub use file::{
    first_link, plain_path, refuse_links, write_atomically, write_new, PageKey, SiteFile, SEARCH_DIR,
    SITE_MANIFEST,
};
#[cfg(any(feature = "git", feature = "templates"))]
pub(crate) use file::{manifest_paths, manifest_text};
pub(crate) use hint::closest;

use time::Date;

/// `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Appends `bytes` as lowercase hexadecimal: object ids and keys in the pages
/// branch's listings, tens of thousands of lines a publish, without a
/// formatter call for each.
#[cfg(feature = "git")]
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
}

/// A date written exactly `YYYY-MM-DD`, as day-file and post names hold it: no
/// sign, no wider year, no other separator.
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let format = time::macros::format_description!("[year]-[month]-[day]");
    shape.then(|| Date::parse(text, format).ok()).flatten()
}

/// The file name of a day's day-file, `YYYY-MM-DD.toml`.
pub fn day_file_name(date: Date) -> String {
    format!("{}.toml", format_date(date))
}

/// The day of a day-file named `YYYY-MM-DD.toml` (in any folder).
pub fn day_file_date(path: &str) -> Option<Date> {
    let name = path.rsplit(['/', '\\']).next()?;
    parse_date(name.strip_suffix(".toml")?)
}

/// The largest char boundary of `text` at or before byte `at`.
pub(crate) fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A value as a message quotes it: control characters escaped (so a value cannot
/// forge a line of output or reach the terminal as a control sequence) and long
/// values cut.
pub fn quoted(value: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn reads_dates_written_exactly() {
        assert_eq!(parse_date("2020-10-30"), Some(date!(2020 - 10 - 30)));
        for bad in [
            "+2020-10-30",
            "2020-10-3",
            "02020-10-30",
            "2020/10/30",
            "2020-13-01",
            "2020-10-30 ",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(format_date(date!(2020 - 01 - 02)), "2020-01-02");
        assert_eq!(day_file_name(date!(2020 - 01 - 02)), "2020-01-02.toml");
        assert_eq!(
            day_file_date("posts/2020-01-02.toml"),
            Some(date!(2020 - 01 - 02))
        );
        assert_eq!(day_file_date("posts/+2020-01-02.toml"), None);
    }

    #[test]
    fn quotes_values_without_control_characters() {
        assert_eq!(
            quoted("en\n::error file=x::forged"),
            "en\\n::error file=x::forged"
        );
        assert_eq!(quoted("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(quoted(&"x".repeat(100)).chars().count(), 81);
    }
}
