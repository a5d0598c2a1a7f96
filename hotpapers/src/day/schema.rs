//! The keys of a day-file, in one table: the parser takes its known keys from
//! here and [`json_schema`] is generated from it, so editors, docs and the
//! build cannot disagree about the format.

use serde_json::{json, Map, Value};

/// What a key's value must be.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    LocalDate,
    OffsetDateTime,
    Bool,
    Count,
    /// A string, optionally with a pattern it must match.
    Text(Option<&'static str>),
    /// One of a few strings.
    OneOf(&'static [&'static str]),
    /// A non-empty array of strings.
    Strings,
    /// A non-empty array of arXiv categories.
    Categories,
    /// An array of arXiv ids.
    Ids,
    /// An array of tables with these keys.
    Tables(&'static [Key]),
    /// One table (written inline) with these keys.
    Table(&'static [Key]),
}

/// One key of a table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
    pub(crate) doc: &'static str,
}

const fn key(name: &'static str, kind: Kind, required: bool, doc: &'static str) -> Key {
    Key {
        name,
        kind,
        required,
        doc,
    }
}

/// The arXiv id patterns: new style and old style, with an optional version.
const ARXIV: &str = r"^([0-9]{4}\.[0-9]{4,5}|[a-z-]+(\.[A-Za-z-]+)?/[0-9]{7})(v[1-9][0-9]*)?$";
const TWEET_URL: &str = r"^https://(twitter\.com|x\.com)/[A-Za-z0-9_]{1,15}/status/[0-9]{1,20}$";
const GITHUB_URL: &str = r"^https://github\.com/[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$";
const LANG: &str = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$";
const ONE_LINE: &str = r"^[^\u0000-\u001F\u007F]*\S[^\u0000-\u001F\u007F]*$";

pub(crate) const TWEET: &[Key] = &[
    key(
        "url",
        Kind::Text(Some(TWEET_URL)),
        true,
        "`https://twitter.com/HANDLE/status/ID` (or on `x.com`)",
    ),
    key(
        "author",
        Kind::Text(Some(ONE_LINE)),
        true,
        "display name, as the embed shows it (may hold HTML entities)",
    ),
    key(
        "date",
        Kind::LocalDate,
        true,
        "the tweet's date, rendered `October 30, 2020`",
    ),
    key(
        "lang",
        Kind::Text(Some(LANG)),
        false,
        "the tweet's language tag; default `en`",
    ),
    key(
        "dir",
        Kind::OneOf(&["ltr", "rtl"]),
        false,
        "text direction; default `ltr`",
    ),
    key(
        "text",
        Kind::Text(Some(ONE_LINE)),
        true,
        "the tweet body as embed HTML: text, `<a href>`, `<br>` and entities",
    ),
];

const BLUESKY_URL: &str = r"^https://bsky\.app/profile/[a-z0-9.-]{3,253}/post/[A-Za-z0-9._~-]{1,64}$";
const BLUESKY_URI: &str =
    r"^at://did:(plc:[a-z2-7]{24}|web:[a-z0-9.-]{1,253})/app\.bsky\.feed\.post/[A-Za-z0-9._~-]{1,64}$";
const BLUESKY_CID: &str = r"^b[a-z2-7]{7,127}$";

pub(crate) const BLUESKY_POST: &[Key] = &[
    key(
        "url",
        Kind::Text(Some(BLUESKY_URL)),
        true,
        "`https://bsky.app/profile/HANDLE/post/RKEY`",
    ),
    key(
        "uri",
        Kind::Text(Some(BLUESKY_URI)),
        true,
        "`at://DID/app.bsky.feed.post/RKEY`, the same RKEY as `url`",
    ),
    key(
        "cid",
        Kind::Text(Some(BLUESKY_CID)),
        true,
        "the post's content id, `bafyrei…`",
    ),
    key(
        "author",
        Kind::Text(Some(ONE_LINE)),
        true,
        "display name, as the embed shows it (may hold HTML entities)",
    ),
    key(
        "date",
        Kind::LocalDate,
        true,
        "the post's date, rendered `November 27, 2026`",
    ),
    key(
        "lang",
        Kind::Text(Some(LANG)),
        false,
        "the post's language tag; default `en`",
    ),
    key(
        "text",
        Kind::Text(Some(ONE_LINE)),
        true,
        "the post body as embed HTML: text, `<a href>`, `<br>` and entities",
    ),
];

