//! `hotpapers announce [DATE]`: each new day posted once to Bluesky and
//! Mastodon, after the pages are pushed.
//!
//! Without a date, the days of the last `[announce] days` that are published
//! (not a draft, their time come, their page on the pages branch) and not yet
//! announced: a failed announcement is tried again by the next run, and a
//! first run never announces the archive. What was announced is recorded on
//! `[announce] branch`; a day announced and then updated is not announced
//! again.

use std::path::Path;

use anyhow::{bail, Context as _};
use hotpapers::{Announcements, Day, Site};
use time::Date;

use crate::announce::{channels, Channels, News, TOP};
use crate::day::{day_of, under};
use crate::fetch::{self, Client};

/// Announces the days due; `Ok(false)` when a channel failed (after the
/// others were tried).
pub(crate) fn run(
    root: &Path,
    date: Option<&str>,
    dry_run: bool,
    author: Option<String>,
) -> anyhow::Result<bool> {
    let site = Site::load(root)?;
    let Channels {
        on: mut channels,
        off,
    } = channels()?;
    for line in off {
        println!("{line}");
    }
    if channels.is_empty() {
        println!("announce: no channel configured; nothing to do");
        return Ok(true);
    }
    let record = Announcements::open(root, &site)?;
    let mut client = Client::new(
        fetch::Endpoints::from_env(&site),
        fetch::contact(&site).as_deref(),
    )?;
    let mut ok = true;
    for day in due(root, &site, date, &record)? {
        let date = hotpapers::format_date(day.date);
        let news = News::of(&site, &day, Some(TOP));
        let done = record.of(day.date)?;
        for channel in &mut channels {
            let name = channel.name();
            if let Some(at) = done.get(name) {
                println!("{date} {name}: announced already, {at}");
                continue;
            }
            if dry_run {
                let preview = channel.preview(&news).with_context(|| format!("{date} {name}"))?;
                println!("{date} {name}: would post\n{preview}");
                continue;
            }
            match channel.send(&mut client, &news) {
                Ok(at) => {
                    record
                        .add(&site, day.date, name, &at, author.clone())
                        .with_context(|| format!("{date} {name}: posted as {at}, but not recorded"))?;
                    println!("{date} {name}: announced, {at}");
                }
                Err(error) => {
                    eprintln!("error: {date} {name}: {error}");
                    ok = false;
                }
            }
        }
    }
    Ok(ok)
}

/// The days to tell readers about: `date`, or those of the last
/// `[announce] days`, each published (not a draft, its time come, its page
/// on the pages branch when the site has one).
pub(crate) fn due(
    root: &Path,
    site: &Site,
    date: Option<&str>,
    record: &Announcements,
) -> anyhow::Result<Vec<Day<'static>>> {
    let now = crate::day::now()?;
    let explicit = date.is_some();
    let dates: Vec<Date> = match date {
        Some(_) => vec![day_of(date)?],
        None => {
            let mut dates = vec![now.date()];
            while dates.len() <= site.announce.days {
                let Some(before) = dates[dates.len() - 1].previous_day() else {
                    break;
                };
                dates.push(before);
            }
            dates.reverse();
            dates
        }
    };
    let dir = under(root, &site.posts_dir);
    let mut days = Vec::new();
    for date in dates {
        let shown = hotpapers::format_date(date);
        let name = hotpapers::day_file_name(date);
        let path = dir.join(&name);
        if !path.exists() {
            if explicit {
                bail!("{shown}: no day-file `{}`", path.display());
            }
            continue;
        }
        let (day, diagnostics) = hotpapers::load_file(&path, &format!("{}/{name}", site.posts_dir))?;
        let Some(day) = day.filter(|_| !diagnostics.has_errors()) else {
            eprintln!("{diagnostics}");
            bail!("{shown}: the day-file does not pass `hotpapers check`; not announced");
        };
        if day.draft {
            println!("{shown}: a draft; not announced");
        } else if day.published > now {
            println!(
                "{shown}: published at {}, still to come; not announced",
                day.published
            );
        } else if site.blog.pages && !record.page_published(site, date)? {
            println!(
                "{shown}: its page is not on `{}` yet; not announced",
                site.blog.pages_branch
            );
        } else {
            days.push(day);
        }
    }
    Ok(days)
}
