//! `hotpapers`: curator tools that work without compiling the site, so they run
//! even while a day-file is broken.
//!
//! - `hotpapers check [FILES...]`: the compile-time checks, in milliseconds.
//! - `hotpapers new [DATE]`: start a day-file.
//! - `hotpapers import POSTS...`: legacy posts back to day-files.
//! - `hotpapers add ARXIV_ID...` and `hotpapers tweet URL --paper ID`: fill a day
//!   from the arXiv API and from tweet embeds.
//! - `hotpapers collect [DATE]`: the day's most-discussed papers from Hugging
//!   Face, Hacker News and Bluesky, into the day-file; `hotpapers skip ID`
//!   keeps a paper out.
//! - `hotpapers schema`: the JSON Schema of day-files.
//! - `hotpapers serve`: the blog, previewed live from the day-files.
//! - `hotpapers announce [DATE]` and `hotpapers digest [DATE]`: a new day told
//!   once on Bluesky and Mastodon, and by e-mail.
//! - `hotpapers search build`: the search index, into the pages branch.

mod announce;
mod collect;
mod commands;
mod day;
mod edit;
mod fetch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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
        /// Also fail when the newest day-file is more than DAYS days old (UTC),
        /// so that a stalled daily pipeline turns CI red instead of going quiet.
        #[arg(long, value_name = "DAYS")]
        max_age: Option<u32>,
    },
    /// Create the day-file for DATE (default: today, UTC), with `date` and `published`.
    New {
        /// The arXiv day, YYYY-MM-DD.
        date: Option<String>,
    },
    /// Print the JSON Schema of day-files, for editors (see docs/curator-tools.md).
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
        /// The papers' code: `https://github.com/OWNER/REPO` (`collect`
        /// records Hugging Face's, with its stars).
        #[arg(long, value_name = "URL")]
        code: Option<String>,
    },
    /// Collect the papers discussed on DATE from Hugging Face Daily Papers,
    /// Hacker News and Bluesky, score them, look them up on arXiv and write
    /// or update the day-file (counts updated in place, skipped papers never
    /// added back).
    Collect {
        /// The UTC day, YYYY-MM-DD (default: yesterday).
        date: Option<String>,
        /// Print what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// When a source fails, name it and collect from the others instead of
        /// writing nothing and exiting 1.
        #[arg(long)]
        allow_partial: bool,
        /// Also collect again the `[collect] refresh-days` days before DATE
        /// that have a day-file, so their counts settle.
        #[arg(long)]
        refresh: bool,
    },
    /// Remove a paper from a day and record it in the day's `skip` list, so
    /// that `collect` never adds it back.
    Skip {
        /// The arXiv id.
        id: String,
        /// The day (default: today, UTC).
        #[arg(long)]
        day: Option<String>,
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
    /// Preview the blog on 127.0.0.1, rendered from the day-files as they are
    /// now; open pages reload when a day-file, a template or a setting changes.
    Serve {
        /// The port (0 picks a free one).
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// Post each new day once to Bluesky and Mastodon (those configured): the
    /// published days of the last `[announce] days` not yet announced, or DATE.
    /// Recorded on `[announce] branch`; exits 1 when a service failed.
    Announce {
        /// The day, YYYY-MM-DD (default: the days not yet announced).
        date: Option<String>,
        /// Print the posts; send and record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Who the record's commits are by, `Name <email>`.
        #[arg(long)]
        author: Option<String>,
    },
    /// Write a day as an e-mail (HTML and plain text) to standard output, or
    /// send it once over SMTP with `--send` (`HOTPAPERS_SMTP_URL`,
    /// `HOTPAPERS_DIGEST_FROM`, `HOTPAPERS_DIGEST_TO`).
    Digest {
        /// The day, YYYY-MM-DD (default: the days not yet sent).
        date: Option<String>,
        /// Send it, and record it on `[announce] branch`.
        #[arg(long)]
        send: bool,
        /// Who the record's commits are by, `Name <email>`.
        #[arg(long)]
        author: Option<String>,
    },
    /// The search index of every paper the blog shows (`/search/`).
    Search {
        #[command(subcommand)]
        command: SearchCommand,
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

/// What `search` does.
#[derive(Debug, Subcommand)]
enum SearchCommand {
    /// Build the index from the day-files and commit it into the pages
    /// branch's `pagefind/` (a commit of its own on top of the site's; none
    /// when the branch has this very index).
    Build {
        /// Write it into DIR/pagefind/ instead (a blog written with
        /// `cargo run -- --site-dir DIR`); commit nothing.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Who the commit is by, `Name <email>`.
        #[arg(long)]
        author: Option<String>,
    },
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
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
        Command::Check {
            files,
            format,
            max_age,
        } => commands::check::run(&cli.root, files, *format, *max_age),
        Command::New { date } => commands::new::run(&cli.root, date.as_deref()).map(|()| true),
        Command::Import { posts, force } => commands::import::run(&cli.root, posts, *force).map(|()| true),
        Command::Add {
            ids,
            day,
            retweets,
            favorites,
            code,
        } => commands::add::run(
            &cli.root,
            ids,
            day.as_deref(),
            *retweets,
            *favorites,
            code.as_deref(),
        )
        .map(|()| true),
        Command::Tweet { url, paper, day } => {
            commands::tweet::run(&cli.root, url, paper, day.as_deref()).map(|()| true)
        }
        Command::Collect {
            date,
            dry_run,
            allow_partial,
            refresh,
        } => commands::collect::run(&cli.root, date.as_deref(), *dry_run, *allow_partial, *refresh),
        Command::Skip { id, day } => commands::skip::run(&cli.root, id, day.as_deref()).map(|()| true),
        Command::Schema => commands::schema::run().map(|()| true),
        Command::Serve { port } => commands::serve::run(&cli.root, *port).map(|()| true),
        Command::Announce {
            date,
            dry_run,
            author,
        } => commands::announce::run(&cli.root, date.as_deref(), *dry_run, author.clone()),
        Command::Digest { date, send, author } => {
            commands::digest::run(&cli.root, date.as_deref(), *send, author.clone())
        }
        Command::Search {
            command: SearchCommand::Build { out, author },
        } => commands::search::build(&cli.root, out.as_deref(), author.clone()).map(|()| true),
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
