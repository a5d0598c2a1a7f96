//! The HTML policy: what day-file text may put into a reader's page.
//!
//! A post is Markdown with raw HTML on, so a field is read by one of two parsers
//! before the browser sees it, and is checked by that parser's rules:
//!
//! - [`Context::Markdown`] (title, authors, abstract) is inline Markdown text: no
//!   raw HTML at all (nothing CommonMark could read as a tag, comment, processing
//!   instruction, declaration, CDATA section or autolink), no images, links only to
//!   `http`, `https` and `mailto` URLs, and `\n` as the only line ending. Links,
//!   images and fences are found by pulldown-cmark, in the field's place in the post.
//! - [`Context::EmbedText`] (tweet author) sits inside the embed's HTML block, read
//!   directly by the browser's HTML tokenizer: text and character references only.
//! - [`Context::EmbedHtml`] (tweet text) is read by a WHATWG tokenizer (html5gum)
//!   and may hold text, character references, `<br>` and `<a href="http(s)://…">`
//!   … `</a>`, written exactly so, balanced, and with not one tokenizer error, so it
//!   ends in the data state and nothing after it is read differently.
//!
//! Nothing is decided by looking for "dangerous" names: what is not allowed is
//! refused. Text that only looks like HTML (`k<k'`, `$m<n^{1.19}$`,
//! `<human, object, interaction>`) is text to both parsers and passes untouched.

use std::ops::Range;

use html5gum::{DefaultEmitter, Token, Tokenizer};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// Where a field's text lands in the post, and so which parser reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// Inline Markdown text: the title (in the paper's heading), the authors and
    /// the abstract (each a paragraph).
    Markdown(Block),
    /// Plain text inside the embed's HTML: the tweet author.
    EmbedText,
    /// The tweet's body inside the embed's HTML.
    EmbedHtml,
}

/// The Markdown block a field is rendered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    /// `# 1. TITLE`.
    Heading,
    /// A paragraph of its own.
    Paragraph,
    /// A paragraph right after a list (the abstract, after the category links),
    /// where an indented line continues the list's last item.
    AfterList,
}

impl Block {
    /// What the post has before the field, as far as CommonMark's reading of the
    /// field depends on it.
    fn before(self) -> &'static str {
        match self {
            Block::Heading => "# 1. ",
            Block::Paragraph => "",
            Block::AfterList => "- [cs.LG](https://arxiv.org/list/cs.LG/recent)\n\n",
        }
    }
}

/// Why a text breaks the policy, and where: `at` is a byte range of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The offending bytes of the checked text.
    pub(crate) at: Range<usize>,
    /// What was found, for the curator.
    pub(crate) message: String,
}

fn violation(at: Range<usize>, message: impl Into<String>) -> Violation {
    Violation {
        at,
        message: message.into(),
    }
}

/// Checks `text` against the policy of `context`.
pub(crate) fn check(text: &str, context: Context) -> Result<(), Violation> {
    xml_chars(text, 0..text.len(), "")?;
    match context {
        Context::Markdown(block) => {
            line_endings(text)?;
            no_raw_html(text)?;
            // The Markdown post is read without math (the legacy blog's
            // reader, GitHub's), the blog's pages with it (`blog/math.rs`):
            // math and code spans take each other's backticks and dollars, so
            // a field must hold under both readings.
            markdown_links(text, block, Options::empty())?;
            markdown_links(text, block, Options::ENABLE_MATH)
        }
        Context::EmbedText => embed(text, false),
        Context::EmbedHtml => embed(text, true),
    }
}

/// Refuses a character that XML cannot hold (a control character other than
/// tab and line endings, U+FFFE, U+FFFF): every field reaches the RSS and Atom
/// feeds, and one such character makes a strict reader drop the whole feed.
/// `text` is what a parser decoded from the bytes at `at` of the field
/// (`reference` says so, for a character written as `&#1;`), or the field
/// itself.
fn xml_chars(text: &str, at: Range<usize>, reference: &str) -> Result<(), Violation> {
    let Some((i, c)) = text.char_indices().find(|&(_, c)| !is_xml_char(c)) else {
        return Ok(());
    };
    let at = if reference.is_empty() {
        i..i + c.len_utf8()
    } else {
        at
    };
    Err(violation(
        at,
        format!(
            "{reference}the character U+{:04X}, which XML (the blog's feeds) cannot hold",
            u32::from(c)
        ),
    ))
}

