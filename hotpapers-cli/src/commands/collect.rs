//! `hotpapers collect`: the day's most-discussed papers from the open sources,
//! written into the day-file for the curator to review.
//!
//! Safe to run again: papers already in the day get fresh counts in place,
//! newly qualifying ones are appended, papers in the day's `skip` list never
//! come back, and the file is written only whole and only if it passes the
//! build's checks.

use std::path::Path;

use anyhow::{bail, Context as _};
use time::{OffsetDateTime, Weekday};

use hotpapers::{ArxivId, Site, SourceName};

use crate::collect::sources::{self, Mention, SourceError};
use crate::collect::{explain_score, filtered_out, merge};
use crate::day::{day_of, under};
use crate::edit;
use crate::fetch::{self, Client};

/// Papers looked up on arXiv in one request.
const LOOKUP_BATCH: usize = 50;

/// `hotpapers collect`, then with `refresh` the `[collect] refresh-days` days
/// before it that have a day-file, each as `collect` alone would; `Ok(false)`
/// when any of them failed.
pub(crate) fn run(
    root: &Path,
    date: Option<&str>,
    dry_run: bool,
    allow_partial: bool,
    refresh: bool,
) -> anyhow::Result<bool> {
    let now = crate::day::now()?;
    let date = match date {
        Some(_) => day_of(date)?,
        None => now.date().previous_day().context("no day before today")?,
    };
    let mut ok = collect_day(root, date, now, dry_run, allow_partial)?;
    if !refresh {
        return Ok(ok);
    }
    let site = Site::load(root)?;
    let dir = under(root, &site.posts_dir);
    let mut earlier = date;
    for _ in 0..site.collect.refresh_days {
        let Some(day) = earlier.previous_day() else { break };
        earlier = day;
        let shown = hotpapers::format_date(day);
        if !dir.join(hotpapers::day_file_name(day)).exists() {
            println!("refresh {shown}: no day-file; left as it is");
            continue;
        }
        println!("refresh {shown}:");
        ok &= collect_day(root, day, now, dry_run, allow_partial)?;
    }
    Ok(ok)
}

