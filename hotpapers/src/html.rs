//! Keeps day-file text from running or loading anything in a reader's browser.
//!
//! The blog renders Markdown with raw HTML enabled, so every text field is checked
//! the way a browser and a CommonMark parser would read it: tags as the HTML
//! tokenizer splits them, attribute values and link destinations after entity
//! decoding, schemes with whitespace and control characters removed. Text that
//! only looks like HTML (`$\omega<2.37$`, `<human, object, interaction>`) passes.

/// Which HTML a field may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Allowed {
    /// Any harmless markup: no element that runs or loads, no handler, no script URL.
    Text,
    /// Tweet embed HTML: only `<a href="http(s)://...">`, `</a>` and `<br>`.
    TweetHtml,
}

/// Elements that run code or load something when the post is shown.
const FORBIDDEN: &[&str] = &[
    "applet", "audio", "base", "button", "embed", "form", "frame", "frameset", "iframe", "image", "img",
    "input", "link", "meta", "object", "picture", "portal", "script", "source", "style", "track", "video",
];

/// URL schemes that run code or carry inline content.
const SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:"];

/// Why a text is unsafe, as a message for the curator.
pub(crate) fn check(text: &str, allowed: Allowed) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(offset) = text[at..].find('<') {
        let start = at + offset;
        at = start + 1;
        let Some(tag) = Tag::parse(&text[start..]) else {
            continue;
        };
        at = start + tag.len;
        if tag.name.contains(':') {
            // A CommonMark autolink such as `<javascript:alert(1)>`.
            check_url(&tag.name, "an autolink")?;
            continue;
        }
        let name = tag.name.to_ascii_lowercase();
        if allowed == Allowed::TweetHtml {
            check_tweet_tag(&name, tag.closing, &tag.attributes)?;
            continue;
        }
        if FORBIDDEN.contains(&name.as_str()) {
            return Err(format!(
                "`<{}>` can run or load content in a reader's browser",
                tag.name
            ));
        }
        for (attribute, value) in &tag.attributes {
            check_attribute(attribute, value)?;
        }
    }
    check_markdown_links(bytes, text)
}

fn check_tweet_tag(name: &str, closing: bool, attributes: &[(String, String)]) -> Result<(), String> {
    let only = "tweet text may hold only `<a href=\"http(s)://...\">` and `<br>` tags";
    match (name, closing) {
        ("br", false) if attributes.is_empty() => Ok(()),
        ("a", true) => Ok(()),
        ("a", false) => {
            let mut href = false;
            for (attribute, value) in attributes {
                if !attribute.eq_ignore_ascii_case("href") {
                    return Err(format!("{only}, found attribute `{attribute}` on `<a>`"));
                }
                let url = normalise_url(value);
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(format!("{only}; `href` must be an http(s) URL"));
                }
                href = true;
            }
            if href {
                Ok(())
            } else {
                Err(format!("{only}; `<a>` needs an `href`"))
            }
        }
        _ => Err(format!(
            "{only}, found `<{}{name}>`",
            if closing { "/" } else { "" }
        )),
    }
}

fn check_attribute(attribute: &str, value: &str) -> Result<(), String> {
    let lower = attribute.to_ascii_lowercase();
    if lower.len() > 2 && lower.starts_with("on") {
        return Err(format!(
            "event handler attribute `{attribute}=` runs code in a reader's browser"
        ));
    }
    check_url(value, &format!("attribute `{attribute}`"))
}

fn check_url(value: &str, place: &str) -> Result<(), String> {
    let url = normalise_url(value);
    match SCHEMES.iter().find(|scheme| url.starts_with(*scheme)) {
        Some(scheme) => Err(format!(
            "`{scheme}` URL in {place} can run code in a reader's browser"
        )),
        None => Ok(()),
    }
}

/// Markdown links and reference definitions: `[x](dest)` and `[x]: dest`.
fn check_markdown_links(bytes: &[u8], text: &str) -> Result<(), String> {
    for (i, pair) in bytes.windows(2).enumerate() {
        if pair == b"](" || pair == b"]:" {
            let rest = &text[i + 2..];
            let destination: String = rest
                .trim_start()
                .trim_start_matches('<')
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != ')' && *c != '>')
                .collect();
            check_url(&destination, "a Markdown link")?;
        }
    }
    Ok(())
}

