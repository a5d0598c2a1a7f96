//! arXiv's plain text as Markdown that renders as the same text.
//!
//! arXiv answers titles and abstracts as plain text with TeX in `$…$`; a
//! day-file's fields are Markdown. Written as they come, `<think>` would be
//! raw HTML (which the policy refuses, so the paper was left out), `a*b*c`
//! emphasis and `[1](x)` a link. Each character CommonMark could read as
//! markup outside TeX gets CommonMark's own escape (a backslash), and only
//! where it could: text that is already plain, the legacy days among it,
//! stays byte for byte. TeX spans are left to the math renderer as they are.

use super::html::raw_html_start;

/// `text` (plain, one paragraph) as inline Markdown whose rendered text is
/// `text`, with `$…$` and `$$…$$` TeX kept as written.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    let mut at_start = true;
    while !rest.is_empty() {
        let (plain, tex, after) = split_tex(rest);
        escape_plain(plain, at_start, &mut out);
        out.push_str(tex);
        at_start = false;
        rest = after;
    }
    out
}

/// The plain text before the first TeX span, the span (with its dollars),
/// and what follows; a `$` without its closing one is plain text.
fn split_tex(text: &str) -> (&str, &str, &str) {
    let mut from = 0;
    while let Some(i) = unescaped(text, from, "$") {
        let fence = if text[i + 1..].starts_with('$') { "$$" } else { "$" };
        let body = i + fence.len();
        // Not empty TeX: `$$` opens display math, it does not close `$`.
        if let Some(end) = unescaped(text, body, fence).filter(|&end| end > body) {
            let end = end + fence.len();
            return (&text[..i], &text[i..end], &text[end..]);
        }
        from = i + 1;
    }
    (text, "", "")
}

/// Where `pattern` first occurs in `text` from byte `from` on, not escaped by
/// a backslash. Bytes, not characters: what a backslash escapes may be a
/// character of several bytes, and `pattern` is ASCII, so a match is always
/// on a character boundary.
fn unescaped(text: &str, from: usize, pattern: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
        } else if bytes[i..].starts_with(pattern.as_bytes()) {
            return Some(i);
        } else {
            i += 1;
        }
    }
    None
}

/// Escapes what CommonMark would read as markup in `text`: `at_start`, the
/// field's first characters, where a line could start a block.
fn escape_plain(text: &str, at_start: bool, out: &mut String) {
    let bytes = text.as_bytes();
    let block = if at_start { block_marker(bytes) } else { None };
    for (i, c) in text.char_indices() {
        let escape = match c {
            // Emphasis, code spans, links and images; `_` within a word never
            // opens or closes emphasis, so `snake_case` stays.
            '*' | '`' | '[' | ']' => true,
            '_' => !(i > 0 && word(bytes[i - 1]) && bytes.get(i + 1).copied().is_some_and(word)),
            // A backslash before punctuation would escape it instead of showing.
            '\\' => bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation),
            // A tag, comment, autolink and the like; `k<k'` stays as it is.
            '<' => raw_html_start(&bytes[i + 1..]).is_some(),
            // A character reference such as `&amp;` would show as `&`.
            '&' => entity_like(&bytes[i + 1..]),
            _ => block == Some(i),
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Where a backslash keeps the start of a field from starting a block: a
/// heading (`# `), a quote (`>`), a list item (`- `, `+ `, `1. `, `1) `), a
/// thematic break (`---`) or a fence (`~~~`).
fn block_marker(bytes: &[u8]) -> Option<usize> {
    let indent = bytes.iter().take_while(|b| **b == b' ').count();
    let rest = &bytes[indent..];
    let ends = |at: usize| matches!(rest.get(at), None | Some(b' ' | b'\t'));
    let hashes = rest.iter().take_while(|b| **b == b'#').count();
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let found = match rest.first()? {
        b'#' if hashes <= 6 && ends(hashes) => true,
        b'>' => true,
        b'-' => ends(1) || rest.get(1) == Some(&b'-'),
        b'+' => ends(1),
        b'~' => rest.starts_with(b"~~~"),
        b'0'..=b'9' if digits <= 9 => {
            return (matches!(rest.get(digits), Some(b'.' | b')')) && ends(digits + 1))
                .then_some(indent + digits)
        }
        _ => false,
    };
    found.then_some(indent)
}

/// `name;`, `#123;` or `#x1F;` after a `&`.
fn entity_like(rest: &[u8]) -> bool {
    let body = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'#')
        .count();
    body > 0 && rest.get(body) == Some(&b';')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::html::{check, Block, Context};
    use proptest::prelude::*;

    /// The text a reader sees of inline Markdown, as the blog renders it.
    fn rendered(markdown: &str) -> String {
        let html = {
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
            html
        };
        let mut text = String::new();
        for token in html5gum::Tokenizer::new(html.as_str()).flatten() {
            if let html5gum::Token::String(s) = token {
                text.push_str(&String::from_utf8_lossy(&s));
            }
        }
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn tags_emphasis_and_links_become_text_and_tex_is_kept() {
        assert_eq!(
            markdown_text("We train <think> tokens with *care* and [1](x) in $k<k'$ and $a*b*c$."),
            r"We train \<think> tokens with \*care\* and \[1\](x) in $k<k'$ and $a*b*c$."
        );
        assert_eq!(markdown_text("# 1. Not a heading"), r"\# 1. Not a heading");
        assert_eq!(markdown_text("3. Not a list"), r"3\. Not a list");
        assert_eq!(markdown_text("- not a list"), r"\- not a list");
        assert_eq!(markdown_text("AT&amp;T and &"), r"AT\&amp;T and &");
        assert_eq!(markdown_text(r"a \& b, a \alpha"), r"a \\& b, a \alpha");
        // Plain text, such as every legacy abstract, is left as it is.
        let plain = "For some $\\epsilon > 10^{-36}$ we give a $3/2-\\epsilon$ approximation, k<k' - 2.";
        assert_eq!(markdown_text(plain), plain);
    }

    #[test]
    fn a_backslash_before_a_character_of_several_bytes_is_read_without_a_panic() {
        assert_eq!(markdown_text(r"$\é$ and \é*"), r"$\é$ and \é\*");
        assert_eq!(markdown_text(r"a $x\€"), r"a $x\€");
    }

    #[test]
    fn escaped_text_passes_the_policy_and_renders_as_written() {
        for text in [
            "<think> then </think>",
            "<EOS> <mask> <https://x.org> <a@b.c> <!-- x --> <?php",
            "![img](http://x) [a](javascript:alert(1))",
            "`code` **bold** __b__ ~~s~~",
        ] {
            let markdown = markdown_text(text);
            for block in [Block::Heading, Block::Paragraph, Block::AfterList] {
                assert_eq!(check(&markdown, Context::Markdown(block)), Ok(()), "{markdown}");
            }
            assert_eq!(rendered(&markdown), text, "{markdown}");
        }
    }

    proptest! {
        #[test]
        fn any_plain_text_without_dollars_renders_as_itself(
            text in "[ -#%-~]{0,80}"
        ) {
            let markdown = markdown_text(&text);
            let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(rendered(&markdown), expected, "{}", markdown);
            prop_assert_eq!(check(&markdown, Context::Markdown(Block::Paragraph)), Ok(()));
        }
    }
}
