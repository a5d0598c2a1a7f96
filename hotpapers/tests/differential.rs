//! The HTML policy against a real browser parser: for any text the checker
//! accepts, the rendered post read by CommonMark and html5ever holds nothing
//! outside the policy, and the page after it is intact (`oracle/`).

use proptest::prelude::*;

use crate::oracle::{self, Fields};

/// Pieces that attacks and real text are made of; strings built from them reach
/// every state of both parsers.
const PIECES: &[&str] = &[
    "<",
    ">",
    "/",
    "/>",
    "\"",
    "'",
    "=",
    "`",
    "&",
    ";",
    "#",
    "!",
    "?",
    "-",
    ":",
    "[",
    "]",
    "(",
    ")",
    " ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\\",
    "\\<",
    "\\<think>",
    "`\\<b>`",
    "*",
    "_",
    "~",
    "|",
    "a",
    "b",
    "k",
    "x:y",
    "1.19",
    "$",
    "$$",
    "\\frac{a}{b}",
    "\\text{",
    "\\href{javascript:alert(1)}{x}",
    "\\mathbb{R}",
    "{",
    "}",
    "^",
    "<b",
    "<a",
    "<br>",
    "</a>",
    "<!--",
    "-->",
    "<?",
    "<!",
    "<![CDATA[",
    "]]>",
    "</",
    "<x:y ",
    " title=\"",
    " href=\"",
    "<a href=\"https://t.co/x\">",
    "https://t.co/x",
    "javascript:alert(1)",
    "&#106;",
    "&#0000000106;",
    "&colon;",
    "&Tab;",
    "&amp;",
    "&#39;",
    "onerror=alert(1)",
    " style=x",
    "<img src=x ",
    "<xmp>",
    "</xmp>",
    "<plaintext>",
    "<script>",
    "</script>",
    "<textarea>",
    "<noscript>",
    "![",
    "](",
    "]: ",
    "mailto:",
    "data:",
    "```",
    "    ",
    "\u{a0}",
    "é",
    "\u{0}",
    "\u{1b}",
    "\u{fffe}",
    "&#1;",
    "&#x1B;",
    "&#xFFFF;",
    "&#x6A;",
    "&lt;",
    "<<",
    ">>",
    "<human, object, interaction>",
    "k<k'",
    "$m<n^{1.19}$",
    "$f<n/2$",
    "@",
    "user@example.com",
];

/// A field: half the time an ordinary value, otherwise a few pieces.
fn text(ordinary: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(ordinary.to_owned()),
        prop::collection::vec(prop::sample::select(PIECES), 0..7).prop_map(|pieces| pieces.concat()),
    ]
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        text("A paper"),
        text("Ada"),
        text("Alan"),
        text("We show that $m<n$."),
        text("Some One"),
        text("new paper <a href=\"https://t.co/x\">https://t.co/x</a>"),
    )
        .prop_map(
            |(title, first, second, abstract_, tweet_author, tweet_text)| Fields {
                title: format!("A {title}"),
                authors: vec![format!("A {first}"), format!("B {second}")],
                abstract_,
                tweet_author: format!("C {tweet_author}"),
                tweet_text,
            },
        )
}

/// `Ok` when the checker refuses the fields or the post it makes is harmless.
fn check(fields: &Fields) -> Result<bool, String> {
    let day_file = fields.day_file();
    let (day, _) = hotpapers::parse_day("posts/2020-10-30.toml", &day_file);
    let Some(day) = day else { return Ok(false) };
    let post = hotpapers::render(&day, &hotpapers::Site::default());
    let harms = oracle::harms(&post, 2);
    if harms.is_empty() {
        feeds_are_xml(day)?;
        Ok(true)
    } else {
        Err(format!(
            "accepted {fields:#?}\nand the page has {harms:#?}\n{post}"
        ))
    }
}

/// The project's theme, read once.
fn theme() -> &'static hotpapers::Theme<'static> {
    static THEME: std::sync::OnceLock<hotpapers::Theme<'static>> = std::sync::OnceLock::new();
    THEME.get_or_init(|| {
        hotpapers::Theme::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))).unwrap()
    })
}

/// Every XML file of the blog an accepted day makes (the RSS and Atom feeds,
/// the sitemap) is well-formed to a strict XML parser: one character XML
/// cannot hold makes a reader drop the whole feed.
fn feeds_are_xml(day: hotpapers::Day<'static>) -> Result<(), String> {
    let days = [day];
    let files =
        hotpapers::render_blog(&hotpapers::Site::default(), &days, theme()).map_err(|e| e.to_string())?;
    let mut read = 0;
    for file in files.iter().filter(|f| f.path.ends_with(".xml")) {
        let text = std::str::from_utf8(&file.bytes).map_err(|e| format!("{}: {e}", file.path))?;
        roxmltree::Document::parse(text).map_err(|e| format!("{} is not XML: {e}\n{text}", file.path))?;
        read += 1;
    }
    if read < 3 {
        return Err(format!("only {read} XML files"));
    }
    Ok(())
}

