//! The HTML blog: every page readers see, rendered from the days and a theme.
//!
//! A theme is the site's `templates/` (minijinja, Jinja2 syntax) and `static/`
//! folders; a template the theme does not have is built in (`builtins/`), so a
//! theme overrides only what it wants to. Templates escape every value they print unless it is marked safe, and
//! only one value is: a post's body, which is the post's own Markdown rendered by
//! pulldown-cmark as the legacy blog's Markdown renderer showed it. Its markup is
//! what the HTML policy allows (every day-file is checked against it), so the
//! pages carry exactly the markup the posts do.
//!
//! The routes are the legacy lumen starter's (`/`, `/page/N/`, `/posts/SLUG/`,
//! `/category/NAME/`, `/tag/NAME/`, `/categories/`, `/tags/`, `/rss.xml`), plus
//! `/atom.xml`, `/feed.json`, `/sitemap.xml`, `/404.html`, `/stats/`, a page per
//! paper, `/papers/ID/`, a page and feeds per arXiv topic, `/arxiv/ID/`
//! (`topics`), and the open data, `/data/` (`data`).

mod output;
mod pages;
mod papers;
mod stats;
mod theme;
mod topics;

#[cfg(feature = "blog")]
mod data;
#[cfg(feature = "blog")]
mod feeds;
#[cfg(feature = "blog")]
mod math;
#[cfg(feature = "blog")]
mod search;

#[cfg(feature = "blog")]
use std::borrow::Cow;

#[cfg(feature = "blog")]
pub use math::{push_math, tex_spans, MathShown};
pub use output::{write_site, SiteDirError, SiteDirReport};
pub use pages::{kebab, plain_text};
#[cfg(feature = "blog")]
pub use search::{search_documents, search_records, SearchDocument, SearchRecord};
use theme::STATIC_DIR;
pub use theme::{Theme, BUILTIN_TEMPLATES, REQUIRED_TEMPLATES};

use crate::archive::Days;
use crate::diagnostic::Diagnostic;
#[cfg(feature = "blog")]
use crate::model::Day;
use crate::site::Site;
pub use crate::text::{PageKey, SiteFile};

/// Where the RSS feed is written.
const RSS: &str = "rss.xml";
/// Where the Atom feed is written.
const ATOM: &str = "atom.xml";
/// Where the JSON Feed is written.
const JSON_FEED: &str = "feed.json";
/// Where the open data's list of days is written.
const DATA_INDEX: &str = "data/index.json";

/// Why the blog could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum BlogError {
    /// A template does not parse or fails to render, located in its file.
    #[error("{0}")]
    Template(Box<Diagnostic>),
    /// A template the blog needs is neither the theme's nor built in.
    #[error("no template `{0}`: neither the theme nor the built-in templates have it")]
    MissingTemplate(&'static str),
    /// A feed could not be written.
    #[error("cannot write the {0} feed: {1}")]
    Feed(&'static str, String),
    /// A static file has the path of a generated page, or of a folder pages
    /// are in (or a page has the path of a folder static files are in): a
    /// tree cannot hold both, and one would silently replace the other.
    #[error("`{dir}/{asset}` is where the blog writes `{page}`; rename or move the static file", dir = STATIC_DIR)]
    AssetCollision {
        /// The static file, relative to `static/`.
        asset: String,
        /// The generated page it collides with.
        page: String,
    },
    /// A day could not be decoded from the compiled-in archive.
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
}

impl BlogError {
    /// The located problem, for a template error.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            BlogError::Template(diagnostic) => Some(diagnostic),
            _ => None,
        }
    }
}

/// The whole site: every page, the feeds, the sitemap and the theme's static
/// files, sorted by path. Drafts appear nowhere.
#[cfg(feature = "blog")]
pub fn render_blog(site: &Site, days: &[Day<'_>], theme: &Theme<'_>) -> Result<Vec<SiteFile>, BlogError> {
    render_blog_reusing(site, &Days::of(days), theme, &|_, _| false).map(|rendered| rendered.files)
}

/// The blog, rendered but for the day pages a pages branch already has.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// The files that were rendered, sorted by path.
    pub files: Vec<SiteFile>,
    /// Every page and data file that has a key (days, lists, papers, a day's
    /// data), rendered or reused.
    pub pages: Vec<PageKey>,
}

