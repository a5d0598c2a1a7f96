//! Site-wide settings, from an optional `hotpapers.toml` at the repository root.
//!
//! Every default is the legacy blog's, so a repository without the file renders
//! exactly the legacy posts.

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity, Source};
use time::Date;

/// The name of the settings file at the repository root.
pub const SITE_FILE: &str = "hotpapers.toml";

/// Where the blog's templates live, relative to the site root.
pub const TEMPLATES_DIR: &str = "templates";

/// Where the blog's static files live, relative to the site root; they are
/// copied to the site as they are (`static/media/a.jpg` to `/media/a.jpg`).
pub const STATIC_DIR: &str = "static";

/// Site-wide settings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Site {
    /// Where the day-files live, relative to the repository root.
    pub posts_dir: String,
    /// Where the posts are written, relative to the repository root.
    pub output_dir: String,
    /// The post's file name; `{date}` is the day.
    pub file_name: String,
    /// Front matter `title:`.
    pub title: String,
    /// Front matter `slug:`.
    pub slug: String,
    /// Front matter `description:`.
    pub description: String,
    /// Front matter `template:`.
    pub template: String,
    /// Front matter `category:`.
    pub category: String,
    /// Front matter `tags:`.
    pub tags: Vec<String>,
    /// Front matter `socialImage:`.
    pub social_image: String,
    /// The older place of `[collect] min-score`; read into it.
    #[serde(rename = "min-score")]
    pub legacy_min_score: Option<u64>,
    /// How commits are made.
    pub commit: CommitSettings,
    /// Where `hotpapers add` and `hotpapers tweet` look things up.
    pub endpoints: EndpointSettings,
    /// The HTML blog readers see.
    pub blog: BlogSettings,
    /// How papers are found and scored: `hotpapers collect`, and the score
    /// every post ranks by.
    pub collect: CollectSettings,
    /// How `hotpapers announce` and `hotpapers digest` tell readers of a new day.
    pub announce: AnnounceSettings,
}

/// The sources `hotpapers collect` can ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceName {
    /// Hugging Face Daily Papers.
    Huggingface,
    /// Hacker News, through Algolia's search.
    Hackernews,
    /// Bluesky (needs an app password).
    Bluesky,
}

impl SourceName {
    /// Every source, in the order they are asked and shown.
    pub const ALL: [SourceName; 3] = [
        SourceName::Huggingface,
        SourceName::Hackernews,
        SourceName::Bluesky,
    ];

    /// The name in settings and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceName::Huggingface => "huggingface",
            SourceName::Hackernews => "hackernews",
            SourceName::Bluesky => "bluesky",
        }
    }
}

/// The `[collect]` table of `hotpapers.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CollectSettings {
    /// The sources asked, in order (Bluesky only when its app password is set).
    pub sources: Vec<SourceName>,
    /// What each source's counts are worth in the score.
    pub weights: crate::model::Weights,
    /// Papers scoring less are not collected, and not shown in a post.
    pub min_score: u64,
    /// At most this many papers are collected for a day.
    pub max_papers: usize,
    /// The best Bluesky posts embedded under each collected paper, at most.
    pub bluesky_embeds: usize,
    /// arXiv categories (`cs.LG`) or whole archives (`cs`) a paper must have
    /// one of (`include`, empty: any) and must have none of (`exclude`).
    pub categories: Filter,
    /// Words or phrases, matched as whole words (or their plural in `s`)
    /// without regard to case in the title and the abstract: a paper must
    /// mention one of `include` (empty: any) and none of `exclude`.
    pub keywords: Filter,
    /// The days before the collected one that `collect --refresh` collects
    /// again, so their counts settle; an older day is never touched again.
    pub refresh_days: usize,
}

/// The `[announce]` table of `hotpapers.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct AnnounceSettings {
    /// Without a date, `announce` and `digest` look at the days from this
    /// many days before today (UTC) to today: a failed announcement is tried
    /// again by the next run, and a first run never announces the archive.
    pub days: usize,
    /// The branch that records what was announced (never the pages branch:
    /// announcing makes no commit there).
    pub branch: String,
}

