//! TeX in titles and abstracts, shown as math: MathML Core, made when the page
//! is rendered, with no script and no web font (every current browser lays
//! MathML Core out; the theme's CSS picks the reader's math fonts).
//!
//! pulldown-cmark's math extension finds the `$…$` and `$$…$$` spans (so `\$5`
//! and `US$ 10` stay text, as on GitHub), math-core converts them, and what it
//! writes reaches the page only if a WHATWG tokenizer reads it as MathML Core
//! elements and attributes this module allows, nothing else: a converter that
//! learns `\href` or `\style` tomorrow does not put a link or CSS into a
//! reader's page. TeX that is not converted, or not allowed, stays visible as
//! its TeX text in `<code class="tex">`, never an error and never dropped.
//!
//! What it converts, on the committed corpus of abstract TeX
//! (`tests/math/corpus.txt`): `cargo xtask bench` prints the share and the
//! spans that fall back (`docs/BENCHMARKS.md`).

use std::sync::LazyLock;

use html5gum::{Token, Tokenizer};
use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

/// One converter for the process: its configuration is fixed (no macros, no
/// unknown commands shown as red text, nothing browsers render unreliably).
static CONVERTER: LazyLock<Option<LatexToMathML>> = LazyLock::new(|| {
    LatexToMathML::new(MathCoreConfig {
        ignore_unknown_commands: false,
        allow_unreliable_rendering: false,
        ..MathCoreConfig::default()
    })
    .ok()
});

/// How a span of TeX was shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathShown {
    /// As MathML Core.
    MathMl,
    /// As its TeX, because the converter could not read it.
    Unconverted,
    /// As its TeX, because what the converter wrote is not allowed.
    NotAllowed,
}

/// Appends a TeX span (without its dollars) as the page shows it, and says how.
pub fn push_math(out: &mut String, tex: &str, display: bool) -> MathShown {
    let mode = if display {
        MathDisplay::Block
    } else {
        MathDisplay::Inline
    };
    let converted = CONVERTER
        .as_ref()
        .and_then(|converter| converter.convert_with_local_state(tex, mode).ok());
    let shown = match converted {
        Some(result) if allowed(&result.mathml) => {
            out.push_str(&result.mathml);
            return MathShown::MathMl;
        }
        Some(_) => MathShown::NotAllowed,
        None => MathShown::Unconverted,
    };
    let dollars = if display { "$$" } else { "$" };
    out.push_str("<code class=\"tex\">");
    for text in [dollars, tex, dollars] {
        escape(text, out);
    }
    out.push_str("</code>");
    shown
}

/// The TeX spans of a piece of Markdown as the blog's pages find them: each
/// span's TeX without its dollars, and whether it is display math (`$$…$$`).
pub fn tex_spans(markdown: &str) -> Vec<(String, bool)> {
    use pulldown_cmark::{Event, Options, Parser};
    Parser::new_ext(markdown, Options::ENABLE_MATH)
        .filter_map(|event| match event {
            Event::InlineMath(tex) => Some((tex.into_string(), false)),
            Event::DisplayMath(tex) => Some((tex.into_string(), true)),
            _ => None,
        })
        .collect()
}

/// `&`, `<`, `>` and `"` as character references: text in an element.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// MathML Core's elements (<https://w3c.github.io/mathml-core/#mathml-elements-and-attributes>),
/// less `maction` (an interaction no browser keeps) and `annotation-xml` (which
/// may hold HTML).
const ELEMENTS: &[&str] = &[
    "math",
    "merror",
    "mfrac",
    "mi",
    "mmultiscripts",
    "mn",
    "mo",
    "mover",
    "mpadded",
    "mphantom",
    "mprescripts",
    "mroot",
    "mrow",
    "ms",
    "mspace",
    "msqrt",
    "mstyle",
    "msub",
    "msubsup",
    "msup",
    "mtable",
    "mtd",
    "mtext",
    "mtr",
    "munder",
    "munderover",
    "none",
    "semantics",
    "annotation",
];

/// MathML Core's attributes whose values are lengths, numbers, keywords and
/// booleans: checked as such ([`plain_value`]). `mathvariant` (only `normal` is
/// Core) and `style` have rules of their own; any other attribute, `href` and
/// event handlers among them, is not allowed.
const ATTRIBUTES: &[&str] = &[
    "accent",
    "accentunder",
    "columnspan",
    "depth",
    "display",
    "displaystyle",
    "fence",
    "form",
    "height",
    "largeop",
    "linethickness",
    "lspace",
    "maxsize",
    "minsize",
    "movablelimits",
    "rowspan",
    "rspace",
    "scriptlevel",
    "separator",
    "stretchy",
    "symmetric",
    "voffset",
    "width",
];

/// The CSS properties a `style` may set: the alignment and spacing of table
/// cells and negative space, as math-core writes them for `aligned`, `cases`,
/// `array` and `\!`.
const STYLE_PROPERTIES: &[&str] = &[
    "justify-items",
    "margin-left",
    "margin-right",
    "padding-left",
    "padding-right",
    "text-align",
];