/// Like [`render_blog`], but a day's page for which `reuse(path, key)` is true is
/// not rendered: after an edit, a blog of ten years renders one day's page, not
/// 3,650 of them, and decodes only the days the pages it renders show.
#[cfg(feature = "blog")]
pub fn render_blog_reusing(
    site: &Site,
    days: &Days<'_>,
    theme: &Theme<'_>,
    reuse: &(dyn Fn(&str, u64) -> bool + Sync),
) -> Result<Rendered, BlogError> {
    let blog = pages::Blog::new(site, days, theme)?;
    let (mut files, mut pages) = blog.pages_reusing(reuse)?;
    files.extend(feeds::feeds(&blog)?);
    let (topic_feeds, topic_keys) = feeds::topic_feeds(&blog, reuse)?;
    files.extend(topic_feeds);
    pages.extend(topic_keys);
    let (data, data_keys) = blog.data_files(reuse)?;
    files.extend(data);
    pages.extend(data_keys);
    let generated = files.iter().map(|f| f.path.as_str());
    check_assets(theme, generated.chain(pages.iter().map(|p| p.path.as_str())))?;
    for (path, bytes) in &theme.assets {
        files.push(SiteFile {
            path: path.to_string(),
            bytes: Cow::Owned(bytes.to_vec()),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered { files, pages })
}

/// Refuses a static file that would take the place of a generated file (the
/// route table is every path the blog generates, whatever page types it has),
/// before anything is written: `static/stats` beside `stats/index.html` would
/// make a tree with two entries named `stats`, which git refuses.
fn check_assets<'p>(theme: &Theme<'_>, generated: impl Iterator<Item = &'p str>) -> Result<(), BlogError> {
    let generated: std::collections::BTreeSet<&str> = generated.collect();
    let collision = |asset: &str, page: &str| BlogError::AssetCollision {
        asset: asset.to_owned(),
        page: page.to_owned(),
    };
    for (asset, _) in &theme.assets {
        let asset = asset.as_ref();
        if generated.contains(asset) {
            return Err(collision(asset, asset));
        }
        // The search index's folder is `hotpapers search build`'s whole.
        if asset.split('/').next() == Some(crate::text::SEARCH_DIR) {
            return Err(collision(
                asset,
                &format!("{}/ (the search index)", crate::text::SEARCH_DIR),
            ));
        }
        // A page inside a folder of the asset's name.
        let folder = format!("{asset}/");
        if let Some(page) = generated
            .range(folder.as_str()..)
            .next()
            .filter(|p| p.starts_with(&folder))
        {
            return Err(collision(asset, page));
        }
        // A page with the name of a folder the asset is in.
        let mut at = asset;
        while let Some((parent, _)) = at.rsplit_once('/') {
            if generated.contains(parent) {
                return Err(collision(asset, parent));
            }
            at = parent;
        }
    }
    Ok(())
}

/// Renders every template against a small sample blog, so that a mistake in a
/// theme (a syntax error, an unknown variable or filter) fails where the theme
/// is checked, with its file and line, instead of on the day a page needs it.
pub fn check_theme(site: &Site, theme: &Theme<'_>) -> Result<(), BlogError> {
    let days = pages::sample_days();
    let (files, pages) = pages::Blog::new(site, &Days::of(&days), theme)?.pages_reusing(&|_, _| false)?;
    // The fixed routes (`stats/`, `tags/`, `404.html`, ...) are the sample's too.
    let generated = files
        .iter()
        .map(|f| f.path.as_str())
        .chain([RSS, ATOM, JSON_FEED, DATA_INDEX]);
    check_assets(theme, generated.chain(pages.iter().map(|p| p.path.as_str())))
}
