//! `hotpapers collect`: the day's most-discussed papers from the open sources,
//! written into the day-file for the curator to review.
//!
//! Safe to run again: papers already in the day get fresh counts in place,
//! newly qualifying ones are appended, papers in the day's `skip` list never
//! come back, and the file is written only whole and only if it passes the
//! build's checks.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::{bail, Context as _};
use time::{Date, OffsetDateTime, Weekday};
use toml_edit::DocumentMut;

use hotpapers::{ArxivId, CollectSettings, Site, SourceName};

use crate::collect::source::Mention;
use crate::collect::{explain_score, filtered_out, merge, source, Candidate};
use crate::day::{day_of, read_day, under, write_day};
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

/// One day collected, in named phases; `Ok(false)` when a source failed
/// (without `--allow-partial`) or every source was empty on a weekday.
fn collect_day(
    root: &Path,
    date: Date,
    now: OffsetDateTime,
    dry_run: bool,
    allow_partial: bool,
) -> anyhow::Result<bool> {
    let site = Site::load(root)?;
    let contact = fetch::contact(&site);
    let mut client = Client::new(fetch::Endpoints::from_env(&site), contact.as_deref())?;
    let Some(mentions) = gather(&mut client, &site.collect, date, allow_partial)? else {
        return Ok(false);
    };
    let path = under(root, &site.posts_dir).join(hotpapers::day_file_name(date));
    let mut day = Collecting::open(root, &path, date, now, &site.collect, dry_run)?;
    let candidates = merge(mentions);
    let new = day.score(&candidates)?;
    let added = day.look_up(&mut client, &candidates, &new)?;
    let Some(embedded) = day.embed(&mut client, &candidates, allow_partial)? else {
        return Ok(false);
    };
    day.write(added, embedded)?;
    Ok(true)
}

/// Every source of `[collect] sources` asked, each failure named: the
/// mentions, or `None` when the day must not be written from them (a source
/// failed without `--allow-partial`, or every source was empty on a weekday).
fn gather(
    client: &mut Client,
    settings: &CollectSettings,
    date: Date,
    allow_partial: bool,
) -> anyhow::Result<Option<Vec<Mention>>> {
    let mut mentions: Vec<Mention> = Vec::new();
    let mut failed: Vec<SourceName> = Vec::new();
    let mut asked = 0;
    for &name in &settings.sources {
        let source = match source(name) {
            Ok(source) => source,
            Err(why) => {
                println!("{}: {why}", name.as_str());
                continue;
            }
        };
        asked += 1;
        match source.mentions(client, date) {
            Ok(found) => {
                let papers = found
                    .iter()
                    .map(|m| m.id().without_version())
                    .collect::<HashSet<_>>()
                    .len();
                println!(
                    "{}: {} mention(s) of {papers} paper(s)",
                    name.as_str(),
                    found.len()
                );
                mentions.extend(found);
            }
            Err(error) => {
                eprintln!("error: {} failed: {error}", name.as_str());
                failed.push(name);
            }
        }
    }
    if !failed.is_empty() && !allow_partial {
        let names: Vec<&str> = failed.iter().map(|s| s.as_str()).collect();
        eprintln!(
            "error: nothing written: {} failed (run again later, or pass --allow-partial to collect from the others)",
            names.join(", ")
        );
        return Ok(None);
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
        return Ok(None);
    }
    Ok(Some(mentions))
}

/// A day-file being collected into: as it was read, and as it is becoming.
struct Collecting<'a> {
    settings: &'a CollectSettings,
    path: &'a Path,
    /// The path as messages show it.
    shown: String,
    /// The file as it was read; `None` if there was none.
    before: Option<String>,
    doc: DocumentMut,
    /// The papers in the day when it was read.
    present: Vec<String>,
    /// When the counts were read, as written into the day.
    collected: toml_edit::Datetime,
    updated: usize,
    dry_run: bool,
}

