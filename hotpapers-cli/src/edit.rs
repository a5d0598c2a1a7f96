//! Appending papers and tweets to a day-file, keeping the curator's comments,
//! order and formatting (toml_edit).

use toml_edit::{value, Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table};

use crate::fetch::ArxivPaper;
use hotpapers::{ArxivId, Code, Counts, Dir, Tweet};

/// Why a day-file was not edited.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The file is not TOML; `hotpapers check` says where.
    #[error("the day-file is not valid TOML ({0}); run `hotpapers check` to see where")]
    NotToml(String),
    /// `paper` is there but is not an array of tables.
    #[error("`paper` in the day-file is not an array of `[[paper]]` tables")]
    NotPapers,
    /// The paper is in the day already.
    #[error("`{0}` is in this day already")]
    Duplicate(String),
    /// No paper with that id in the day.
    #[error("no paper `{0}` in this day; add it first with `hotpapers add {0}`")]
    NoPaper(String),
    /// The tweet is under the paper already.
    #[error("the tweet `{0}` is under this paper already")]
    DuplicateTweet(String),
    /// `skip` is there but is not an array.
    #[error("`skip` in the day-file is not an array of arXiv ids")]
    NotSkipList,
    /// A date before year 0, which TOML cannot write.
    #[error("the date {0} cannot be written in a day-file")]
    Date(time::Date),
}

/// A day-file as toml_edit reads it, comments and all.
pub fn parse(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>()
        .map_err(|e| EditError::NotToml(e.message().trim().to_owned()))
}

fn papers(doc: &mut DocumentMut) -> Result<&mut ArrayOfTables, EditError> {
    doc.entry("paper")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or(EditError::NotPapers)
}

fn same_paper(table: &Table, id: &str) -> bool {
    let base = |s| ArxivId::split_version(s).0;
    table
        .get("arxiv")
        .and_then(Item::as_str)
        .is_some_and(|a| base(a) == base(id))
}

/// A new table that starts after a blank line, as curators write them.
fn spaced_table() -> Table {
    let mut table = Table::new();
    table.decor_mut().set_prefix("\n");
    table
}

/// The arXiv ids (without version) of the day's papers, in file order.
pub fn paper_ids(doc: &DocumentMut) -> Vec<String> {
    doc.get("paper")
        .and_then(Item::as_array_of_tables)
        .into_iter()
        .flat_map(|list| list.iter())
        .filter_map(|t| t.get("arxiv").and_then(Item::as_str))
        .map(|id| ArxivId::split_version(id).0.to_owned())
        .collect()
}

/// The ids of the day's top-level `skip` list, without version.
pub fn skipped(doc: &DocumentMut) -> Vec<String> {
    doc.get("skip")
        .and_then(Item::as_array)
        .into_iter()
        .flat_map(|list| list.iter())
        .filter_map(|v| v.as_str())
        .map(|id| ArxivId::split_version(id).0.to_owned())
        .collect()
}

/// A source's counts as the inline table the day-file keeps them in.
fn source_tables(counts: &Counts) -> Vec<(&'static str, InlineTable)> {
    let table = |pairs: &[(&str, u32)]| {
        let mut table = InlineTable::new();
        for (key, count) in pairs {
            table.insert(*key, i64::from(*count).into());
        }
        table
    };
    let mut tables = Vec::new();
    if let Some(h) = counts.huggingface {
        tables.push((
            "huggingface",
            table(&[("upvotes", h.upvotes), ("comments", h.comments)]),
        ));
    }
    if let Some(h) = counts.hackernews {
        tables.push((
            "hackernews",
            table(&[("points", h.points), ("comments", h.comments), ("story", h.story)]),
        ));
    }
    if let Some(b) = counts.bluesky {
        tables.push((
            "bluesky",
            table(&[("likes", b.likes), ("reposts", b.reposts), ("posts", b.posts)]),
        ));
    }
    tables
}

/// `code = { url = "...", stars = N }`.
fn code_table(code: &Code<'_>) -> InlineTable {
    let mut table = InlineTable::new();
    table.insert("url", code.url.as_ref().into());
    table.insert("stars", i64::from(code.stars).into());
    table
}