/// XML 1.0's `Char`: tab, line feed, carriage return, and U+0020 on but for
/// U+FFFE and U+FFFF (a `char` is never a surrogate).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// Allowed schemes of a Markdown link.
const LINK_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Allowed schemes of a tweet's `<a href>`.
const EMBED_SCHEMES: &[&str] = &["http", "https"];

/// `\n` only: a lone `\r` is a line ending to CommonMark and a browser, and would
/// start a new block (a heading, a list) inside the field.
fn line_endings(text: &str) -> Result<(), Violation> {
    let bytes = text.as_bytes();
    match (0..bytes.len()).find(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
        Some(i) => Err(violation(
            i..i + 1,
            "a carriage return (`\\r`) that is not part of a `\\r\\n` line ending",
        )),
        None => Ok(()),
    }
}

/// Refuses every `<` that CommonMark could read as the start of raw HTML or an
/// autolink. The rule is wider than any one parser's (it does not wait for the
/// closing `>`), so no Markdown renderer finds markup in what it accepts. A
/// `<` after an odd number of backslashes is CommonMark's escape, the text
/// `<`, in every inline context but a code span (where it is shown as it is,
/// backslash and all): `\<think>` is how a field shows the token `<think>`.
fn no_raw_html(text: &str) -> Result<(), Violation> {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices('<') {
        let backslashes = bytes[..at].iter().rev().take_while(|b| **b == b'\\').count();
        if backslashes % 2 == 1 {
            continue;
        }
        let rest = &bytes[at + 1..];
        if let Some(what) = raw_html_start(rest) {
            let end = text[at..]
                .find(|c: char| c.is_whitespace() || c == '>')
                .map_or(text.len(), |i| {
                    at + i + usize::from(text[at + i..].starts_with('>'))
                });
            return Err(violation(
                at..end.max(at + 1),
                format!(
                    "{what}, which Markdown passes to the page as raw HTML; to show it as text, put a backslash before its `<`: `\\{}`",
                    &text[at..end.max(at + 1)]
                ),
            ));
        }
    }
    Ok(())
}

/// What the bytes after a `<` start, if CommonMark could read them as markup.
pub(crate) fn raw_html_start(rest: &[u8]) -> Option<&'static str> {
    let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-';
    match rest {
        [b'!', b'-', b'-', ..] => Some("an HTML comment"),
        [b'!', b'[', b'C', b'D', b'A', b'T', b'A', b'[', ..] => Some("a CDATA section"),
        [b'!', b, ..] if b.is_ascii_alphabetic() => Some("an HTML declaration"),
        [b'?', ..] => Some("an HTML processing instruction"),
        [b'/', b, ..] if b.is_ascii_alphabetic() => Some("an HTML closing tag"),
        [b, ..] if b.is_ascii_alphabetic() => {
            let name = rest.iter().take_while(|b| is_name(b)).count();
            let scheme = rest
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
                .count();
            match (&rest[name..], &rest[scheme..]) {
                (_, [b':', ..]) if (2..=32).contains(&scheme) => Some("an autolink"),
                ([b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' | b'>', ..] | [b'/', b'>', ..], _) => {
                    Some("an HTML tag")
                }
                _ => email_autolink(rest),
            }
        }
        _ => email_autolink(rest),
    }
}

/// `<user@example.com>`: CommonMark's email autolink, read up to its `>`.
fn email_autolink(rest: &[u8]) -> Option<&'static str> {
    let local = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(b))
        .count();
    (local > 0 && rest.get(local) == Some(&b'@')).then_some("an email autolink")
}