pub(crate) const HUGGINGFACE: &[Key] = &[
    key(
        "upvotes",
        Kind::Count,
        true,
        "upvotes of the paper's Hugging Face page",
    ),
    key("comments", Kind::Count, false, "comments on it; default 0"),
];

pub(crate) const HACKERNEWS: &[Key] = &[
    key(
        "points",
        Kind::Count,
        true,
        "points, summed over the stories linking the paper",
    ),
    key(
        "comments",
        Kind::Count,
        false,
        "comments, summed over them; default 0",
    ),
    key(
        "story",
        Kind::Count,
        true,
        "the id of the story with the most points: `https://news.ycombinator.com/item?id=STORY`",
    ),
];

pub(crate) const BLUESKY: &[Key] = &[
    key(
        "likes",
        Kind::Count,
        true,
        "likes, summed over the posts linking the paper",
    ),
    key("reposts", Kind::Count, true, "reposts, summed over them"),
    key("posts", Kind::Count, true, "how many posts linked the paper"),
];

pub(crate) const CODE: &[Key] = &[
    key(
        "url",
        Kind::Text(Some(GITHUB_URL)),
        true,
        "the repository: `https://github.com/OWNER/REPO`",
    ),
    key(
        "stars",
        Kind::Count,
        false,
        "its stars when collected (shown, not scored); default 0",
    ),
];

/// The keys of a paper that carry counts: a paper needs one source of them.
pub(crate) const SOURCES: [&str; 3] = ["huggingface", "hackernews", "bluesky"];

pub(crate) const PAPER: &[Key] = &[
    key(
        "arxiv",
        Kind::Text(Some(ARXIV)),
        true,
        "arXiv id: `YYMM.NNNNN`, `YYMM.NNNN` (before 2015) or `archive/YYMMNNN`, optionally `vN`",
    ),
    key(
        "title",
        Kind::Text(Some(ONE_LINE)),
        true,
        "one line, kept byte for byte",
    ),
    key(
        "authors",
        Kind::Strings,
        true,
        "the authors, in order; joined with `, `",
    ),
    key(
        "categories",
        Kind::Categories,
        true,
        "arXiv categories, primary first",
    ),
    key(
        "retweets",
        Kind::Count,
        false,
        "total retweets across the paper's tweets (with `favorites`)",
    ),
    key(
        "favorites",
        Kind::Count,
        false,
        "total favorites across the paper's tweets (with `retweets`)",
    ),
    key(
        "huggingface",
        Kind::Table(HUGGINGFACE),
        false,
        "the paper on Hugging Face Daily Papers: `{ upvotes = N, comments = N }`",
    ),
    key(
        "hackernews",
        Kind::Table(HACKERNEWS),
        false,
        "the paper on Hacker News: `{ points = N, comments = N, story = ID }`",
    ),
    key(
        "bluesky",
        Kind::Table(BLUESKY),
        false,
        "the paper on Bluesky: `{ likes = N, reposts = N, posts = N }`",
    ),
    key(
        "code",
        Kind::Table(CODE),
        false,
        "the paper's code: `{ url = \"https://github.com/OWNER/REPO\", stars = N }`",
    ),
    key(
        "collected",
        Kind::OffsetDateTime,
        false,
        "when the counts were taken; default `published`",
    ),
    key(
        "abstract",
        Kind::Text(None),
        false,
        "one paragraph; a newline inside becomes a space",
    ),
    key(
        "tweet",
        Kind::Tables(TWEET),
        false,
        "the tweets embedded under the paper, in order",
    ),
    key(
        "bluesky-post",
        Kind::Tables(BLUESKY_POST),
        false,
        "the Bluesky posts embedded under the paper, after its tweets, in order",
    ),
];