/// Whether `mathml` is one `<math>` element of allowed elements and attributes,
/// balanced, read without one tokenizer error.
fn allowed(mathml: &str) -> bool {
    let mut open: Vec<Vec<u8>> = Vec::new();
    let mut roots = 0;
    for token in Tokenizer::new(mathml) {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let name: &[u8] = &tag.name;
                let Ok(name) = std::str::from_utf8(name) else {
                    return false;
                };
                if !ELEMENTS.contains(&name) || (open.is_empty() != (name == "math")) {
                    return false;
                }
                if !tag.attributes.iter().all(|(k, v)| attribute(k, v)) {
                    return false;
                }
                if open.is_empty() {
                    roots += 1;
                }
                if !tag.self_closing {
                    open.push(tag.name.to_vec());
                }
            }
            Token::EndTag(tag) => {
                if open.pop().as_deref() != Some(&tag.name[..]) {
                    return false;
                }
            }
            Token::String(_) if !open.is_empty() => {}
            Token::Error(_) | Token::String(_) | Token::Comment(_) | Token::Doctype(_) => return false,
        }
    }
    roots == 1 && open.is_empty()
}

/// Whether one attribute is allowed, with its value.
fn attribute(name: &[u8], value: &[u8]) -> bool {
    let (Ok(name), Ok(value)) = (std::str::from_utf8(name), std::str::from_utf8(value)) else {
        return false;
    };
    match name {
        "mathvariant" => value == "normal",
        "style" => style(value),
        _ => ATTRIBUTES.contains(&name) && plain_value(value),
    }
}

/// A length, number, keyword or boolean: letters, digits, `.`, `-`, `+`, `%`
/// and spaces, nothing that could open a function (`url(`) or end a context.
fn plain_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b'%' | b' '))
}

/// A declaration list of allowed properties with plain values.
fn style(value: &str) -> bool {
    value
        .split(';')
        .map(str::trim)
        .filter(|declaration| !declaration.is_empty())
        .all(|declaration| {
            declaration.split_once(':').is_some_and(|(property, value)| {
                STYLE_PROPERTIES.contains(&property.trim()) && plain_value(value.trim())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(tex: &str) -> (String, MathShown) {
        let mut out = String::new();
        let shown = push_math(&mut out, tex, false);
        (out, shown)
    }

    #[test]
    fn abstract_tex_becomes_mathml_core() {
        let (html, how) = shown(r"m<n^{1.19}");
        assert_eq!(how, MathShown::MathMl);
        assert_eq!(
            html,
            "<math><mi>m</mi><mo>&lt;</mo><msup><mi>n</mi><mn>1.19</mn></msup></math>"
        );
        // Double-struck and script letters as their characters, not mathvariant.
        let (html, how) = shown(r"x \in \mathbb{R}^d, \mathcal{O}(n)");
        assert_eq!(how, MathShown::MathMl);
        assert!(
            html.contains('ℝ') && !html.contains("mathvariant=\"double"),
            "{html}"
        );
    }

    #[test]
    fn unconverted_tex_stays_visible_as_escaped_code() {
        let (html, how) = shown(r"\unknowncommand{<b>x</b>}");
        assert_eq!(how, MathShown::Unconverted);
        assert_eq!(
            html,
            r#"<code class="tex">$\unknowncommand{&lt;b&gt;x&lt;/b&gt;}$</code>"#
        );
        let mut out = String::new();
        push_math(&mut out, r"\frac{a}{", true);
        assert_eq!(out, r#"<code class="tex">$$\frac{a}{$$</code>"#);
    }

    #[test]
    fn the_allowlist_refuses_what_is_not_mathml_core() {
        assert!(allowed("<math><mi>x</mi><mspace width=\"0.2em\"/></math>"));
        assert!(allowed(
            "<math><mtd style=\"text-align: left;padding-left:1em;\"><mi>x</mi></mtd></math>"
        ));
        for bad in [
            "<math><mtext><a href=\"javascript:alert(1)\">x</a></mtext></math>",
            "<math><mi onclick=\"alert(1)\">x</mi></math>",
            "<math><mrow style=\"background:url(https://example.com/)\"></mrow></math>",
            "<math><mrow style=\"color:#FF0000;\"></mrow></math>",
            "<math><mi mathvariant=\"double-struck\">R</mi></math>",
            "<math><mtext><span class=\"x\">s</span></mtext></math>",
            "<math><mi>x</mi></math><script>alert(1)</script>",
            "<math><mi>x</math>",
            "<math><mi>x</mi></math><math></math>",
            "x<math></math>",
            "<math><!-- c --></math>",
            "<math><annotation-xml><p>x</p></annotation-xml></math>",
            "<math><mi title=\"a\"b\">x</mi></math>",
            "<math><mi/x>y</mi></math>",
        ] {
            assert!(!allowed(bad), "{bad}");
        }
    }

    #[test]
    fn what_the_converter_writes_outside_the_allowlist_falls_back() {
        // math-core writes `\color` as a `style` colour and `\textsf` as an HTML
        // `<span>`: neither is allowed, so both show their TeX.
        for tex in [r"\color{red}{x}", r"\textsf{SAT}"] {
            let (html, how) = shown(tex);
            assert_eq!(how, MathShown::NotAllowed, "{tex}: {html}");
            assert!(html.starts_with("<code class=\"tex\">$"), "{html}");
        }
    }
}
