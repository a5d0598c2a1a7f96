//! Curated TOML day-files to daily "Hot Papers" blog posts.
//!
//! A day-file (`posts/YYYY-MM-DD.toml`) lists the papers of one arXiv day with
//! their tweets. This crate parses and checks day-files ([`load_dir`],
//! [`parse_day`]), holds them as typed data ([`Day`], [`Paper`], [`Tweet`],
//! [`ArxivId`], [`Category`]), packs them into the compact [`Archive`] that
//! `hotpapers-macros` compiles into a binary, renders each day into the legacy
//! blog's Markdown ([`render`]) and, with the `git` feature, commits the posts.
//!
//! ```
//! let text = "date = 2020-12-07\npublished = 2020-12-08T13:04:41Z\n";
//! let (day, diagnostics) = hotpapers::parse_day("posts/2020-12-07.toml", text);
//! assert!(diagnostics.is_empty());
//! let post = hotpapers::render(&day.unwrap(), &hotpapers::Site::default());
//! assert!(post.starts_with("---\ntitle: Hot Papers 2020-12-07\ndate: 2020-12-08T13:04:41.Z\n"));
//! ```
//!
//! # The map
//!
//! Layers, lowest first; a module uses only those above it in this list.
//!
//! | module | what it holds |
//! |---|---|
//! | `text` | small facts shared by every layer: the `YYYY-MM-DD` date and day-file name, did-you-mean hints, values quoted in messages, writing a file whole |
//! | `diagnostic` | problems located by file, line and column, shown with the line and a caret |
//! | `model` | the typed data: [`Day`], [`Paper`], [`Tweet`], [`ArxivId`], [`Category`] and the arXiv taxonomy |
//! | `site` | the site settings of `hotpapers.toml` |
//! | `day` | the day-file format: parsing with spans, the checks, the HTML policy, the schema, loading a folder, writing a day-file |
//! | `post` | a day to its Markdown post ([`render`]) and a legacy post back to a day ([`import_post`]) |
//! | `archive` | the compact form the macro compiles into the binary, the index of its days ([`Days`]), and its warnings |
//! | `blog` | the HTML blog (features `templates`, `blog`): the theme, its pages, feeds and sitemap, `/stats/`, a site folder |
//! | `git` | publishing (feature `git`): the plan, the commit steps, the run lock, the pack writer, the pages branch, push |
//! | `parallel` | the one helper that spreads work over the cores |
//!
//! Features: `check` (reading and checking day-files: the macro and the curator
//! tools), `templates` (rendering the blog's pages: the macro checks a theme
//! with it), `blog` (the pages and the feeds: the site binary and the preview
//! server) and `git` (publishing; the macro does not use it), all on by default.

#[cfg(feature = "app")]
pub mod app;
mod archive;
#[cfg(feature = "templates")]
mod blog;
mod day;
mod diagnostic;
#[cfg(feature = "git")]
mod git;
mod model;
#[cfg(any(feature = "check", feature = "git", feature = "templates"))]
mod parallel;
mod post;
mod site;
mod text;

#[cfg(feature = "check")]
pub use archive::{encode_dir_cached, write_included, CachedPart, CachedParts};
pub use archive::{
    Archive, ArchiveError, ArchiveHead, Compiled, DayEntry, Days, PaperEntry, Parts, Warning, WarningSummary,
};
#[cfg(feature = "templates")]
pub use blog::{
    check_theme, kebab, plain_text, write_site, BlogError, Rendered, SiteDirError, SiteDirReport, Theme,
    BUILTIN_TEMPLATES, REQUIRED_TEMPLATES,
};
#[cfg(feature = "blog")]
pub use blog::{
    push_math, render_blog, render_blog_reusing, search_documents, search_records, tex_spans, MathShown,
    SearchDocument, SearchRecord,
};
pub use day::write::day_file;
pub use day::{day_files, LoadError, Loaded, MAX_DAY_FILE_BYTES};
#[cfg(feature = "check")]
pub use day::{json_schema, load_dir, load_dir_shown, load_file, markdown_text, parse_day};
pub use diagnostic::{Diagnostic, Diagnostics, LineIndex, Severity, Source};
#[cfg(feature = "git")]
pub use git::{
    commit_search_index, pages_up_to_date, posts_up_to_date_at, publish, publish_days, Announcements, Change,
    FileChange, PagesCache, PagesReport, PublishError, PublishOptions, PublishSettings, PushError,
    PushTarget, Pushed, RenderedSite, Report, SearchIndexReport,
};
pub use model::{
    bluesky_cid_ok, bluesky_post_parts, bluesky_uri_ok, github_repo, source_hash, taxonomy, tweet_handle,
    ArxivId, ArxivIdError, BlueskyCounts, BlueskyPost, Category, CategoryInfo, Code, Counts, Day, Dir,
    HackerNewsCounts, HuggingFaceCounts, Paper, Tweet, TwitterCounts, Weights,
};
pub use post::{
    count_phrases, import_post, parse_tweet_embed, ranked, render, render_into, render_papers, ImportError,
};
pub use site::{
    AnnounceSettings, BlogSettings, CollectSettings, CommitSettings, EndpointSettings, Filter, Site,
    SiteError, SourceName, SITE_FILE, STATIC_DIR, TEMPLATES_DIR,
};
pub use text::{
    day_file_date, day_file_name, first_link, format_date, parse_date, plain_path, quoted, refuse_links,
    write_atomically, write_new, PageKey, SiteFile, SEARCH_DIR, SITE_MANIFEST,
};