pub(crate) const DAY: &[Key] = &[
    key(
        "date",
        Kind::LocalDate,
        true,
        "the arXiv day the post covers; equals the file name's stem",
    ),
    key(
        "published",
        Kind::OffsetDateTime,
        true,
        "the post's publication time (front matter `date:`)",
    ),
    key("draft", Kind::Bool, false, "front matter `draft:`; default false"),
    key("paper", Kind::Tables(PAPER), false, "the papers, any order"),
    key(
        "skip",
        Kind::Ids,
        false,
        "arXiv ids the curator left out (`hotpapers skip`); `hotpapers collect` never adds them back",
    ),
];

/// The names of a table's keys, for the parser.
pub(crate) fn names(keys: &[Key]) -> Vec<&'static str> {
    keys.iter().map(|k| k.name).collect()
}

/// A JSON Schema (draft 2020-12) for day-files, as TOML language servers read
/// it: TOML dates and date-times are strings there.
pub fn json_schema() -> Value {
    let mut schema = table(
        DAY,
        "A hotpapers day-file: one arXiv day, `posts/YYYY-MM-DD.toml`.",
    );
    let object = schema.as_object_mut().expect("a table is an object");
    object.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    object.insert(
        "$id".into(),
        json!("https://hotpapers.invalid/day-file.schema.json"),
    );
    object.insert("title".into(), json!("hotpapers day-file"));
    schema
}

fn table(keys: &[Key], doc: &str) -> Value {
    let mut properties = Map::new();
    for key in keys {
        let mut value = value(key.kind);
        value
            .as_object_mut()
            .expect("values are objects")
            .insert("description".into(), json!(key.doc));
        properties.insert(key.name.into(), value);
    }
    let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.name).collect();
    let mut table = json!({
        "type": "object",
        "description": doc,
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if std::ptr::eq(keys, PAPER) {
        // Counts from at least one source; the legacy ones come in a pair.
        let mut one_of: Vec<Value> = vec![json!({"required": ["retweets", "favorites"]})];
        one_of.extend(SOURCES.iter().map(|s| json!({"required": [s]})));
        let object = table.as_object_mut().expect("a table is an object");
        object.insert("anyOf".into(), Value::Array(one_of));
        object.insert(
            "dependentRequired".into(),
            json!({"retweets": ["favorites"], "favorites": ["retweets"]}),
        );
    }
    table
}

fn value(kind: Kind) -> Value {
    match kind {
        Kind::LocalDate => {
            json!({"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
        }
        Kind::OffsetDateTime => json!({
            "type": "string",
            "format": "date-time",
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
        }),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Count => json!({"type": "integer", "minimum": 0, "maximum": u32::MAX}),
        Kind::Text(Some(pattern)) => json!({"type": "string", "minLength": 1, "pattern": pattern}),
        Kind::Text(None) => json!({"type": "string"}),
        Kind::OneOf(values) => json!({"type": "string", "enum": values}),
        Kind::Strings => {
            json!({"type": "array", "minItems": 1, "items": {"type": "string", "pattern": ONE_LINE}})
        }
        Kind::Categories => {
            let ids: Vec<&str> = crate::model::taxonomy().iter().map(|c| c.id).collect();
            json!({"type": "array", "minItems": 1, "items": {"type": "string", "enum": ids}})
        }
        Kind::Ids => json!({"type": "array", "items": {"type": "string", "pattern": ARXIV}}),
        Kind::Tables(keys) => json!({"type": "array", "items": table(keys, "")}),
        Kind::Table(keys) => table(keys, ""),
    }
}
