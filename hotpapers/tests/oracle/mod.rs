//! What a reader's browser makes of a post: the oracle of the HTML policy's
//! differential tests (`tests/differential.rs` and the `html_policy` fuzz target).
//!
//! A post is rendered to HTML by CommonMark (pulldown-cmark, raw HTML on, as the
//! blog renders it), put in a page with an element after it, and parsed by a
//! browser-grade HTML parser (html5ever). The page must hold no element,
//! attribute or URL outside what the renderer itself writes, and the element
//! after the post must still be there, whole, after it.
//!
//! It shares no code with the policy it checks: it is written from the
//! standards, not from the checker.

// Each test binary that includes this module uses part of it.
#![allow(dead_code)]

use std::fmt::Write;

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};

/// The fields of one day-file that reach a reader's page.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    pub title: String,
    pub authors: Vec<String>,
    pub abstract_: String,
    pub tweet_author: String,
    pub tweet_text: String,
}

impl Fields {
    /// A day-file holding the fields, each as a TOML basic string; the tweet's
    /// author and text are also a Bluesky post's, so both embeds are tried.
    pub fn day_file(&self) -> String {
        let mut out = String::from("date = 2020-10-30\npublished = 2020-10-31T09:40:17Z\n\n[[paper]]\n");
        let _ = writeln!(out, "arxiv = '2010.15581'\ntitle = {}", toml_string(&self.title));
        let authors: Vec<String> = self.authors.iter().map(|a| toml_string(a)).collect();
        let _ = writeln!(out, "authors = [{}]", authors.join(", "));
        let _ = writeln!(out, "categories = ['cs.LG']\nretweets = 100\nfavorites = 100");
        let _ = writeln!(out, "abstract = {}", toml_string(&self.abstract_));
        let _ = writeln!(
            out,
            "\n[[paper.tweet]]\nurl = 'https://twitter.com/a/status/1'\nauthor = {}\ndate = 2020-10-30\ntext = {}",
            toml_string(&self.tweet_author),
            toml_string(&self.tweet_text)
        );
        let _ = writeln!(
            out,
            "\n[[paper.bluesky-post]]\nurl = 'https://bsky.app/profile/a.bsky.social/post/{BSKY_RKEY}'\n\
             uri = '{BSKY_URI}'\ncid = '{BSKY_CID}'\nauthor = {}\ndate = 2020-10-30\ntext = {}",
            toml_string(&self.tweet_author),
            toml_string(&self.tweet_text)
        );
        out
    }

    /// Splits fuzzer bytes into fields at NUL bytes (the policy refuses NUL, so
    /// no field needs one).
    pub fn from_bytes(data: &[u8]) -> Fields {
        let text = String::from_utf8_lossy(data);
        let mut parts = text.split('\0').map(str::to_owned);
        let mut next = || parts.next().unwrap_or_default();
        Fields {
            title: next(),
            authors: vec![next(), next()],
            abstract_: next(),
            tweet_author: next(),
            tweet_text: next(),
        }
    }
}

fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The element put after the post; a post that swallows or breaks it fails.
const AFTER: &str = "<footer id=\"after-the-post\">after</footer>";

/// The script every tweet embed loads.
const WIDGETS: &str = "https://platform.twitter.com/widgets.js";
/// The script every Bluesky embed loads; these two are the only ones allowed.
const BSKY_SCRIPT: &str = "https://embed.bsky.app/static/embed.js";
/// The Bluesky post of [`Fields::day_file`]: its attributes can be nothing else.
const BSKY_RKEY: &str = "3lbxyz2abcd2k";
const BSKY_URI: &str = "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbxyz2abcd2k";
const BSKY_CID: &str = "bafyreia7ouzqgkyb7mqypyocljhtxrkq6ryjw6glkgaeph3ghjfzg6wz4a";

/// What is wrong with the page that shows `post` (a whole Markdown post with its
/// front matter) holding `embeds` tweet and Bluesky embeds: empty when it is
/// harmless. The post is read as the Markdown readers read it (no math) and as
/// the blog's pages do (TeX as the library shows it: MathML or `<code>`).
pub fn harms(post: &str, embeds: usize) -> Vec<String> {
    let body = post.split_once("\n---\n").map_or(post, |(_, body)| body);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(body));
    let mut found = page_harms(&html, embeds);
    let math = pulldown_cmark::Parser::new_ext(body, pulldown_cmark::Options::ENABLE_MATH).map(|event| {
        use pulldown_cmark::Event;
        let (tex, display) = match &event {
            Event::InlineMath(tex) => (tex.to_string(), false),
            Event::DisplayMath(tex) => (tex.to_string(), true),
            _ => return event,
        };
        let mut html = String::new();
        hotpapers::push_math(&mut html, &tex, display);
        Event::InlineHtml(html.into())
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, math);
    found.extend(
        page_harms(&html, embeds)
            .into_iter()
            .map(|h| format!("with math: {h}")),
    );
    found
}

