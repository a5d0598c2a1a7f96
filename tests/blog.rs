//! The HTML blog as readers get it: golden pages, every link resolving, feeds
//! and sitemap read by real parsers, and the pages branch in a temporary repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hotpapers::{Archive, Site, SiteFile, Theme};

use crate::util::{archive_of, compiled_of, lazily, parts_of, project_dir, TempRepo, DEC_07, OCT_30};

/// The project's theme and days, rendered the run-time way.
fn project_site(site: &Site) -> Vec<SiteFile> {
    let archive = archive_of(&project_dir());
    let theme = Theme::load(&project_dir()).unwrap();
    hotpapers::render_blog(site, &archive.days, &theme).unwrap()
}

fn by_path(files: &[SiteFile]) -> BTreeMap<&str, &[u8]> {
    files.iter().map(|f| (f.path.as_str(), &*f.bytes)).collect()
}

fn text<'f>(files: &BTreeMap<&str, &'f [u8]>, path: &str) -> &'f str {
    std::str::from_utf8(files.get(path).unwrap_or_else(|| panic!("no {path}"))).unwrap()
}

/// The golden pages: `HOTPAPERS_BLESS=1 cargo test` rewrites them after a
/// deliberate change to the theme, for review in the diff.
#[test]
fn post_pages_match_the_golden_html_byte_for_byte() {
    let site = archive_of(&project_dir()).site;
    let files = project_site(&site);
    let files = by_path(&files);
    let golden = project_dir().join("tests/golden-html");
    for day in ["2020-10-30", "2020-12-07"] {
        let path = format!("posts/hot-papers-{day}/index.html");
        let page = files[path.as_str()];
        let file = golden.join(format!("hot-papers-{day}.html"));
        if std::env::var_os("HOTPAPERS_BLESS").is_some() {
            std::fs::write(&file, page).unwrap();
        }
        let expected = std::fs::read(&file).unwrap();
        assert!(
            page == expected.as_slice(),
            "{path} differs from {}",
            file.display()
        );
    }
    // A paper's page, with math in its abstract.
    let path = "papers/2010.15801/index.html";
    let file = golden.join("paper-2010.15801.html");
    if std::env::var_os("HOTPAPERS_BLESS").is_some() {
        std::fs::write(&file, files[path]).unwrap();
    }
    assert!(
        files[path] == std::fs::read(&file).unwrap().as_slice(),
        "{path} differs from {}",
        file.display()
    );
}

#[test]
fn every_paper_shown_has_a_page_that_links_each_day_it_was_on() {
    let mut archive = archive_of(&project_dir());
    // The hottest paper of 2020-10-30 again on 2020-12-07 (which has none
    // above the minimum score of its own), with more discussion.
    let mut again = archive.days[0].papers[0].clone();
    assert_eq!(archive.days[0].date.to_string(), "2020-10-30");
    let id = again.arxiv.without_version().to_owned();
    if let Some(t) = again.counts.twitter.as_mut() {
        t.favorites += 1000;
    }
    archive.days[1].papers.push(again);
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
    let files = by_path(&files);
    // Templates escape `/` in what they print as `&#x2f;`.
    let unescaped = |path: &str| text(&files, path).replace("&#x2f;", "/");
    let page = unescaped(&format!("papers/{id}/index.html"));
    assert!(page.contains("<h2>On 2 days</h2>"), "{page}");
    for day in ["2020-12-07", "2020-10-30"] {
        let link = format!("<a href=\"/posts/hot-papers-{day}/#{id}\">{day}</a>: #1");
        assert!(page.contains(&link), "{link} in {page}");
    }
    assert_eq!(page.matches("<circle ").count(), 2, "the chart: {page}");
    // The newest day's counts are in the paper's block.
    assert!(page.contains("favorites: 1218"), "{page}");
    // Each day's page links the paper's heading to the paper's page, and the
    // front page's lists do too.
    for day in ["2020-12-07", "2020-10-30"] {
        let post = unescaped(&format!("posts/hot-papers-{day}/index.html"));
        assert!(
            post.contains(&format!("<h1 id=\"{id}\"><a href=\"/papers/{id}/\">")),
            "{day}"
        );
    }
    assert!(unescaped("index.html").contains(&format!("<a href=\"/papers/{id}/\">")));
    // One page per paper shown: nine on 2020-10-30, none for the papers below
    // the minimum score, the repeated one once.
    let papers: Vec<&&str> = files.keys().filter(|p| p.starts_with("papers/")).collect();
    assert_eq!(papers.len(), 9, "{papers:?}");
    let sitemap = unescaped("sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>https://hotpapers.github.io/papers/{id}/</loc>")));
}

#[test]
fn the_compiled_theme_is_the_one_on_disk() {
    let compiled = hotpapers_macros::theme!();
    assert_eq!(compiled, Theme::load(&project_dir()).unwrap());
}

#[test]
fn every_route_of_the_legacy_blog_is_there() {
    let site = Site {
        blog: hotpapers::BlogSettings {
            posts_per_page: 1,
            ..Default::default()
        },
        ..Site::default()
    };
    let files = project_site(&site);
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for path in [
        "index.html",
        "page/2/index.html",
        "posts/hot-papers-2020-10-30/index.html",
        "posts/hot-papers-2020-12-07/index.html",
        "category/ar-xiv/index.html",
        "category/ar-xiv/page/2/index.html",
        "tag/ar-xiv/index.html",
        "tag/twitter/index.html",
        "tag/machine-learning/index.html",
        "tag/computer-science/page/2/index.html",
        "categories/index.html",
        "tags/index.html",
        "stats/index.html",
        "rss.xml",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "style.css",
    ] {
        assert!(paths.contains(path), "no {path} in {paths:?}");
    }
    assert!(!paths.contains("page/3/index.html"));
    let files = by_path(&files);
    // Newest first, one per page.
    assert!(text(&files, "index.html").contains("Hot Papers 2020-12-07"));
    assert!(!text(&files, "index.html").contains("Hot Papers 2020-10-30"));
    assert!(text(&files, "page/2/index.html").contains("Hot Papers 2020-10-30"));
    assert!(text(&files, "categories/index.html").contains(">arXiv</a> (2)"));
    assert!(text(&files, "tags/index.html").contains(">Machine Learning</a> (2)"));
}

#[test]
fn kebab_case_is_lodash_s() {
    assert_eq!(hotpapers::kebab("arXiv"), "ar-xiv");
    assert_eq!(hotpapers::kebab("Machine Learning"), "machine-learning");
    assert_eq!(hotpapers::kebab("Computer Science"), "computer-science");
    assert_eq!(hotpapers::kebab("Twitter"), "twitter");
}

