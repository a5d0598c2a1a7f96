//! The pages of the blog and what each template is given.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use minijinja::{Environment, Value};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use super::stats::Stats;
use super::theme::Theme;
use super::{BlogError, PageKey, SiteFile};
use crate::archive::{DayEntry, Days};
use crate::model::{Day, Paper};
use crate::post::{ranked, render_papers};
use crate::site::{fill, Site};

/// A category or tag as it appears in URLs, in lodash's kebab case as the legacy
/// blog wrote it: `arXiv` is `ar-xiv`, `Machine Learning` is `machine-learning`.
pub fn kebab(name: &str) -> String {
    heck::ToKebabCase::to_kebab_case(name)
}

/// What every template is given as `site`: only what the settings say, so that
/// a day's page depends on its day, its neighbours and the settings alone, and a
/// page whose inputs did not change need not be rendered again.
#[derive(Debug, Serialize)]
pub(crate) struct SiteContext<'s> {
    pub(crate) title: &'s str,
    pub(crate) subtitle: &'s str,
    pub(crate) author: &'s str,
    /// The blog's absolute URL, without a trailing `/`.
    pub(crate) url: &'s str,
    /// The path every link starts with (`""` at a domain's root).
    pub(crate) base: &'s str,
    /// The scheme and host of `url`: an absolute link is `origin` + a page's path.
    pub(crate) origin: &'s str,
    /// The site's image for link previews (`og:image`), absolute: the
    /// `social-image` setting, under the blog's URL when it is a path.
    pub(crate) image: String,
    pub(crate) category: Term,
    pub(crate) tags: Vec<Term>,
}

/// A category or tag, with its page.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Term {
    pub(crate) name: String,
    pub(crate) slug: String,
    /// The page's path, such as `/tag/machine-learning/`, base included.
    pub(crate) url: String,
}

/// A post as lists, feeds and its own page show it.
#[derive(Debug, Serialize)]
pub(crate) struct PostContext {
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) slug: String,
    /// The page's path, base included.
    pub(crate) url: String,
    /// The day, `YYYY-MM-DD`.
    pub(crate) date: String,
    /// When it was published, RFC 3339 in UTC.
    pub(crate) published: String,
    /// The date as readers see it, `November 30, 2020`.
    pub(crate) published_human: String,
    /// The papers on the page, highest score first.
    pub(crate) papers: Vec<PaperContext>,
    pub(crate) score: u64,
    /// The top titles as plain text (Markdown read, TeX's `$` dropped), for
    /// link previews.
    pub(crate) summary: String,
}

/// A paper in a post's table of contents and in lists.
#[derive(Debug, Serialize)]
pub(crate) struct PaperContext {
    pub(crate) rank: usize,
    /// The arXiv id, which is also the paper's anchor on the post's page.
    pub(crate) id: String,
    /// The paper's own page, base included.
    pub(crate) url: String,
    /// The title as plain text (the page shows it rendered).
    pub(crate) title: String,
    pub(crate) score: u64,
    pub(crate) tweets: usize,
}

/// Pagination of a list.
#[derive(Debug, Serialize)]
pub(crate) struct Pagination {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

impl Pagination {
    /// The `n`th of `total` pages, whose links `url(n)` makes.
    pub(crate) fn of(n: usize, total: usize, url: impl Fn(usize) -> String) -> Pagination {
        Pagination {
            current: n,
            total,
            prev: (n > 1).then(|| url(n - 1)),
            next: (n < total).then(|| url(n + 1)),
        }
    }

