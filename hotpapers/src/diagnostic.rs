//! Problems found in a day-file, located by file, line and column.

use std::fmt;
use std::ops::Range;

use crate::text::floor_char_boundary;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The day-file is wrong; the build fails.
    Error,
    /// Worth a look, but the day still builds (legacy posts have these).
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in one file, with everything needed to show it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file as the user names it, such as `posts/2020-10-30.toml`.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What was found, such as ``unknown category `cs.LGG` ``.
    pub message: String,
    /// What was expected, shown under the caret.
    pub expected: String,
    /// A likely fix, such as ``did you mean `cs.LG`?``.
    pub hint: Option<String>,
    /// The offending line, for display; a long line is cut to a window around
    /// the column.
    pub source_line: String,
    /// The column (0-based, in characters) of the line where `source_line`
    /// starts: 0 unless a long line was cut.
    pub source_from: usize,
    /// Columns the caret covers, at least 1.
    pub width: usize,
}

/// Longest stretch of a source line shown; longer lines are cut around the caret.
const WINDOW: usize = 100;

/// A day-file's text and the name to show for it.
#[derive(Clone, Copy, Debug)]
pub struct Source<'s> {
    /// The file as the user names it.
    pub path: &'s str,
    /// The whole text.
    pub text: &'s str,
}

impl Source<'_> {
    /// A diagnostic for the bytes `span` of this file.
    ///
    /// Reads the file to find the line; to place many, build a [`LineIndex`] once
    /// and use [`Source::diagnostic_in`].
    pub fn diagnostic(
        &self,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> Diagnostic {
        self.diagnostic_in(&LineIndex::new(self.text), severity, span, message, expected)
    }

    /// A diagnostic for the bytes `span` of this file, lines found in `index`.
    pub fn diagnostic_in(
        &self,
        index: &LineIndex,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> Diagnostic {
        let text = self.text;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let (line, line_start, line_end) = index.line_of(text, start);
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let width = text[start..end].chars().count().max(1);
        // Only a window of a long line is kept: a file of one long line with many
        // problems must not hold a copy of the line for each.
        let (source_from, source_line) = if line_end - line_start <= 4 * WINDOW {
            (0, text[line_start..line_end].to_owned())
        } else {
            let from = (column - 1).saturating_sub(WINDOW);
            let shown: String = text[line_start..line_end]
                .chars()
                .skip(from)
                .take(3 * WINDOW)
                .collect();
            (from, shown)
        };
        Diagnostic {
            severity,
            path: self.path.to_owned(),
            line,
            column,
            message: printable(message.into()),
            expected: printable(expected.into()),
            hint: None,
            source_line,
            source_from,
            width,
        }
    }
}

/// Where each line of a text starts, found in one pass, so that placing many
/// problems in a large file does not read it again for each.
#[derive(Clone, Debug)]
pub struct LineIndex(Vec<usize>);

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(starts.collect())
    }

    /// The 1-based line holding byte `at`.
    pub fn line(&self, at: usize) -> usize {
        self.0.partition_point(|&start| start <= at).max(1)
    }

    /// The 1-based line holding byte `at`, and the bytes where it starts and ends
    /// (before its `\n`).
    fn line_of(&self, text: &str, at: usize) -> (usize, usize, usize) {
        let line = self.line(at);
        let start = self.0[line - 1];
        let end = self.0.get(line).map_or(text.len(), |next| next - 1);
        (line, start, end.max(start))
    }
}

/// Text with every control character but tab escaped, so that nothing a file
/// holds reaches a terminal or a CI log as a control sequence or a forged line.
fn printable(text: String) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return text;
    }
    text.chars()
        .flat_map(|c| {
            let escaped = c.is_control() && c != '\t';
            let (one, many) = if escaped {
                (None, Some(c.escape_default()))
            } else {
                (Some(c), None)
            };
            one.into_iter().chain(many.into_iter().flatten())
        })
        .collect()
}

/// A character of a source line as shown: a control character is shown as its
/// Unicode control picture (`\r` as `␍`), one column wide like the original.
fn shown_char(c: char) -> char {
    match u32::from(c) {
        code @ 0..=0x1F if c != '\t' => char::from_u32(0x2400 + code).unwrap_or('?'),
        0x7F => '\u{2421}',
        _ if c.is_control() => '\u{FFFD}',
        _ => c,
    }
}

impl Diagnostic {
    /// Adds a hint, shown after the message.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// A GitHub workflow command, so the problem shows on the pull request:
    /// `::error file=F,line=L,col=C,title=T::MESSAGE`.
    pub fn github_annotation(&self) -> String {
        fn data(text: &str) -> String {
            text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
        }
        fn property(text: &str) -> String {
            data(text).replace(':', "%3A").replace(',', "%2C")
        }
        let mut message = self.message.clone();
        if let Some(hint) = &self.hint {
            message.push_str("; ");
            message.push_str(hint);
        }
        message.push_str("\nexpected ");
        message.push_str(&self.expected);
        format!(
            "::{} file={},line={},col={},title={}::{}",
            self.severity.as_str(),
            property(&self.path),
            self.line,
            self.column,
            property("hotpapers"),
            data(&message)
        )
    }

    /// Whether this is an error (and fails the build).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The whole problem as a report shows it: `error: ` or `warning: `, the
    /// headline, the line and the caret.
    pub fn report(&self) -> impl fmt::Display + '_ {
        struct Report<'d>(&'d Diagnostic);
        impl fmt::Display for Report<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}: {}", self.0.severity.as_str(), self.0)
            }
        }
        Report(self)
    }

    /// The one-line summary: ``posts/x.toml:3:5: unknown key `x`; did you mean `y`?``.
    pub fn headline(&self) -> String {
        let mut line = format!("{}:{}:{}: {}", self.path, self.line, self.column, self.message);
        if let Some(hint) = &self.hint {
            line.push_str("; ");
            line.push_str(hint);
        }
        line
    }
}

