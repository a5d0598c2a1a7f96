//! `/rss.xml` (RSS 2.0, as the legacy blog's feed: the whole post in
//! `content:encoded`, absolute links) and `/atom.xml`, written by feed crates,
//! and `/feed.json` (JSON Feed 1.1, <https://www.jsonfeed.org/version/1.1/>),
//! written by serde: the same items in each.

use std::borrow::Cow;

use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::UtcOffset;

use super::pages::Blog;
use super::{BlogError, SiteFile};

/// A post in the feeds: which day, its absolute URL and its whole HTML.
type Item = (usize, String, String);

/// The three feeds, from one rendering of their items.
pub(crate) fn feeds(blog: &Blog<'_, '_>) -> Result<[SiteFile; 3], BlogError> {
    let items = items(blog)?;
    Ok([rss(blog, &items)?, atom(blog, &items)?, json(blog, &items)?])
}

/// The newest posts of the feed, with their absolute URL and whole HTML.
fn items(blog: &Blog<'_, '_>) -> Result<Vec<Item>, BlogError> {
    // Links inside the site are written with the base path already.
    let origin = blog.context.origin;
    let mut markdown = String::new();
    (0..blog.len().min(blog.site.blog.feed_items))
        .map(|i| {
            markdown.clear();
            let html = blog.post_html(blog.day(i)?, &mut markdown, super::pages::View::Feed);
            Ok((i, format!("{origin}{}", blog.post(i)?.url), html))
        })
        .collect()
}

fn rss(blog: &Blog<'_, '_>, items: &[Item]) -> Result<SiteFile, BlogError> {
    let settings = &blog.site.blog;
    let mut channel = rss::Channel::default();
    channel.set_title(settings.title.as_str());
    channel.set_link(format!("{}/", settings.origin_and_base()));
    channel.set_description(settings.subtitle.as_str());
    channel.set_generator(Some(format!("hotpapers {}", env!("CARGO_PKG_VERSION"))));
    if let Some(newest) = blog.newest() {
        let at = newest.published.to_offset(UtcOffset::UTC);
        channel.set_last_build_date(at.format(&Rfc2822).ok());
    }
    let mut entries = Vec::new();
    for (i, url, html) in items {
        let post = blog.post(*i)?;
        let at = blog.entry(*i).published.to_offset(UtcOffset::UTC);
        let mut item = rss::Item::default();
        item.set_title(post.title.clone());
        item.set_link(url.clone());
        item.set_description(post.description.clone());
        let mut guid = rss::Guid::default();
        guid.set_value(url.as_str());
        guid.set_permalink(true);
        item.set_guid(guid);
        item.set_pub_date(at.format(&Rfc2822).ok());
        item.set_content(html.clone());
        entries.push(item);
    }
    channel.set_items(entries);
    let mut bytes = Vec::new();
    channel
        .pretty_write_to(&mut bytes, b' ', 2)
        .map_err(|e| BlogError::Feed("RSS", e.to_string()))?;
    Ok(SiteFile {
        path: super::RSS.into(),
        bytes: Cow::Owned(bytes),
    })
}

fn atom(blog: &Blog<'_, '_>, items: &[Item]) -> Result<SiteFile, BlogError> {
    use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person};
    let settings = &blog.site.blog;
    let date = |at: time::OffsetDateTime| -> Result<FixedDateTime, BlogError> {
        let text = at
            .to_offset(UtcOffset::UTC)
            .format(&Rfc3339)
            .map_err(|e| BlogError::Feed("Atom", e.to_string()))?;
        FixedDateTime::parse_from_rfc3339(&text).map_err(|e| BlogError::Feed("Atom", e.to_string()))
    };
    let link = |href: String, rel: &str| {
        let mut link = Link::default();
        link.set_href(href);
        link.set_rel(rel);
        link
    };
    let home = format!("{}/", settings.origin_and_base());
    let mut author = Person::default();
    author.set_name(settings.author.as_str());
    let mut feed = Feed::default();
    feed.set_title(settings.title.as_str());
    feed.set_subtitle(Some(settings.subtitle.as_str().into()));
    feed.set_id(home.clone());
    feed.set_authors(vec![author.clone()]);
    feed.set_links(vec![
        link(home.clone(), "alternate"),
        link(format!("{}/atom.xml", settings.origin_and_base()), "self"),
    ]);
    let epoch = time::OffsetDateTime::UNIX_EPOCH;
    feed.set_updated(date(blog.newest().map_or(epoch, |d| d.published))?);
    let mut entries = Vec::new();
    for (i, url, html) in items {
        let post = blog.post(*i)?;
        let published = date(blog.entry(*i).published)?;
        let mut content = Content::default();
        content.set_content_type(Some("html".to_owned()));
        content.set_value(Some(html.clone()));
        let mut entry = Entry::default();
        entry.set_title(post.title.as_str());
        entry.set_id(url.clone());
        entry.set_updated(published);
        entry.set_published(Some(published));
        entry.set_links(vec![link(url.clone(), "alternate")]);
        entry.set_summary(Some(post.description.as_str().into()));
        entry.set_content(Some(content));
        entries.push(entry);
    }
    feed.set_entries(entries);
    let mut bytes = Vec::new();
    feed.write_with_config(
        &mut bytes,
        atom_syndication::WriteConfig {
            write_document_declaration: true,
            indent_size: Some(2),
        },
    )
    .map_err(|e| BlogError::Feed("Atom", e.to_string()))?;
    Ok(SiteFile {
        path: super::ATOM.into(),
        bytes: Cow::Owned(bytes),
    })
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
    date_published: &'a str,
}

fn json(blog: &Blog<'_, '_>, items: &[Item]) -> Result<SiteFile, BlogError> {
    let settings = &blog.site.blog;
    let items = items
        .iter()
        .map(|(i, url, html)| {
            let post = blog.post(*i)?;
            Ok(JsonItem {
                id: url,
                url,
                title: &post.title,
                content_html: html,
                summary: &post.description,
                date_published: &post.published,
            })
        })
        .collect::<Result<Vec<_>, BlogError>>()?;
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &settings.title,
        home_page_url: format!("{}/", settings.origin_and_base()),
        feed_url: format!("{}/{}", settings.origin_and_base(), super::JSON_FEED),
        description: &settings.subtitle,
        authors: [Author {
            name: &settings.author,
        }],
        items,
    };
    super::data::json(super::JSON_FEED.into(), &feed)
}