    /// The folder of a list's `n`th page: the list's own for the first,
    /// `page/N/` in it for the others.
    pub(crate) fn dir(list: &str, n: usize) -> String {
        match n {
            1 => list.to_owned(),
            n => format!("{list}page/{n}/"),
        }
    }
}

/// The days of a blog, ready to render. Only the days a rendered page shows are
/// decoded; every other page is known by the days' entries.
pub(crate) struct Blog<'b, 'a> {
    pub(crate) site: &'b Site,
    theme: &'b Theme<'b>,
    pub(crate) env: Environment<'b>,
    all: &'b Days<'a>,
    /// The published days, newest first, by their place in `all`.
    shown: Vec<usize>,
    /// Each day's post as the templates see it, and as a value for lists: made
    /// when a page that shows it is rendered (after an edit, a handful of the
    /// thousands), once.
    posts: Vec<OnceLock<PostContext>>,
    summaries: Vec<OnceLock<Value>>,
    /// Every paper the posts show, made when first needed.
    shown_papers: OnceLock<Vec<super::papers::Shown>>,
    /// Every topic of those papers, made when first needed.
    topics: OnceLock<Vec<super::topics::Topic>>,
    pub(crate) context: SiteContext<'b>,
    /// Everything all pages are rendered from but the days: the settings, the
    /// templates, the code that renders and its dependencies.
    pub(super) render_id: u64,
}

impl<'b, 'a> Blog<'b, 'a> {
    pub(crate) fn new(
        site: &'b Site,
        all: &'b Days<'a>,
        theme: &'b Theme<'b>,
    ) -> Result<Blog<'b, 'a>, BlogError> {
        let env = theme.environment()?;
        let entries = all.entries();
        let mut shown: Vec<usize> = (0..entries.len()).filter(|&i| !entries[i].draft).collect();
        shown.sort_by_key(|&i| std::cmp::Reverse(entries[i].date));
        let posts = shown.iter().map(|_| OnceLock::new()).collect();
        let summaries = shown.iter().map(|_| OnceLock::new()).collect();
        let blog = &site.blog;
        let base = blog.base_path();
        let term = |kind: &str, name: &str| Term {
            name: name.to_owned(),
            slug: kebab(name),
            url: format!("{base}/{kind}/{}/", kebab(name)),
        };
        let mut tags: Vec<Term> = Vec::new();
        for tag in &site.tags {
            if !tags.iter().any(|t| t.slug == kebab(tag)) {
                tags.push(term("tag", tag));
            }
        }
        let context = SiteContext {
            title: &blog.title,
            subtitle: &blog.subtitle,
            author: &blog.author,
            url: blog.origin_and_base(),
            base,
            origin: blog.origin(),
            image: match site.social_image.split_once("://") {
                Some(_) => site.social_image.clone(),
                None => format!(
                    "{}/{}",
                    blog.origin_and_base(),
                    site.social_image.trim_start_matches('/')
                ),
            },
            category: term("category", &site.category),
            tags,
        };
        let mut id = format!("{}\n{site:?}\n", env!("HOTPAPERS_SOURCE_HASH"));
        for (name, source) in &theme.templates {
            id.push_str(&format!("{name}\n{}\n{source}\n", source.len()));
        }
        let render_id = crate::model::source_hash(id.as_bytes());
        Ok(Blog {
            site,
            theme,
            env,
            render_id,
            all,
            shown,
            posts,
            summaries,
            shown_papers: OnceLock::new(),
            topics: OnceLock::new(),
            context,
        })
    }

    /// How many days are published.
    pub(crate) fn len(&self) -> usize {
        self.shown.len()
    }

    /// What the `i`th published day is known by without decoding it, newest
    /// first.
    pub(crate) fn entry(&self, i: usize) -> &DayEntry {
        &self.all.entries()[self.shown[i]]
    }

    /// The newest published day's entry.
    #[cfg(feature = "blog")]
    pub(crate) fn newest(&self) -> Option<&DayEntry> {
        self.shown.first().map(|&i| &self.all.entries()[i])
    }

    /// The `i`th published day, newest first, decoded.
    pub(crate) fn day(&self, i: usize) -> Result<&Day<'a>, BlogError> {
        Ok(self.all.get(self.shown[i])?)
    }

    /// Every paper the posts show, newest day first, in rank order.
    pub(crate) fn shown(&self) -> &[super::papers::Shown] {
        self.shown_papers.get_or_init(|| super::papers::shown(self))
    }

    /// Every topic of the papers the posts show, by category id.
    pub(crate) fn topics(&self) -> &[super::topics::Topic] {
        self.topics.get_or_init(|| super::topics::topics(self))
    }