impl Default for AnnounceSettings {
    fn default() -> Self {
        AnnounceSettings {
            days: 2,
            branch: "hotpapers-announced".into(),
        }
    }
}

/// Include and exclude lists of a `[collect]` filter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filter {
    /// A paper must match one of these (when there are any).
    pub include: Vec<String>,
    /// A paper must match none of these.
    pub exclude: Vec<String>,
}

impl Default for CollectSettings {
    fn default() -> Self {
        CollectSettings {
            sources: SourceName::ALL.to_vec(),
            weights: crate::model::Weights::default(),
            min_score: 10,
            max_papers: 20,
            bluesky_embeds: 2,
            categories: Filter::default(),
            keywords: Filter::default(),
            refresh_days: 2,
        }
    }
}

/// The `[blog]` table of `hotpapers.toml`: the HTML site and where it is published.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BlogSettings {
    /// The blog's name, in every page's header and the feeds.
    pub title: String,
    /// One line under the name.
    pub subtitle: String,
    /// Where the blog is served, for absolute links in feeds and the sitemap;
    /// its path (`https://user.github.io/repo`) prefixes every link.
    pub url: String,
    /// The author named in the feeds and the footer.
    pub author: String,
    /// Posts on `/` and on each `/page/N/`, category and tag page.
    pub posts_per_page: usize,
    /// Papers on each page of a topic, `/arxiv/ID/` and `/arxiv/ID/page/N/`.
    pub papers_per_page: usize,
    /// Posts in `/rss.xml`, `/atom.xml` and `/feed.json`, newest first.
    pub feed_items: usize,
    /// Whether `cargo run` commits the site to `pages-branch`.
    pub pages: bool,
    /// The branch the site is committed to, for GitHub Pages.
    pub pages_branch: String,
    /// A custom domain, written to `CNAME` on every publish.
    pub cname: Option<String>,
}

impl Default for BlogSettings {
    fn default() -> Self {
        BlogSettings {
            title: "Hot arXiv Papers".into(),
            subtitle: "The arXiv papers people discussed most, day by day".into(),
            url: "https://hotpapers.github.io".into(),
            author: "Hot Papers".into(),
            posts_per_page: 4,
            papers_per_page: 20,
            feed_items: 30,
            pages: true,
            pages_branch: "gh-pages".into(),
            cname: None,
        }
    }
}

impl BlogSettings {
    /// The path every link starts with: the path of [`BlogSettings::url`],
    /// without its last `/` (empty at a domain's root).
    pub fn base_path(&self) -> &str {
        let rest = self.url.split_once("://").map_or("", |(_, rest)| rest);
        rest.find('/')
            .map_or("", |slash| rest[slash..].trim_end_matches('/'))
    }

    /// The blog's URL without its last `/`.
    pub fn origin_and_base(&self) -> &str {
        self.url.trim_end_matches('/')
    }

    /// The scheme and host of [`BlogSettings::url`]: an absolute link is
    /// this and a page's path.
    pub fn origin(&self) -> &str {
        let all = self.origin_and_base();
        all.strip_suffix(self.base_path()).unwrap_or(all)
    }
}

/// The `[endpoints]` table of `hotpapers.toml`; the environment variables
/// (`HOTPAPERS_ARXIV_API`, `HOTPAPERS_OEMBED_API`, `HOTPAPERS_HF_API`,
/// `HOTPAPERS_HN_API`, `HOTPAPERS_BSKY_API`, `HOTPAPERS_BSKY_OEMBED_API`) take precedence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct EndpointSettings {
    /// The arXiv API (default `http://export.arxiv.org/api/query`).
    pub arxiv_api: Option<String>,
    /// The oEmbed endpoint (default `https://publish.twitter.com/oembed`).
    pub oembed_api: Option<String>,
    /// Hugging Face Daily Papers (default `https://huggingface.co/api/daily_papers`).
    pub hf_api: Option<String>,
    /// Hacker News search (default `https://hn.algolia.com/api/v1/search_by_date`).
    pub hn_api: Option<String>,
    /// Bluesky's XRPC (default `https://bsky.social/xrpc`).
    pub bsky_api: Option<String>,
    /// Bluesky's oEmbed endpoint (default `https://embed.bsky.app/oembed`).
    pub bsky_oembed_api: Option<String>,
}