impl<'a> Collecting<'a> {
    /// The day-file at `path` as it is, or a new one.
    fn open(
        root: &Path,
        path: &'a Path,
        date: Date,
        now: OffsetDateTime,
        settings: &'a CollectSettings,
        dry_run: bool,
    ) -> anyhow::Result<Collecting<'a>> {
        let shown = path.display().to_string();
        let before = read_day(path)?;
        let start = match &before {
            Some(text) => text.clone(),
            None => {
                let dir = path.parent().unwrap_or(Path::new("."));
                crate::day::new_day(root, dir, date, now)?
            }
        };
        let doc = edit::parse(&start).with_context(|| format!("`{shown}`"))?;
        let collected = now
            .format(&time::format_description::well_known::Rfc3339)?
            .parse()
            .context("a time TOML cannot write")?;
        Ok(Collecting {
            settings,
            path,
            present: edit::paper_ids(&doc),
            shown,
            before,
            doc,
            collected,
            updated: 0,
            dry_run,
        })
    }

    /// `would ` on a dry run, for the report.
    fn would(&self) -> &'static str {
        if self.dry_run {
            "would "
        } else {
            ""
        }
    }

    /// Whether `doc` would pass the build's checks; the first error if not.
    fn problem(&self, doc: &DocumentMut) -> Option<String> {
        let (_, diagnostics) = hotpapers::parse_day(&self.shown, &doc.to_string());
        diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.message.to_string())
    }

    /// Scored: the papers already in the day get fresh counts in place; the
    /// new ones at or above `min-score` are returned best first.
    fn score(&mut self, candidates: &BTreeMap<String, Candidate>) -> anyhow::Result<Vec<String>> {
        let settings = self.settings;
        let skipped = edit::skipped(&self.doc);
        let mut new: Vec<(u64, &String)> = Vec::new();
        let mut below = 0;
        for (id, candidate) in candidates {
            let score = candidate.counts.score(&settings.weights);
            if self.present.contains(id) {
                edit::update_counts(
                    &mut self.doc,
                    id,
                    &candidate.counts,
                    candidate.code.as_ref(),
                    self.collected,
                )?;
                println!(
                    "{}update {id} ({})",
                    self.would(),
                    explain_score(&candidate.counts, settings)
                );
                self.updated += 1;
            } else if skipped.contains(id) {
                println!("left out {id}: the curator skipped it");
            } else if score < settings.min_score {
                below += 1;
            } else {
                new.push((score, id));
            }
        }
        if below > 0 {
            println!("left out {below} paper(s) below min-score {}", settings.min_score);
        }
        new.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        Ok(new.into_iter().map(|(_, id)| id.clone()).collect())
    }

    /// The new papers looked up on arXiv, best first, until the day is full;
    /// each is checked as the build would check it before it stays. How many
    /// were added.
    fn look_up(
        &mut self,
        client: &mut Client,
        candidates: &BTreeMap<String, Candidate>,
        new: &[String],
    ) -> anyhow::Result<usize> {
        let max_papers = self.settings.max_papers;
        let room = max_papers.saturating_sub(self.present.len());
        let mut added = 0;
        let mut queue = new.iter().peekable();
        while added < room && queue.peek().is_some() {
            let batch: Vec<ArxivId<'static>> = queue
                .by_ref()
                .take(LOOKUP_BATCH.min((room - added) * 2))
                .filter_map(|id| ArxivId::parse(id.clone()).ok())
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
                    println!("left out {id}: the day has max-papers ({max_papers}) already");
                    continue;
                }
                if let Some(why) = filtered_out(&paper, self.settings) {
                    println!("left out {id}: {why}");
                    continue;
                }
                let candidate = &candidates[&id];
                // One that would not pass is reported and left out, never
                // written.
                let mut trial = self.doc.clone();
                let code = candidate.code.as_ref();
                edit::append_collected(&mut trial, &paper, &candidate.counts, code, self.collected)?;
                if let Some(problem) = self.problem(&trial) {
                    println!("left out {id}: what arXiv gave would not pass `hotpapers check`: {problem}");
                    continue;
                }
                self.doc = trial;
                added += 1;
                println!(
                    "{}add {id} ({}): {}",
                    self.would(),
                    explain_score(&candidate.counts, self.settings),
                    paper.title
                );
            }
        }
        for id in queue {
            println!("left out {id}: the day has max-papers ({max_papers}) already");
        }
        Ok(added)
    }

    /// The best Bluesky posts of each paper in the day, embedded under it:
    /// how many, or `None` when not one of them could be read (Bluesky's
    /// oEmbed answers are not what this tool reads, and a day without its
    /// posts should not pass as a good one) without `--allow-partial`.
    fn embed(
        &mut self,
        client: &mut Client,
        candidates: &BTreeMap<String, Candidate>,
        allow_partial: bool,
    ) -> anyhow::Result<Option<usize>> {
        let mut embedded = 0;
        let mut failed: Vec<String> = Vec::new();
        let mut tried = 0;
        let in_day = edit::paper_ids(&self.doc);
        for (id, candidate) in candidates.iter().filter(|(id, _)| in_day.contains(id)) {
            let mut listed = edit::bluesky_post_urls(&self.doc, id);
            for post in &candidate.posts {
                if listed.len() >= self.settings.bluesky_embeds {
                    break;
                }
                if listed.contains(&post.url) {
                    continue;
                }
                tried += 1;
                let embed = match client.bluesky_post(&post.url) {
                    Ok(embed) => embed,
                    Err(error) => {
                        println!("left out the Bluesky post {}: {error}", post.url);
                        failed.push(error.to_string());
                        continue;
                    }
                };
                let mut trial = self.doc.clone();
                if !edit::add_bluesky_post(&mut trial, id, &embed)? {
                    continue;
                }
                if let Some(problem) = self.problem(&trial) {
                    println!(
                        "left out the Bluesky post {}: its embed would not pass `hotpapers check`: {problem}",
                        post.url
                    );
                    continue;
                }
                self.doc = trial;
                listed.push(post.url.clone());
                embedded += 1;
                println!("{}embed {} under {id}", self.would(), post.url);
            }
        }
        if !failed.is_empty() {
            println!(
                "bluesky: {} of {tried} post embed(s) could not be read",
                failed.len()
            );
            if failed.len() == tried && !allow_partial {
                eprintln!(
                    "error: bluesky failed: none of the {tried} post embed(s) could be read (the first: {}); \
                     nothing written (run again later, or pass --allow-partial to write the day without them)",
                    failed[0]
                );
                return Ok(None);
            }
        }
        Ok(Some(embedded))
    }

    /// The day written, whole and checked, unless nothing changed or this is a
    /// dry run.
    fn write(self, added: usize, embedded: usize) -> anyhow::Result<()> {
        let (shown, updated) = (&self.shown, self.updated);
        let after = self.doc.to_string();
        let unchanged = match &self.before {
            Some(before) => *before == after,
            None => added == 0 && embedded == 0,
        };
        if unchanged {
            println!("{shown}: nothing to change");
        } else if self.dry_run {
            println!(
                "{shown}: {added} to add, {updated} to update, {embedded} post(s) to embed; nothing written (--dry-run)"
            );
        } else {
            write_day(self.path, self.before.as_deref(), &after)?;
            println!("wrote {shown}: {added} added, {updated} updated, {embedded} post(s) embedded");
        }
        Ok(())
    }
}