    /// The post of the `i`th day, newest first.
    pub(crate) fn post(&self, i: usize) -> Result<&PostContext, BlogError> {
        if let Some(post) = self.posts[i].get() {
            return Ok(post);
        }
        let day = self.day(i)?;
        Ok(self.posts[i].get_or_init(|| post_context(self.site, day)))
    }

    /// The post of the `i`th day as lists give it to templates.
    fn summary(&self, i: usize) -> Result<&Value, BlogError> {
        if let Some(summary) = self.summaries[i].get() {
            return Ok(summary);
        }
        let post = self.post(i)?;
        Ok(self.summaries[i].get_or_init(|| Value::from_serialize(post)))
    }

    /// The days the `n`th page of a list shows, newest first.
    fn shown_on(&self, n: usize, per_page: usize) -> std::ops::Range<usize> {
        ((n - 1) * per_page).min(self.len())..(n * per_page).min(self.len())
    }

    /// The folder of the `i`th day's page, `posts/SLUG/`.
    fn post_dir(&self, i: usize) -> String {
        self.site.post_dir(self.entry(i).date)
    }

    /// Every HTML page and the sitemap, but for the day and list pages `reuse`
    /// says are there already; the keys of all those pages.
    pub(crate) fn pages_reusing(
        &self,
        reuse: &(dyn Fn(&str, u64) -> bool + Sync),
    ) -> Result<(Vec<SiteFile>, Vec<PageKey>), BlogError> {
        let mut files = Vec::new();
        let mut keys = Vec::new();
        let category = &self.context.category;
        let mut lists = vec![(String::new(), None)];
        lists.push((
            format!("category/{}/", category.slug),
            Some(("category", category)),
        ));
        for tag in &self.context.tags {
            lists.push((format!("tag/{}/", tag.slug), Some(("tag", tag))));
        }
        for (prefix, term) in &lists {
            let (rendered, list_keys) = self.list_pages(prefix, *term, reuse)?;
            files.extend(rendered);
            keys.extend(list_keys);
        }
        for (kind, terms) in [
            ("categories", std::slice::from_ref(category)),
            ("tags", &self.context.tags[..]),
        ] {
            // Every post has the settings' category and tags.
            let terms: Vec<Value> = terms
                .iter()
                .map(|term| minijinja::context! { count => self.len(), ..Value::from_serialize(term) })
                .collect();
            let html = self.render(
                "terms.html",
                minijinja::context! { kind, terms, page_url => format!("{}/{kind}/", self.context.base) },
            )?;
            files.push(page(format!("{kind}/index.html"), html));
        }
        let (posts, post_keys) = self.post_pages(reuse)?;
        files.extend(posts);
        keys.extend(post_keys);
        let (papers, paper_keys) = self.paper_pages(reuse)?;
        files.extend(papers);
        keys.extend(paper_keys);
        let (topics, topic_keys) = self.topic_pages(reuse)?;
        files.extend(topics);
        keys.extend(topic_keys);
        let published: Vec<&DayEntry> = (0..self.len()).map(|i| self.entry(i)).collect();
        let stats = Stats::of(self.site, &published);
        let html = self.render(
            "stats.html",
            minijinja::context! { stats, page_url => format!("{}/stats/", self.context.base) },
        )?;
        files.push(page("stats/index.html".into(), html));
        let html = self.render(
            "search.html",
            minijinja::context! { page_url => format!("{}/search/", self.context.base) },
        )?;
        files.push(page("search/index.html".into(), html));
        let html = self.render("404.html", minijinja::context! { page_url => "" })?;
        files.push(page("404.html".into(), html));
        let (sitemap, rendered) = self.sitemap_reusing(&files, &keys, reuse)?;
        files.extend(rendered);
        keys.push(sitemap);
        Ok((files, keys))
    }