fn page_harms(html: &str, embeds: usize) -> Vec<String> {
    let page = format!(
        "<!DOCTYPE html><html><head><title>post</title></head><body><main>{html}</main>{AFTER}</body></html>"
    );
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(page);
    let mut found = Found::default();
    walk(&dom.document, &mut found);
    if found.scripts != embeds {
        found
            .harms
            .push(format!("{} scripts for {embeds} embed(s)", found.scripts));
    }
    if !found.after_is_last {
        found
            .harms
            .push("the element after the post is not whole and last in <body>".into());
    }
    found.harms
}

#[derive(Default)]
struct Found {
    harms: Vec<String>,
    scripts: usize,
    after_is_last: bool,
}

/// Elements the renderer and CommonMark's inline and block syntax can make.
const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "title",
    "body",
    "main",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "br",
    "hr",
    "script",
];

/// MathML Core's presentation elements, as the math on a page may have them.
const MATH_ELEMENTS: &[&str] = &[
    "math",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "mpadded",
    "mphantom",
    "mtable",
    "mtr",
    "mtd",
    "merror",
    "mmultiscripts",
    "mprescripts",
    "none",
    "semantics",
    "annotation",
];

fn walk(node: &Handle, found: &mut Found) {
    match &node.data {
        NodeData::Element { name, attrs, .. } if name.ns == html5ever::ns!(mathml) => {
            let element = name.local.to_string();
            if !MATH_ELEMENTS.contains(&element.as_str()) {
                found.harms.push(format!("element <{element}> (MathML)"));
            }
            for a in attrs.borrow().iter() {
                let (attr, value) = (a.name.local.to_string(), a.value.to_string());
                // Presentation attributes with plain values; no link, handler or
                // CSS function.
                let plain = value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b" .-+%:;".contains(&b));
                if attr == "href" || attr.starts_with("on") || !plain || !a.name.ns.is_empty() {
                    found
                        .harms
                        .push(format!("attribute {attr}={value:?} on <{element}> (MathML)"));
                }
            }
        }
        NodeData::Element { name, attrs, .. } => {
            let element = name.local.to_string();
            if !ELEMENTS.contains(&element.as_str()) || name.ns != html5ever::ns!(html) {
                found.harms.push(format!("element <{element}> ({:?})", name.ns));
            }
            let attrs: Vec<(String, String)> = attrs
                .borrow()
                .iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect();
            for (attr, value) in &attrs {
                if !attribute_allowed(&element, attr, value) {
                    found
                        .harms
                        .push(format!("attribute {attr}={value:?} on <{element}>"));
                }
            }
            match element.as_str() {
                "script" => {
                    found.scripts += 1;
                    if !node.children.borrow().is_empty() {
                        found.harms.push("a script with content".into());
                    }
                }
                "body" => {
                    let children = node.children.borrow();
                    let elements: Vec<&Handle> = children
                        .iter()
                        .filter(|c| matches!(c.data, NodeData::Element { .. }))
                        .collect();
                    found.after_is_last = match elements.as_slice() {
                        [main, after] => is_element(main, "main") && is_after(after),
                        _ => false,
                    };
                }
                _ => {}
            }
        }
        NodeData::Comment { contents } => found.harms.push(format!("a comment {contents:?}")),
        NodeData::ProcessingInstruction { .. } => found.harms.push("a processing instruction".into()),
        _ => {}
    }
    for child in node.children.borrow().iter() {
        walk(child, found);
    }
}

fn is_element(node: &Handle, tag: &str) -> bool {
    matches!(&node.data, NodeData::Element { name, .. } if &*name.local == tag)
}

fn is_after(node: &Handle) -> bool {
    let NodeData::Element { attrs, .. } = &node.data else {
        return false;
    };
    let id_ok = attrs
        .borrow()
        .iter()
        .any(|a| &*a.name.local == "id" && &*a.value == "after-the-post");
    let children = node.children.borrow();
    let text_ok = matches!(children.as_slice(),
        [only] if matches!(&only.data, NodeData::Text { contents } if &**contents.borrow() == "after"));
    is_element(node, "footer") && id_ok && text_ok
}

fn attribute_allowed(element: &str, attr: &str, value: &str) -> bool {
    match (element, attr) {
        ("a", "href") => matches!(scheme(value).as_deref(), Some("http" | "https" | "mailto")),
        // A Markdown link's title: text in an attribute, which runs nothing.
        ("a", "title") => true,
        ("blockquote", "class") => value == "twitter-tweet" || value == "bluesky-embed",
        ("blockquote", "data-bluesky-uri") => value == BSKY_URI,
        ("blockquote", "data-bluesky-cid") => value == BSKY_CID,
        ("p", "lang") => value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
        ("p", "dir") => value == "ltr" || value == "rtl",
        ("script", "src") => value == WIDGETS || value == BSKY_SCRIPT,
        ("script", "async") => value.is_empty(),
        ("script", "charset") => value == "utf-8",
        ("ol", "start") => value.bytes().all(|b| b.is_ascii_digit()),
        ("footer", "id") => value == "after-the-post",
        ("code", "class") => value == "tex",
        _ => false,
    }
}

/// The scheme of a URL as the URL standard's basic parser finds it.
fn scheme(url: &str) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| c <= '\u{20}');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let candidate = &cleaned[..colon];
    let mut chars = candidate.chars();
    (chars.next()?.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then(|| candidate.to_ascii_lowercase())
}