/// Sets the collected sources' counts, the code's stars and `collected` of
/// the paper `id`, in place: the other keys, their order and the curator's
/// comments stay; a code link the curator set to another repository is
/// theirs. `false` when the paper is not in the day.
pub fn update_counts(
    doc: &mut DocumentMut,
    id: &str,
    counts: &Counts,
    code: Option<&Code<'_>>,
    collected: toml_edit::Datetime,
) -> Result<bool, EditError> {
    let Some(paper) = papers(doc)?.iter_mut().find(|t| same_paper(t, id)) else {
        return Ok(false);
    };
    for (key, fresh) in source_tables(counts) {
        match paper.get_mut(key).and_then(Item::as_inline_table_mut) {
            // Keep the table's place and spacing; change its numbers.
            Some(table) => {
                for (name, count) in fresh.iter() {
                    match table.get_mut(name) {
                        Some(old) => *old = count.clone(),
                        None => {
                            table.insert(name, count.clone());
                        }
                    }
                }
            }
            None => {
                paper.insert(key, value(fresh));
            }
        }
    }
    if let Some(code) = code {
        match paper.get_mut("code").and_then(Item::as_inline_table_mut) {
            Some(table) => {
                if table.get("url").and_then(|u| u.as_str()) == Some(code.url.as_ref()) {
                    table.insert("stars", i64::from(code.stars).into());
                }
            }
            None => {
                paper.insert("code", value(code_table(code)));
            }
        }
    }
    paper.insert("collected", value(collected));
    Ok(true)
}

/// Appends a collected paper: its arXiv metadata, its sources' counts and
/// when they were taken.
pub fn append_collected(
    doc: &mut DocumentMut,
    paper: &ArxivPaper,
    counts: &Counts,
    code: Option<&Code<'_>>,
    collected: toml_edit::Datetime,
) -> Result<(), EditError> {
    let list = papers(doc)?;
    let mut counted: Vec<(&str, Item)> = source_tables(counts)
        .into_iter()
        .map(|(key, table)| (key, value(table)))
        .collect();
    if let Some(code) = code {
        counted.push(("code", value(code_table(code))));
    }
    counted.push(("collected", value(collected)));
    let table = paper_table(list, paper, counted)?;
    list.push(table);
    Ok(())
}

/// The URLs of the Bluesky posts under the paper `arxiv`.
pub fn bluesky_post_urls(doc: &DocumentMut, arxiv: &str) -> Vec<String> {
    doc.get("paper")
        .and_then(Item::as_array_of_tables)
        .and_then(|list| list.iter().find(|t| same_paper(t, arxiv)))
        .and_then(|paper| paper.get("bluesky-post"))
        .and_then(Item::as_array_of_tables)
        .into_iter()
        .flat_map(|posts| posts.iter())
        .filter_map(|t| t.get("url").and_then(Item::as_str).map(str::to_owned))
        .collect()
}

/// The `[[paper.KEY]]` list (tweets, Bluesky posts) of the paper `arxiv`,
/// made if it has none.
fn embeds<'d>(doc: &'d mut DocumentMut, arxiv: &str, key: &str) -> Result<&'d mut ArrayOfTables, EditError> {
    papers(doc)?
        .iter_mut()
        .find(|t| same_paper(t, arxiv))
        .and_then(|paper| {
            paper
                .entry(key)
                .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
                .as_array_of_tables_mut()
        })
        .ok_or_else(|| EditError::NoPaper(arxiv.to_owned()))
}

/// Appends a `[[paper.bluesky-post]]` under the paper `arxiv`; `false` when
/// the post is there already.
pub fn add_bluesky_post(
    doc: &mut DocumentMut,
    arxiv: &str,
    post: &hotpapers::BlueskyPost<'_>,
) -> Result<bool, EditError> {
    let posts = embeds(doc, arxiv, "bluesky-post")?;
    if posts
        .iter()
        .any(|t| t.get("uri").and_then(Item::as_str) == Some(post.uri.as_ref()))
    {
        return Ok(false);
    }
    let mut table = spaced_table();
    table["url"] = value(post.url.as_ref());
    table["uri"] = value(post.uri.as_ref());
    table["cid"] = value(post.cid.as_ref());
    table["author"] = value(post.author.as_ref());
    table["date"] = value(toml_date(post.date)?);
    if post.lang != "en" {
        table["lang"] = value(post.lang.as_ref());
    }
    table["text"] = value(post.text.as_ref());
    posts.push(table);
    Ok(true)
}