    /// What a day's page is rendered from, as one number: the day-file's bytes,
    /// its neighbours' dates (their links), and everything the whole blog is
    /// rendered from.
    fn post_key(&self, i: usize) -> u64 {
        let date = |j: Option<usize>| {
            j.filter(|&j| j < self.len())
                .map_or(0, |j| self.entry(j).date.to_julian_day())
        };
        let text = format!(
            "{:016x} {:016x} {} {} {}",
            self.render_id,
            self.entry(i).source_hash,
            self.entry(i).date.to_julian_day(),
            date(i.checked_sub(1)),
            date(Some(i + 1)),
        );
        crate::model::source_hash(text.as_bytes())
    }

    /// `/`, `/page/N/` or a category's or tag's pages: every post, newest first;
    /// a page `reuse` says is there already is not rendered. A list page is
    /// rendered from its posts' days, its place among the pages, its term and
    /// everything the whole blog is rendered from: its key.
    fn list_pages(
        &self,
        prefix: &str,
        term: Option<(&str, &Term)>,
        reuse: &(dyn Fn(&str, u64) -> bool + Sync),
    ) -> Result<(Vec<SiteFile>, Vec<PageKey>), BlogError> {
        let per_page = self.site.blog.posts_per_page.max(1);
        let total = self.len().div_ceil(per_page).max(1);
        let base = self.context.base;
        let url = |n: usize| format!("{base}/{}", Pagination::dir(prefix, n));
        let keys: Vec<PageKey> = (1..=total)
            .map(|n| {
                let path = format!("{}index.html", Pagination::dir(prefix, n));
                let mut text = format!("{:016x} {path} {n} {total}", self.render_id);
                for i in self.shown_on(n, per_page) {
                    let day = self.entry(i);
                    text.push_str(&format!(" {} {:016x}", day.date.to_julian_day(), day.source_hash));
                }
                let key = crate::model::source_hash(text.as_bytes());
                PageKey::reusing(path, key, reuse)
            })
            .collect();
        let numbers: Vec<usize> = (1..=total).filter(|n| !keys[n - 1].reused).collect();
        let files = crate::parallel::try_map(&numbers, 32, |&n| {
            let posts = self
                .shown_on(n, per_page)
                .map(|i| self.summary(i))
                .collect::<Result<Vec<&Value>, _>>()?;
            let pagination = Pagination::of(n, total, url);
            let html = self.render(
                "list.html",
                minijinja::context! {
                    posts,
                    pagination,
                    kind => term.map(|(kind, _)| kind),
                    term => term.map(|(_, term)| term),
                    page_url => url(n),
                },
            )?;
            Ok::<_, BlogError>(page(keys[n - 1].path.clone(), html))
        })?;
        Ok((files, keys))
    }

    /// One page per published day, rendered on every core, but for those
    /// `reuse` says are there already; every day page's key.
    fn post_pages(
        &self,
        reuse: &(dyn Fn(&str, u64) -> bool + Sync),
    ) -> Result<(Vec<SiteFile>, Vec<PageKey>), BlogError> {
        let keys: Vec<PageKey> = (0..self.len())
            .map(|i| {
                let path = format!("{}index.html", self.post_dir(i));
                let key = self.post_key(i);
                PageKey::reusing(path, key, reuse)
            })
            .collect();
        let indices: Vec<usize> = (0..self.len()).filter(|&i| !keys[i].reused).collect();
        let chunks = crate::parallel::map_chunks(&indices, 16, |chunk| {
            let mut files = Vec::with_capacity(chunk.len());
            let mut markdown = String::new();
            for &i in chunk {
                markdown.clear();
                let html = self.post_html(self.day(i)?, &mut markdown, View::Page);
                let newer = i.checked_sub(1).map(|j| self.post(j)).transpose()?;
                let older = (i + 1 < self.len()).then(|| self.post(i + 1)).transpose()?;
                let post = self.post(i)?;
                let rendered = self.render(
                    "post.html",
                    minijinja::context! {
                        post,
                        content => Value::from_safe_string(html),
                        newer,
                        older,
                        page_url => &post.url,
                    },
                )?;
                files.push(page(keys[i].path.clone(), rendered));
            }
            Ok::<_, BlogError>(files)
        });
        Ok((crate::parallel::concat(chunks)?, keys))
    }

