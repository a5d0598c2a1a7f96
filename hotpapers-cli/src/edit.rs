//! Appending papers and tweets to a day-file, keeping the curator's comments,
//! order and formatting (toml_edit).

use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

use crate::fetch::ArxivPaper;
use hotpapers::{ArxivId, Dir, Tweet};

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
    /// A date before year 0, which TOML cannot write.
    #[error("the date {0} cannot be written in a day-file")]
    Date(time::Date),
}

fn parse(text: &str) -> Result<DocumentMut, EditError> {
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

/// Appends a `[[paper]]` for each paper, with the given counts.
pub fn add_papers(
    text: &str,
    new: &[ArxivPaper],
    retweets: u32,
    favorites: u32,
) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    let list = papers(&mut doc)?;
    for paper in new {
        let id = paper.id.as_str();
        if list.iter().any(|t| same_paper(t, id)) {
            return Err(EditError::Duplicate(id.to_owned()));
        }
        let mut table = spaced_table();
        table["arxiv"] = value(id);
        table["title"] = value(&paper.title);
        table["authors"] = value(paper.authors.iter().map(String::as_str).collect::<Array>());
        table["categories"] = value(paper.categories.iter().map(|c| c.as_str()).collect::<Array>());
        table["retweets"] = value(i64::from(retweets));
        table["favorites"] = value(i64::from(favorites));
        if !paper.abstract_.is_empty() {
            table["abstract"] = value(&paper.abstract_);
        }
        list.push(table);
    }
    Ok(doc.to_string())
}

/// Appends a `[[paper.tweet]]` under the paper `arxiv`.
pub fn add_tweet(text: &str, arxiv: &str, tweet: &Tweet<'_>) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    let paper = papers(&mut doc)?
        .iter_mut()
        .find(|t| same_paper(t, arxiv))
        .ok_or_else(|| EditError::NoPaper(arxiv.to_owned()))?;
    let tweets = paper
        .entry("tweet")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| EditError::NoPaper(arxiv.to_owned()))?;
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
    let date = toml_edit::Date {
        year: tweet
            .date
            .year()
            .try_into()
            .map_err(|_| EditError::Date(tweet.date))?,
        month: tweet.date.month().into(),
        day: tweet.date.day(),
    };
    table["date"] = value(toml_edit::Datetime::from(date));
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
        let with_paper = add_papers(DAY, &[paper()], 4696, 218).unwrap();
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
        assert_eq!((day.papers[0].retweets, day.papers[0].favorites), (4696, 218));
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
        let with_paper = add_papers(DAY, &[paper()], 0, 0).unwrap();
        assert!(matches!(
            add_papers(&with_paper, &[paper()], 0, 0),
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
            add_papers("date = [", &[paper()], 0, 0),
            Err(EditError::NotToml(_))
        ));
    }
}