/// A date as TOML writes it.
fn toml_date(date: time::Date) -> Result<toml_edit::Datetime, EditError> {
    let date = toml_edit::Date {
        year: date.year().try_into().map_err(|_| EditError::Date(date))?,
        month: date.month().into(),
        day: date.day(),
    };
    Ok(toml_edit::Datetime::from(date))
}

/// Removes the paper `id` from the day, if it is there, and records it in
/// the top-level `skip` list so that collecting never adds it back. Returns
/// the new text and whether a paper was removed.
pub fn skip(text: &str, id: &str) -> Result<(String, bool), EditError> {
    let mut doc = parse(text)?;
    let mut removed = false;
    if let Some(list) = doc.get_mut("paper") {
        let list = list.as_array_of_tables_mut().ok_or(EditError::NotPapers)?;
        let before = list.len();
        list.retain(|t| !same_paper(t, id));
        removed = list.len() != before;
        if list.is_empty() {
            doc.remove("paper");
        }
    }
    let base = ArxivId::split_version(id).0;
    if !skipped(&doc).iter().any(|s| s == base) {
        let entry = doc.entry("skip").or_insert(value(Array::new()));
        let list = entry.as_array_mut().ok_or(EditError::NotSkipList)?;
        list.push(base);
    }
    Ok((doc.to_string(), removed))
}

/// A `[[paper]]` for an arXiv paper not yet in `list`: its metadata, then
/// `counts` (keys and values in order), then its abstract.
fn paper_table(
    list: &ArrayOfTables,
    paper: &ArxivPaper,
    counts: Vec<(&str, Item)>,
) -> Result<Table, EditError> {
    let id = paper.id.as_str();
    if list.iter().any(|t| same_paper(t, id)) {
        return Err(EditError::Duplicate(id.to_owned()));
    }
    let mut table = spaced_table();
    table["arxiv"] = value(id);
    table["title"] = value(&paper.title);
    table["authors"] = value(paper.authors.iter().map(String::as_str).collect::<Array>());
    table["categories"] = value(paper.categories.iter().map(|c| c.as_str()).collect::<Array>());
    for (key, item) in counts {
        table[key] = item;
    }
    if !paper.abstract_.is_empty() {
        table["abstract"] = value(&paper.abstract_);
    }
    Ok(table)
}

/// Appends a `[[paper]]` for each paper, with the given counts and code.
pub fn add_papers(
    text: &str,
    new: &[ArxivPaper],
    retweets: u32,
    favorites: u32,
    code: Option<&Code<'_>>,
) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    let list = papers(&mut doc)?;
    for paper in new {
        let mut counts = vec![
            ("retweets", value(i64::from(retweets))),
            ("favorites", value(i64::from(favorites))),
        ];
        if let Some(code) = code {
            counts.push(("code", value(code_table(code))));
        }
        let table = paper_table(list, paper, counts)?;
        list.push(table);
    }
    Ok(doc.to_string())
}