    /// A day's papers as HTML: its Markdown post's body, as CommonMark renders it
    /// (raw HTML is the tweet embeds the HTML policy allows), each paper's
    /// heading given its arXiv id as anchor and, on a page, a link to the
    /// paper's own page.
    pub(crate) fn post_html(&self, day: &Day<'_>, markdown: &mut String, view: View) -> String {
        render_papers(day, self.site, markdown);
        let papers: Vec<&str> = ranked(day, self.site)
            .into_iter()
            .map(|p| p.arxiv.as_str())
            .collect();
        self.markdown_html(markdown, view, &papers)
    }

    /// Markdown of the post's kind as HTML for `view`: its `#` headings are the
    /// papers `headings` names, in order (each given its id as anchor, and on a
    /// day's page a link to its paper's page, instead of any link in the title).
    pub(crate) fn markdown_html(&self, markdown: &str, view: View, headings: &[&str]) -> String {
        use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
        let options = match view {
            View::Page | View::PaperPage => Options::ENABLE_MATH,
            View::Feed => Options::empty(),
        };
        let mut ids = headings.iter();
        let mut heading: Option<&str> = None;
        let events = Parser::new_ext(markdown, options).flat_map(|event| -> Vec<Event<'_>> {
            match event {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    id: None,
                    classes,
                    attrs,
                }) => {
                    heading = ids.next().copied();
                    let start = Event::Start(Tag::Heading {
                        level: HeadingLevel::H1,
                        id: heading.map(|id| id.to_owned().into()),
                        classes,
                        attrs,
                    });
                    match heading.filter(|_| view == View::Page) {
                        // An id is `YYMM.NNNNN` or `archive/YYMMNNN`: nothing
                        // in it needs escaping in an attribute.
                        Some(id) => vec![
                            start,
                            Event::InlineHtml(format!("<a href=\"{}\">", self.paper_url(id)).into()),
                        ],
                        None => vec![start],
                    }
                }
                Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                    let end = Event::End(TagEnd::Heading(HeadingLevel::H1));
                    match heading.take().filter(|_| view == View::Page) {
                        Some(_) => vec![Event::InlineHtml("</a>".into()), end],
                        None => vec![end],
                    }
                }
                // The heading is the link to the paper's page; a link inside
                // it would nest.
                Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link)
                    if heading.is_some() && view == View::Page =>
                {
                    Vec::new()
                }
                #[cfg(feature = "blog")]
                Event::InlineMath(tex) => vec![math(&tex, false)],
                #[cfg(feature = "blog")]
                Event::DisplayMath(tex) => vec![math(&tex, true)],
                event => vec![event],
            }
        });
        let mut html = String::with_capacity(markdown.len() + markdown.len() / 4);
        pulldown_cmark::html::push_html(&mut html, events);
        html
    }

    /// The path of a paper's page, base included.
    pub(crate) fn paper_url(&self, id: &str) -> String {
        paper_path(self.site, id)
    }

    /// Renders a template with `site` and the page's own values.
    pub(crate) fn render(&self, name: &str, values: Value) -> Result<Vec<u8>, BlogError> {
        let template = self.env.get_template(name).map_err(|_| missing(name))?;
        let context = minijinja::context! { site => &self.context, ..values };
        template
            .render(context)
            .map(String::into_bytes)
            .map_err(|error| self.theme.located(&error))
    }

    /// `sitemap.xml`, listing every page, the reused ones too; not rendered
    /// when `reuse` says it is there already. It changes only with the set of
    /// pages and the days' publication dates, and a ten-year blog's has tens
    /// of thousands of entries: its key is those paths and dates and
    /// everything the whole blog is rendered from.
    fn sitemap_reusing(
        &self,
        files: &[SiteFile],
        keys: &[PageKey],
        reuse: &(dyn Fn(&str, u64) -> bool + Sync),
    ) -> Result<(PageKey, Option<SiteFile>), BlogError> {
        let mut listed: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        listed.extend(keys.iter().filter(|k| k.reused).map(|k| k.path.as_str()));
        listed.sort_unstable();
        let mut bytes = Vec::with_capacity(listed.len() * 32 + self.len() * 4);
        bytes.extend_from_slice(&self.render_id.to_le_bytes());
        for path in &listed {
            bytes.extend_from_slice(path.as_bytes());
            bytes.push(b'\n');
        }
        for i in 0..self.len() {
            let published = self.entry(i).published.to_offset(UtcOffset::UTC).date();
            bytes.extend_from_slice(&published.to_julian_day().to_le_bytes());
        }
        let key = PageKey::reusing("sitemap.xml".into(), crate::model::source_hash(&bytes), reuse);
        let rendered = match key.reused {
            true => None,
            false => {
                let pages = self.sitemap(&listed);
                let xml = self.render(&key.path, minijinja::context! { pages })?;
                Some(page(key.path.clone(), xml))
            }
        };
        Ok((key, rendered))
    }

    /// Every HTML page's absolute URL, for the sitemap; a post's with the day
    /// it was published.
    fn sitemap(&self, paths: &[&str]) -> Vec<BTreeMap<&'static str, String>> {
        let origin = self.site.blog.origin_and_base();
        let published: BTreeMap<String, String> = (0..self.len())
            .map(|i| {
                let published = self.entry(i).published.to_offset(UtcOffset::UTC).date();
                (self.post_dir(i), crate::text::format_date(published))
            })
            .collect();
        paths
            .iter()
            .filter_map(|path| path.strip_suffix("index.html"))
            .map(|dir| {
                let mut entry = BTreeMap::from([("loc", format!("{origin}/{dir}"))]);
                if let Some(day) = published.get(dir) {
                    entry.insert("lastmod", day.clone());
                }
                entry
            })
            .collect()
    }
}