/// The `[commit]` table of `hotpapers.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CommitSettings {
    /// Subject of a commit that adds or updates one day; `{date}` is the day.
    pub message: String,
    /// Subject of a commit that touches several days; `{summary}` is, for
    /// example, `add 2020-10-30, 2020-10-31; update 2020-10-29`.
    pub message_many: String,
    /// The commit author, `Name <email>`; git's own settings are used without it.
    pub author: Option<String>,
}

impl Default for Site {
    fn default() -> Self {
        Site {
            posts_dir: "posts".into(),
            output_dir: "content/posts".into(),
            file_name: "{date}---Hot-Papers.md".into(),
            title: "Hot Papers {date}".into(),
            slug: "hot-papers-{date}".into(),
            description: "Hot papers {date}".into(),
            template: "post".into(),
            category: "arXiv".into(),
            tags: ["arXiv", "Twitter", "Machine Learning", "Computer Science"]
                .map(String::from)
                .to_vec(),
            social_image: "/media/flying-marine.jpg".into(),
            legacy_min_score: None,
            commit: CommitSettings::default(),
            endpoints: EndpointSettings::default(),
            blog: BlogSettings::default(),
            collect: CollectSettings::default(),
            announce: AnnounceSettings::default(),
        }
    }
}

impl Default for CommitSettings {
    fn default() -> Self {
        CommitSettings {
            message: "Hot Papers {date}".into(),
            message_many: "Hot Papers: {summary}".into(),
            author: None,
        }
    }
}

/// A `hotpapers.toml` that cannot be used: located, with the line, a caret and
/// a did-you-mean hint, like a day-file's problems.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SiteError(Box<Diagnostic>);

impl SiteError {
    /// The problem, with its file, line and column.
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.0
    }

    /// The same problem with the file named `path`.
    pub fn shown_as(mut self, path: String) -> SiteError {
        self.0.path = path;
        self
    }
}

/// The most days `collect --refresh` goes back.
const MAX_REFRESH_DAYS: usize = 14;

/// The most days `announce` and `digest` look back.
const MAX_ANNOUNCE_DAYS: usize = 14;

/// Where each setting is documented, for messages.
const SETTINGS: &str = "a setting described in docs/settings.md";

impl Site {
    /// Reads settings from the text of `hotpapers.toml`; `path` names it in errors.
    pub fn from_toml(path: &str, text: &str) -> Result<Site, SiteError> {
        let source = Source { path, text };
        let mut site: Site = toml::from_str(text).map_err(|error| {
            let span = error.span().unwrap_or(0..0);
            let (message, expected, hint) = explain(error.message());
            let mut diagnostic = source.diagnostic(Severity::Error, span, message, expected);
            diagnostic.hint = hint;
            SiteError(Box::new(diagnostic))
        })?;
        site.settle()
            .and_then(|()| site.check())
            .map_err(|(key, message)| {
                let span = value_span(text, key).unwrap_or(0..0);
                SiteError(Box::new(source.diagnostic(
                    Severity::Error,
                    span,
                    message,
                    SETTINGS,
                )))
            })?;
        Ok(site)
    }

    /// Reads `hotpapers.toml` from `root`, or the defaults when there is none.
    pub fn load(root: &std::path::Path) -> Result<Site, SiteError> {
        Site::load_with_hash(root).map(|(site, _)| site)
    }