/// Images and links as pulldown-cmark finds them with the field in its place,
/// read with `options`.
fn markdown_links(text: &str, block: Block, options: Options) -> Result<(), Violation> {
    // One line, as rendered: the abstract's line breaks become spaces (same length,
    // so offsets stay those of `text`).
    let line = text.replace(['\r', '\n'], " ");
    let prefix = block.before();
    let source = format!("{prefix}{line}");
    let place = |range: Range<usize>| {
        let start = range.start.saturating_sub(prefix.len()).min(text.len());
        start..range.end.saturating_sub(prefix.len()).clamp(start, text.len())
    };
    let mut parser = Parser::new_ext(&source, options).into_offset_iter();
    for (event, range) in parser.by_ref() {
        match &event {
            // What CommonMark decoded (`&#1;` is U+0001 to it).
            Event::Text(decoded) | Event::Code(decoded) => {
                xml_chars(decoded, place(range.clone()), "a character reference to ")?;
            }
            Event::Start(Tag::Link { dest_url, title, .. }) => {
                xml_chars(dest_url, place(range.clone()), "a character reference to ")?;
                xml_chars(title, place(range.clone()), "a character reference to ")?;
            }
            _ => {}
        }
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                return Err(violation(place(range), "raw HTML"));
            }
            Event::Start(Tag::Image { .. }) => {
                return Err(violation(
                    place(range),
                    "a Markdown image, which loads from another site when the post is read",
                ));
            }
            // A URL with whitespace or a control character is read one way here
            // and written percent-encoded into the page: refused, so the scheme
            // checked is the scheme the browser sees.
            Event::Start(Tag::Link { dest_url, .. })
                if dest_url.chars().any(|c| c.is_whitespace() || c.is_control())
                    || !scheme_of(&dest_url).is_some_and(|s| LINK_SCHEMES.contains(&s.as_str())) =>
            {
                return Err(violation(
                    place(range),
                    format!("a Markdown link to `{}`", crate::text::quoted(&dest_url)),
                ));
            }
            // A paper's heading is the post's only `#` heading, and the blog
            // gives each one its paper's anchor: one in the abstract would take
            // the next paper's.
            Event::Start(Tag::Heading { .. }) if block != Block::Heading => {
                return Err(violation(
                    place(range),
                    "a Markdown heading, which would read as another paper's heading",
                ));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                return Err(violation(
                    place(range),
                    "a code fence, which would swallow the rest of the post",
                ));
            }
            _ => {}
        }
    }
    // A definition is used by `[x]` anywhere in the post, in any field.
    let definition = parser
        .reference_definitions()
        .iter()
        .next()
        .map(|(_, d)| d.span.clone());
    match definition {
        Some(span) => Err(violation(
            place(span),
            "a Markdown link reference definition, which turns `[…]` anywhere in the post into a link",
        )),
        None => Ok(()),
    }
}