/// A URL as a browser sees its scheme: entities and backslash escapes decoded,
/// whitespace and control characters dropped, lower case.
fn normalise_url(value: &str) -> String {
    decode_entities(value)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\\')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Decodes numeric character references and the named ones that can spell a
/// scheme; browsers accept both with or without the final `;`.
fn decode_entities(text: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("colon", ':'),
        ("tab", '\t'),
        ("newline", '\n'),
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("lpar", '('),
        ("rpar", ')'),
        ("sol", '/'),
        ("period", '.'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let (decoded, used) = if let Some(number) = rest.strip_prefix('#') {
            let (digits, radix, skip) = match number.strip_prefix(['x', 'X']) {
                Some(hex) => (hex, 16, 2),
                None => (number, 10, 1),
            };
            let len = digits
                .bytes()
                .take_while(|b| (*b as char).is_digit(radix))
                .count();
            let value = u32::from_str_radix(&digits[..len.min(8)], radix).ok();
            match value.and_then(char::from_u32) {
                Some(c) if len > 0 => (Some(c), skip + len),
                _ => (None, 0),
            }
        } else {
            let len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
            let name = rest[..len].to_ascii_lowercase();
            match NAMED.iter().find(|(n, _)| *n == name) {
                Some(&(_, c)) => (Some(c), len),
                None => (None, 0),
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[used..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// A start or end tag as the HTML tokenizer reads it.
struct Tag {
    name: String,
    closing: bool,
    attributes: Vec<(String, String)>,
    /// Bytes from `<` to after `>` (or the end of the text).
    len: usize,
}

impl Tag {
    /// Reads a tag at the start of `text` (which starts with `<`); `None` where the
    /// tokenizer would see text, as in `<2.37` or `< b`.
    fn parse(text: &str) -> Option<Tag> {
        let mut chars = text.char_indices().skip(1).peekable();
        let closing = chars.next_if(|&(_, c)| c == '/').is_some();
        if !chars.peek().is_some_and(|&(_, c)| c.is_ascii_alphabetic()) {
            return None;
        }
        let mut name = String::new();
        while let Some((_, c)) = chars.next_if(|&(_, c)| !is_space(c) && c != '/' && c != '>') {
            name.push(c);
        }
        let mut attributes = Vec::new();
        loop {
            while chars.next_if(|&(_, c)| is_space(c) || c == '/').is_some() {}
            let Some(&(at, c)) = chars.peek() else {
                return Some(Tag {
                    name,
                    closing,
                    attributes,
                    len: text.len(),
                });
            };
            if c == '>' {
                return Some(Tag {
                    name,
                    closing,
                    attributes,
                    len: at + 1,
                });
            }
            let mut attribute = String::new();
            while let Some((_, c)) = chars
                .next_if(|&(_, c)| !is_space(c) && c != '/' && c != '>' && (c != '=' || attribute.is_empty()))
            {
                attribute.push(c);
            }
            while chars.next_if(|&(_, c)| is_space(c)).is_some() {}
            let mut value = String::new();
            if chars.next_if(|&(_, c)| c == '=').is_some() {
                while chars.next_if(|&(_, c)| is_space(c)).is_some() {}
                match chars.next_if(|&(_, c)| c == '"' || c == '\'') {
                    Some((_, quote)) => {
                        for (_, c) in chars.by_ref() {
                            if c == quote {
                                break;
                            }
                            value.push(c);
                        }
                    }
                    None => {
                        while let Some((_, c)) = chars.next_if(|&(_, c)| !is_space(c) && c != '>') {
                            value.push(c);
                        }
                    }
                }
            }
            attributes.push((attribute, value));
        }
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Result<(), String> {
        check(s, Allowed::Text)
    }

    fn tweet(s: &str) -> Result<(), String> {
        check(s, Allowed::TweetHtml)
    }

    #[test]
    fn keeps_ordinary_angle_brackets() {
        for ok in [
            r"$\omega<2.37$",
            "<human, object, interaction>",
            "a < b > c",
            "x<y",
            "<i>italic</i> and <sub>2</sub>",
            "data: we collected it",
            "the javascript: language",
            "[link](https://example.com) and [ref]: https://arxiv.org",
        ] {
            assert_eq!(text(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_code_in_text() {
        for bad in [
            "<script>alert(1)</script>",
            "<ScRiPt>alert(1)</ScRiPt>",
            "<iframe src=x>",
            "<object data=x>",
            "<embed src=x>",
            "<style>body{}</style>",
            "<link rel=stylesheet href=x>",
            "<meta http-equiv=refresh>",
            "<img src=x onerror=alert(1)>",
            "<svg onload=alert(1)>",
            "<math><mi xlink:href=\"javascript:alert(1)\">",
            "<b onmouseover='x'>hi</b>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
            "<a href=\"java&#x09;script:alert(1)\">x</a>",
            "<a href=\"java&Tab;script&colon;alert(1)\">x</a>",
            "<a href=' JaVaScRiPt:alert(1)'>x</a>",
            "<a href=\"vbscript:msgbox\">x</a>",
            "<a href=\"data:text/html;base64,xx\">x</a>",
            "[click](javascript:alert(1))",
            "[click](<javascript:alert(1)>)",
            "[click](&#106;avascript:alert(1))",
            "[ref]: javascript:alert(1)",
            "<javascript:alert(1)>",
        ] {
            assert!(text(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tweets_allow_links_and_breaks_only() {
        assert_eq!(
            tweet("new paper <a href=\"https://t.co/x\">https://t.co/x</a><br><br>w/ &amp; &#39;"),
            Ok(())
        );
        assert!(tweet("<b>bold</b>").is_err());
        assert!(tweet("<a href=\"ftp://x\">x</a>").is_err());
        assert!(tweet("<a href=\"https://x\" onclick=\"x\">x</a>").is_err());
        assert!(tweet("<a>x</a>").is_err());
        assert!(tweet("<br onload=x>").is_err());
        assert_eq!(tweet("&lt;script&gt; is shown as text"), Ok(()));
    }

    #[test]
    fn decodes_entities_like_a_browser() {
        assert_eq!(
            decode_entities("&#106;&#x61;&colon;&amp&unknown;"),
            "ja:&&unknown;"
        );
    }
}