/// A span of TeX as the page shows it.
#[cfg(feature = "blog")]
fn math(tex: &str, display: bool) -> pulldown_cmark::Event<'static> {
    let mut html = String::with_capacity(tex.len() * 8);
    super::math::push_math(&mut html, tex, display);
    pulldown_cmark::Event::InlineHtml(html.into())
}

/// Where a post's HTML is read, which decides how its TeX (`$…$`, `$$…$$`)
/// and its paper headings are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "blog"), allow(dead_code))]
pub(crate) enum View {
    /// A day's page: TeX as math (MathML Core, or the TeX in `<code>` where it
    /// cannot be, `math.rs`), each paper's heading a link to its page.
    Page,
    /// A paper's own page: TeX as math, its heading as the post has it.
    PaperPage,
    /// The feeds: TeX as the text it is, dollars and all, as arXiv's own feeds
    /// carry it (feed readers clean HTML by lists of their own that drop
    /// MathML's elements and run its letters together: `\frac{a}{b}` would
    /// read `ab`); headings as the post has them.
    Feed,
}

fn missing(name: &str) -> BlogError {
    let name = super::REQUIRED_TEMPLATES
        .into_iter()
        .find(|n| *n == name)
        .unwrap_or("a template");
    BlogError::MissingTemplate(name)
}

/// Inline Markdown as the text a reader sees, on one line: links' and
/// emphasis' words, code as written, TeX as readable text (`$\epsilon >
/// 10^{-36}$` as `ϵ > 10^(−36)`, through the converter the pages use) where
/// markup cannot go: link previews, announcements.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_MATH) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::InlineMath(tex) | Event::DisplayMath(tex) => text.push_str(&readable(&tex)),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// TeX as text: converted where the blog is built; as written where only
/// themes are checked (the proc macro, which links no math converter and
/// shows no text).
fn readable(tex: &str) -> String {
    #[cfg(feature = "blog")]
    return super::math::tex_text(tex);
    #[cfg(not(feature = "blog"))]
    return tex.to_owned();
}

pub(crate) fn page(path: String, bytes: Vec<u8>) -> SiteFile {
    SiteFile {
        path,
        bytes: Cow::Owned(bytes),
    }
}

