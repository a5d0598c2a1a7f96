//! `/rss.xml` (RSS 2.0, as the legacy blog's feed: the whole post in
//! `content:encoded`, absolute links) and `/atom.xml`, written by feed crates,
//! and `/feed.json` (JSON Feed 1.1, <https://www.jsonfeed.org/version/1.1/>),
//! written by serde: the same items in each. Each topic has the three too,
//! under `/arxiv/ID/`: an item is a paper on a day, its page the link and its
//! abstract the content.

use std::borrow::Cow;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::{OffsetDateTime, UtcOffset};

use super::pages::{Blog, View};
use super::topics::{topic_dir, Topic, TopicPaper};
use super::{BlogError, PageKey, SiteFile};

/// A feed, whichever format it is written in.
struct Feed<'a> {
    /// The blog's URL without its last `/`.
    site_url: &'a str,
    /// The folder its files are in, `""` or `arxiv/cs.lg/`.
    dir: String,
    title: String,
    description: &'a str,
    /// The page it follows, absolute.
    home: String,
    author: &'a str,
    /// The newest item's time, or `None` for a feed without one.
    updated: Option<OffsetDateTime>,
    items: Vec<Item>,
}

impl Feed<'_> {
    /// The absolute URL of its file `name`.
    fn url(&self, name: &str) -> String {
        format!("{}/{}{name}", self.site_url, self.dir)
    }
}

/// An item of a feed: a post, or a paper on a day.
struct Item {
    /// Unique in its feed and for ever: the post's URL, or the paper's page's
    /// with the day.
    id: String,
    /// Absolute.
    url: String,
    title: String,
    summary: String,
    html: String,
    published: OffsetDateTime,
}

/// The site's three feeds, from one rendering of their items.
pub(crate) fn feeds(blog: &Blog<'_, '_>) -> Result<[SiteFile; 3], BlogError> {
    let settings = &blog.site.blog;
    let feed = Feed {
        site_url: settings.origin_and_base(),
        dir: String::new(),
        title: settings.title.clone(),
        description: &settings.subtitle,
        home: format!("{}/", settings.origin_and_base()),
        author: &settings.author,
        updated: blog.newest().map(|d| d.published),
        items: items(blog)?,
    };
    Ok([rss(&feed)?, atom(&feed)?, json(&feed)?])
}

/// The newest posts of the feed, with their absolute URL and whole HTML.
fn items(blog: &Blog<'_, '_>) -> Result<Vec<Item>, BlogError> {
    // Links inside the site are written with the base path already.
    let origin = blog.context.origin;
    let mut markdown = String::new();
    (0..blog.len().min(blog.site.blog.feed_items))
        .map(|i| {
            markdown.clear();
            let html = blog.post_html(blog.day(i)?, &mut markdown, View::Feed);
            let post = blog.post(i)?;
            let url = format!("{origin}{}", post.url);
            Ok(Item {
                id: url.clone(),
                url,
                title: post.title.clone(),
                summary: post.description.clone(),
                html,
                published: blog.entry(i).published,
            })
        })
        .collect()
}

/// Every topic's three feeds, but for those `reuse` says are there already;
/// their keys. A topic's feeds are known by what they show of its newest
/// `feed-items` papers: an edit writes the feeds of the topics whose newest
/// papers it touched.
pub(crate) fn topic_feeds(
    blog: &Blog<'_, '_>,
    reuse: &(dyn Fn(&str, u64) -> bool + Sync),
) -> Result<(Vec<SiteFile>, Vec<PageKey>), BlogError> {
    let topics = blog.topics();
    let items = blog.site.blog.feed_items;
    let newest = |topic: &Topic| topic.papers.len().min(items);
    let mut keys = Vec::with_capacity(topics.len() * 3);
    let mut todo = Vec::new();
    for (t, topic) in topics.iter().enumerate() {
        let dir = topic_dir(topic.category);
        let mut bytes = Vec::with_capacity(24 + dir.len() + 48 * blog.site.blog.feed_items);
        bytes.extend_from_slice(&blog.render_id.to_le_bytes());
        bytes.extend_from_slice(dir.as_bytes());
        for &shown in &topic.papers[..newest(topic)] {
            blog.push_shown_key(&mut bytes, shown);
        }
        let key = crate::model::source_hash(&bytes);
        let files = [super::RSS, super::ATOM, super::JSON_FEED]
            .map(|name| PageKey::reusing(format!("{dir}{name}"), key, reuse));
        if files.iter().any(|k| !k.reused) {
            todo.push(t);
        }
        keys.extend(files);
    }
    let rendered = crate::parallel::try_map(&todo, 4, |&t| {
        let topic = &topics[t];
        let feed = topic_feed(blog, topic, &topic.papers[..newest(topic)])?;
        Ok::<_, BlogError>([rss(&feed)?, atom(&feed)?, json(&feed)?])
    })?;
    Ok((rendered.into_iter().flatten().collect(), keys))
}