    /// Like [`Site::load`], with the file's fingerprint ([`crate::source_hash`]),
    /// `None` when there is no file.
    pub fn load_with_hash(root: &std::path::Path) -> Result<(Site, Option<u64>), SiteError> {
        match std::fs::read_to_string(root.join(SITE_FILE)) {
            Ok(text) => Ok((
                Site::from_toml(SITE_FILE, &text)?,
                Some(crate::model::source_hash(text.as_bytes())),
            )),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok((Site::default(), None)),
            Err(error) => {
                let source = Source {
                    path: SITE_FILE,
                    text: "",
                };
                let message = format!("cannot read: {error}");
                let diagnostic = source.diagnostic(Severity::Error, 0..0, message, "a readable file");
                Err(SiteError(Box::new(diagnostic)))
            }
        }
    }

    /// The rules between settings; an error names the key it is about.
    fn check(&self) -> Result<(), (&'static str, String)> {
        self.check_file_name()?;
        self.check_folders()?;
        self.check_front_matter()?;
        self.check_slug()?;
        self.check_blog()?;
        self.check_collect()?;
        self.check_announce()
    }

    fn check_announce(&self) -> Result<(), (&'static str, String)> {
        let announce = &self.announce;
        if announce.days > MAX_ANNOUNCE_DAYS {
            let why = format!(
                "`[announce] days = {}` is more than {MAX_ANNOUNCE_DAYS}: a new day is announced the day it is published",
                announce.days
            );
            return Err(("days", why));
        }
        if !git_branch_name_ok(&announce.branch) {
            let why = format!(
                "`[announce] branch = \"{}\"` is not a branch name git accepts",
                crate::text::quoted(&announce.branch)
            );
            return Err(("branch", why));
        }
        if announce.branch == self.blog.pages_branch {
            let why = format!(
                "`[announce] branch` is the pages branch `{}`; announcing must not commit to the published site",
                announce.branch
            );
            return Err(("branch", why));
        }
        Ok(())
    }

    /// Moves the top-level `min-score` (where it used to be) into `[collect]`:
    /// there is one threshold, for collecting and for showing.
    fn settle(&mut self) -> Result<(), (&'static str, String)> {
        if let Some(min) = self.legacy_min_score.take() {
            let default = CollectSettings::default().min_score;
            if self.collect.min_score != default && self.collect.min_score != min {
                let why = format!(
                    "`min-score = {min}` and `[collect] min-score = {}` disagree; there is one threshold, set it in `[collect]`",
                    self.collect.min_score
                );
                return Err(("min-score", why));
            }
            self.collect.min_score = min;
        }
        Ok(())
    }

    fn check_collect(&self) -> Result<(), (&'static str, String)> {
        let collect = &self.collect;
        let weights = &collect.weights;
        for (name, weight) in [
            ("twitter", weights.twitter),
            ("huggingface", weights.huggingface),
            ("hackernews", weights.hackernews),
            ("bluesky", weights.bluesky),
        ] {
            if weight > crate::model::Weights::MAX {
                let why = format!(
                    "`[collect] weights` gives `{name}` {weight}; a weight is at most {}",
                    crate::model::Weights::MAX
                );
                return Err((name, why));
            }
        }
        if collect.refresh_days > MAX_REFRESH_DAYS {
            let why = format!(
                "`refresh-days = {}` is more than {MAX_REFRESH_DAYS}: counts settle within a day or two",
                collect.refresh_days
            );
            return Err(("refresh-days", why));
        }
        if collect.max_papers == 0 {
            return Err(("max-papers", "`max-papers` must be at least 1".into()));
        }
        for (i, source) in collect.sources.iter().enumerate() {
            if collect.sources[..i].contains(source) {
                let why = format!("`sources` names `{}` twice", source.as_str());
                return Err(("sources", why));
            }
        }
        for name in collect
            .categories
            .include
            .iter()
            .chain(&collect.categories.exclude)
        {
            let archive = crate::model::taxonomy()
                .iter()
                .any(|c| c.id.split('.').next() == Some(name.as_str()));
            if crate::model::Category::from_id(name).is_none() && !archive {
                let why = format!(
                    "`{}` in `[collect] categories` is neither an arXiv category (`cs.LG`) nor an archive (`cs`)",
                    crate::text::quoted(name)
                );
                return Err(("categories", why));
            }
        }
        if let Some(empty) = collect
            .keywords
            .include
            .iter()
            .chain(&collect.keywords.exclude)
            .find(|k| k.trim().is_empty())
        {
            let why = format!("`\"{empty}\"` in `[collect] keywords` is empty");
            return Err(("keywords", why));
        }
        Ok(())
    }