impl fmt::Display for Diagnostic {
    /// The headline, then the line with a caret under the value, as rustc shows code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chars: Vec<char> = self.source_line.chars().map(shown_char).collect();
        let caret_at = (self.column - 1)
            .saturating_sub(self.source_from)
            .min(chars.len());
        let (from, to) = if chars.len() <= WINDOW {
            (0, chars.len())
        } else {
            let from = caret_at.saturating_sub(WINDOW / 3);
            (from, (from + WINDOW).min(chars.len()))
        };
        let lead = if from > 0 || self.source_from > 0 {
            "..."
        } else {
            ""
        };
        let tail = if to < chars.len() { "..." } else { "" };
        let shown: String = chars[from..to].iter().collect();
        let pad: String = lead
            .chars()
            .chain(chars[from..caret_at.clamp(from, to)].iter().copied())
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = self.width.min(to.saturating_sub(caret_at)).max(1);
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        writeln!(f, "{}", self.headline())?;
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{number} | {lead}{shown}{tail}")?;
        write!(
            f,
            "{gutter} | {pad}{} expected {}",
            "^".repeat(width),
            self.expected
        )
    }
}

/// Every problem found in a set of day-files, ordered by file and line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Sorts by file, then position, errors before warnings at one place.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity).cmp(&(&b.path, b.line, b.column, b.severity))
        });
    }
}

impl fmt::Display for Diagnostics {
    /// Each problem's report and a blank line, then the count.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{}\n", diagnostic.report())?;
        }
        let errors = self.errors().count();
        let warnings = self.0.len() - errors;
        write!(f, "{errors} error(s), {warnings} warning(s)")
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "date = 2020-10-30\ncategories = ['cs.LGG']\n";

    #[test]
    fn locates_line_and_column() {
        let source = Source {
            path: "posts/2020-10-30.toml",
            text: TEXT,
        };
        let at = TEXT.find("'cs.LGG'").unwrap();
        let d = source.diagnostic(
            Severity::Error,
            at..at + 8,
            "unknown category `cs.LGG`",
            "a category",
        );
        assert_eq!((d.line, d.column, d.width), (2, 15, 8));
        assert_eq!(
            d.to_string(),
            "posts/2020-10-30.toml:2:15: unknown category `cs.LGG`\n  |\n2 | categories = ['cs.LGG']\n  |               ^^^^^^^^ expected a category"
        );
    }

    #[test]
    fn writes_github_annotations() {
        let source = Source {
            path: "posts/a,b.toml",
            text: TEXT,
        };
        let at = TEXT.find("'cs.LGG'").unwrap();
        let d = source.diagnostic(
            Severity::Error,
            at..at + 8,
            "unknown category `cs.LGG`",
            "a category: 100%",
        );
        assert_eq!(
            d.with_hint("did you mean `cs.LG`?").github_annotation(),
            "::error file=posts/a%2Cb.toml,line=2,col=15,title=hotpapers::unknown category `cs.LGG`; \
             did you mean `cs.LG`?%0Aexpected a category: 100%25"
        );
    }

    #[test]
    fn counts_columns_in_characters() {
        let text = "title = 'Rémi'\nx = 1";
        let source = Source { path: "p.toml", text };
        let at = text.find("x =").unwrap();
        assert_eq!(source.diagnostic(Severity::Error, at..at + 1, "m", "e").line, 2);
        let at = text.find('i').unwrap();
        let d = source.diagnostic(Severity::Error, at..at + 1, "m", "e");
        assert_eq!((d.line, d.column), (1, 2));
        let at = text.rfind('i').unwrap();
        assert_eq!(
            source.diagnostic(Severity::Error, at..at + 1, "m", "e").column,
            13
        );
    }

    #[test]
    fn shows_a_long_line_of_bare_carriage_returns_without_panicking() {
        let text = format!("# {}\r\r\r", "x".repeat(300));
        let source = Source {
            path: "p.toml",
            text: &text,
        };
        let shown = source
            .diagnostic(Severity::Error, text.len() - 1..text.len(), "m\r\u{1b}[2J", "e")
            .to_string();
        assert!(shown.contains("␍"), "{shown}");
        assert!(!shown.contains(['\r', '\u{1b}']), "{shown:?}");
        assert!(shown.starts_with("p.toml:1:305: m\\r\\u{1b}[2J"), "{shown}");
    }

    #[test]
    fn keeps_a_window_of_a_long_line_not_the_line() {
        let text = format!("{}BAD{}", "a".repeat(100_000), "b".repeat(100_000));
        let source = Source {
            path: "p.toml",
            text: &text,
        };
        let at = text.find("BAD").unwrap();
        let d = source.diagnostic(Severity::Error, at..at + 3, "m", "e");
        assert!(d.source_line.len() <= 300, "{}", d.source_line.len());
        assert_eq!(d.column, 100_001);
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[3].find('^'), lines[2].find("BAD"), "{shown}");
    }

    #[test]
    fn cuts_long_lines_around_the_caret() {
        let text = format!("abstract = '{}BAD{}'", "a".repeat(300), "b".repeat(300));
        let source = Source {
            path: "p.toml",
            text: &text,
        };
        let at = text.find("BAD").unwrap();
        let shown = source
            .diagnostic(Severity::Error, at..at + 3, "m", "e")
            .to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(
            lines[2].starts_with("1 | ...") && lines[2].ends_with("..."),
            "{shown}"
        );
        assert_eq!(lines[3].find('^'), lines[2].find("BAD"));
    }
}