/// A topic's feed: its newest papers, each with its abstract.
fn topic_feed<'b>(
    blog: &'b Blog<'_, '_>,
    topic: &Topic,
    newest: &[super::papers::Shown],
) -> Result<Feed<'b>, BlogError> {
    let settings = &blog.site.blog;
    let origin = blog.context.origin;
    let category = topic.category;
    let items = newest
        .iter()
        .map(|&shown| {
            let paper = blog.topic_paper(shown)?;
            let day = blog.day(shown.day)?;
            let abstract_ = &day.papers[shown.at].abstract_;
            let url = format!("{origin}{}", paper.url);
            Ok(Item {
                id: format!("{url}#{}", paper.date),
                html: abstract_html(blog, &paper, day.date, abstract_),
                summary: format!(
                    "#{} on {}, score {}",
                    paper.rank,
                    blog.site.post_title(day.date),
                    paper.score
                ),
                title: paper.title,
                url,
                published: day.published,
            })
        })
        .collect::<Result<Vec<_>, BlogError>>()?;
    Ok(Feed {
        site_url: settings.origin_and_base(),
        dir: topic_dir(category),
        title: format!("{}: {} ({})", settings.title, category.info().name, category),
        description: &settings.subtitle,
        home: format!("{}/{}", settings.origin_and_base(), topic_dir(category)),
        author: &settings.author,
        updated: items.first().map(|item| item.published),
        items,
    })
}

/// A paper's item: the day it was on, linked, then its abstract as the feeds
/// show Markdown (TeX as the text it is). Built as Markdown events, so the
/// post's title, from the settings, is escaped as any text is.
fn abstract_html(blog: &Blog<'_, '_>, paper: &TopicPaper, date: time::Date, abstract_: &str) -> String {
    let day = format!("{}{}", blog.context.origin, paper.day_url);
    let title = blog.site.post_title(date);
    let mut html = String::new();
    let line = [
        Event::Start(Tag::Paragraph),
        Event::Text(format!("#{} on ", paper.rank).into()),
        Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: CowStr::from(day),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }),
        Event::Text(title.into()),
        Event::End(TagEnd::Link),
        Event::Text(format!(", score {}.", paper.score).into()),
        Event::End(TagEnd::Paragraph),
    ];
    pulldown_cmark::html::push_html(&mut html, line.into_iter());
    html.push_str(&blog.markdown_html(abstract_, View::Feed, &[]));
    html
}

fn rss(feed: &Feed<'_>) -> Result<SiteFile, BlogError> {
    let mut channel = rss::Channel::default();
    channel.set_title(feed.title.as_str());
    channel.set_link(feed.home.clone());
    channel.set_description(feed.description);
    channel.set_generator(Some(format!("hotpapers {}", env!("CARGO_PKG_VERSION"))));
    if let Some(updated) = feed.updated {
        channel.set_last_build_date(updated.to_offset(UtcOffset::UTC).format(&Rfc2822).ok());
    }
    let mut entries = Vec::new();
    for item in &feed.items {
        let mut entry = rss::Item::default();
        entry.set_title(item.title.clone());
        entry.set_link(item.url.clone());
        entry.set_description(item.summary.clone());
        let mut guid = rss::Guid::default();
        guid.set_value(item.id.as_str());
        guid.set_permalink(item.id == item.url);
        entry.set_guid(guid);
        entry.set_pub_date(item.published.to_offset(UtcOffset::UTC).format(&Rfc2822).ok());
        entry.set_content(item.html.clone());
        entries.push(entry);
    }
    channel.set_items(entries);
    let mut bytes = Vec::new();
    channel
        .pretty_write_to(&mut bytes, b' ', 2)
        .map_err(|e| BlogError::Feed("RSS", e.to_string()))?;
    Ok(SiteFile {
        path: format!("{}{}", feed.dir, super::RSS),
        bytes: Cow::Owned(bytes),
    })
}

