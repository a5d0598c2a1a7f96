//! The rules a value must follow, beyond its TOML type.
//!
//! Each check returns a [`Problem`] that says what was found and what was
//! expected; [`crate::day::parse`] places it at the value's line and column.

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
