//! The site binary's command: `cargo run` renders every day-file compiled into
//! the binary into its Markdown post and the blog, and commits what changed.
//!
//! It lives in the library, not in the binary, so that the crate an edited
//! day-file recompiles holds nothing but the compiled-in data and a call to
//! [`main`]: rustc then builds and links only that, which is most of what an
//! edit costs (docs/BENCHMARKS.md).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;

use crate::{
    ArchiveHead, Change, Compiled, Days, PublishOptions, PushTarget, Report, SiteDirReport, Theme,
    WarningSummary,
};

/// Render the day-files compiled into this binary into Markdown posts and the
/// blog, and commit them.
#[derive(Debug, Parser)]
#[command(name = "hotpapers-site", version)]
struct Cli {
    /// Print what would be written and committed; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the posts but do not commit them.
    #[arg(long)]
    no_commit: bool,
    /// Print a JSON summary for CI steps instead of text.
    #[arg(long)]
    json: bool,
    /// Commit author, `Name <email>` (default: GIT_AUTHOR_*, hotpapers.toml, git config).
    #[arg(long, value_name = "NAME <EMAIL>")]
    author: Option<String>,
    /// Push the branch to REMOTE afterwards (default `origin`), re-applying the
    /// commit if the remote moved ahead.
    #[arg(long, value_name = "REMOTE", num_args = 0..=1, default_missing_value = "origin")]
    push: Option<String>,
    /// The branch to push to; needed on a detached HEAD.
    #[arg(long, value_name = "NAME", requires = "push")]
    branch: Option<String>,
    /// Also write the HTML site into DIR, for hosts other than a pages branch.
    #[arg(long, value_name = "DIR", conflicts_with = "no_site")]
    site_dir: Option<PathBuf>,
    /// Publish the Markdown posts only; leave the HTML site and its branch as they are.
    #[arg(long)]
    no_site: bool,
    /// The site folder (default: the folder this binary was built from).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// The site binary's `main`: `built_in` is the folder it was built from (the
/// default `--root`), `archive` and `theme` what its macros compiled in.
pub fn main(built_in: &str, archive: Compiled<'static>, theme: Theme<'static>) -> ExitCode {
    let cli = Cli::parse();
    // libgit2 hashes every object it reads again to check its id, with the
    // collision-detecting SHA-1: on an edit at 3,650 days, the trees on the way
    // to a change and the commits read cost 2 – 3 % of the run at `-O3`, and
    // more at the `-O1` its C is built with (Cargo.toml). git itself checks ids
    // only in `fsck`; what a publish writes is hashed by us as it is written,
    // and the tests run `git fsck --strict` on every tree committed.
    git2::opts::strict_hash_verification(false);
    let root = cli.root.clone().unwrap_or_else(|| PathBuf::from(built_in));
    let publish = || -> anyhow::Result<()> {
        let head = archive.head()?;
        match start(&cli, &root, &head)? {
            None => Ok(()),
            Some(start) => run(&cli, &root, (&head, &archive.days(&head)?), &theme, start),
        }
    };
    match publish() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// What a run learns before decoding a day, from the archive's head alone.
#[derive(Clone, Copy)]
struct Start {
    /// This binary's identity ([`build_fingerprint`]).
    fingerprint: Option<u64>,
    /// Whether the blog needs no rendering: not asked for (`--no-site`, no
    /// pages branch and no `--site-dir`), or published by this very binary and
    /// still on its branch.
    site_current: bool,
}

/// `None` for a run of this very binary after one that published everything,
/// with both branches still as it left them: said as a full run says it,
/// without decoding a day. Otherwise what the full run starts from.
fn start(cli: &Cli, root: &Path, head: &ArchiveHead<'static>) -> anyhow::Result<Option<Start>> {
    let fingerprint = build_fingerprint();
    let blog = &head.site.blog;
    // The blog is rendered from what is compiled in: if this very binary already
    // published it, and the branch still holds that, there is nothing to render.
    let site_current = cli.site_dir.is_none()
        && (cli.no_site
            || !blog.pages
            || fingerprint.is_some_and(|f| crate::pages_up_to_date(root, blog, f)));
    let start = Start {
        fingerprint,
        site_current,
    };
    let Some(fingerprint) = fingerprint.filter(|_| site_current && cli.push.is_none()) else {
        return Ok(Some(start));
    };
    if !crate::posts_up_to_date_at(root, &head.site, head.site_hash, fingerprint)
        .with_context(|| format!("cannot publish the site in `{}`", root.display()))?
    {
        return Ok(Some(start));
    }
    let report = Report {
        unchanged: head.days,
        ..Report::default()
    };
    print_report(&report, &WarningSummary::of(&head.warnings, |_| false), None, cli);
    Ok(None)
}

fn run(
    cli: &Cli,
    root: &Path,
    (head, days): (&ArchiveHead<'static>, &Days<'static>),
    theme: &Theme<'static>,
    Start {
        fingerprint,
        site_current,
    }: Start,
) -> anyhow::Result<()> {
    let site = &head.site;
    let blog = &site.blog;
    let rendered = if site_current {
        None
    } else {
        // A folder gets every page; the pages branch keeps the day pages it has.
        let cache = match &cli.site_dir {
            None if blog.pages => crate::PagesCache::load(root),
            _ => crate::PagesCache::default(),
        };
        let reuse = |path: &str, key: u64| cache.has(path, key);
        let rendered = crate::render_blog_reusing(site, days, theme, &reuse)?;
        Some((rendered, cache))
    };
    let site_dir = match (&cli.site_dir, &rendered) {
        (Some(dir), Some((rendered, _))) if !cli.dry_run => Some(
            crate::write_site(dir, &rendered.files)
                .with_context(|| format!("cannot write the site into `{}`", dir.display()))?,
        ),
        _ => None,
    };
    let options = PublishOptions {
        site: rendered.map(|(rendered, cache)| crate::RenderedSite {
            files: rendered.files,
            pages: rendered.pages,
            cache: Some(cache),
        }),
        fingerprint,
        dry_run: cli.dry_run,
        no_commit: cli.no_commit,
        author: cli.author.clone(),
        env: None,
        push: cli.push.as_ref().map(|remote| PushTarget {
            branch: cli.branch.clone(),
            ..PushTarget::new(remote)
        }),
    };
    let report = crate::publish_days(root, head.into(), days, &options)
        .with_context(|| format!("cannot publish the site in `{}`", root.display()))?;
    let touched: HashSet<_> = report
        .changes
        .iter()
        .filter(|(_, change)| *change != Change::Removed)
        .map(|(date, _)| *date)
        .collect();
    let warnings = WarningSummary::of(&head.warnings, |day| touched.contains(&day));
    print_report(&report, &warnings, site_dir.as_ref(), cli);
    Ok(())
}

/// What a run did, as text or (`--json`) as JSON.
fn print_report(report: &Report, warnings: &WarningSummary<'_>, site_dir: Option<&SiteDirReport>, cli: &Cli) {
    if cli.json {
        println!("{}", json(report, warnings, site_dir, cli));
    } else {
        print_warnings(warnings);
        print_summary(report, cli);
        print_site(report, site_dir, cli);
    }
}

/// What happened to the HTML site; nothing when it did not change and nobody
/// else changed its branch.
fn print_site(report: &Report, site_dir: Option<&SiteDirReport>, cli: &Cli) {
    if let Some(pages) = report.pages.as_ref().filter(|p| p.foreign_commits > 0) {
        println!(
            "site: {} has {} commit(s) since this tool's last that it did not make; \
             the pages follow the day-files on `main`, so generated files they changed are generated again \
             (to change a day, fix or revert its day-file on `main` and publish)",
            pages.branch, pages.foreign_commits
        );
    }
    if let Some(pages) = report.pages.as_ref().filter(|p| !p.kept.is_empty()) {
        println!(
            "site: kept {} file(s) on {} that this tool does not generate: {}",
            pages.kept.len(),
            pages.branch,
            pages.kept.join(", ")
        );
    }
    if let Some(pages) = report.pages.as_ref().filter(|p| p.changed > 0) {
        match pages.commit {
            Some(commit) => println!(
                "site: {} of {} file(s) changed; commit {} on {}",
                pages.changed,
                pages.files,
                &commit.to_string()[..12],
                pages.branch
            ),
            None if cli.dry_run => println!(
                "site: would commit {} changed file(s) of {} to {}",
                pages.changed, pages.files, pages.branch
            ),
            None => println!(
                "site: {} changed file(s); not committed (--no-commit)",
                pages.changed
            ),
        }
        if let Some((remote, commit)) = &pages.pushed {
            println!(
                "pushed {} to {remote}/{}",
                &commit.to_string()[..12],
                pages.branch
            );
        }
    }
    if let (Some(written), Some(dir)) = (site_dir, &cli.site_dir) {
        println!(
            "site folder {}: {} written, {} unchanged, {} removed",
            dir.display(),
            written.written,
            written.unchanged,
            written.removed
        );
    }
}

/// This binary's identity: its days, settings and theme are compiled in, so a
/// binary that is the same file renders the same blog.
fn build_fingerprint() -> Option<u64> {
    let meta = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    let identity = format!(
        "{} {} {}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_nanos()
    );
    Some(crate::source_hash(identity.as_bytes()))
}

/// The warnings of the days this run adds or updates in full, then one line for
/// the rest: a run should not repeat every legacy day's warnings.
fn print_warnings(warnings: &WarningSummary<'_>) {
    for warning in &warnings.shown {
        eprintln!("{warning}\n");
    }
    if warnings.other > 0 {
        eprintln!(
            "{} warning(s) in {} other day(s); `cargo run --bin hotpapers -- check` lists them\n",
            warnings.other, warnings.other_days
        );
    }
}

fn print_summary(report: &Report, cli: &Cli) {
    print_changes(report, cli);
    if let Some(pushed) = &report.pushed {
        let again = if pushed.reapplied {
            ", re-applied on top of the remote"
        } else {
            ""
        };
        println!(
            "pushed {} to {}/{} in {} attempt(s){again}",
            &pushed.commit.to_string()[..12],
            pushed.remote,
            pushed.branch,
            pushed.attempts
        );
    }
}

fn print_changes(report: &Report, cli: &Cli) {
    let (added, updated, removed) = (
        report.count(Change::Added),
        report.count(Change::Updated),
        report.count(Change::Removed),
    );
    if report.files.is_empty() {
        println!("nothing to publish: {} post(s) up to date", report.unchanged);
        return;
    }
    let would = if cli.dry_run { "would publish" } else { "published" };
    println!(
        "{would}: {added} added, {updated} updated, {removed} removed, {} unchanged",
        report.unchanged
    );
    if cli.dry_run {
        for file in &report.files {
            println!("  {} {}", file.change.verb(), file.path);
        }
        if let Some(message) = &report.message {
            println!("commit message:\n{}", indent(message));
        }
    }
    match (report.commit, &report.message) {
        (Some(commit), Some(message)) => {
            println!(
                "commit {} {}",
                &commit.to_string()[..12],
                message.lines().next().unwrap_or_default()
            );
        }
        _ if cli.no_commit => println!("posts written; not committed (--no-commit)"),
        _ => {}
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn json(
    report: &Report,
    warnings: &WarningSummary<'_>,
    site_dir: Option<&SiteDirReport>,
    cli: &Cli,
) -> serde_json::Value {
    let dates = |change: Change| -> Vec<String> {
        report
            .changes
            .iter()
            .filter(|(_, c)| *c == change)
            .map(|(d, _)| d.to_string())
            .collect()
    };
    let files = |change: Change| -> Vec<&str> {
        report
            .files
            .iter()
            .filter(|f| f.change == change)
            .map(|f| f.path.as_str())
            .collect()
    };
    serde_json::json!({
        "changes_detected": !report.files.is_empty(),
        "dry_run": cli.dry_run,
        "commit": report.commit.map(|c| c.to_string()),
        "pushed": report.pushed.as_ref().map(|p| serde_json::json!({
            "remote": p.remote,
            "branch": p.branch,
            "commit": p.commit.to_string(),
            "attempts": p.attempts,
            "reapplied": p.reapplied,
        })),
        "message": report.message,
        "days": {
            "added": dates(Change::Added),
            "updated": dates(Change::Updated),
            "removed": dates(Change::Removed),
            "unchanged": report.unchanged,
        },
        "warnings": {
            "shown": warnings.shown,
            "other": warnings.other,
            "other_days": warnings.other_days,
        },
        "pages": report.pages.as_ref().map(|p| serde_json::json!({
            "branch": p.branch,
            "files": p.files,
            "changed": p.changed,
            "commit": p.commit.map(|c| c.to_string()),
            "foreign_commits": p.foreign_commits,
            "kept": p.kept,
            "pushed": p.pushed.as_ref().map(|(remote, commit)| serde_json::json!({
                "remote": remote,
                "commit": commit.to_string(),
            })),
        })),
        "site_dir": site_dir.map(|s| serde_json::json!({
            "written": s.written,
            "unchanged": s.unchanged,
            "removed": s.removed,
        })),
        "files": {
            "added": files(Change::Added),
            "updated": files(Change::Updated),
            "removed": files(Change::Removed),
        },
    })
}