/// Appends a `[[paper.tweet]]` under the paper `arxiv`.
pub fn add_tweet(text: &str, arxiv: &str, tweet: &Tweet<'_>) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    let tweets = embeds(&mut doc, arxiv, "tweet")?;
    let status = tweet.url.rsplit('/').next().unwrap_or_default();
    let listed = tweets.iter().any(|t| {
        t.get("url")
            .and_then(Item::as_str)
            .is_some_and(|u| u.rsplit('/').next() == Some(status))
    });
    if listed {
        return Err(EditError::DuplicateTweet(tweet.url.to_string()));
    }
    let mut table = spaced_table();
    table["url"] = value(tweet.url.as_ref());
    table["author"] = value(tweet.author.as_ref());
    table["date"] = value(toml_date(tweet.date)?);
    if tweet.lang != "en" {
        table["lang"] = value(tweet.lang.as_ref());
    }
    if tweet.dir != Dir::Ltr {
        table["dir"] = value(tweet.dir.as_str());
    }
    table["text"] = value(tweet.text.as_ref());
    tweets.push(table);
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use time::macros::date;

    use super::*;
    use hotpapers::Category;

    const DAY: &str = "# Curated by hand.\ndate = 2020-10-30  # the day\npublished = 2020-10-31T09:40:17Z\n";

    fn paper() -> ArxivPaper {
        ArxivPaper {
            id: ArxivId::parse("2010.15581").unwrap(),
            title: "It's \"quoted\"".into(),
            authors: vec!["Nur Ahmed".into(), "Muntasir Wahed".into()],
            categories: vec![
                Category::from_id("cs.CY").unwrap(),
                Category::from_id("cs.LG").unwrap(),
            ],
            abstract_: "An abstract.".into(),
        }
    }

    #[test]
    fn appends_papers_and_tweets_keeping_comments() {
        let with_paper = add_papers(DAY, &[paper()], 4696, 218, None).unwrap();
        assert!(with_paper.starts_with(DAY), "{with_paper}");
        let tweet = Tweet {
            url: Cow::Borrowed("https://twitter.com/Abebab/status/1322229024387727360"),
            author: Cow::Borrowed("Abeba Birhane"),
            date: date!(2020 - 10 - 30),
            lang: Cow::Borrowed("en"),
            dir: Dir::Ltr,
            text: Cow::Borrowed("a <br> tweet"),
        };
        let with_tweet = add_tweet(&with_paper, "2010.15581v2", &tweet).unwrap();
        let (day, diagnostics) = hotpapers::parse_day("posts/2020-10-30.toml", &with_tweet);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}\n{with_tweet}");
        let day = day.unwrap();
        assert_eq!(day.papers[0].title, "It's \"quoted\"");
        assert_eq!(
            day.papers[0].counts.twitter.map(|t| (t.retweets, t.favorites)),
            Some((4696, 218))
        );
        assert_eq!(day.papers[0].tweets[0], tweet);
        assert!(
            with_tweet.contains("\n\n[[paper]]\narxiv = \"2010.15581\"\n"),
            "{with_tweet}"
        );
        assert!(with_tweet.contains("\n\n[[paper.tweet]]\nurl = "), "{with_tweet}");
        assert!(!with_tweet.contains("lang ="), "defaults are left out");
    }

    #[test]
    fn refuses_duplicates_and_unknown_papers() {
        let with_paper = add_papers(DAY, &[paper()], 0, 0, None).unwrap();
        assert!(matches!(
            add_papers(&with_paper, &[paper()], 0, 0, None),
            Err(EditError::Duplicate(_))
        ));
        let tweet = Tweet {
            url: Cow::Borrowed("https://twitter.com/a/status/1"),
            author: Cow::Borrowed("A"),
            date: date!(2020 - 10 - 30),
            lang: Cow::Borrowed("en"),
            dir: Dir::Ltr,
            text: Cow::Borrowed("t"),
        };
        assert!(matches!(
            add_tweet(DAY, "2010.15581", &tweet),
            Err(EditError::NoPaper(_))
        ));
        let once = add_tweet(&with_paper, "2010.15581", &tweet).unwrap();
        let x = Tweet {
            url: Cow::Borrowed("https://x.com/a/status/1"),
            ..tweet
        };
        assert!(matches!(
            add_tweet(&once, "2010.15581", &x),
            Err(EditError::DuplicateTweet(_))
        ));
        assert!(matches!(
            add_papers("date = [", &[paper()], 0, 0, None),
            Err(EditError::NotToml(_))
        ));
    }

    #[test]
    fn skip_removes_the_paper_and_lists_it_once() {
        let with_paper = add_papers(DAY, &[paper()], 10, 1, None).unwrap();
        let (skipped_once, removed) = skip(&with_paper, "2010.15581v2").unwrap();
        assert!(removed);
        assert!(!skipped_once.contains("[[paper]]"), "{skipped_once}");
        assert!(skipped_once.starts_with(DAY), "{skipped_once}");
        assert!(skipped_once.contains("skip = [\"2010.15581\"]"), "{skipped_once}");
        let (twice, removed) = skip(&skipped_once, "2010.15581").unwrap();
        assert!(!removed);
        assert_eq!(twice, skipped_once, "listed once");
        let (other, _) = skip(&twice, "2010.15775").unwrap();
        assert!(
            other.contains("skip = [\"2010.15581\", \"2010.15775\"]"),
            "{other}"
        );
        let (_, diagnostics) = hotpapers::parse_day("posts/2020-10-30.toml", &other);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        assert!(matches!(
            skip("skip = 3\n", "2010.15581"),
            Err(EditError::NotSkipList)
        ));
    }
}