    /// The `[blog]` values that end up in URLs, file names and git refs.
    fn check_blog(&self) -> Result<(), (&'static str, String)> {
        let blog = &self.blog;
        let url_ok = blog
            .url
            .strip_prefix("https://")
            .or_else(|| blog.url.strip_prefix("http://"))
            .is_some_and(|rest| {
                let host = rest.split('/').next().unwrap_or_default();
                !host.is_empty()
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~/:".contains(&b))
            });
        if !url_ok {
            let why = format!(
                "`url = \"{}\"` must be an http(s) URL such as `https://user.github.io/repo`, without query, fragment or spaces",
                blog.url
            );
            return Err(("url", why));
        }
        // Every link starts with the URL's path: an empty, `.` or `..` segment
        // would make `//host/...`, a link to another site, or climb out of it.
        let path = blog.url.split_once("://").map_or("", |(_, rest)| rest);
        let path = path.find('/').map_or("", |slash| &path[slash + 1..]);
        let path = path.strip_suffix('/').unwrap_or(path);
        if !path.is_empty() && path.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
            let why = format!(
                "`url = \"{}\"` has an empty, `.` or `..` segment in its path; links would leave the site",
                blog.url
            );
            return Err(("url", why));
        }
        for (name, value) in [
            ("posts-per-page", blog.posts_per_page),
            ("papers-per-page", blog.papers_per_page),
            ("feed-items", blog.feed_items),
        ] {
            if value == 0 {
                return Err((name, format!("`{name}` must be at least 1")));
            }
        }
        if blog.pages && !git_branch_name_ok(&blog.pages_branch) {
            let why = format!(
                "`pages-branch = \"{}\"` is not a branch name git accepts",
                blog.pages_branch
            );
            return Err(("pages-branch", why));
        }
        if let Some(cname) = &blog.cname {
            let ok = !cname.is_empty()
                && cname.len() <= 253
                && cname
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if !ok {
                return Err((
                    "cname",
                    format!("`cname = \"{cname}\"` must be a domain name, such as `papers.example.org`"),
                ));
            }
        }
        Ok(())
    }

    fn check_file_name(&self) -> Result<(), (&'static str, String)> {
        let name = &self.file_name;
        if !name.contains("{date}") || name.contains(['/', '\\']) {
            let why = format!("`file-name = \"{name}\"` must contain `{{date}}` and no `/`");
            return Err(("file-name", why));
        }
        if name.ends_with(".toml") {
            let why = format!("`file-name = \"{name}\"` ends in `.toml`, the ending of day-files");
            return Err(("file-name", why));
        }
        Ok(())
    }

    /// Both folders inside the repository, and not the same one.
    fn check_folders(&self) -> Result<(), (&'static str, String)> {
        use std::path::{Component, Path};
        for (key, value) in [("posts-dir", &self.posts_dir), ("output-dir", &self.output_dir)] {
            let path = Path::new(value);
            if value.is_empty() || path.is_absolute() || path.components().any(|c| c == Component::ParentDir)
            {
                let why = format!("`{key} = \"{value}\"` must be a relative path inside the repository");
                return Err((key, why));
            }
        }
        fn folder(dir: &str) -> Vec<Component<'_>> {
            Path::new(dir)
                .components()
                .filter(|c| *c != Component::CurDir)
                .collect()
        }
        if folder(&self.posts_dir) == folder(&self.output_dir) {
            let why = format!(
                "`output-dir` and `posts-dir` are the same folder, `{}`; posts would be written among the day-files",
                self.posts_dir
            );
            return Err(("output-dir", why));
        }
        Ok(())
    }

    /// The slug names the folder of a day's page in the site and on the pages
    /// branch: one or more segments of `[A-Za-z0-9._-]`, none led by a `.` (so
    /// never `.`, `..` or `.git`), holding `{date}`.
    fn check_slug(&self) -> Result<(), (&'static str, String)> {
        let slug = &self.slug;
        let filled = fill(slug, time::macros::date!(2020 - 01 - 01));
        let ok = slug.contains("{date}")
            && filled.split('/').all(|segment| {
                !segment.is_empty()
                    && !segment.starts_with('.')
                    && segment
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            });
        if ok {
            return Ok(());
        }
        let why = format!(
            "`slug = \"{}\"` must hold `{{date}}` and be segments of letters, digits, `.`, `_` and `-` \
             separated by `/`, none empty or starting with `.`, such as `hot-papers-{{date}}`",
            crate::text::quoted(slug)
        );
        Err(("slug", why))
    }

    /// Values written between double quotes in the front matter.
    fn check_front_matter(&self) -> Result<(), (&'static str, String)> {
        let quoted = [
            ("title", &self.title),
            ("slug", &self.slug),
            ("description", &self.description),
            ("template", &self.template),
            ("category", &self.category),
            ("social-image", &self.social_image),
        ];
        for (key, value) in quoted.into_iter().chain(self.tags.iter().map(|t| ("tags", t))) {
            if value.contains(['"', '\\']) || value.chars().any(char::is_control) {
                let why = "holds `\"`, `\\` or a control character, which would break the front matter";
                return Err((key, format!("`{key}` {why}")));
            }
        }
        Ok(())
    }

    /// The post's file name for a day, such as `2020-10-30---Hot-Papers.md`.
    pub fn post_file_name(&self, date: Date) -> String {
        fill(&self.file_name, date)
    }

    /// A day's title, such as `Hot Papers 2020-10-30`.
    pub fn post_title(&self, date: Date) -> String {
        fill(&self.title, date)
    }

    /// The folder of a day's page in the blog, `posts/hot-papers-2020-10-30/`.
    pub fn post_dir(&self, date: Date) -> String {
        format!("posts/{}/", fill(&self.slug, date))
    }

    /// The link to a day's page on the blog, from the site's root:
    /// `/repo/posts/hot-papers-2020-10-30/` under `https://user.github.io/repo`.
    pub fn post_path(&self, date: Date) -> String {
        format!("{}/{}", self.blog.base_path(), self.post_dir(date))
    }

    /// The day's page, absolute: what a reader follows from elsewhere.
    pub fn post_url(&self, date: Date) -> String {
        format!("{}{}", self.blog.origin(), self.post_path(date))
    }

    /// The day a post file name stands for, if it follows [`Site::file_name`].
    pub fn post_date(&self, file_name: &str) -> Option<Date> {
        let (before, after) = self.file_name.split_once("{date}")?;
        let stem = file_name.strip_prefix(before)?.strip_suffix(after)?;
        crate::text::parse_date(stem)
    }
}

