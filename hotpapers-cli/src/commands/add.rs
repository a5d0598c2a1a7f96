//! `hotpapers add`: papers looked up on arXiv, appended to a day.

use std::path::Path;

use crate::day::{client, day_of, edit_day};
use crate::edit;

/// `hotpapers add`.
pub(crate) fn run(
    root: &Path,
    ids: &[String],
    day: Option<&str>,
    retweets: u32,
    favorites: u32,
) -> anyhow::Result<()> {
    let date = day_of(day)?;
    let ids: Vec<hotpapers::ArxivId<'static>> = ids
        .iter()
        .map(|id| {
            hotpapers::ArxivId::parse(id.clone())
                .map_err(|e| anyhow::anyhow!("`{id}` is not an arXiv id: {e}"))
        })
        .collect::<anyhow::Result<_>>()?;
    let papers = client(root)?.arxiv_papers(&ids)?;
    let path = edit_day(root, date, |text| {
        Ok(edit::add_papers(text, &papers, retweets, favorites)?)
    })?;
    for paper in &papers {
        println!("added {} to {}: {}", paper.id, path.display(), paper.title);
    }
    Ok(())
}
