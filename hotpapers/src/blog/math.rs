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

/// The MathML Core a TeX span is shown as, or why it is shown as its TeX:
/// the converter could not read it, or wrote something the allowlist refuses.
fn mathml(tex: &str, display: bool) -> Result<String, MathShown> {
    let mode = if display {
        MathDisplay::Block
    } else {
        MathDisplay::Inline
    };
    let converted = CONVERTER
        .as_ref()
        .and_then(|converter| converter.convert_with_local_state(tex, mode).ok());
    match converted {
        Some(result) if allowed(&result.mathml) => Ok(result.mathml),
        Some(_) => Err(MathShown::NotAllowed),
        None => Err(MathShown::Unconverted),
    }
}

/// Appends a TeX span (without its dollars) as the page shows it, and says how.
pub fn push_math(out: &mut String, tex: &str, display: bool) -> MathShown {
    let shown = match mathml(tex, display) {
        Ok(mathml) => {
            out.push_str(&mathml);
            return MathShown::MathMl;
        }
        Err(shown) => shown,
    };
    let dollars = if display { "$$" } else { "$" };
    out.push_str("<code class=\"tex\">");
    for text in [dollars, tex, dollars] {
        escape(text, out);
    }
    out.push_str("</code>");
    shown
}

/// A TeX span as readable plain text, for where markup cannot go (link
/// previews, announcements): symbols as their characters (`\epsilon` as `ϵ`,
/// `\mathbb{R}` as `ℝ`), scripts after `^` and `_`, fractions with `/`, roots
/// with `√`, a group of more than one symbol in parentheses (`10^(−36)`), read
/// from the MathML the page shows. TeX the converter cannot read, or writes
/// outside the allowlist, stays as it is.
pub fn tex_text(tex: &str) -> String {
    match mathml(tex, false) {
        Ok(mathml) => {
            let mut text = String::with_capacity(tex.len());
            read_node(&tree(&mathml), &mut text, true);
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        Err(_) => tex.to_owned(),
    }
}

/// An element of converted MathML, or a piece of its text (no name), as
/// [`tex_text`] reads it.
#[derive(Default)]
struct Node {
    name: Vec<u8>,
    text: String,
    children: Vec<Node>,
}

/// The element tree of MathML that [`allowed`] accepted (so balanced).
fn tree(mathml: &str) -> Node {
    let mut stack = vec![Node {
        name: b"mrow".to_vec(),
        ..Node::default()
    }];
    for token in Tokenizer::new(mathml) {
        let Ok(token) = token;
        let node = match token {
            Token::StartTag(tag) if !tag.self_closing => {
                stack.push(Node {
                    name: tag.name.to_vec(),
                    ..Node::default()
                });
                continue;
            }
            Token::StartTag(tag) => Node {
                name: tag.name.to_vec(),
                ..Node::default()
            },
            Token::EndTag(_) if stack.len() > 1 => match stack.pop() {
                Some(node) => node,
                None => continue,
            },
            Token::String(s) => Node {
                text: String::from_utf8_lossy(&s).into_owned(),
                ..Node::default()
            },
            _ => continue,
        };
        if let Some(parent) = stack.last_mut() {
            parent.children.push(node);
        }
    }
    stack.swap_remove(0)
}

/// Appends a node as text; `top` is whether it is outside any script,
/// fraction or root, where relations get a space each side (`ϵ > 10^(−36)`,
/// but `∑_(i=1)`).
fn read_node(node: &Node, out: &mut String, top: bool) {
    let part = |i: usize| {
        let mut text = String::new();
        if let Some(node) = node.children.get(i) {
            read_node(node, &mut text, false);
        }
        grouped(text)
    };
    match &node.name[..] {
        b"" => out.push_str(&node.text),
        b"mo" if top && node.children.iter().all(|n| n.text.chars().all(relation)) => {
            let mut symbol = String::new();
            row(&node.children, &mut symbol, false);
            push_all(out, &[" ", symbol.trim(), " "]);
        }
        b"mo" if top && node.children.iter().map(|n| n.text.as_str()).eq([","]) => out.push_str(", "),
        b"msup" => {
            let script = part(1);
            let caret = if script.chars().all(|c| "′″‴⁗".contains(c)) {
                ""
            } else {
                "^"
            };
            push_all(out, &[&base(node, top), caret, &script]);
        }
        b"msub" | b"munder" => push_all(out, &[&base(node, top), "_", &part(1)]),
        b"msubsup" | b"munderover" => {
            push_all(out, &[&base(node, top), "_", &part(1), "^", &part(2)]);
        }
        b"mover" => push_all(out, &[&base(node, top), &accent(part(1))]),
        b"mfrac" => push_all(out, &[&part(0), "/", &part(1)]),
        b"msqrt" => {
            let mut inner = String::new();
            row(&node.children, &mut inner, false);
            push_all(out, &["√", &grouped(inner)]);
        }
        b"mroot" => match part(1).as_str() {
            "3" => push_all(out, &["∛", &part(0)]),
            "4" => push_all(out, &["∜", &part(0)]),
            index => push_all(out, &[index, "√", &part(0)]),
        },
        b"mspace" => out.push(' '),
        b"mtable" | b"mtr" => {
            let separator = if node.name == b"mtable" { "; " } else { ", " };
            for (i, n) in node.children.iter().enumerate() {
                if i > 0 {
                    out.push_str(separator);
                }
                read_node(n, out, top);
            }
        }
        b"annotation" | b"mphantom" | b"mprescripts" | b"none" => {}
        _ => row(&node.children, out, top),
    }
}

/// The first child of a script or accent element: the base, read as the
/// element's own level reads.
fn base(node: &Node, top: bool) -> String {
    let mut text = String::new();
    if let Some(first) = node.children.first() {
        read_node(first, &mut text, top);
    }
    text
}

/// Appends elements side by side, with a space where two words would run
/// together: after a function name or a script (`log n`, `x_i y_i`) and
/// before a function name (`√n log n`); `2x` and `xy` stay as written.
fn row(children: &[Node], out: &mut String, top: bool) {
    let mut previous: Option<&Node> = None;
    for node in children {
        let mut text = String::new();
        read_node(node, &mut text, top);
        let after_script = previous.is_some_and(|p| apart(p) && p.name != b"mi" && p.name != b"mo");
        let touching = out.ends_with(char::is_alphanumeric) || after_script;
        if touching && text.starts_with(char::is_alphanumeric) && (previous.is_some_and(apart) || apart(node))
        {
            out.push(' ');
        }
        out.push_str(&text);
        previous = Some(node);
    }
}

/// Whether a node reads as a word of its own: a name of more than one letter
/// (`log`, `poly`) or a script.
fn apart(node: &Node) -> bool {
    match &node.name[..] {
        b"mi" | b"mo" => {
            node.children
                .iter()
                .map(|n| n.text.chars().count())
                .sum::<usize>()
                > 1
        }
        b"msub" | b"msup" | b"msubsup" | b"munder" | b"munderover" => true,
        _ => false,
    }
}

/// Whether a character is a relation, read with a space each side.
fn relation(c: char) -> bool {
    "=<>≤≥≠≈∼≃≅≡≪≫∝∈∉∋⊂⊆⊃⊇→←↔⇒⇐⇔↦≲≳≍".contains(c)
}

fn push_all(out: &mut String, parts: &[&str]) {
    parts.iter().for_each(|part| out.push_str(part));
}

/// A script, numerator or radicand: as it is if it is one symbol or one
/// number or word, otherwise in parentheses.
fn grouped(text: String) -> String {
    let one = text.chars().count() <= 1
        || text.chars().all(|c| c.is_alphanumeric() || c == '.')
        || text.starts_with('(') && text.ends_with(')');
    if one {
        text
    } else {
        format!("({text})")
    }
}

/// An accent over a base (`\hat{x}`, `\tilde{O}`) as the combining character
/// that draws it, or after the base when there is none.
fn accent(over: String) -> String {
    let combining = match over.as_str() {
        "^" | "ˆ" => '\u{302}',
        "~" | "˜" => '\u{303}',
        "¯" | "‾" | "_" => '\u{304}',
        "˙" | "." => '\u{307}',
        "¨" => '\u{308}',
        "→" | "⃗" => '\u{20d7}',
        _ => return format!("^{}", grouped(over)),
    };
    combining.to_string()
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

/// `&`, `<`, `>` and `"` as character references: text in an element or a
/// quoted attribute.
pub(super) fn escape(text: &str, out: &mut String) {
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
    fn tex_reads_as_text() {
        for (tex, text) in [
            (r"m<n^{1.19}", "m < n^1.19"),
            (r"\epsilon > 10^{-36}", "ϵ > 10^(−36)"),
            (r"3/2-\epsilon", "3/2−ϵ"),
            (r"\frac{a+b}{2}", "(a+b)/2"),
            (r"\sqrt{n}\log n", "√n log n"),
            (r"\tilde{O}(n^{2})", "O\u{303}(n^2)"),
            (r"x \in \mathbb{R}^d", "x ∈ ℝ^d"),
            (r"\sum_{i=1}^{n} x_i^2", "∑_(i=1)^n x_i^2"),
            (r"\lim_{n\to\infty} a_n", "lim_(n→∞) a_n"),
            (r"\sqrt[3]{x} + \sqrt[k]{y}", "∛x+k√y"),
            (r"\hat{\theta}, \vec{v}", "θ\u{302}, v\u{20d7}"),
            (r"\text{SAT} \operatorname{poly}(k)", "SAT poly(k)"),
            (r"\begin{pmatrix}a&b\\c&d\end{pmatrix}", "(a, b; c, d)"),
            (r"O(\log^2 n)", "O(log^2 n)"),
            (r"\big(1+o(1)\big)", "(1+o(1))"),
            (r"2x, f'(x)", "2x, f′(x)"),
            // What is not converted, or not allowed, stays as written.
            (r"\unknowncommand{x}", r"\unknowncommand{x}"),
            (r"\textsf{SAT}", r"\textsf{SAT}"),
        ] {
            assert_eq!(tex_text(tex), text, "{tex}");
        }
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