/// A conservative form of git's ref-name rules: letters, digits, `-`, `_`, `.`
/// and `/`, with no empty, dot-led or `.lock` component and no `..`.
fn git_branch_name_ok(name: &str) -> bool {
    !name.is_empty()
        && !name.contains("..")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
        && name
            .split('/')
            .all(|part| !part.is_empty() && !part.starts_with('.') && !part.ends_with(".lock"))
        && !name.starts_with('-')
}

/// A toml error's message as what was found, what was expected and a hint: an
/// unknown key gets the closest known one.
fn explain(message: &str) -> (String, String, Option<String>) {
    let message = message.trim();
    if let Some((found, expected)) = message.split_once(", expected one of ") {
        let known: Vec<&str> = expected.split(", ").map(|k| k.trim_matches('`')).collect();
        let key = found.trim_start_matches("unknown field ").trim_matches('`');
        let hint = crate::text::closest(key, known.iter().copied()).map(|k| format!("did you mean `{k}`?"));
        let setting = format!("unknown setting `{}`", crate::text::quoted(key));
        return (setting, format!("one of {expected}"), hint);
    }
    let mut lines = message.lines();
    let first = lines.next().unwrap_or("invalid settings").to_owned();
    let rest = lines.collect::<Vec<_>>().join(" ");
    (
        first,
        if rest.is_empty() {
            SETTINGS.to_owned()
        } else {
            rest
        },
        None,
    )
}

