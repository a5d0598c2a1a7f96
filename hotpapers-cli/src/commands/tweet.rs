//! `hotpapers tweet`: a tweet's embed, appended under a paper of a day.

use std::path::Path;

use anyhow::bail;

use crate::day::{client, day_of, edit_day};
use crate::edit;

/// `hotpapers tweet`.
pub(crate) fn run(root: &Path, url: &str, paper: &str, day: Option<&str>) -> anyhow::Result<()> {
    let date = day_of(day)?;
    let normalised = url.replacen("https://x.com/", "https://twitter.com/", 1);
    if hotpapers::tweet_handle(&normalised).is_none() {
        bail!("`{url}` is not a tweet URL; expected `https://twitter.com/HANDLE/status/ID`");
    }
    let tweet = client(root)?.tweet(&normalised)?;
    let path = edit_day(root, date, |text| Ok(edit::add_tweet(text, paper, &tweet)?))?;
    println!(
        "added the tweet by {} under {paper} in {}",
        tweet.author,
        path.display()
    );
    Ok(())
}