/// Every `href` and `src` of every page, and every `id`, read by a WHATWG
/// tokenizer that reads a script's or a style's text as a browser does; a
/// page the tokenizer reports an error in fails.
fn links_and_ids(path: &str, html: &str) -> (Vec<String>, BTreeSet<String>) {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let (mut links, mut ids) = (Vec::new(), BTreeSet::new());
    // A `<script>`'s text is script, as a browser reads it (the search page's
    // says `a < b`).
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                for (name, value) in &tag.attributes {
                    let value = String::from_utf8(value.to_vec()).unwrap();
                    match &***name {
                        b"href" | b"src" => links.push(value),
                        b"id" => {
                            ids.insert(value);
                        }
                        _ => {}
                    }
                }
            }
            Token::Error(error) => panic!("{path}: HTML parse error {error:?}"),
            _ => {}
        }
    }
    (links, ids)
}

/// Checks that every internal link of the site resolves to a file, and every
/// fragment to an id on its page. `base` is the path every link starts with.
fn check_links(files: &[SiteFile], origin: &str, base: &str) -> usize {
    let files = by_path(files);
    let pages: BTreeMap<&str, (Vec<String>, BTreeSet<String>)> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (*path, links_and_ids(path, std::str::from_utf8(bytes).unwrap())))
        .collect();
    let mut checked = 0;
    for (page, (links, _)) in &pages {
        let dir = page.rsplit_once('/').map_or("", |(dir, _)| dir);
        for link in links {
            let link = link.strip_prefix(origin).unwrap_or(link);
            if link.starts_with("https://") || link.starts_with("http://") {
                continue;
            }
            let (target, fragment) = link.split_once('#').unwrap_or((link, ""));
            let target = if target.is_empty() {
                (*page).to_owned()
            } else {
                let inside = target
                    .strip_prefix(base)
                    .and_then(|t| t.strip_prefix('/'))
                    .unwrap_or_else(|| panic!("{page}: link {link} is not under {base}/ (in {dir})"));
                if inside.is_empty() || inside.ends_with('/') {
                    format!("{inside}index.html")
                } else {
                    inside.to_owned()
                }
            };
            assert!(
                files.contains_key(target.as_str()),
                "{page}: {link} leads nowhere"
            );
            if !fragment.is_empty() {
                let ids = &pages[target.as_str()].1;
                assert!(ids.contains(fragment), "{page}: {link} has no #{fragment} there");
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_internal_link_resolves() {
    let site = archive_of(&project_dir()).site;
    let checked = check_links(&project_site(&site), "https://hotpapers.github.io", "");
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn a_site_under_a_path_links_under_that_path() {
    let site = Site {
        blog: hotpapers::BlogSettings {
            url: "https://example.org/papers/".into(),
            posts_per_page: 1,
            ..Default::default()
        },
        ..Site::default()
    };
    let files = project_site(&site);
    let checked = check_links(&files, "https://example.org", "/papers");
    assert!(checked > 200, "only {checked} links checked");
    let files = by_path(&files);
    let (links, _) = links_and_ids("index.html", text(&files, "index.html"));
    assert!(links.iter().any(|l| l == "/papers/style.css"), "{links:?}");
}

#[test]
fn the_feeds_parse_with_every_post_and_absolute_links() {
    let site = archive_of(&project_dir()).site;
    let files = project_site(&site);
    let files = by_path(&files);
    for (path, kind) in [
        ("rss.xml", feed_rs::model::FeedType::RSS2),
        ("atom.xml", feed_rs::model::FeedType::Atom),
    ] {
        let feed = feed_rs::parser::parse(files[path]).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(feed.feed_type, kind, "{path}");
        assert_eq!(feed.title.as_ref().unwrap().content, "Hot arXiv Papers");
        assert_eq!(feed.entries.len(), 2, "{path}");
        let newest = &feed.entries[0];
        assert_eq!(newest.title.as_ref().unwrap().content, "Hot Papers 2020-12-07");
        assert_eq!(
            newest.links[0].href,
            "https://hotpapers.github.io/posts/hot-papers-2020-12-07/"
        );
        assert!(newest.published.is_some(), "{path}");
        // 2020-12-07 has no paper above the minimum score; 2020-10-30 has nine.
        let day = &feed.entries[1];
        let content = day.content.as_ref().unwrap().body.as_ref().unwrap();
        // The whole post: every paper, its tweets' embeds included.
        assert_eq!(
            content.matches("<blockquote class=\"twitter-tweet\">").count(),
            11,
            "{path}"
        );
        assert_eq!(content.matches("<h1 id=\"2010.").count(), 9, "{path}");
        assert!(
            content.contains(r#"href="https://arxiv.org/abs/2010.15581""#),
            "{path}"
        );
        // TeX as its text, as arXiv's own feeds carry it (the pages show math).
        assert!(content.contains(r"orbifolds $X / \Gamma$."), "{path}");
        assert!(!content.contains("<math"), "{path}");
    }
    assert!(text(&files, "rss.xml").contains("<content:encoded><![CDATA["));
}

#[test]
fn the_json_feed_has_the_items_of_the_others() {
    let site = archive_of(&project_dir()).site;
    let files = project_site(&site);
    let files = by_path(&files);
    let feed = feed_rs::parser::parse(files["feed.json"]).unwrap();
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::JSON);
    let rss = feed_rs::parser::parse(files["rss.xml"]).unwrap();
    let items = |feed: &feed_rs::model::Feed| -> Vec<(String, String, bool)> {
        feed.entries
            .iter()
            .map(|e| {
                (
                    e.links[0].href.clone(),
                    e.title.as_ref().unwrap().content.clone(),
                    e.published.is_some(),
                )
            })
            .collect()
    };
    assert_eq!(items(&feed), items(&rss));
    assert_eq!(feed.entries.len(), 2);
    // The spec's required fields and what a reader needs, absolute URLs.
    let value: serde_json::Value = serde_json::from_slice(files["feed.json"]).unwrap();
    assert_eq!(value["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(value["title"], "Hot arXiv Papers");
    assert_eq!(value["feed_url"], "https://hotpapers.github.io/feed.json");
    assert_eq!(value["home_page_url"], "https://hotpapers.github.io/");
    for item in value["items"].as_array().unwrap() {
        let id = item["id"].as_str().unwrap();
        assert!(id.starts_with("https://hotpapers.github.io/posts/"), "{id}");
        assert_eq!(item["url"], item["id"]);
        assert!(item["date_published"].as_str().unwrap().ends_with('Z'));
    }
    let content = value["items"][1]["content_html"].as_str().unwrap();
    assert_eq!(content.matches("<h1 id=\"2010.").count(), 9);
    assert!(content.contains(r"orbifolds $X / \Gamma$."));
    // Every page names it beside RSS and Atom.
    assert!(text(&files, "index.html").contains(
        r#"<link rel="alternate" type="application/feed+json" title="Hot arXiv Papers (JSON Feed)" href="/feed.json">"#
    ));
}

/// The project's days with 2020-10-30's top paper on 2020-12-07 too, cross-listed
/// in an alias and its canonical category (`cs.SY`, `eess.SY`): a topic with
/// papers on two days, and one that must be listed once.
fn with_a_paper_on_december_7() -> Archive<'static> {
    let mut archive = archive_of(&project_dir());
    let (_, top) = top_of_october_30(&mut archive);
    let mut again = top.clone();
    again.categories = ["cs.SY", "cs.LG", "eess.SY"]
        .iter()
        .map(|id| hotpapers::Category::from_id(id).unwrap())
        .collect();
    let december = archive
        .days
        .iter_mut()
        .find(|d| d.date.to_string() == "2020-12-07")
        .unwrap();
    december.papers.push(again);
    archive
}

#[test]
fn every_topic_has_its_papers_newest_first_in_pages() {
    let mut archive = with_a_paper_on_december_7();
    archive.site.blog.papers_per_page = 3;
    let theme = Theme::load(&project_dir()).unwrap();
    let rendered = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
    assert!(check_links(&rendered, "https://hotpapers.github.io", "") > 200);
    let files = by_path(&rendered);
    // cs.LG: 2020-12-07's paper, then 2020-10-30's seven in rank order, three
    // to a page.
    let first = text(&files, "arxiv/cs.lg/index.html");
    let order: Vec<&str> = first
        .match_indices("<span class=\"meta\"><a href=\"")
        .map(|(at, _)| &first[at..at + 120])
        .collect();
    assert_eq!(order.len(), 3, "{first}");
    assert!(order[0].contains("2020-12-07</a> · #1 · score 4914"), "{order:?}");
    assert!(order[1].contains("2020-10-30</a> · #1 · score 4914"), "{order:?}");
    assert!(order[2].contains("2020-10-30</a> · #2 · score 3297"), "{order:?}");
    assert!(first.contains("<h1 class=\"list-title\">Machine Learning <span class=\"id\">cs.LG</span></h1>"));
    assert!(first.contains("8 papers"));
    assert!(first.contains(r#"<a rel="next" href="&#x2f;arxiv&#x2f;cs.lg&#x2f;page&#x2f;2&#x2f;">"#));
    assert!(text(&files, "arxiv/cs.lg/page/3/index.html").contains("Page 3 of 3"));
    assert!(!files.contains_key("arxiv/cs.lg/page/4/index.html"));
    // Each page names its topic's feeds for feed readers to find.
    assert!(first.contains(r#"<link rel="alternate" type="application/atom+xml" title="Hot arXiv Papers: Machine Learning (Atom)" href="&#x2f;arxiv&#x2f;cs.lg&#x2f;atom.xml">"#));
    // An alias is its canonical category's topic, and a paper in both is
    // listed there once.
    assert!(!files.keys().any(|path| path.starts_with("arxiv/cs.sy/")));
    let systems = text(&files, "arxiv/eess.sy/index.html");
    assert_eq!(systems.matches("<li>").count(), 1, "{systems}");
    let index = text(&files, "arxiv/index.html");
    assert!(index.contains(r#"<a href="&#x2f;arxiv&#x2f;eess.sy&#x2f;">eess.SY</a></td><td>Systems and Control</td><td>1</td>"#), "{index}");
    assert!(
        index.contains(r#">cs.LG</a></td><td>Machine Learning</td><td>8</td>"#),
        "{index}"
    );
    assert!(!index.contains("cs.SY"));
    // A paper's page and the stats' legend lead to the topics.
    let paper = text(&files, "papers/2010.15581/index.html");
    assert_eq!(
        paper.matches(r#"href="&#x2f;arxiv&#x2f;eess.sy&#x2f;""#).count(),
        1,
        "{paper}"
    );
    assert!(paper.contains(r#"href="&#x2f;arxiv&#x2f;cs.lg&#x2f;""#));
    assert!(text(&files, "stats/index.html").contains(r#"<a href="&#x2f;arxiv&#x2f;cs.lg&#x2f;">cs.LG</a>"#));
    // Every page reaches the list of topics.
    assert!(text(&files, "index.html").contains(r#"<a href="/arxiv/">Topics</a>"#));
}

#[test]
fn every_topic_has_feeds_with_its_newest_papers() {
    let mut archive = with_a_paper_on_december_7();
    archive.site.blog.feed_items = 5;
    let theme = Theme::load(&project_dir()).unwrap();
    let rendered = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
    let files = by_path(&rendered);
    let topics = files
        .keys()
        .filter(|p| p.ends_with("/index.html") && p.starts_with("arxiv/") && p.matches('/').count() == 2)
        .count();
    assert_eq!(topics, 14, "the thirteen of the real days, and eess.SY");
    let mut feeds = 0;
    for (path, bytes) in &files {
        let Some(dir) = path
            .strip_prefix("arxiv/")
            .and_then(|p| p.strip_suffix("index.html"))
            .filter(|d| d.matches('/').count() == 1)
        else {
            continue;
        };
        let dir = format!("arxiv/{dir}");
        let page = std::str::from_utf8(bytes).unwrap();
        let papers = page.matches("<li>").count();
        let mut entries = Vec::new();
        for (name, kind) in [
            ("rss.xml", feed_rs::model::FeedType::RSS2),
            ("atom.xml", feed_rs::model::FeedType::Atom),
            ("feed.json", feed_rs::model::FeedType::JSON),
        ] {
            let path = format!("{dir}{name}");
            let bytes = files.get(path.as_str()).unwrap_or_else(|| panic!("no {path}"));
            if name.ends_with(".xml") {
                roxmltree::Document::parse(std::str::from_utf8(bytes).unwrap())
                    .unwrap_or_else(|e| panic!("{path}: {e}"));
            }
            let feed = feed_rs::parser::parse(*bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(feed.feed_type, kind, "{path}");
            assert_eq!(feed.entries.len(), papers.min(5), "{path}");
            let items: Vec<(String, String, String)> = feed
                .entries
                .iter()
                .map(|e| {
                    let link = e.links[0].href.clone();
                    assert!(
                        link.starts_with("https://hotpapers.github.io/papers/"),
                        "{path}: {link}"
                    );
                    assert!(e.published.is_some(), "{path}");
                    (e.id.clone(), link, e.title.as_ref().unwrap().content.clone())
                })
                .collect();
            let ids: BTreeSet<&String> = items.iter().map(|(id, _, _)| id).collect();
            assert_eq!(
                ids.len(),
                items.len(),
                "{path}: an item's id is its paper and day"
            );
            entries.push(items);
            feeds += 1;
        }
        assert!(
            entries.windows(2).all(|w| w[0] == w[1]),
            "{dir}: the same items in each"
        );
        let json = json_of(&files, &format!("{dir}feed.json"));
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(
            json["feed_url"],
            format!("https://hotpapers.github.io/{dir}feed.json")
        );
        assert_eq!(
            json["home_page_url"],
            format!("https://hotpapers.github.io/{dir}")
        );
        for item in json["items"].as_array().unwrap() {
            assert!(item["date_published"].as_str().unwrap().ends_with('Z'));
            assert!(item["content_html"].as_str().unwrap().contains("<p>#"));
        }
    }
    assert_eq!(feeds, 14 * 3);
    // cs.LG's newest five: December's paper first, its abstract as content,
    // the day it was on linked absolutely.
    let feed = feed_rs::parser::parse(files["arxiv/cs.lg/atom.xml"]).unwrap();
    assert_eq!(
        feed.title.as_ref().unwrap().content,
        "Hot arXiv Papers: Machine Learning (cs.LG)"
    );
    let newest = &feed.entries[0];
    assert_eq!(
        newest.links[0].href,
        "https://hotpapers.github.io/papers/2010.15581/"
    );
    assert_eq!(
        newest.id,
        "https://hotpapers.github.io/papers/2010.15581/#2020-12-07"
    );
    let content = newest.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(content.contains(r#"<a href="https://hotpapers.github.io/posts/hot-papers-2020-12-07/#2010.15581">Hot Papers 2020-12-07</a>"#), "{content}");
    assert!(content.contains("compute divide"), "{content}");
    assert_eq!(
        feed.entries[1].id,
        "https://hotpapers.github.io/papers/2010.15581/#2020-10-30"
    );
}

/// A file of the site as JSON.
fn json_of(files: &BTreeMap<&str, &[u8]>, path: &str) -> serde_json::Value {
    serde_json::from_slice(files.get(path).unwrap_or_else(|| panic!("no {path}")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// 2020-10-30's highest-ranked paper, by id, to be changed.
fn top_of_october_30<'a, 'p>(archive: &'a mut Archive<'p>) -> (String, &'a mut hotpapers::Paper<'p>) {
    let day = archive
        .days
        .iter()
        .position(|d| d.date.to_string() == "2020-10-30")
        .unwrap();
    let top = hotpapers::ranked(&archive.days[day], &archive.site)[0]
        .arxiv
        .as_str()
        .to_owned();
    let paper = archive.days[day]
        .papers
        .iter_mut()
        .find(|p| p.arxiv.as_str() == top)
        .unwrap();
    (top, paper)
}

#[test]
fn the_open_data_follows_its_schema_and_says_what_the_pages_say() {
    let mut archive = archive_of(&project_dir());
    let (top, paper) = top_of_october_30(&mut archive);
    paper.code = Some(hotpapers::Code {
        url: "https://github.com/owner/repo_name".into(),
        stars: 42,
    });
    paper.counts.hackernews = Some(hotpapers::HackerNewsCounts {
        points: 0,
        comments: 3,
        story: 41234567,
    });
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
    let files = by_path(&files);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project_dir().join("docs/data.schema.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let data: Vec<&str> = files.keys().copied().filter(|p| p.starts_with("data/")).collect();
    assert_eq!(
        data,
        ["data/2020-10-30.json", "data/2020-12-07.json", "data/index.json"]
    );
    for path in &data {
        let value = json_of(&files, path);
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{path}: {errors:#?}");
        assert_eq!(value["version"], 1, "{path}");
    }
    // The schema is not vacuous: a paper without its id is refused.
    let mut broken = json_of(&files, "data/2020-10-30.json");
    broken["papers"][0].as_object_mut().unwrap().remove("id");
    assert!(!validator.is_valid(&broken));

    // A script that knows only `/data/index.json` finds a day's papers.
    let index = json_of(&files, "data/index.json");
    let origin = "https://hotpapers.github.io/";
    let days = index["days"].as_array().unwrap();
    assert_eq!(days[0]["date"], "2020-12-07", "newest first");
    assert_eq!(days[0]["papers"], 0);
    assert_eq!(days[1]["papers"], 9);
    let local = |url: &serde_json::Value| url.as_str().unwrap().strip_prefix(origin).unwrap().to_owned();
    let day = json_of(&files, &local(&days[1]["data"]));
    assert_eq!(local(&days[1]["url"]), "posts/hot-papers-2020-10-30/");
    assert_eq!(day["url"], days[1]["url"]);
    let papers = day["papers"].as_array().unwrap();
    assert_eq!(papers.len(), 9);
    let scores: Vec<u64> = papers.iter().map(|p| p["score"].as_u64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let ranks: Vec<u64> = papers.iter().map(|p| p["rank"].as_u64().unwrap()).collect();
    assert_eq!(ranks, (1..=9).collect::<Vec<u64>>());
    // Each paper's page and its day's page exist, as the post ranks them.
    let post = text(&files, "posts/hot-papers-2020-10-30/index.html");
    let mut at = 0;
    for paper in papers {
        let page = format!("{}index.html", local(&paper["page"]));
        assert!(files.contains_key(page.as_str()), "{page}");
        let id = paper["id"].as_str().unwrap();
        let found = post[at..]
            .find(&format!("<h1 id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}"));
        at += found + 1;
    }
    let first = &papers[0];
    assert_eq!(first["id"], top.as_str());
    assert_eq!(
        first["code"],
        serde_json::json!({"url": "https://github.com/owner/repo_name", "stars": 42})
    );
    assert_eq!(first["counts"]["hackernews"]["story"], 41234567);
    assert!(
        first["counts"].get("bluesky").is_none(),
        "only the sources it has"
    );
    assert_eq!(
        first["discussions"],
        serde_json::json!([{"source": "hackernews", "url": "https://news.ycombinator.com/item?id=41234567"}])
    );
    assert_eq!(first["abs"], format!("https://arxiv.org/abs/{top}"));
    assert!(papers[1]["code"].is_null());
    assert!(first["abstract"].as_str().unwrap().len() > 100);
}

#[test]
fn the_sitemap_lists_every_page_absolutely() {
    let site = archive_of(&project_dir()).site;
    let files = project_site(&site);
    let files = by_path(&files);
    let doc = roxmltree::Document::parse(text(&files, "sitemap.xml")).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: Vec<&str> = root
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    let pages = files.keys().filter(|p| p.ends_with("index.html")).count();
    assert_eq!(locs.len(), pages);
    assert!(locs.contains(&"https://hotpapers.github.io/posts/hot-papers-2020-10-30/"));
    assert!(locs.iter().all(|l| l.starts_with("https://hotpapers.github.io/")));
}

#[test]
fn drafts_appear_nowhere() {
    let mut archive = archive_of(&project_dir());
    archive.days[0].draft = true;
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
    for file in &files {
        let text = String::from_utf8_lossy(&file.bytes);
        assert!(!text.contains("2020-10-30"), "{} mentions the draft", file.path);
    }
}

#[test]
fn day_file_text_is_escaped_and_math_passes_untouched() {
    let mut archive = archive_of(&project_dir());
    let paper = &mut archive.days[0].papers[0];
    paper.title = "On $k<k'$ & <human, object> \"quotes\"".into();
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
    let files = by_path(&files);
    let page = text(&files, "posts/hot-papers-2020-10-30/index.html");
    // In the table of contents (a template value) and in the post (CommonMark).
    assert!(
        page.contains("On $k&lt;k&#x27;$ &amp; &lt;human, object&gt; &quot;quotes&quot;"),
        "{page}"
    );
    // In the post, the TeX is math, its `<` a character reference.
    assert!(
        page.contains("On <math><mi>k</mi><mo>&lt;</mo><msup><mi>k</mi><mo>′</mo></msup></math> &amp; &lt;human, object&gt; \"quotes\""),
        "{page}"
    );
    assert!(!page.contains("<human"));
}

fn site_repo() -> TempRepo {
    crate::util::with_days_committed()
}

fn publish(repo: &TempRepo, site: Vec<SiteFile>) -> hotpapers::Report {
    let archive = archive_of(repo.path());
    let options = hotpapers::PublishOptions {
        site: Some(site.into()),
        ..Default::default()
    };
    hotpapers::publish(repo.path(), &archive, &options).unwrap()
}

fn render_for(repo: &TempRepo) -> Vec<SiteFile> {
    let archive = archive_of(repo.path());
    let theme = Theme::load(&project_dir()).unwrap();
    hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap()
}

#[test]
fn the_site_is_committed_to_the_pages_branch_from_objects_only() {
    let repo = site_repo();
    repo.write("notes.txt", "uncommitted work\n");
    repo.write("staged.txt", "staged\n");
    repo.git(&["add", "staged.txt"]);
    let status = repo.status();
    let report = publish(&repo, render_for(&repo));
    let pages = report.pages.unwrap();
    let first = pages.commit.unwrap();
    // Only the posts commit moved the posts branch; the index and the work tree
    // hold what they held, plus the posts.
    assert_eq!(repo.git(&["rev-parse", "--abbrev-ref", "HEAD"]).trim(), "master");
    assert_eq!(
        repo.status(),
        status,
        "the work tree and index are as they were (the posts are committed)"
    );
    assert!(!repo.path().join("index.html").exists());
    let tree = repo.git(&["ls-tree", "-r", "--name-only", "gh-pages"]);
    for path in [
        ".nojekyll",
        "index.html",
        "posts/hot-papers-2020-10-30/index.html",
        "rss.xml",
    ] {
        assert!(tree.lines().any(|l| l == path), "{path} not in {tree}");
    }
    assert!(!tree.contains("CNAME"));
    assert_eq!(
        repo.git(&["log", "--format=%s", "gh-pages"]),
        "Site: Hot Papers: add 2020-10-30, 2020-12-07\n"
    );
    repo.assert_fsck_clean();

    // Nothing new: no commit.
    let again = publish(&repo, render_for(&repo)).pages.unwrap();
    assert_eq!((again.commit, again.changed), (None, 0));

    // An edit: one commit on top of the last, with only the pages that change.
    let edited = OCT_30.replacen("retweets = 4696", "retweets = 4697", 1);
    repo.write("posts/2020-10-30.toml", &edited);
    repo.commit_all("edit");
    let third = publish(&repo, render_for(&repo)).pages.unwrap();
    let third_commit = third.commit.unwrap();
    let commit = repo.repo.find_commit(third_commit).unwrap();
    assert_eq!(commit.parent_id(0).unwrap(), first);
    let changed = repo.git(&[
        "diff",
        "--name-only",
        &first.to_string(),
        &third_commit.to_string(),
    ]);
    assert!(
        changed
            .lines()
            .any(|l| l == "posts/hot-papers-2020-10-30/index.html"),
        "{changed}"
    );
    assert!(
        !changed
            .lines()
            .any(|l| l == "posts/hot-papers-2020-12-07/index.html"),
        "{changed}"
    );
    assert!(!changed.lines().any(|l| l == "style.css"), "{changed}");
    assert_eq!(third.changed, changed.lines().count());
    repo.assert_fsck_clean();
}

#[test]
fn cname_is_written_on_every_publish_and_pages_can_be_off() {
    let repo = site_repo();
    repo.write(
        "hotpapers.toml",
        "[blog]\ncname = \"papers.example.org\"\npages-branch = \"site\"\n",
    );
    repo.commit_all("settings");
    publish(&repo, render_for(&repo));
    assert_eq!(repo.git(&["show", "site:CNAME"]), "papers.example.org\n");
    assert_eq!(repo.git(&["show", "site:.nojekyll"]), "");

    let repo = site_repo();
    repo.write("hotpapers.toml", "[blog]\npages = false\n");
    repo.commit_all("settings");
    let report = publish(&repo, render_for(&repo));
    assert_eq!(report.pages, None);
    assert!(repo.repo.find_reference("refs/heads/gh-pages").is_err());
}

#[test]
fn a_pages_branch_that_is_checked_out_is_refused() {
    // The branch the work tree is on: moving it would leave the work tree behind.
    let repo = site_repo();
    let branch = repo.git(&["rev-parse", "--abbrev-ref", "HEAD"]).trim().to_owned();
    repo.write(
        "hotpapers.toml",
        &format!("[blog]\npages-branch = \"{branch}\"\n"),
    );
    repo.commit_all("settings");
    let archive = archive_of(repo.path());
    let options = hotpapers::PublishOptions {
        site: Some(render_for(&repo).into()),
        ..Default::default()
    };
    let error = hotpapers::publish(repo.path(), &archive, &options).unwrap_err();
    assert!(
        matches!(&error, hotpapers::PublishError::PagesCheckedOut(b) if *b == branch),
        "{error}"
    );
    assert!(error.to_string().contains("is checked out"), "{error}");
    // The posts were committed; the branch holds no site file.
    assert!(repo
        .git(&["ls-tree", "-r", "--name-only", "HEAD"])
        .lines()
        .all(|l| l != "index.html"));
    assert_eq!(repo.status(), "");
}

#[test]
fn git_s_lock_on_the_pages_branch_is_reported_as_git_does_and_never_removed() {
    // A run killed while moving the pages branch leaves git's lock file, new
    // branch or not; the next run names it, as for the posts branch.
    let repo = site_repo();
    let lock = repo.repo.path().join("refs/heads/gh-pages.lock");
    let locked = |repo: &TempRepo| {
        std::fs::write(&lock, "").unwrap();
        let archive = archive_of(repo.path());
        let options = hotpapers::PublishOptions {
            site: Some(render_for(repo).into()),
            ..Default::default()
        };
        let error = hotpapers::publish(repo.path(), &archive, &options).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("unable to create `{}`: file exists", lock.display())),
            "{message}"
        );
        assert!(lock.exists(), "the lock is git's, not this tool's");
        std::fs::remove_file(&lock).unwrap();
    };
    locked(&repo);
    assert!(repo.repo.find_reference("refs/heads/gh-pages").is_err());
    let first = publish(&repo, render_for(&repo)).pages.unwrap();
    assert!(first.commit.is_some(), "the next run finishes the job");

    repo.write(
        "posts/2020-10-30.toml",
        &OCT_30.replacen("retweets = 4696", "retweets = 4697", 1),
    );
    repo.commit_all("edit");
    locked(&repo);
    assert_eq!(
        repo.repo.refname_to_id("refs/heads/gh-pages").unwrap(),
        first.commit.unwrap()
    );
    assert!(publish(&repo, render_for(&repo)).pages.unwrap().commit.is_some());
    repo.assert_fsck_clean();
}

#[test]
fn a_site_folder_gets_only_changed_pages_and_loses_stale_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "the owner's").unwrap();
    let site = archive_of(&project_dir()).site;
    let files = project_site(&site);
    let first = hotpapers::write_site(&out, &files).unwrap();
    assert_eq!(
        (first.written, first.unchanged, first.removed),
        (files.len(), 0, 0)
    );
    let again = hotpapers::write_site(&out, &files).unwrap();
    assert_eq!((again.written, again.unchanged), (0, files.len()));
    let fewer: Vec<SiteFile> = files
        .iter()
        .filter(|f| !f.path.starts_with("tag/twitter/"))
        .cloned()
        .collect();
    let third = hotpapers::write_site(&out, &fewer).unwrap();
    assert_eq!(third.removed, 1);
    assert!(!out.join("tag/twitter").exists());
    assert!(out.join("tag/ar-xiv/index.html").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "the owner's"
    );
    assert!(Path::new(&out.join("posts/hot-papers-2020-10-30/index.html")).exists());
}

/// The blog the binary renders, from the index of its compiled-in days and the
/// parts its pages need, is the blog of the decoded days, file for file.
#[test]
fn the_blog_from_the_compiled_in_index_is_the_blog_of_the_decoded_days() {
    let (head, days) = compiled_of(&project_dir());
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog_reusing(&head.site, &days, &theme, &|_, _| false)
        .unwrap()
        .files;
    assert_eq!(by_path(&files), by_path(&project_site(&head.site)));
}

/// After an edit the blog decodes the days of the pages it renders, and no
/// other: a part that cannot be decoded is never read when its days' pages are
/// all there already, and is an error, not a panic, when one is not.
#[test]
fn the_blog_decodes_only_the_days_of_the_pages_it_renders() {
    let mut parts = parts_of(&project_dir());
    assert_eq!(parts.parts.len(), 2, "October and December 2020");
    let october = &mut parts.parts[0].1;
    october.truncate(october.len() - 10);
    let (mut head, days) = lazily(parts);
    // The feeds show the newest day alone, December's.
    head.site.blog.feed_items = 1;
    let theme = Theme::load(&project_dir()).unwrap();
    // Every keyed page is there already but the sitemap, which lists them all.
    let reuse = |path: &str, _| path != "sitemap.xml";
    let rendered = hotpapers::render_blog_reusing(&head.site, &days, &theme, &reuse).unwrap();
    let files = by_path(&rendered.files);
    assert!(text(&files, "stats/index.html").contains("2020-10"));
    let sitemap = text(&files, "sitemap.xml");
    assert!(sitemap.contains("hot-papers-2020-10-30&#x2f;</loc>\n    <lastmod>2020-10-31<"));
    let rss = text(&files, "rss.xml");
    assert!(rss.contains("hot-papers-2020-12-07/") && !rss.contains("hot-papers-2020-10-30/"));
    assert!(!files.contains_key("posts/hot-papers-2020-10-30/index.html"));
    let error = hotpapers::render_blog_reusing(&head.site, &days, &theme, &|_, _| false).unwrap_err();
    assert!(error.to_string().contains("damaged"), "{error}");
}

/// A publish as `cargo run` makes it: the day pages the branch has are reused.
fn publish_reusing(repo: &TempRepo) -> (hotpapers::Report, Vec<hotpapers::PageKey>) {
    let (head, days) = compiled_of(repo.path());
    let theme = Theme::load(&project_dir()).unwrap();
    let cache = hotpapers::PagesCache::load(repo.path());
    let reuse = |path: &str, key: u64| cache.has(path, key);
    let rendered = hotpapers::render_blog_reusing(&head.site, &days, &theme, &reuse).unwrap();
    let options = hotpapers::PublishOptions {
        site: Some(hotpapers::RenderedSite {
            files: rendered.files,
            pages: rendered.pages.clone(),
            cache: Some(cache.clone()),
        }),
        fingerprint: Some(1),
        ..Default::default()
    };
    (
        hotpapers::publish_days(repo.path(), (&head).into(), &days, &options).unwrap(),
        rendered.pages,
    )
}

/// The pages branch holds what a full render makes, file for file, and
/// nothing else but the files someone else put there (`kept`).
fn assert_branch_is_a_full_render(repo: &TempRepo, kept: &[&str]) {
    let full = render_for(repo);
    let tree = repo.git(&["ls-tree", "-r", "--name-only", "gh-pages"]);
    assert_eq!(
        tree.lines().count(),
        full.len() + 2 + kept.len(),
        "the site, .nojekyll, the list of what this tool generated, and the kept files"
    );
    for path in kept {
        assert!(tree.lines().any(|l| l == *path), "{path} was not kept");
    }
    for file in &full {
        // Read as bytes: the site has images too.
        let object = repo
            .repo
            .revparse_single(&format!("gh-pages:{}", file.path))
            .unwrap();
        let blob = object.peel_to_blob().unwrap();
        assert!(
            blob.content() == &*file.bytes,
            "{} differs from a full render",
            file.path
        );
    }
}

#[test]
fn after_an_edit_only_that_day_s_page_is_rendered_and_the_branch_is_whole() {
    let repo = site_repo();
    let (_, pages) = publish_reusing(&repo);
    assert!(pages.iter().all(|p| !p.reused), "nothing to reuse the first time");
    let (report, pages) = publish_reusing(&repo);
    assert!(pages.iter().all(|p| p.reused), "{pages:?}");
    assert_eq!(report.pages.unwrap().changed, 0);

    let edited = OCT_30.replacen("retweets = 4696", "retweets = 4697", 1);
    repo.write("posts/2020-10-30.toml", &edited);
    repo.commit_all("edit");
    let (report, pages) = publish_reusing(&repo);
    let reused: Vec<(&str, bool)> = pages
        .iter()
        .filter(|p| p.path.starts_with("posts/"))
        .map(|p| (p.path.as_str(), p.reused))
        .collect();
    // The list pages show both days, so they are rendered again too.
    assert!(pages.iter().any(|p| p.path == "index.html" && !p.reused));
    assert!(pages
        .iter()
        .any(|p| p.path == "tag/twitter/index.html" && !p.reused));
    assert_eq!(
        reused,
        [
            ("posts/hot-papers-2020-12-07/index.html", true),
            ("posts/hot-papers-2020-10-30/index.html", false)
        ]
    );
    // The pages of the edited day's papers are rendered again (all nine
    // papers shown are 2020-10-30's).
    let papers: Vec<bool> = pages
        .iter()
        .filter(|p| p.path.starts_with("papers/"))
        .map(|p| p.reused)
        .collect();
    assert_eq!(papers, [false; 9]);
    // And the pages and feeds of the edited paper's topics (cs.CY, cs.LG),
    // but not of the topics of the day's other papers, which show the same.
    let reused = |path: &str| pages.iter().find(|p| p.path == path).map(|p| p.reused);
    for path in [
        "arxiv/cs.lg/index.html",
        "arxiv/cs.lg/rss.xml",
        "arxiv/cs.cy/feed.json",
    ] {
        assert_eq!(reused(path), Some(false), "{path}");
    }
    for path in [
        "arxiv/math.gt/index.html",
        "arxiv/math.gt/atom.xml",
        "arxiv/stat.ml/feed.json",
    ] {
        assert_eq!(reused(path), Some(true), "{path}");
    }
    // The same pages as before, on the same dates: the sitemap stays.
    assert!(pages.iter().any(|p| p.path == "sitemap.xml" && p.reused));
    // So is that day's data file, and no other.
    let data: Vec<(&str, bool)> = pages
        .iter()
        .filter(|p| p.path.starts_with("data/"))
        .map(|p| (p.path.as_str(), p.reused))
        .collect();
    assert_eq!(
        data,
        [("data/2020-12-07.json", true), ("data/2020-10-30.json", false)]
    );
    assert!(report.pages.unwrap().commit.is_some());
    assert_branch_is_a_full_render(&repo, &[]);
    // An edit of a day no paper page shows renders none of them, nor any
    // topic's page or feed.
    repo.write(
        "posts/2020-12-07.toml",
        &DEC_07.replacen("13:04:41Z", "13:04:42Z", 1),
    );
    repo.commit_all("edit December");
    let (report, pages) = publish_reusing(&repo);
    let rendered: Vec<&str> = pages
        .iter()
        .filter(|p| {
            !p.reused
                && ["papers/", "posts/", "data/", "arxiv/"]
                    .iter()
                    .any(|d| p.path.starts_with(d))
        })
        .map(|p| p.path.as_str())
        .collect();
    assert_eq!(
        rendered,
        ["posts/hot-papers-2020-12-07/index.html", "data/2020-12-07.json"]
    );
    assert!(report.pages.unwrap().commit.is_some());
    assert_branch_is_a_full_render(&repo, &[]);
    // A new day adds pages, and the sitemap lists them.
    repo.write(
        "posts/2020-12-08.toml",
        &DEC_07
            .replacen("date = 2020-12-07", "date = 2020-12-08", 1)
            .replacen("published = 2020-12-08T", "published = 2020-12-09T", 1),
    );
    repo.commit_all("a new day");
    let (_, pages) = publish_reusing(&repo);
    assert!(pages.iter().any(|p| p.path == "sitemap.xml" && !p.reused));
    let sitemap = repo.git(&["show", "gh-pages:sitemap.xml"]);
    assert!(sitemap.contains("hot-papers-2020-12-08&#x2f;</loc>"), "{sitemap}");
    assert_branch_is_a_full_render(&repo, &[]);
    // A change to everything the pages are made from (the settings) renders all.
    repo.write("hotpapers.toml", "[blog]\ntitle = \"Renamed\"\n");
    repo.commit_all("settings");
    let (_, pages) = publish_reusing(&repo);
    assert!(pages.iter().all(|p| !p.reused), "{pages:?}");
}

/// The pages cache names the tree its blobs were committed in: while the
/// branch has it, they are all there; once the branch is moved and the old
/// objects pruned, a cached page whose blob is gone is rendered again.
#[test]
fn a_cache_whose_blobs_were_pruned_is_not_trusted() {
    let repo = site_repo();
    publish_reusing(&repo);
    let (_, pages) = publish_reusing(&repo);
    assert!(pages.iter().all(|p| p.reused));
    let empty = repo.git(&["hash-object", "-t", "tree", "-w", "/dev/null"]);
    let by_hand = repo.git(&[
        "-c",
        "user.name=Someone",
        "-c",
        "user.email=someone@example.com",
        "commit-tree",
        empty.trim(),
        "-m",
        "by hand",
    ]);
    repo.git(&["update-ref", "refs/heads/gh-pages", by_hand.trim()]);
    repo.git(&["reflog", "expire", "--expire=now", "--all"]);
    repo.git(&["gc", "--prune=now", "--quiet"]);
    let (report, pages) = publish_reusing(&repo);
    assert!(pages.iter().all(|p| !p.reused), "{pages:?}");
    assert!(report.pages.unwrap().commit.is_some());
    assert_branch_is_a_full_render(&repo, &[]);
    repo.assert_fsck_clean();
}

#[test]
fn the_branch_is_listed_once_and_walked_again_when_moved_by_hand() {
    let repo = site_repo();
    publish_reusing(&repo);
    // The listing a publish leaves is the branch's tree, file for file.
    let listing = || std::fs::read_to_string(repo.repo.path().join("hotpapers-pages-tree")).unwrap();
    let tree = |rev: &str| repo.git(&["rev-parse", &format!("{rev}^{{tree}}")]);
    let ls_tree = |rev: &str| -> String {
        repo.git(&["ls-tree", "-r", rev])
            .lines()
            .map(|line| {
                let (meta, path) = line.split_once('\t').unwrap();
                format!("{} {path}\n", meta.rsplit(' ').next().unwrap())
            })
            .collect()
    };
    assert_eq!(listing(), format!("{}{}", tree("gh-pages"), ls_tree("gh-pages")));

    // Someone commits to the branch by hand: its tree is no longer the listed
    // one, so the next publish walks it; the file is theirs, and stays.
    let index = repo.repo.path().join("pages-index");
    let with_index = |args: &[&str]| -> String {
        let output = std::process::Command::new("git")
            .args(args)
            .env("GIT_INDEX_FILE", &index)
            .current_dir(repo.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    with_index(&["read-tree", "gh-pages"]);
    std::fs::write(repo.path().join("stray.html"), "stray\n").unwrap();
    let stray = repo.git(&["hash-object", "-w", "stray.html"]);
    std::fs::remove_file(repo.path().join("stray.html")).unwrap();
    let entry = format!("100644,{},stray.html", stray.trim());
    with_index(&["update-index", "--add", "--cacheinfo", &entry]);
    let tree_by_hand = with_index(&["write-tree"]);
    let commit = repo.git(&[
        "-c",
        "user.name=Someone",
        "-c",
        "user.email=someone@example.com",
        "commit-tree",
        tree_by_hand.trim(),
        "-p",
        "gh-pages",
        "-m",
        "by hand",
    ]);
    repo.git(&["update-ref", "refs/heads/gh-pages", commit.trim()]);
    assert!(repo
        .git(&["ls-tree", "-r", "--name-only", "gh-pages"])
        .contains("stray.html"));

    let edited = OCT_30.replacen("retweets = 4696", "retweets = 4697", 1);
    repo.write("posts/2020-10-30.toml", &edited);
    repo.commit_all("edit");
    let (report, _) = publish_reusing(&repo);
    let pages = report.pages.unwrap();
    assert!(pages.commit.is_some());
    assert_eq!(
        (pages.foreign_commits, pages.kept),
        (1, vec!["stray.html".to_owned()])
    );
    assert_branch_is_a_full_render(&repo, &["stray.html"]);
    assert_eq!(listing(), format!("{}{}", tree("gh-pages"), ls_tree("gh-pages")));
    repo.assert_fsck_clean();
}

#[test]
fn list_pages_that_do_not_show_the_edited_day_are_not_rendered_again() {
    let repo = site_repo();
    repo.write("hotpapers.toml", "[blog]\nposts-per-page = 1\n");
    repo.commit_all("one post a page");
    publish_reusing(&repo);
    let edited = OCT_30.replacen("retweets = 4696", "retweets = 4697", 1);
    repo.write("posts/2020-10-30.toml", &edited);
    repo.commit_all("edit");
    let (_, pages) = publish_reusing(&repo);
    let reused = |path: &str| pages.iter().find(|p| p.path == path).map(|p| p.reused);
    // 2020-12-07 is on the first page, 2020-10-30 on the second.
    assert_eq!(reused("index.html"), Some(true));
    assert_eq!(reused("tag/twitter/index.html"), Some(true));
    assert_eq!(reused("page/2/index.html"), Some(false));
    assert_eq!(reused("category/ar-xiv/page/2/index.html"), Some(false));
    assert_branch_is_a_full_render(&repo, &[]);
}

/// A fresh clone of a site whose blog is published has the pages branch only as
/// `origin/gh-pages`. A run with nothing new builds on it, makes no pages commit,
/// and records that the blog is up to date, so the next run renders nothing.
#[test]
fn a_clone_with_the_pages_branch_only_on_the_remote_publishes_nothing_new() {
    let repo = site_repo();
    let (first, _) = publish_reusing(&repo);
    let published = first.pages.unwrap().commit.unwrap();
    // What a clone has: the remote's branch, none of this tool's records.
    repo.git(&["update-ref", "refs/remotes/origin/gh-pages", "gh-pages"]);
    repo.git(&["update-ref", "-d", "refs/heads/gh-pages"]);
    for record in ["hotpapers-pages", "hotpapers-pages-cache", "hotpapers-pages-tree"] {
        std::fs::remove_file(repo.repo.path().join(record)).unwrap();
    }
    let settings = archive_of(repo.path()).site.blog;
    assert!(!hotpapers::pages_up_to_date(repo.path(), &settings, 1));
    let (again, _) = publish_reusing(&repo);
    let pages = again.pages.unwrap();
    assert_eq!((pages.commit, pages.changed), (None, 0));
    assert_eq!(
        repo.git(&["rev-parse", "origin/gh-pages"]).trim(),
        published.to_string()
    );
    assert!(
        repo.repo.find_reference("refs/heads/gh-pages").is_err(),
        "no branch made for nothing"
    );
    assert!(hotpapers::pages_up_to_date(repo.path(), &settings, 1));
}

#[test]
fn a_theme_of_one_template_gets_the_built_in_ones_for_the_rest() {
    let archive = archive_of(&project_dir());
    let full = by_path(&project_site(&archive.site))
        .into_iter()
        .map(|(p, b)| (p.to_owned(), b.to_vec()))
        .collect::<BTreeMap<_, _>>();
    // Only `404.html` of its own.
    let theme = Theme {
        templates: vec![(
            "404.html".into(),
            "{% extends \"base.html\" %}{% block content %}<p>Lost in the papers</p>{% endblock %}".into(),
        )],
        assets: Theme::load(&project_dir()).unwrap().assets,
    };
    let files = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
    let files = by_path(&files);
    assert!(text(&files, "404.html").contains("<p>Lost in the papers</p>"));
    for (path, bytes) in &full {
        if path != "404.html" {
            assert_eq!(
                files.get(path.as_str()).copied(),
                Some(bytes.as_slice()),
                "{path}"
            );
        }
    }
    // No template at all: the built-in theme, which is the project's.
    let bare = Theme {
        templates: Vec::new(),
        assets: Theme::load(&project_dir()).unwrap().assets,
    };
    let files = hotpapers::render_blog(&archive.site, &archive.days, &bare).unwrap();
    assert_eq!(files.len(), full.len());
    hotpapers::check_theme(&archive.site, &bare).unwrap();
}

/// The `content` of every `<meta property|name=NAME>` of a page, as a
/// browser's tokenizer reads the page.
fn meta_tags(html: &str) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for token in html5gum::Tokenizer::new(html) {
        let Ok(html5gum::Token::StartTag(tag)) = token else {
            continue;
        };
        if &*tag.name != b"meta" {
            continue;
        }
        let attribute = |name: &[u8]| {
            tag.attributes
                .get(name)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        if let (Some(name), Some(content)) = (
            attribute(b"property").or_else(|| attribute(b"name")),
            attribute(b"content"),
        ) {
            found.insert(name, content);
        }
    }
    found
}

#[test]
fn every_page_unfolds_into_a_card_where_it_is_shared() {
    let mut archive = archive_of(&project_dir());
    // A title with markup characters and TeX, as previews must show it.
    let (_, paper) = top_of_october_30(&mut archive);
    paper.title =
        r#"On $k<k'$ & "quoted" [links](https://example.org) for $\epsilon > 10^{-36}$ at \$5"#.into();
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
    let url = archive.site.blog.url.trim_end_matches('/').to_owned();
    let image = format!("{url}{}", archive.site.social_image);
    let assets = by_path(&files);
    assert!(
        assets.contains_key(archive.site.social_image.trim_start_matches('/')),
        "the site image is shipped"
    );
    let mut pages = 0;
    for file in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = std::str::from_utf8(&file.bytes).unwrap();
        let meta = meta_tags(html);
        for key in [
            "og:title",
            "og:description",
            "og:url",
            "og:type",
            "og:site_name",
            "og:image",
            "twitter:card",
        ] {
            assert!(
                meta.get(key).is_some_and(|v| !v.is_empty()),
                "{}: no {key} in {meta:?}",
                file.path
            );
        }
        assert!(meta["og:url"].starts_with(&url), "{}: {meta:?}", file.path);
        assert_eq!(meta["og:image"], image, "{}", file.path);
        assert_eq!(meta["twitter:card"], "summary_large_image");
        pages += 1;
    }
    assert!(pages > 10);
    let post = text(&assets, "posts/hot-papers-2020-10-30/index.html");
    let meta = meta_tags(post);
    assert_eq!(meta["og:type"], "article");
    assert_eq!(meta["og:title"], "Hot Papers 2020-10-30");
    assert_eq!(meta["og:url"], format!("{url}/posts/hot-papers-2020-10-30/"));
    assert!(
        meta["og:description"].starts_with("On k < k′ & \"quoted\" links for ϵ > 10^(−36) at $5 · "),
        "plain text, the TeX read: {meta:?}"
    );
    assert!(
        post.contains("content=\"On k &lt; k′ &amp; &quot;quoted&quot; links for ϵ &gt; 10^(−36) at $5 · "),
        "escaped in the attribute"
    );
}

#[test]
fn abstract_tex_is_shown_as_math_and_prices_stay_text() {
    let corpus = std::fs::read_to_string(project_dir().join("tests/math/corpus.txt")).unwrap();
    let lines: Vec<&str> = corpus.lines().filter(|l| !l.starts_with('#')).collect();
    // The corpus's first lines are prices and escaped dollars: no math in them.
    for line in &lines[..3] {
        assert_eq!(hotpapers::tex_spans(line), vec![], "{line}");
    }
    let spans: Vec<(String, bool)> = lines.iter().flat_map(|l| hotpapers::tex_spans(l)).collect();
    assert!(spans.len() >= 500, "{} spans", spans.len());
    let mut html = String::new();
    let shown = spans
        .iter()
        .filter(|(tex, display)| {
            hotpapers::push_math(&mut html, tex, *display) == hotpapers::MathShown::MathMl
        })
        .count();
    assert!(
        shown * 100 >= spans.len() * 95,
        "{shown} of {} spans shown as MathML Core",
        spans.len()
    );
}