/// The span of the value of top-level `key` in the settings text, to point at.
fn value_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed
            .strip_prefix(key)
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('='))
        {
            let value = rest.trim();
            let start = at + line.len() - rest.len() + (rest.len() - rest.trim_start().len());
            return Some(start..start + value.len());
        }
        at += line.len();
    }
    None
}

/// A pattern with `{date}` replaced by the day.
pub(crate) fn fill(pattern: &str, date: Date) -> String {
    pattern.replace("{date}", &crate::text::format_date(date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn defaults_are_the_legacy_blog() {
        let site = Site::from_toml(SITE_FILE, "").unwrap();
        assert_eq!(site, Site::default());
        assert_eq!(
            site.post_file_name(date!(2020 - 10 - 30)),
            "2020-10-30---Hot-Papers.md"
        );
        assert_eq!(
            site.post_date("2020-10-30---Hot-Papers.md"),
            Some(date!(2020 - 10 - 30))
        );
        assert_eq!(site.post_date("notes.md"), None);
    }

    #[test]
    fn reads_settings() {
        let site = Site::from_toml(
            SITE_FILE,
            "min-score = 10\ntags = ['a']\n[commit]\nauthor = 'Bot <bot@example.com>'\n",
        )
        .unwrap();
        assert_eq!(site.collect.min_score, 10);
        assert_eq!(site.tags, ["a"]);
        assert_eq!(site.commit.author.as_deref(), Some("Bot <bot@example.com>"));
        assert_eq!(site.output_dir, "content/posts");
    }

    #[test]
    fn rejects_unknown_settings_with_a_location() {
        let error = Site::from_toml(SITE_FILE, "min-score = 10\noutput-dirr = 'public'\n").unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.starts_with(
                "hotpapers.toml:2:1: unknown setting `output-dirr`; did you mean `output-dir`?\n"
            ),
            "{shown}"
        );
        assert!(
            shown.contains("2 | output-dirr = 'public'\n  | ^^^^^^^^^^^ expected one of"),
            "{shown}"
        );
        let error = Site::from_toml(SITE_FILE, "posts-dir = 'posts'\noutput-dir = 'posts'\n").unwrap_err();
        assert_eq!(
            (error.diagnostic().line, error.diagnostic().column),
            (2, 14),
            "{error}"
        );
    }

    #[test]
    fn rejects_a_slug_that_would_leave_the_site_or_break_its_tree() {
        for slug in [
            "../../x/{date}",
            "posts/../{date}",
            ".git/{date}",
            ".{date}",
            "a//{date}",
            "/{date}",
            "{date}/",
            "a b {date}",
            "hot-papers",
        ] {
            let error = Site::from_toml(SITE_FILE, &format!("slug = '{slug}'\n")).unwrap_err();
            assert!(error.to_string().contains("`slug = "), "{slug}: {error}");
            assert_eq!(
                (error.diagnostic().line, error.diagnostic().column),
                (1, 8),
                "{slug}"
            );
        }
        for slug in ["{date}", "hot-papers-{date}", "papers/{date}/hot", "a.b_c-{date}"] {
            assert!(
                Site::from_toml(SITE_FILE, &format!("slug = '{slug}'\n")).is_ok(),
                "{slug}"
            );
        }
    }

    #[test]
    fn rejects_a_blog_url_whose_path_would_point_links_elsewhere() {
        for url in [
            "https://me.github.io//evil.example",
            "https://me.github.io/repo//x",
            "https://me.github.io/./repo",
            "https://me.github.io/repo/..",
        ] {
            let text = format!("[blog]\nurl = '{url}'\n");
            let error = Site::from_toml(SITE_FILE, &text).unwrap_err();
            assert!(
                error.to_string().contains("empty, `.` or `..` segment"),
                "{url}: {error}"
            );
        }
        for url in [
            "https://me.github.io",
            "https://me.github.io/",
            "https://me.github.io/repo/",
        ] {
            let site = Site::from_toml(SITE_FILE, &format!("[blog]\nurl = '{url}'\n")).unwrap();
            assert!(!site.blog.base_path().contains("//"), "{url}");
        }
    }

    #[test]
    fn a_page_or_feed_of_nothing_is_refused_and_named() {
        for name in ["posts-per-page", "papers-per-page", "feed-items"] {
            let error = Site::from_toml(SITE_FILE, &format!("[blog]\n{name} = 0\n")).unwrap_err();
            let shown = error.to_string();
            assert!(shown.contains(&format!("`{name}` must be at least 1")), "{shown}");
        }
        let site = Site::from_toml(SITE_FILE, "[blog]\npapers-per-page = 50\n").unwrap();
        assert_eq!(site.blog.papers_per_page, 50);
    }

    #[test]
    fn bounds_the_weights_so_scores_stay_inside_u64() {
        let max = crate::model::Weights::MAX;
        let ok = format!("[collect.weights]\nhackernews = {max}\n");
        assert_eq!(
            Site::from_toml(SITE_FILE, &ok)
                .unwrap()
                .collect
                .weights
                .hackernews,
            max
        );
        let text = format!("[collect.weights]\ntwitter = 1\nhackernews = {}\n", u32::MAX);
        let error = Site::from_toml(SITE_FILE, &text).unwrap_err();
        assert!(
            error.to_string().contains("a weight is at most 1000000"),
            "{error}"
        );
        assert_eq!(error.diagnostic().line, 3, "{error}");
    }

    #[test]
    fn rejects_settings_that_break_the_output() {
        assert!(Site::from_toml(SITE_FILE, "title = 'a\"b'").is_err());
        assert!(Site::from_toml(SITE_FILE, "file-name = 'post.md'").is_err());
        assert!(Site::from_toml(SITE_FILE, "output-dir = '../elsewhere'").is_err());
        assert!(Site::from_toml(SITE_FILE, "output-dir = 'posts/'").is_err());
        assert!(Site::from_toml(SITE_FILE, "output-dir = './posts'").is_err());
        assert!(Site::from_toml(SITE_FILE, "file-name = '{date}.toml'").is_err());
    }

    #[test]
    fn announce_settings_keep_to_a_window_and_off_the_pages_branch() {
        let site = Site::from_toml(SITE_FILE, "[announce]\ndays = 3\nbranch = 'told'\n").unwrap();
        assert_eq!((site.announce.days, site.announce.branch.as_str()), (3, "told"));
        let error = Site::from_toml(SITE_FILE, "[announce]\ndays = 3650\n").unwrap_err();
        assert!(error.to_string().contains("is more than 14"), "{error}");
        let error = Site::from_toml(SITE_FILE, "[announce]\nbranch = 'gh-pages'\n").unwrap_err();
        assert!(error.to_string().contains("is the pages branch"), "{error}");
        let error = Site::from_toml(SITE_FILE, "[announce]\nbranch = '../x'\n").unwrap_err();
        assert!(error.to_string().contains("not a branch name"), "{error}");
    }

    #[test]
    fn a_day_s_page_is_under_the_blog_s_path() {
        let site = Site::from_toml(SITE_FILE, "[blog]\nurl = 'https://user.github.io/repo/'\n").unwrap();
        let day = time::macros::date!(2026 - 11 - 27);
        assert_eq!(site.post_path(day), "/repo/posts/hot-papers-2026-11-27/");
        assert_eq!(
            site.post_url(day),
            "https://user.github.io/repo/posts/hot-papers-2026-11-27/"
        );
        assert_eq!(site.post_title(day), "Hot Papers 2026-11-27");
    }
}