fn atom(feed: &Feed<'_>) -> Result<SiteFile, BlogError> {
    use atom_syndication::{Content, Entry, FixedDateTime, Link, Person};
    let date = |at: OffsetDateTime| -> Result<FixedDateTime, BlogError> {
        let text = rfc3339(at)?;
        FixedDateTime::parse_from_rfc3339(&text).map_err(|e| BlogError::Feed("Atom", e.to_string()))
    };
    let link = |href: String, rel: &str| {
        let mut link = Link::default();
        link.set_href(href);
        link.set_rel(rel);
        link
    };
    let mut author = Person::default();
    author.set_name(feed.author);
    let mut atom = atom_syndication::Feed::default();
    atom.set_title(feed.title.as_str());
    atom.set_subtitle(Some(feed.description.into()));
    atom.set_id(feed.home.clone());
    atom.set_authors(vec![author.clone()]);
    atom.set_links(vec![
        link(feed.home.clone(), "alternate"),
        link(feed.url(super::ATOM), "self"),
    ]);
    atom.set_updated(date(feed.updated.unwrap_or(OffsetDateTime::UNIX_EPOCH))?);
    let mut entries = Vec::new();
    for item in &feed.items {
        let published = date(item.published)?;
        let mut content = Content::default();
        content.set_content_type(Some("html".to_owned()));
        content.set_value(Some(item.html.clone()));
        let mut entry = Entry::default();
        entry.set_title(item.title.as_str());
        entry.set_id(item.id.clone());
        entry.set_updated(published);
        entry.set_published(Some(published));
        entry.set_links(vec![link(item.url.clone(), "alternate")]);
        entry.set_summary(Some(item.summary.as_str().into()));
        entry.set_content(Some(content));
        entries.push(entry);
    }
    atom.set_entries(entries);
    let mut bytes = Vec::new();
    atom.write_with_config(
        &mut bytes,
        atom_syndication::WriteConfig {
            write_document_declaration: true,
            indent_size: Some(2),
        },
    )
    .map_err(|e| BlogError::Feed("Atom", e.to_string()))?;
    Ok(SiteFile {
        path: format!("{}{}", feed.dir, super::ATOM),
        bytes: Cow::Owned(bytes),
    })
}

/// RFC 3339 in UTC, as the posts have it.
fn rfc3339(at: OffsetDateTime) -> Result<String, BlogError> {
    at.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|e| BlogError::Feed("Atom", e.to_string()))
}

/// `/feed.json`: JSON Feed 1.1.
#[derive(serde::Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    description: &'a str,
    authors: [Author<'a>; 1],
    items: Vec<JsonItem<'a>>,
}

#[derive(serde::Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(serde::Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    summary: &'a str,
    /// RFC 3339 in UTC, as the post has it.
    date_published: String,
}

fn json(feed: &Feed<'_>) -> Result<SiteFile, BlogError> {
    let items = feed
        .items
        .iter()
        .map(|item| {
            Ok(JsonItem {
                id: &item.id,
                url: &item.url,
                title: &item.title,
                content_html: &item.html,
                summary: &item.summary,
                date_published: rfc3339(item.published)?,
            })
        })
        .collect::<Result<Vec<_>, BlogError>>()?;
    let json = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &feed.title,
        home_page_url: feed.home.clone(),
        feed_url: feed.url(super::JSON_FEED),
        description: feed.description,
        authors: [Author { name: feed.author }],
        items,
    };
    super::data::json(format!("{}{}", feed.dir, super::JSON_FEED), &json)
}
