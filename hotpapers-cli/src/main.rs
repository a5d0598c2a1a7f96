//! `hotpapers`: curator tools that work without compiling the site, so they run
//! even while a day-file is broken.
//!
//! - `hotpapers check [FILES...]`: the compile-time checks, in milliseconds.
//! - `hotpapers new [DATE]`: start a day-file.
//! - `hotpapers import POSTS...`: legacy posts back to day-files.
//! - `hotpapers add ARXIV_ID...` and `hotpapers tweet URL --paper ID`: fill a day
//!   from the arXiv API and from tweet embeds.
//! - `hotpapers schema`: the JSON Schema of day-files.

mod edit;
mod fetch;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand, ValueEnum};
use hotpapers::{Diagnostics, LoadError, Site};

/// Curator tools for a hotpapers site.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// The site folder, holding `hotpapers.toml` and the day-files.
    #[arg(long, value_name = "DIR", default_value = ".", global = true)]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check day-files as the build does, without compiling; exits 1 on errors.
    Check {
        /// Day-files to check (default: every day-file of the site).
        files: Vec<PathBuf>,
        /// How to print the problems.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Create the day-file for DATE (default: today, UTC), with `date` and `published`.
    New {
        /// The arXiv day, YYYY-MM-DD.
        date: Option<String>,
    },
    /// Print the JSON Schema of day-files, for editors (see the README).
    Schema,
    /// Look papers up on arXiv and append a `[[paper]]` for each to the day.
    Add {
        /// arXiv ids; looked up in one request.
        #[arg(required = true)]
        ids: Vec<String>,
        /// The day (default: today, UTC); its day-file is created if needed.
        #[arg(long)]
        day: Option<String>,
        /// Total retweets.
        #[arg(long, default_value_t = 0)]
        retweets: u32,
        /// Total favorites.
        #[arg(long, default_value_t = 0)]
        favorites: u32,
    },
    /// Fetch a tweet's embed and append it under a paper of the day.
    Tweet {
        /// `https://twitter.com/HANDLE/status/ID` or the same on x.com.
        url: String,
        /// The paper it discusses.
        #[arg(long, value_name = "ARXIV_ID")]
        paper: String,
        /// The day (default: today, UTC).
        #[arg(long)]
        day: Option<String>,
    },
    /// Turn legacy posts (`YYYY-MM-DD---Hot-Papers.md`) into day-files.
    Import {
        /// Posts, or folders of posts.
        #[arg(required = true)]
        posts: Vec<PathBuf>,
        /// Replace day-files that exist already.
        #[arg(long)]
        force: bool,
    },
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// As the compiler shows them: the line and a caret under the value.
    Human,
    /// GitHub workflow annotations, shown on the pull request.
    Github,
    /// One JSON object per line, for editors and scripts.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check { files, format } => check(&cli.root, files, *format),
        Command::New { date } => new(&cli.root, date.as_deref()).map(|()| true),
        Command::Import { posts, force } => import(&cli.root, posts, *force).map(|()| true),
        Command::Add {
            ids,
            day,
            retweets,
            favorites,
        } => add(&cli.root, ids, day.as_deref(), *retweets, *favorites).map(|()| true),
        Command::Tweet { url, paper, day } => tweet(&cli.root, url, paper, day.as_deref()).map(|()| true),
        Command::Schema => serde_json::to_string_pretty(&hotpapers::json_schema())
            .map(|schema| println!("{schema}"))
            .map(|()| true)
            .map_err(Into::into),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        // A reader that stopped reading (`| head`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The schema's path as seen from the day-files' folder.
fn pathdiff(posts: &Path, root: &Path) -> String {
    let depth = posts.strip_prefix(root).unwrap_or(posts).components().count();
    format!("{}docs/day-file.schema.json", "../".repeat(depth))
}

/// `root/path`, shown without a leading `./`.
fn under(root: &Path, path: &str) -> PathBuf {
    if root == Path::new(".") {
        PathBuf::from(path)
    } else {
        root.join(path)
    }
}

/// Checks the files (or the whole site); `Ok(false)` when any has an error.
fn check(root: &Path, files: &[PathBuf], format: Format) -> anyhow::Result<bool> {
    let mut all = Diagnostics::default();
    let site = match Site::load(root) {
        Ok(site) => site,
        Err(error) => {
            // The settings decide where the day-files are; nothing more to check.
            eprintln!("error: {error}");
            return Ok(false);
        }
    };
    if files.is_empty() {
        // Named relative to the site root, as GitHub annotations need.
        match hotpapers::load_dir_shown(&root.join(&site.posts_dir), &site.posts_dir) {
            Ok(loaded) => all = loaded.warnings,
            Err(LoadError::Invalid(diagnostics)) => all = diagnostics,
            Err(error) => bail!(error),
        }
    } else {
        for file in files {
            let shown = file.display().to_string();
            let (_, diagnostics) = hotpapers::load_file(file, &shown)?;
            all.0.extend(diagnostics.0);
        }
        all.sort();
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Human => {
            for d in &all.0 {
                writeln!(out, "{}: {d}\n", d.severity.as_str())?;
            }
            let errors = all.errors().count();
            writeln!(out, "{errors} error(s), {} warning(s)", all.0.len() - errors)?;
        }
        Format::Github => {
            for d in &all.0 {
                writeln!(out, "{}", d.github_annotation())?;
            }
        }
        Format::Json => {
            for d in &all.0 {
                writeln!(out, "{}", serde_json::to_string(d)?)?;
            }
        }
    }
    Ok(!all.has_errors())
}

/// The day asked for, or today in UTC.
fn day_of(date: Option<&str>) -> anyhow::Result<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match date {
        Some(text) => time::Date::parse(text, format)
            .with_context(|| format!("`{text}` is not a date; expected YYYY-MM-DD")),
        None => Ok(time::OffsetDateTime::now_utc().date()),
    }
}