/// A URL's scheme, lower case, as the URL standard reads it: leading and trailing
/// controls and spaces trimmed, tabs and line breaks removed. `None` for a
/// relative URL.
pub(crate) fn scheme_of(url: &str) -> Option<String> {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Text inside the embed's HTML, read by a WHATWG tokenizer. `links` allows the
/// tweet body's `<a href>`, `</a>` and `<br>`.
fn embed(text: &str, links: bool) -> Result<(), Violation> {
    let only = if links {
        "tweet text may hold only text, `<a href=\"https://…\">…</a>` and `<br>`"
    } else {
        "this text is read as HTML and may hold only text and character references"
    };
    let refuse = |at: Range<usize>, what: &str| violation(at, format!("{what}; {only}"));
    let written = |span: html5gum::Span<usize>| {
        let at = span.start..span.end.max(span.start + 1).min(text.len());
        (
            at.clone(),
            format!("`{}`", crate::text::quoted(text.get(at).unwrap_or("<"))),
        )
    };
    let mut open_link: Option<Range<usize>> = None;
    let tokens = Tokenizer::new_with_emitter(text, DefaultEmitter::<usize>::new_with_span());
    for token in tokens {
        let Ok(token) = token;
        match token {
            // What the browser decoded (`&#x1B;` is U+001B to it).
            Token::String(decoded) => {
                let at = decoded.span.start..decoded.span.end.min(text.len());
                xml_chars(
                    &String::from_utf8_lossy(&decoded.value),
                    at,
                    "a character reference to ",
                )?;
            }
            Token::Error(error) => {
                let what = format!("HTML that a browser reads with the parse error `{}`", error.value);
                return Err(refuse(error.span.start..error.span.end, &what));
            }
            Token::StartTag(tag) if links => {
                let (at, shown) = written(tag.span);
                for value in tag.attributes.values() {
                    xml_chars(
                        &String::from_utf8_lossy(value),
                        at.clone(),
                        "a character reference to ",
                    )?;
                }
                match allowed_start_tag(&text[at.clone()], &tag) {
                    Some(Link::Opens) if open_link.is_some() => {
                        return Err(refuse(at, "a link inside a link"))
                    }
                    Some(Link::Opens) => open_link = Some(at),
                    Some(Link::Break) => {}
                    None => return Err(refuse(at, &shown)),
                }
            }
            Token::EndTag(tag) if links && &text[tag.span.start..tag.span.end] == "</a>" => {
                if open_link.take().is_none() {
                    return Err(refuse(tag.span.start..tag.span.end, "`</a>` closes no link"));
                }
            }
            Token::StartTag(html5gum::StartTag { span, .. })
            | Token::EndTag(html5gum::EndTag { span, .. })
            | Token::Comment(html5gum::Spanned { span, .. })
            | Token::Doctype(html5gum::Doctype { span, .. }) => {
                let (at, shown) = written(span);
                return Err(refuse(at, &shown));
            }
        }
    }
    match open_link {
        Some(at) => Err(refuse(at, "a link that is never closed with `</a>`")),
        None => Ok(()),
    }
}

/// What an allowed start tag of tweet text is.
enum Link {
    /// `<a href="http(s)://…">`.
    Opens,
    /// `<br>`.
    Break,
}

/// A start tag of tweet text, written exactly `<br>` or `<a href="…">` with an
/// http(s) URL and no other attribute; `None` for anything else.
fn allowed_start_tag(written: &str, tag: &html5gum::StartTag<usize>) -> Option<Link> {
    match &**tag.name {
        b"br" if written == "<br>" => Some(Link::Break),
        b"a" => {
            let canonical = written
                .strip_prefix("<a href=\"")
                .and_then(|rest| rest.strip_suffix("\">"))
                .is_some_and(|value| !value.contains('"'));
            let href = tag.attributes.get(b"href".as_slice())?;
            let scheme = std::str::from_utf8(href).ok().and_then(scheme_of)?;
            (canonical && tag.attributes.len() == 1 && EMBED_SCHEMES.contains(&scheme.as_str()))
                .then_some(Link::Opens)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markdown(s: &str) -> Result<(), Violation> {
        check(s, Context::Markdown(Block::Paragraph))
    }

    fn title(s: &str) -> Result<(), Violation> {
        check(s, Context::Markdown(Block::Heading))
    }

    fn tweet(s: &str) -> Result<(), Violation> {
        check(s, Context::EmbedHtml)
    }

    #[test]
    fn refuses_characters_and_references_that_xml_cannot_hold() {
        for (text, at) in [
            ("a &#1; b", 2..6),
            ("a &#x1B; b", 2..8),
            ("&#xFFFE;", 0..8),
            ("&#65535;", 0..8),
            ("a \u{FFFE} b", 2..5),
            ("a \u{FFFF}", 2..5),
            ("[x](https://e.example/&#x1;)", 0..28),
        ] {
            let violation = markdown(text).unwrap_err();
            assert!(
                violation
                    .message
                    .contains("which XML (the blog's feeds) cannot hold"),
                "{text:?}: {violation:?}"
            );
            assert_eq!(violation.at, at, "{text:?}");
            // The tokenizer finds most of these a parse error already.
            assert!(tweet(text).is_err(), "{text:?}");
        }
        assert!(check("x &#x1B;", Context::EmbedText).is_err());
        assert!(tweet("<a href=\"https://e.example/&#x1;\">x</a>").is_err());
        // Tabs, line breaks and every other character are XML's.
        for ok in [
            "a\tb",
            "a\nb",
            "&#9; &#10; &#xE000; &#x10FFFF; é 😀",
            "\u{80}\u{9F}",
        ] {
            assert_eq!(markdown(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn text_that_only_looks_like_html_passes() {
        for ok in [
            "for some k<k', the decomposition only needs O(k) space",
            "<human, object, interaction>",
            "$m<n^{1.19}$",
            "$f<n/2$",
            r"$\omega<2.37$",
            "a < b > c",
            "<2.37",
            "a <- b",
            "data: we collected it",
            "the javascript: language",
            "[link](https://example.com) and << 2 >>",
            "mail [us](mailto:a@example.com)",
            "line one\nline two\r\nline three",
            "&lt;script&gt; is text, and so is &amp; and &#106;",
            // CommonMark's escape: the text `<think>`, in a field and a code span.
            r"models that emit \<think> and \<EOS> tokens",
            r"\\\<b> shows a backslash and a tag as text",
            r"`\<mask>` in code",
        ] {
            assert_eq!(markdown(ok), Ok(()), "{ok}");
            assert_eq!(title(&ok.replace(['\r', '\n'], " ")), Ok(()), "{ok}");
        }
        assert_eq!(markdown("ends in <b"), Ok(()), "no tag without its `>`");
    }

    #[test]
    fn markdown_fields_refuse_raw_html() {
        for (bad, at) in [
            ("<b title=\"<img src=x onerror=alert(1)>", 0),
            ("<b! title=\"<img src=x onerror=alert(1)>", 11),
            ("<b title=\"a\"x=\"y\">", 0),
            ("<!--<b title=\"--><img src=x onerror=alert(1)>\">", 0),
            ("x <x:y autofocus onfocus=alert(1)>new</x:y>", 37),
            ("<xmp><b title=\"</xmp><img src=x onerror=alert(1)>\">", 0),
            ("<a href=\"&#0000000106;avascript:alert(1)\">A paper</a>", 0),
            ("abstract <plaintext>", 9),
            ("new paper <!--", 10),
            ("<i>italic</i>", 0),
            ("end </p>", 4),
            ("<?php x ?>", 0),
            ("<!DOCTYPE html>", 0),
            ("<![CDATA[x]]>", 0),
            ("<javascript:alert(1)>", 0),
            ("<https://arxiv.org>", 0),
            ("<me@example.com>", 0),
            ("<br/>", 0),
            ("<b\tstyle=x>", 0),
            ("x<y and y>z", 1),
            // Two backslashes are one, shown: the tag is a tag.
            (r"\\<b>", 2),
            (r"a \\\\<b>", 6),
        ] {
            let error = markdown(bad).expect_err(bad);
            assert_eq!(error.at.start, at, "{bad}: {error:?}");
        }
    }

    #[test]
    fn the_error_for_a_tag_says_how_to_write_it_as_text() {
        let error = markdown("We train the <think> token").unwrap_err();
        assert_eq!(
            error.message,
            "an HTML tag, which Markdown passes to the page as raw HTML; to show it as text, put a backslash before its `<`: `\\<think>`"
        );
    }

    #[test]
    fn a_link_that_only_math_reading_uncovers_is_refused() {
        // Without math, the backticks make a code span and there is no link;
        // the blog's pages read `$x `$` as math, and the link is live there.
        let hidden = "$x `$ [click](javascript:alert(1)) `";
        assert!(pulldown_cmark::Parser::new(hidden).all(|e| !matches!(e, Event::Start(Tag::Link { .. }))));
        assert!(pulldown_cmark::Parser::new_ext(hidden, Options::ENABLE_MATH)
            .any(|e| matches!(e, Event::Start(Tag::Link { .. }))));
        assert!(markdown(hidden).is_err(), "{hidden}");
        assert!(title(hidden).is_err(), "{hidden}");
        // And the other way round: math that hides what the plain reading finds.
        assert!(markdown("`$` [click](javascript:alert(1)) $`").is_err());
        // Real TeX passes both readings.
        assert_eq!(markdown(r"$\epsilon > 10^{-36}$, $m<n^{1.19}$ and `$x$`"), Ok(()));
    }

    #[test]
    fn markdown_links_go_only_to_the_web_and_images_are_refused() {
        for bad in [
            "[click](javascript:alert(1))",
            "[click](<javascript:alert(1)>)",
            "[click](&#106;avascript:alert(1))",
            "[click](vbscript:x)",
            "[click](data:text/html,x)",
            "[click](/relative)",
            "[](h&Tab;ttps://found-by-the-fuzzer)",
            "[x](<https://a b>)",
            "[x]: javascript:alert(1)",
            "[x]: https://example.com",
            "![](https://tracker.example/p.gif)",
            "![alt](x.png)",
        ] {
            assert!(markdown(bad).is_err(), "{bad}");
        }
        assert!(markdown("```js\ncode").is_err(), "a fence swallows the post");
        for heading in ["# ", "# Results", "  ## x", "###### deep"] {
            assert!(markdown(heading).is_err(), "{heading:?} is a heading");
            assert!(
                check(heading, Context::Markdown(Block::AfterList)).is_err(),
                "{heading:?}"
            );
        }
        for not_heading in ["#P-hard", "a # b", "\\# escaped", "C# and F#"] {
            assert!(markdown(not_heading).is_ok(), "{not_heading:?} is text");
        }
        assert!(title("# 1 in a title").is_ok(), "a title is the heading's text");
        let abstract_ = |s| check(s, Context::Markdown(Block::AfterList));
        assert!(
            abstract_("    ```<").is_err(),
            "a fence inside the list item above"
        );
        assert_eq!(abstract_("    indented"), Ok(()));
        assert_eq!(markdown("[ok](https://arxiv.org/abs/2010.00001)"), Ok(()));
    }

    #[test]
    fn a_lone_carriage_return_is_refused() {
        let error = markdown("one\r# two\r- three").unwrap_err();
        assert_eq!(error.at, 3..4);
        assert_eq!(markdown("one\r\ntwo"), Ok(()));
    }

    #[test]
    fn tweets_allow_canonical_links_and_breaks_only() {
        for ok in [
            "new paper <a href=\"https://t.co/x\">https://t.co/x</a><br><br>w/ &amp; conf&#39;s",
            "&lt;script&gt; is shown as text",
            "a > b and \"quotes\" and 'single'",
            "<a href=\"https://twitter.com/x?ref_src=twsrc%5Etfw\">@x</a>",
            "",
        ] {
            assert_eq!(tweet(ok), Ok(()), "{ok}");
        }
        for bad in [
            "<b>bold</b>",
            "<a href=\"ftp://x\">x</a>",
            "<a href=\"https://x\" onclick=\"x\">x</a>",
            "<a>x</a>",
            "<br onload=x>",
            "<a href=\"https://t.co/x",
            "new paper <!--",
            "<!--<b title=\"--><img src=x onerror=alert(1)>\">",
            "<x:y autofocus tabindex=1 onfocus=alert(document.domain)>new paper</x:y>",
            "<a href=\"&#0000000106;avascript:alert(1)\">x</a>",
            "<a href=\" javascript:alert(1)\">x</a>",
            "<A HREF=\"https://x\">x</a>",
            "<a href=https://x>x</a>",
            "<a href=\"https://x\">x",
            "x</a>",
            "<a href=\"https://x\"><a href=\"https://y\">y</a></a>",
            "<a href=\"https://x\"/>",
            "<br/>",
            "</br>",
            "&#0;",
            "&#x110000;",
            "a <",
            "<plaintext>",
            "<xmp>",
        ] {
            assert!(tweet(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn embed_text_is_text_only() {
        assert_eq!(check("Ada &amp; Alan \"A\" 'B'", Context::EmbedText), Ok(()));
        for bad in ["<b>x</b>", "a<b", "x <!--", "<a href=\"https://x\">x</a>", "&#0;"] {
            assert!(check(bad, Context::EmbedText).is_err(), "{bad}");
        }
        assert_eq!(
            check("\" onmouseover=\"alert(1)\" x=\"", Context::EmbedText),
            Ok(()),
            "a quote in text is text"
        );
    }

    #[test]
    fn reads_schemes_as_the_url_standard_does() {
        assert_eq!(
            scheme_of(" \u{1}JaVa\tScRiPt:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(scheme_of("https://x").as_deref(), Some("https"));
        assert_eq!(scheme_of("/relative:x"), None);
        assert_eq!(scheme_of("no-colon"), None);
    }
}