/// Cases the checker accepted, so the property is known to have been tested on
/// accepted text and not only on refusals.
static ACCEPTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn what_the_checker_accepts_a_browser_finds_harmless(fields in fields()) {
        if check(&fields).map_err(TestCaseError::fail)? {
            ACCEPTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

#[test]
fn the_property_sees_accepted_text() {
    what_the_checker_accepts_a_browser_finds_harmless();
    let accepted = ACCEPTED.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!("accepted {accepted} generated day-files");
    assert!(accepted >= 100, "only {accepted} accepted");
}

/// Every form reported against the old checker, in every field: refused, or
/// accepted and harmless.
#[test]
fn the_reported_forms_are_refused_or_inert_in_every_field() {
    let forms = [
        "<b title=\"<img src=x onerror=alert(1)>",
        "<b! title=\"<img src=x onerror=alert(1)>",
        "<b title=\"a\"x=\"<img src=x onerror=alert(1)>\">",
        "<!--<b title=\"--><img src=x onerror=alert(1)>\">",
        "<x:y autofocus tabindex=1 onfocus=alert(document.domain)>new paper</x:y>",
        "<xmp><b title=\"</xmp><img src=x onerror=alert(1)>\">",
        "<a href=\"&#0000000106;avascript:alert(1)\">A paper</a>",
        "<a href=\"https://t.co/x",
        "\" onmouseover=\"alert(1)\" x=\"",
        "new paper <!--",
        "<plaintext>",
        "<b style=\"position:fixed;top:0;left:0;width:100%;height:100%\">x</b>",
        "one\r# heading\r- list",
        "![](https://tracker.example/p.gif)",
        "<img/src=x/onerror=alert(1)>",
        "$x `$ [click](javascript:alert(1)) `",
    ];
    let mut refused = 0;
    for form in forms {
        for field in 0..5 {
            let mut fields = Fields {
                title: "A paper".into(),
                authors: vec!["Ada".into(), "Alan".into()],
                abstract_: "We show.".into(),
                tweet_author: "Some One".into(),
                tweet_text: "new paper".into(),
            };
            let slot = match field {
                0 => &mut fields.title,
                1 => &mut fields.authors[1],
                2 => &mut fields.abstract_,
                3 => &mut fields.tweet_author,
                _ => &mut fields.tweet_text,
            };
            *slot = form.to_owned();
            refused += usize::from(!check(&fields).unwrap_or_else(|e| panic!("{e}")));
        }
    }
    // Most forms are refused outright; the rest are text to the field's parser.
    assert!(refused >= 68, "{refused} of 80 refused");
}

#[test]
fn the_two_tweet_fields_cannot_be_combined_into_an_attribute() {
    let fields = Fields {
        title: "A paper".into(),
        authors: vec!["Ada".into()],
        abstract_: String::new(),
        tweet_author: "\" onmouseover=\"alert(1)\" x=\"".into(),
        tweet_text: "<a href=\"https://t.co/x".into(),
    };
    assert_eq!(check(&fields), Ok(false));
}

#[test]
fn the_oracle_sees_what_the_old_checker_let_through() {
    // The oracle is only worth its passes if it fails on a harmful post.
    let post = "---\ntitle: x\n---\n\n# 1. &lt;b title=\"<img src=x onerror=alert(1)>\n";
    assert!(!oracle::harms(post, 0).is_empty());
    let swallowed =
        "---\ntitle: x\n---\n\n<blockquote class=\"twitter-tweet\"><p>new paper <!--</p></blockquote>\n";
    assert!(!oracle::harms(swallowed, 0).is_empty());
    // A link only the blog's math reading finds (the plain reading sees a
    // code span).
    let uncovered = "---\ntitle: x\n---\n\nA $x `$ [click](javascript:alert(1)) `\n";
    assert!(oracle::harms(uncovered, 0)
        .iter()
        .any(|h| h.starts_with("with math")));
    let fine = "---\ntitle: x\n---\n\n# 1. A $m<n^{1.19}$ paper\n";
    assert_eq!(oracle::harms(fine, 0), Vec::<String>::new());
}

/// The fuzz target's seeds (the forms above in every field, and real text) hold
/// here too, so the corpus the fuzzer starts from is checked on every test run.
#[test]
fn the_fuzz_seeds_are_refused_or_inert() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/seeds/html_policy");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        check(&Fields::from_bytes(&bytes)).unwrap_or_else(|e| panic!("{e}"));
        seen += 1;
    }
    assert!(seen >= 100, "{seen} seeds");
}