/// One day collected; `Ok(false)` when a source failed (without
/// `--allow-partial`) or every source was empty on a weekday.
fn collect_day(
    root: &Path,
    date: time::Date,
    now: OffsetDateTime,
    dry_run: bool,
    allow_partial: bool,
) -> anyhow::Result<bool> {
    let site = Site::load(root)?;
    let settings = &site.collect;
    let contact = fetch::contact(&site);
    let mut client = Client::new(fetch::Endpoints::from_env(&site), contact.as_deref())?;
    let would = if dry_run { "would " } else { "" };

    // Every source, each failure named.
    let mut mentions: Vec<Mention> = Vec::new();
    let mut failed: Vec<SourceName> = Vec::new();
    let mut asked = 0;
    for &source in &settings.sources {
        let found: Result<Vec<Mention>, SourceError> = match source {
            SourceName::Huggingface => sources::huggingface(&mut client, date),
            SourceName::Hackernews => sources::hackernews(&mut client, date),
            SourceName::Bluesky => match sources::bluesky_login() {
                Some(login) => sources::bluesky(&mut client, date, &login),
                None => {
                    println!(
                        "bluesky: not asked (set HOTPAPERS_BSKY_IDENTIFIER and HOTPAPERS_BSKY_APP_PASSWORD to use it)"
                    );
                    continue;
                }
            },
        };
        asked += 1;
        match found {
            Ok(found) => {
                let papers = found
                    .iter()
                    .map(|m| m.id().without_version())
                    .collect::<std::collections::HashSet<_>>()
                    .len();
                println!(
                    "{}: {} mention(s) of {papers} paper(s)",
                    source.as_str(),
                    found.len()
                );
                mentions.extend(found);
            }
            Err(error) => {
                eprintln!("error: {} failed: {error}", source.as_str());
                failed.push(source);
            }
        }
    }
    if !failed.is_empty() && !allow_partial {
        let names: Vec<&str> = failed.iter().map(|s| s.as_str()).collect();
        eprintln!(
            "error: nothing written: {} failed (run again later, or pass --allow-partial to collect from the others)",
            names.join(", ")
        );
        return Ok(false);
    }
    if asked == 0 {
        bail!("no source to ask: `[collect] sources` is empty, or names only Bluesky without its login");
    }
    if mentions.is_empty()
        && failed.len() < asked
        && !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
    {
        eprintln!(
            "error: every source was empty for {} (a weekday): the sources or their endpoints are likely broken",
            hotpapers::format_date(date)
        );
        return Ok(false);
    }

    // The day as it is: its papers, its skip list.
    let dir = under(root, &site.posts_dir);
    let path = dir.join(hotpapers::day_file_name(date));
    let shown_path = path.display().to_string();
    let shown = &shown_path;
    let mut embedded = 0;
    let before = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(error).with_context(|| format!("cannot read `{shown}`")),
    };
    let start = match &before {
        Some(text) => text.clone(),
        None => crate::day::new_day(root, &dir, date, now)?,
    };
    let mut doc = edit::parse(&start).with_context(|| format!("`{shown}`"))?;
    let present = edit::paper_ids(&doc);
    let skipped = edit::skipped(&doc);
    let collected: toml_edit::Datetime = now
        .format(&time::format_description::well_known::Rfc3339)?
        .parse()
        .context("a time TOML cannot write")?;

    // Scored: updates in place, new papers from the top down.
    let candidates = merge(mentions);
    let mut updated = 0;
    let mut new: Vec<(u64, String)> = Vec::new();
    let mut below = 0;
    for (id, candidate) in &candidates {
        let score = candidate.counts.score(&settings.weights);
        if present.contains(id) {
            edit::update_counts(
                &mut doc,
                id,
                &candidate.counts,
                candidate.code.as_ref(),
                collected,
            )?;
            println!(
                "{would}update {id} ({})",
                explain_score(&candidate.counts, settings)
            );
            updated += 1;
        } else if skipped.contains(id) {
            println!("left out {id}: the curator skipped it");
        } else if score < settings.min_score {
            below += 1;
        } else {
            new.push((score, id.clone()));
        }
    }
    if below > 0 {
        println!("left out {below} paper(s) below min-score {}", settings.min_score);
    }
    new.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));

    // Looked up on arXiv, best first, until the day is full.
    let room = settings.max_papers.saturating_sub(present.len());
    let mut added = 0;
    let mut queue = new.iter().map(|(_, id)| id.as_str()).peekable();
    while added < room && queue.peek().is_some() {
        let batch: Vec<ArxivId<'static>> = queue
            .by_ref()
            .take(LOOKUP_BATCH.min((room - added) * 2))
            .filter_map(|id| ArxivId::parse(id.to_owned()).ok())
            .collect();
        for (id, found) in client.arxiv_lookup(&batch)? {
            let paper = match found {
                Ok(paper) => paper,
                Err(why) => {
                    let why = why.unwrap_or_else(|| "arXiv has no such paper".to_owned());
                    println!("left out {id}: {why}");
                    continue;
                }
            };
            if added >= room {
                println!(
                    "left out {id}: the day has max-papers ({}) already",
                    settings.max_papers
                );
                continue;
            }
            if let Some(why) = filtered_out(&paper, settings) {
                println!("left out {id}: {why}");
                continue;
            }
            let candidate = &candidates[&id];
            let counts = &candidate.counts;
            // Each paper is checked as the build would before it stays: one
            // that would not pass is reported and left out, never written.
            let mut trial = doc.clone();
            edit::append_collected(&mut trial, &paper, counts, candidate.code.as_ref(), collected)?;
            let (_, diagnostics) = hotpapers::parse_day(shown, &trial.to_string());
            if let Some(problem) = diagnostics.iter().find(|d| d.is_error()) {
                println!(
                    "left out {id}: what arXiv gave would not pass `hotpapers check`: {}",
                    problem.message
                );
                continue;
            }
            doc = trial;
            added += 1;
            println!(
                "{would}add {id} ({}): {}",
                explain_score(counts, settings),
                paper.title
            );
        }
    }
    for id in queue {
        println!(
            "left out {id}: the day has max-papers ({}) already",
            settings.max_papers
        );
    }

    // The best Bluesky posts of each paper in the day, embedded under it.
    let mut embeds_failed: Vec<String> = Vec::new();
    let mut embeds_tried = 0;
    let in_day = edit::paper_ids(&doc);
    for (id, candidate) in candidates.iter().filter(|(id, _)| in_day.contains(id)) {
        let mut listed = edit::bluesky_post_urls(&doc, id);
        for post in &candidate.posts {
            if listed.len() >= settings.bluesky_embeds {
                break;
            }
            if listed.contains(&post.url) {
                continue;
            }
            embeds_tried += 1;
            let embed = match client.bluesky_post(&post.url) {
                Ok(embed) => embed,
                Err(error) => {
                    println!("left out the Bluesky post {}: {error}", post.url);
                    embeds_failed.push(error.to_string());
                    continue;
                }
            };
            let mut trial = doc.clone();
            if !edit::add_bluesky_post(&mut trial, id, &embed)? {
                continue;
            }
            let (_, diagnostics) = hotpapers::parse_day(shown, &trial.to_string());
            if let Some(problem) = diagnostics.iter().find(|d| d.is_error()) {
                println!(
                    "left out the Bluesky post {}: its embed would not pass `hotpapers check`: {}",
                    post.url, problem.message
                );
                continue;
            }
            doc = trial;
            listed.push(post.url.clone());
            embedded += 1;
            println!("{would}embed {} under {id}", post.url);
        }
    }

    if !embeds_failed.is_empty() {
        println!(
            "bluesky: {} of {embeds_tried} post embed(s) could not be read",
            embeds_failed.len()
        );
        // Not one embed read: Bluesky's oEmbed answers are not what this tool
        // reads, and a day without its posts should not pass as a good one.
        if embeds_failed.len() == embeds_tried && !allow_partial {
            eprintln!(
                "error: bluesky failed: none of the {embeds_tried} post embed(s) could be read (the first: {}); \
                 nothing written (run again later, or pass --allow-partial to write the day without them)",
                embeds_failed[0]
            );
            return Ok(false);
        }
    }

    let after = doc.to_string();
    if before.as_deref() == Some(after.as_str()) || (before.is_none() && added == 0 && embedded == 0) {
        println!("{shown}: nothing to change");
        return Ok(true);
    }
    if dry_run {
        println!("{shown}: {added} to add, {updated} to update, {embedded} post(s) to embed; nothing written (--dry-run)");
        return Ok(true);
    }
    let (_, diagnostics) = hotpapers::parse_day(shown, &after);
    if let Some(problem) = diagnostics.iter().find(|d| d.is_error()) {
        bail!(
            "the collected day would fail the build, so it was not written:\n{}",
            problem.report()
        );
    }
    // Someone may have saved the file while the sources were asked.
    let now_on_disk = std::fs::read_to_string(&path).ok();
    if now_on_disk != before {
        bail!("`{shown}` changed while collecting; nothing written, run again");
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    hotpapers::write_atomically(&path, after.as_bytes())
        .with_context(|| format!("cannot write `{shown}`"))?;
    println!("wrote {shown}: {added} added, {updated} updated, {embedded} post(s) embedded");
    Ok(true)
}
