//! The JSON Schema for day-files: generated from the format's table of keys,
//! shipped in `docs/`, accepting real days and rejecting bad ones.

use serde_json::Value;

/// A TOML document as TOML language servers hand it to a JSON Schema: dates
/// and date-times become strings.
fn as_json(toml_text: &str) -> Value {
    fn convert(value: toml::Value) -> Value {
        match value {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => Value::from(i),
            toml::Value::Float(f) => Value::from(f),
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(dt) => Value::String(dt.to_string()),
            toml::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            toml::Value::Table(table) => {
                Value::Object(table.into_iter().map(|(k, v)| (k, convert(v))).collect())
            }
        }
    }
    convert(toml::Value::Table(toml::from_str(toml_text).unwrap()))
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&hotpapers::json_schema()).unwrap()
}

#[test]
fn the_shipped_schema_is_the_generated_one() {
    let shipped: Value = serde_json::from_str(include_str!("../../docs/day-file.schema.json")).unwrap();
    assert!(
        shipped == hotpapers::json_schema(),
        "docs/day-file.schema.json is stale: run `cargo run --bin hotpapers -- schema > docs/day-file.schema.json`"
    );
}

#[test]
fn accepts_the_real_days() {
    let validator = validator();
    for day in [
        include_str!("../../posts/2020-10-30.toml"),
        include_str!("../../posts/2020-12-07.toml"),
        include_str!("../../tests/ui/pass/unicode/posts/2020-10-30.toml"),
        include_str!("../../tests/ui/pass/unicode/posts/2020-10-31.toml"),
    ] {
        let json = as_json(day);
        let errors: Vec<String> = validator.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn accepts_and_rejects_source_counts_as_the_build_does() {
    let validator = validator();
    let real = include_str!("../../posts/2020-10-30.toml");
    let legacy = "retweets = 4696\nfavorites = 218\n";
    for (what, text, valid) in [
        (
            "Hugging Face only",
            real.replacen(legacy, "huggingface = { upvotes = 12 }\n", 1),
            true,
        ),
        (
            "every source",
            real.replacen(
                legacy,
                "retweets = 1\nfavorites = 2\nhuggingface = { upvotes = 12, comments = 3 }\n\
                 hackernews = { points = 5, comments = 1, story = 41234567 }\n\
                 bluesky = { likes = 1, reposts = 0, posts = 1 }\n",
                1,
            ),
            true,
        ),
        ("no counts at all", real.replacen(legacy, "", 1), false),
        (
            "retweets without favorites",
            real.replacen(legacy, "retweets = 4696\n", 1),
            false,
        ),
        (
            "a story without its id",
            real.replacen(legacy, "hackernews = { points = 5 }\n", 1),
            false,
        ),
        (
            "a misspelt count",
            real.replacen(legacy, "huggingface = { upvote = 12 }\n", 1),
            false,
        ),
    ] {
        assert_ne!(text, real, "{what}: the edit applies");
        let (day, diagnostics) = hotpapers::parse_day("posts/2020-10-30.toml", &text);
        assert_eq!(day.is_some(), valid, "{what}: the build; {diagnostics:#?}");
        assert_eq!(validator.is_valid(&as_json(&text)), valid, "{what}: the schema");
    }
}

#[test]
fn rejects_what_the_build_rejects() {
    let validator = validator();
    let real = include_str!("../../posts/2020-10-30.toml");
    for (what, bad) in [
        (
            "unknown key",
            real.replacen("retweets = 4696", "retweets = 4696\nretweet = 1", 1),
        ),
        (
            "missing key",
            real.replacen("title = 'Probabilistic Transformers'\n", "", 1),
        ),
        (
            "wrong type",
            real.replacen("retweets = 4696", "retweets = '4696'", 1),
        ),
        (
            "negative count",
            real.replacen("retweets = 4696", "retweets = -1", 1),
        ),
        (
            "empty authors",
            real.replacen("authors = ['Javier R. Movellan']", "authors = []", 1),
        ),
        (
            "unknown category",
            real.replacen("categories = ['cs.CY', 'cs.LG']", "categories = ['cs.LGG']", 1),
        ),
        (
            "bad arXiv id",
            real.replacen("arxiv = \"2010.15581\"", "arxiv = \"arXiv:2010.15581\"", 1),
        ),
        (
            "bad tweet URL",
            real.replacen(
                "https://twitter.com/Abebab/status/1322229024387727360",
                "https://example.com/x",
                1,
            ),
        ),
        (
            "bad direction",
            real.replacen(
                "date = 2020-10-30\ntext = 'There",
                "date = 2020-10-30\ndir = 'up'\ntext = 'There",
                1,
            ),
        ),
        (
            "date as a string",
            real.replacen(
                "date = 2020-10-30\npublished",
                "date = '30 October'\npublished",
                1,
            ),
        ),
        (
            "empty title",
            real.replacen("title = 'Probabilistic Transformers'", "title = ''", 1),
        ),
    ] {
        assert_ne!(bad, real, "{what}: the edit applies");
        assert!(!validator.is_valid(&as_json(&bad)), "{what} was accepted");
    }
}