/// Reads a day-file, applies `edit`, checks the result as the build would and
/// replaces the file atomically; on any failure the file is left as it was.
fn edit_day(
    root: &Path,
    date: time::Date,
    edit: impl FnOnce(&str) -> anyhow::Result<String>,
) -> anyhow::Result<PathBuf> {
    let site = Site::load(root)?;
    let dir = under(root, &site.posts_dir);
    let path = dir.join(format!("{date}.toml"));
    if !path.exists() {
        new(root, Some(&date.to_string()))?;
    }
    let before =
        std::fs::read_to_string(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let after = edit(&before)?;
    let shown = path.display().to_string();
    let (_, diagnostics) = hotpapers::parse_day(&shown, &after);
    if diagnostics.iter().any(hotpapers::Diagnostic::is_error) {
        let problems: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(ToString::to_string)
            .collect();
        bail!(
            "the edit would make `{shown}` fail the build, so it was not made:\n{}",
            problems.join("\n")
        );
    }
    let mut file = tempfile::Builder::new().prefix(".hotpapers-").tempfile_in(&dir)?;
    file.write_all(after.as_bytes())?;
    // Someone may have saved the file while the network was asked.
    if std::fs::read_to_string(&path)? != before {
        bail!("`{shown}` changed while it was being edited; run again");
    }
    file.persist(&path)
        .map_err(|e| anyhow::anyhow!("cannot write `{shown}`: {}", e.error))?;
    Ok(path)
}

fn client(root: &Path) -> anyhow::Result<fetch::Client> {
    Ok(fetch::Client::new(fetch::Endpoints::from_env(&Site::load(
        root,
    )?))?)
}

/// `hotpapers add`.
fn add(root: &Path, ids: &[String], day: Option<&str>, retweets: u32, favorites: u32) -> anyhow::Result<()> {
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

/// `hotpapers tweet`.
fn tweet(root: &Path, url: &str, paper: &str, day: Option<&str>) -> anyhow::Result<()> {
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

/// Imports legacy posts; each must come back byte for byte when rendered.
fn import(root: &Path, paths: &[PathBuf], force: bool) -> anyhow::Result<()> {
    let site = Site::load(root)?;
    let mut posts = Vec::new();
    for path in paths {
        if path.is_dir() {
            for entry in
                std::fs::read_dir(path).with_context(|| format!("cannot read `{}`", path.display()))?
            {
                let entry = entry?.path();
                if entry
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| site.post_date(n))
                    .is_some()
                {
                    posts.push(entry);
                }
            }
        } else {
            posts.push(path.clone());
        }
    }
    posts.sort();
    if posts.is_empty() {
        bail!("no legacy posts (named like `{}`) found", site.file_name);
    }
    let dir = under(root, &site.posts_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    // Every post is read and checked before any day-file is written.
    let mut days = Vec::new();
    for post in &posts {
        let name = post.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let date = site.post_date(name).with_context(|| {
            format!(
                "`{}` is not named like a post (`{}`)",
                post.display(),
                site.file_name
            )
        })?;
        let text =
            std::fs::read_to_string(post).with_context(|| format!("cannot read `{}`", post.display()))?;
        let day = hotpapers::import_post(&post.display().to_string(), date, &text)?;
        if hotpapers::render(&day, &site) != text {
            bail!(
                "`{}` would not render back byte for byte; it was left alone",
                post.display()
            );
        }
        let day_file = hotpapers::day_file(&day);
        let target = dir.join(format!("{date}.toml"));
        let (_, diagnostics) = hotpapers::parse_day(&target.display().to_string(), &day_file);
        for d in &diagnostics {
            eprintln!("{}: {d}\n", d.severity.as_str());
        }
        if diagnostics.iter().any(hotpapers::Diagnostic::is_error) {
            bail!(
                "`{}` holds values the day-file format does not accept; it was left alone",
                post.display()
            );
        }
        if !force && target.exists() {
            bail!(
                "`{}` exists already; pass `--force` to replace it",
                target.display()
            );
        }
        days.push((target, day_file, day.papers.len()));
    }
    for (target, day_file, papers) in days {
        let mut file = tempfile::Builder::new().prefix(".hotpapers-").tempfile_in(&dir)?;
        file.write_all(day_file.as_bytes())?;
        let persisted = if force {
            file.persist(&target).map(drop)
        } else {
            file.persist_noclobber(&target).map(drop)
        };
        persisted.map_err(|e| anyhow::anyhow!("cannot write `{}`: {}", target.display(), e.error))?;
        println!("imported {} ({papers} papers)", target.display());
    }
    Ok(())
}

/// Creates `posts/DATE.toml`, refusing to overwrite a day that exists.
fn new(root: &Path, date: Option<&str>) -> anyhow::Result<()> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let now = time::OffsetDateTime::now_utc();
    let date = match date {
        Some(text) => time::Date::parse(text, format)
            .with_context(|| format!("`{text}` is not a date; expected YYYY-MM-DD"))?,
        None => now.date(),
    };
    let site = Site::load(root)?;
    let dir = under(root, &site.posts_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let path = dir.join(format!("{}.toml", date.format(format)?));
    // Published now, or when the day starts for a day still to come.
    let published = now.max(date.midnight().assume_utc());
    // The `#:schema` line gives completion and checks while typing in editors
    // whose TOML language server reads it (Taplo, Even Better TOML).
    let schema = pathdiff(&dir, root);
    let text = format!(
        "#:schema {schema}\ndate = {}\npublished = {}\n",
        date.format(format)?,
        published
            .replace_nanosecond(0)?
            .format(&time::format_description::well_known::Rfc3339)?
    );
    // Written whole beside the target, then linked into place only if no day-file
    // is there: never a partial file, never an overwrite.
    let mut file = tempfile::Builder::new().prefix(".hotpapers-").tempfile_in(&dir)?;
    file.write_all(text.as_bytes())?;
    file.persist_noclobber(&path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!("`{}` exists already; edit it instead", path.display())
        } else {
            anyhow::anyhow!("cannot create `{}`: {}", path.display(), e.error)
        }
    })?;
    println!("created {}", path.display());
    Ok(())
}