/// A day as lists and its page show it.
fn post_context(site: &Site, day: &Day<'_>) -> PostContext {
    let date = day.date;
    let slug = fill(&site.slug, date);
    let published = day.published.to_offset(UtcOffset::UTC);
    let papers: Vec<PaperContext> = ranked(day, site)
        .into_iter()
        .enumerate()
        .map(|(i, paper)| paper_context(i + 1, paper, site))
        .collect();
    let description = fill(&site.description, date);
    let summary = papers
        .iter()
        .take(3)
        .map(|p| plain_text(&p.title))
        .collect::<Vec<_>>()
        .join(" · ");
    PostContext {
        summary: if summary.is_empty() {
            description.clone()
        } else {
            summary
        },
        title: site.post_title(date),
        description,
        url: site.post_path(date),
        slug,
        date: crate::text::format_date(date),
        published: published.format(&Rfc3339).unwrap_or_default(),
        published_human: human_date(published),
        score: crate::model::total_score(papers.iter().map(|p| p.score)),
        papers,
    }
}

fn paper_context(rank: usize, paper: &Paper<'_>, site: &Site) -> PaperContext {
    PaperContext {
        rank,
        id: paper.arxiv.as_str().to_owned(),
        url: paper_path(site, paper.arxiv.as_str()),
        title: paper.title.to_string(),
        score: paper.score(&site.collect.weights),
        tweets: paper.tweets.len(),
    }
}

/// The path of a paper's page, base included: `/papers/2010.15581/` (the id
/// without its version).
fn paper_path(site: &Site, id: &str) -> String {
    let id = crate::model::ArxivId::split_version(id).0;
    format!("{}/papers/{id}/", site.blog.base_path())
}

/// `November 30, 2020`.
fn human_date(at: OffsetDateTime) -> String {
    format!("{} {}, {}", at.month(), at.day(), at.year())
}

/// Three small days for checking a theme: every kind of page, with and
/// without papers and tweets, and a paper on two days.
pub(crate) fn sample_days() -> Vec<Day<'static>> {
    use crate::model::{ArxivId, Category, Dir, Tweet};
    let at = |date: Date| date.midnight().assume_utc();
    let day = |date: Date, papers: Vec<Paper<'static>>| Day {
        date,
        published: at(date.next_day().unwrap_or(date)),
        draft: false,
        papers,
        source_hash: 0,
    };
    let first = Date::from_calendar_date(2020, time::Month::October, 30).unwrap_or(Date::MIN);
    let paper = Paper {
        arxiv: ArxivId::parse("2010.15819").unwrap_or_else(|_| unreachable!("a valid id")),
        title: "A paper about $k<k'$".into(),
        authors: vec!["Ada Lovelace".into(), "Alan Turing".into()],
        categories: ["cs.LG", "stat.ML"]
            .iter()
            .filter_map(|c| Category::from_id(c))
            .collect(),
        counts: crate::model::Counts {
            twitter: Some(crate::model::TwitterCounts {
                retweets: 60,
                favorites: 200,
            }),
            huggingface: Some(crate::model::HuggingFaceCounts {
                upvotes: 12,
                comments: 3,
            }),
            ..Default::default()
        },
        collected: at(first),
        abstract_: "An abstract.".into(),
        tweets: vec![Tweet {
            url: "https://twitter.com/a/status/1".into(),
            author: "A".into(),
            date: first,
            lang: "en".into(),
            dir: Dir::Ltr,
            text: "A tweet.".into(),
        }],
        bluesky_posts: vec![crate::model::BlueskyPost {
            url: "https://bsky.app/profile/a.bsky.social/post/3lbxyz2abcd2k".into(),
            uri: "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3lbxyz2abcd2k".into(),
            cid: "bafyreia7ouzqgkyb7mqypyocljhtxrkq6ryjw6glkgaeph3ghjfzg6wz4a".into(),
            author: "A".into(),
            date: first,
            lang: "en".into(),
            text: "A post.".into(),
        }],
        code: Some(crate::model::Code {
            url: "https://github.com/hotpapers/hotpapers".into(),
            stars: 42,
        }),
    };
    // The paper again two days later: its page lists two days, with a chart.
    let third = first.next_day().and_then(Date::next_day).unwrap_or(first);
    vec![
        day(first, vec![paper.clone()]),
        day(first.next_day().unwrap_or(first), Vec::new()),
        day(third, vec![paper]),
    ]
}
