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
    code: Option<&str>,
) -> anyhow::Result<()> {
    let date = day_of(day)?;
    let code = code
        .map(|url| {
            let url = url.trim_end_matches('/');
            let url = url.strip_suffix(".git").unwrap_or(url);
            hotpapers::github_repo(url)
                .map(|_| hotpapers::Code {
                    url: url.to_owned().into(),
                    stars: 0,
                })
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "`--code {}` is not a GitHub repository URL; expected `https://github.com/OWNER/REPO`",
                        hotpapers::quoted(url)
                    )
                })
        })
        .transpose()?;
    let ids: Vec<hotpapers::ArxivId<'static>> = ids
        .iter()
        .map(|id| {
            hotpapers::ArxivId::parse(id.clone())
                .map_err(|e| anyhow::anyhow!("`{id}` is not an arXiv id: {e}"))
        })
        .collect::<anyhow::Result<_>>()?;
    let papers = client(root)?.arxiv_papers(&ids)?;
    let path = edit_day(root, date, |text| {
        Ok(edit::add_papers(
            text,
            &papers,
            retweets,
            favorites,
            code.as_ref(),
        )?)
    })?;
    for paper in &papers {
        println!("added {} to {}: {}", paper.id, path.display(), paper.title);
    }
    Ok(())
}
