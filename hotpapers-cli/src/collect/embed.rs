//! A Bluesky post from the HTML of Bluesky's oEmbed answer, read with a WHATWG
//! tokenizer (html5gum), not by splitting strings.
//!
//! The HTML is one template (`social-app`, `bskyweb/cmd/embedr/snippet.go`):
//!
//! ```text
//! <blockquote class="bluesky-embed" data-bluesky-uri="AT-URI" data-bluesky-cid="CID">
//! <p lang="LANG">TEXT</p>&mdash; <a href="https://bsky.app/profile/DID?ref_src=embed">NAME (@HANDLE)</a>
//! <a href="https://bsky.app/profile/DID/post/RKEY?ref_src=embed">RFC 3339 TIME</a></blockquote>
//! <script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>
//! ```
//!
//! (on one line), where `lang` is there only when the post has a language,
//! the author is `@HANDLE` without a display name, TEXT is the post's plain text
//! escaped by Go's `html/template` with its line breaks as they are, and the
//! links name the author by DID. The day-file keeps the post's URL by handle,
//! as the app shows it (`https://bsky.app/profile/HANDLE/post/RKEY`), and its
//! text and name as embed HTML: escaped again, line breaks as `<br>`.

use std::borrow::Cow;

use html5gum::{Token, Tokenizer};
use time::OffsetDateTime;

use hotpapers::BlueskyPost;

/// What the tokenizer read, with adjacent text joined.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Start(String, Vec<(String, String)>),
    End(String),
    Text(String),
}

fn pieces(html: &str) -> Result<Vec<Piece>, String> {
    let mut out: Vec<Piece> = Vec::new();
    for token in Tokenizer::new(html) {
        let Ok(token) = token;
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        match token {
            Token::StartTag(tag) => {
                let attributes = tag.attributes.iter().map(|(k, v)| (text(k), text(v))).collect();
                out.push(Piece::Start(text(&tag.name), attributes));
            }
            Token::EndTag(tag) => out.push(Piece::End(text(&tag.name))),
            Token::String(s) => match out.last_mut() {
                Some(Piece::Text(before)) => before.push_str(&text(&s)),
                _ => out.push(Piece::Text(text(&s))),
            },
            Token::Error(error) => {
                return Err(format!("the embed HTML has the parse error `{}`", error.value))
            }
            Token::Comment(_) | Token::Doctype(_) => {
                return Err("the embed HTML holds a comment or doctype".to_owned());
            }
        }
    }
    Ok(out)
}

/// Reads the pieces in the template's order.
struct Reader {
    pieces: std::vec::IntoIter<Piece>,
}

impl Reader {
    fn next(&mut self, what: &str) -> Result<Piece, String> {
        self.pieces
            .next()
            .ok_or_else(|| format!("the embed HTML ends before {what}"))
    }

    /// A start tag named `name`, with its attributes.
    fn start(&mut self, name: &str) -> Result<Vec<(String, String)>, String> {
        match self.next(&format!("`<{name}>`"))? {
            Piece::Start(found, attributes) if found == name => Ok(attributes),
            other => Err(format!("expected `<{name}>`, found {}", shown(&other))),
        }
    }

    fn end(&mut self, name: &str) -> Result<(), String> {
        match self.next(&format!("`</{name}>`"))? {
            Piece::End(found) if found == name => Ok(()),
            other => Err(format!("expected `</{name}>`, found {}", shown(&other))),
        }
    }

    /// Text up to the end tag `name` (none is empty text), and that end tag.
    fn text_until(&mut self, name: &str) -> Result<String, String> {
        match self.next(&format!("`</{name}>`"))? {
            Piece::Text(text) => self.end(name).map(|()| text),
            Piece::End(found) if found == name => Ok(String::new()),
            other => Err(format!("expected text in `<{name}>`, found {}", shown(&other))),
        }
    }

    fn text(&mut self, what: &str) -> Result<String, String> {
        match self.next(what)? {
            Piece::Text(text) => Ok(text),
            other => Err(format!("expected {what}, found {}", shown(&other))),
        }
    }
}

fn shown(piece: &Piece) -> String {
    match piece {
        Piece::Start(name, _) => format!("`<{name}>`"),
        Piece::End(name) => format!("`</{name}>`"),
        Piece::Text(text) => format!("the text `{}`", hotpapers::quoted(text)),
    }
}

fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Text as embed HTML: `&`, `<` and `>` escaped, line breaks as `<br>`.
fn as_embed_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// The post in Bluesky's oEmbed `html`, as the day-file holds it; why not,
/// when the HTML is not the template's.
pub fn bluesky_post(html: &str) -> Result<BlueskyPost<'static>, String> {
    let mut read = Reader {
        pieces: pieces(html)?.into_iter(),
    };
    let quote = read.start("blockquote")?;
    if attribute(&quote, "class") != Some("bluesky-embed") {
        return Err("the blockquote is not of class `bluesky-embed`".to_owned());
    }
    let uri = attribute(&quote, "data-bluesky-uri").ok_or("no `data-bluesky-uri`")?;
    let cid = attribute(&quote, "data-bluesky-cid").ok_or("no `data-bluesky-cid`")?;
    let rkey = uri.rsplit('/').next().unwrap_or_default();
    if !hotpapers::bluesky_uri_ok(uri, rkey) || !hotpapers::bluesky_cid_ok(cid) {
        return Err(format!(
            "`{}` and `{}` are not a post's AT URI and content id",
            hotpapers::quoted(uri),
            hotpapers::quoted(cid)
        ));
    }
    let paragraph = read.start("p")?;
    let lang = attribute(&paragraph, "lang").unwrap_or("und").to_owned();
    let text = read.text_until("p")?;
    let dash = read.text("the author after `&mdash;`")?;
    if dash.trim() != "\u{2014}" {
        return Err(format!(
            "expected `&mdash;`, found `{}`",
            hotpapers::quoted(&dash)
        ));
    }
    read.start("a")?;
    let byline = read.text_until("a")?;
    read.text("a space before the post's link")?;
    let link = read.start("a")?;
    let when = read.text_until("a")?;
    read.end("blockquote")?;

    // The link names the same post as the URI, by DID or by handle.
    let href = attribute(&link, "href").unwrap_or_default();
    let post_path = href
        .strip_prefix("https://bsky.app/profile/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|path| path.split_once("/post/"));
    if post_path.is_none_or(|(_, key)| key != rkey) {
        return Err(format!(
            "the post's link `{}` is not the post `{}`",
            hotpapers::quoted(href),
            hotpapers::quoted(uri)
        ));
    }
    // `NAME (@HANDLE)`, or `@HANDLE` for an author without a display name.
    let (name, handle) = match byline.strip_suffix(')').and_then(|b| b.rsplit_once(" (@")) {
        Some((name, handle)) => (name.to_owned(), handle.to_owned()),
        None => {
            let handle = byline
                .strip_prefix('@')
                .ok_or_else(|| format!("the author `{}` names no `@handle`", hotpapers::quoted(&byline)))?;
            (handle.to_owned(), handle.to_owned())
        }
    };
    let url = format!(
        "https://bsky.app/profile/{}/post/{rkey}",
        handle.to_ascii_lowercase()
    );
    if hotpapers::bluesky_post_parts(&url).is_none() {
        return Err(format!(
            "`{}` is not a Bluesky handle",
            hotpapers::quoted(&handle)
        ));
    }
    let date = OffsetDateTime::parse(when.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|_| format!("`{}` is not an RFC 3339 time", hotpapers::quoted(&when)))?
        .to_offset(time::UtcOffset::UTC)
        .date();
    Ok(BlueskyPost {
        url: Cow::Owned(url),
        uri: Cow::Owned(uri.to_owned()),
        cid: Cow::Owned(cid.to_owned()),
        author: Cow::Owned(as_embed_html(&name)),
        date,
        lang: Cow::Owned(lang),
        text: Cow::Owned(as_embed_html(text.trim())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bluesky's template filled as `html/template` fills it.
    fn embed(lang: &str, text: &str, byline: &str) -> String {
        format!(
            "<blockquote class=\"bluesky-embed\" data-bluesky-uri=\"at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbxyz2abcd2k\" \
             data-bluesky-cid=\"bafyreia7ouzqgkyb7mqypyocljhtxrkq6ryjw6glkgaeph3ghjfzg6wz4a\"><p{lang}>{text}</p>&mdash; \
             <a href=\"https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx?ref_src=embed\">{byline}</a> \
             <a href=\"https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3lbxyz2abcd2k?ref_src=embed\">2026-11-27T23:30:00.000-05:00</a>\
             </blockquote><script async src=\"https://embed.bsky.app/static/embed.js\" charset=\"utf-8\"></script>"
        )
    }

    #[test]
    fn reads_the_template_as_bluesky_fills_it() {
        let html = embed(
            " lang=\"en\"",
            "Out now &lt;3: $k&lt;k&#39;$ &amp; more\nsee arxiv.org/abs/2411.10001",
            "Ada &lt;b&gt; Lovelace (@ada.bsky.social)",
        );
        let post = bluesky_post(&html).unwrap();
        assert_eq!(
            post.url,
            "https://bsky.app/profile/ada.bsky.social/post/3lbxyz2abcd2k"
        );
        assert_eq!(post.author, "Ada &lt;b&gt; Lovelace");
        assert_eq!(
            post.text,
            "Out now &lt;3: $k&lt;k'$ &amp; more<br>see arxiv.org/abs/2411.10001"
        );
        assert_eq!(post.lang, "en");
        // 23:30 at UTC-5 is the next day in UTC.
        assert_eq!(post.date, time::macros::date!(2026 - 11 - 28));
    }

    #[test]
    fn a_post_without_a_language_or_a_display_name_reads_too() {
        let post = bluesky_post(&embed("", "hello", "@eve.bsky.social")).unwrap();
        assert_eq!(post.lang, "und");
        assert_eq!(post.author, "eve.bsky.social");
        assert_eq!(
            post.url,
            "https://bsky.app/profile/eve.bsky.social/post/3lbxyz2abcd2k"
        );
    }

    #[test]
    fn anything_but_the_template_is_refused_with_why() {
        for (html, why) in [
            ("<p>not an embed</p>", "expected `<blockquote>`"),
            (&*embed("", "x", "Ada"), "names no `@handle`"),
            (&*embed("", "x<b>bold</b>", "@a.bsky.social"), "expected `</p>`"),
            (
                &*embed("", "x", "@a.bsky.social").replace("2026-11-27T23:30:00.000-05:00", "November 27"),
                "not an RFC 3339 time",
            ),
            (
                &*embed("", "x", "@a.bsky.social").replace("/post/3lbxyz2abcd2k?", "/post/other?"),
                "is not the post",
            ),
            (&*embed("", "x", "@Not A Handle"), "is not a Bluesky handle"),
        ] {
            let error = bluesky_post(html).unwrap_err();
            assert!(error.contains(why), "{why:?} in {error:?}");
        }
    }
}
