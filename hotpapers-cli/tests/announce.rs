//! `hotpapers announce` and `hotpapers digest` against local stand-ins of
//! Bluesky (session, record), Mastodon (status) and an SMTP server, in a
//! temporary repository whose record branch is read with git2 and checked by
//! `git fsck --strict`.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use crate::git;
use crate::run::run;
use crate::services::{Reply, Services};

const SESSION: &str = include_str!("recorded/bsky-session.json");
const NOT_FOUND: &str = r#"{"error":"RecordNotFound","message":"Could not locate record: at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/x"}"#;
const CREATED: &str = r#"{"uri":"at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lgpost","cid":"bafyreib2rxk3rh6kzwq","commit":{"cid":"bafyreic","rev":"3lgrev"},"validationStatus":"valid"}"#;
const FOUND: &str = r#"{"uri":"at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lgfound","cid":"bafyreid","value":{"$type":"app.bsky.feed.post","text":"Hot Papers 2026-11-27"}}"#;
const STATUS: &str = r#"{"id":"113500000000000001","created_at":"2026-11-28T10:00:01.000Z","visibility":"public","language":"en","uri":"https://mastodon.example/users/hotpapers/statuses/113500000000000001","url":"https://mastodon.example/@hotpapers/113500000000000001","content":"<p>Hot Papers 2026-11-27</p>"}"#;

/// The day: a title with characters of two, three and four bytes, and one
/// with markup and TeX that a reader sees as text.
const DAY: &str = r#"date = 2026-11-27
published = 2026-11-28T06:00:00Z

[[paper]]
arxiv = "2411.10001"
title = "Über naïve Grüße – 数学 for 🦀 Digests"
authors = ["Ada Lovelace", "Alan Turing"]
categories = ["cs.LG"]
huggingface = { upvotes = 120, comments = 14 }
collected = 2026-11-28T06:00:00Z
abstract = "We find that $k<k'$ curators suffice when $m<n^{1.19}$, and that **bold** claims need `a < b` care."

[[paper]]
arxiv = "2411.10002"
title = "A Second Paper"
authors = ["Grace Hopper"]
categories = ["cs.CL"]
hackernews = { points = 92, comments = 34, story = 42200001 }
collected = 2026-11-28T06:00:00Z
abstract = "Second."
"#;

const NOW: &str = "2026-11-28T10:00:00Z";
const BLOG: &str = "[blog]\nurl = \"https://example.org/papers\"\n";

/// A repository with the day committed on `main` and, unless `published` is
/// false, its page on `gh-pages`.
fn site(day: &str, published: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("posts")).unwrap();
    std::fs::write(root.join("posts/2026-11-27.toml"), day).unwrap();
    std::fs::write(root.join("hotpapers.toml"), BLOG).unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "day"]);
    if published {
        git(root, &["checkout", "-q", "--orphan", "gh-pages"]);
        git(root, &["rm", "-q", "-r", "--cached", "."]);
        let page = "posts/hot-papers-2026-11-27/index.html";
        std::fs::create_dir_all(root.join("posts/hot-papers-2026-11-27")).unwrap();
        std::fs::write(root.join(page), "<!doctype html>").unwrap();
        git(root, &["add", page]);
        git(root, &["commit", "-q", "-m", "Site: pages"]);
        git(root, &["checkout", "-q", "-f", "main"]);
    }
    dir
}

/// `hotpapers` with the stand-ins configured; `env` adds or overrides.
fn hotpapers(
    site: &Path,
    services: &Services,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Output, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hotpapers"));
    command
        .arg("--root")
        .arg(site)
        .args(args)
        .env("HOTPAPERS_BSKY_API", format!("{}/xrpc", services.base))
        .env("HOTPAPERS_BSKY_IDENTIFIER", "curator.bsky.social")
        .env("HOTPAPERS_BSKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
        .env("HOTPAPERS_MASTODON_URL", format!("{}/", services.base))
        .env("HOTPAPERS_MASTODON_TOKEN", "mastodon-token")
        .env("HOTPAPERS_HTTP_TIMEOUT", "5")
        .env("HOTPAPERS_NOW", NOW)
        .env("GIT_AUTHOR_NAME", "Announcer")
        .env("GIT_AUTHOR_EMAIL", "announcer@example.org")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL");
    for (name, value) in env {
        command.env(name, value);
    }
    run(&mut command)
}

/// Every route answering as it should, the record not there yet.
fn routes() -> Vec<(&'static str, Vec<Reply>)> {
    vec![
        (
            "/xrpc/com.atproto.server.createSession",
            vec![Reply::Json(SESSION)],
        ),
        (
            "/xrpc/com.atproto.repo.getRecord",
            vec![Reply::Full(
                400,
                vec![("Content-Type", "application/json")],
                NOT_FOUND,
            )],
        ),
        ("/xrpc/com.atproto.repo.createRecord", vec![Reply::Json(CREATED)]),
        ("/api/v1/statuses", vec![Reply::Json(STATUS)]),
    ]
}

/// The record of the day on the record branch, read with git2.
fn record(site: &Path) -> Option<String> {
    let repo = git2::Repository::open(site).unwrap();
    let branch = repo
        .find_branch("hotpapers-announced", git2::BranchType::Local)
        .ok()?;
    let tree = branch.get().peel_to_tree().unwrap();
    let entry = tree.get_name("2026-11-27.toml")?;
    let blob = repo.find_blob(entry.id()).unwrap();
    Some(String::from_utf8(blob.content().to_vec()).unwrap())
}

fn fsck(site: &Path) {
    git(site, &["fsck", "--strict", "--no-dangling"]);
}

/// The JSON body of the first request to `path`.
fn body_of(requests: &[String], path: &str) -> serde_json::Value {
    let line = requests
        .iter()
        .find(|r| r.starts_with(&format!("POST {path}")))
        .unwrap_or_else(|| panic!("no POST {path} in {requests:#?}"));
    let json = &line[line.find(" {\"").unwrap() + 1..];
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

#[test]
fn announce_posts_once_to_bluesky_and_mastodon_and_records_where() {
    let site = site(DAY, true);
    let services = Services::start(routes());
    let main_before = git(site.path(), &["rev-parse", "main"]);
    let pages_before = git(site.path(), &["rev-parse", "gh-pages"]);

    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["announce"], &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "2026-11-27 bluesky: announced, at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lgpost"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "2026-11-27 mastodon: announced, https://mastodon.example/@hotpapers/113500000000000001"
        ),
        "{stdout}"
    );

    let requests = services.requests();
    // The session, a look for the day's record (none), the record, the status.
    assert_eq!(requests.len(), 4, "{requests:#?}");
    assert_eq!(
        requests[0],
        "POST /xrpc/com.atproto.server.createSession {\"identifier\":\"curator.bsky.social\",\"password\":\"abcd-efgh-ijkl-mnop\"}"
    );
    assert!(
        requests[1].starts_with(
            "GET /xrpc/com.atproto.repo.getRecord?repo=did%3Aplc%3Az72i7hdynmk6r22z27h6tvur&collection=app.bsky.feed.post&rkey="
        ),
        "{}",
        requests[1]
    );
    let create = body_of(&requests, "/xrpc/com.atproto.repo.createRecord");
    assert_eq!(create["repo"], "did:plc:z72i7hdynmk6r22z27h6tvur");
    assert_eq!(create["collection"], "app.bsky.feed.post");
    let rkey = create["rkey"].as_str().unwrap();
    assert_eq!(rkey.len(), 13);
    assert!(requests[1].contains(&format!("rkey={rkey}")), "{}", requests[1]);
    let record = &create["record"];
    let text = record["text"].as_str().unwrap();
    assert_eq!(
        text,
        "Hot Papers 2026-11-27\n\n1. Über naïve Grüße – 数学 for 🦀 Digests (score 120)\n2. A Second Paper (score 92)\n\nhttps://example.org/papers/posts/hot-papers-2026-11-27/"
    );
    // Facets index UTF-8 bytes: each covers exactly its title, and the page.
    let facets = record["facets"].as_array().unwrap();
    let covered: Vec<(&str, &str)> = facets
        .iter()
        .map(|f| {
            let (start, end) = (
                f["index"]["byteStart"].as_u64().unwrap() as usize,
                f["index"]["byteEnd"].as_u64().unwrap() as usize,
            );
            assert_eq!(f["features"][0]["$type"], "app.bsky.richtext.facet#link");
            (
                &text.as_bytes()[start..end],
                f["features"][0]["uri"].as_str().unwrap(),
            )
        })
        .map(|(bytes, uri)| (std::str::from_utf8(bytes).unwrap(), uri))
        .collect();
    assert_eq!(
        covered,
        [
            (
                "Über naïve Grüße – 数学 for 🦀 Digests",
                "https://arxiv.org/abs/2411.10001"
            ),
            ("A Second Paper", "https://arxiv.org/abs/2411.10002"),
            (
                "https://example.org/papers/posts/hot-papers-2026-11-27/",
                "https://example.org/papers/posts/hot-papers-2026-11-27/"
            ),
        ]
    );
    assert_eq!(facets[0]["index"]["byteStart"], 26);
    assert_eq!(
        facets[0]["index"]["byteEnd"],
        26 + "Über naïve Grüße – 数学 for 🦀 Digests".len()
    );
    assert_eq!(record["embed"]["$type"], "app.bsky.embed.external");
    assert_eq!(
        record["embed"]["external"]["uri"],
        "https://example.org/papers/posts/hot-papers-2026-11-27/"
    );
    assert_eq!(record["embed"]["external"]["title"], "Hot Papers 2026-11-27");
    assert!(requests[2].contains("[Bearer eyJhbGciOiJFUzI1NksifQ.test-access.sig]"));

    let status_line = requests
        .iter()
        .find(|r| r.starts_with("POST /api/v1/statuses"))
        .unwrap();
    assert!(status_line.contains("[Bearer mastodon-token]"), "{status_line}");
    assert!(
        status_line.contains("{hotpapers-2026-11-27-"),
        "an Idempotency-Key: {status_line}"
    );
    let status = body_of(&requests, "/api/v1/statuses");
    assert_eq!(status["visibility"], "public");
    assert_eq!(
        status["status"],
        "Hot Papers 2026-11-27\n\n1. Über naïve Grüße – 数学 for 🦀 Digests (score 120) https://arxiv.org/abs/2411.10001\n2. A Second Paper (score 92) https://arxiv.org/abs/2411.10002\n\nhttps://example.org/papers/posts/hot-papers-2026-11-27/"
    );

    assert_eq!(
        record_of(site.path()),
        "bluesky = 'at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lgpost'\nmastodon = 'https://mastodon.example/@hotpapers/113500000000000001'\n"
    );
    // Nothing else moved; the record's commits are by the author asked for.
    assert_eq!(git(site.path(), &["rev-parse", "main"]), main_before);
    assert_eq!(git(site.path(), &["rev-parse", "gh-pages"]), pages_before);
    assert_eq!(git(site.path(), &["status", "--porcelain"]), "");
    assert_eq!(
        git(site.path(), &["log", "--format=%an %s", "hotpapers-announced"]),
        "Announcer Announced 2026-11-27 on mastodon\nAnnouncer Announced 2026-11-27 on bluesky"
    );
    assert_eq!(
        git(site.path(), &["reflog", "--format=%gs", "hotpapers-announced"]),
        "commit: Announced 2026-11-27 on mastodon\ncommit (initial): Announced 2026-11-27 on bluesky"
    );
    fsck(site.path());

    // Again: nothing is asked of either service, nothing is recorded again.
    let (out, stdout, _) = hotpapers(site.path(), &services, &["announce"], &[]);
    assert!(out.status.success());
    assert!(
        stdout.contains("2026-11-27 bluesky: announced already"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2026-11-27 mastodon: announced already"),
        "{stdout}"
    );
    assert_eq!(services.requests().len(), 4);

    // An updated day is not announced again.
    std::fs::write(
        site.path().join("posts/2026-11-27.toml"),
        DAY.replace("upvotes = 120", "upvotes = 150"),
    )
    .unwrap();
    let (out, _, _) = hotpapers(site.path(), &services, &["announce"], &[]);
    assert!(out.status.success());
    assert_eq!(services.requests().len(), 4);
}

fn record_of(site: &Path) -> String {
    record(site).expect("a record of the day")
}

#[test]
fn a_dry_run_prints_the_posts_and_sends_and_records_nothing() {
    let site = site(DAY, true);
    let services = Services::start(routes());
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["announce", "--dry-run"], &[]);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("2026-11-27 bluesky: would post"), "{stdout}");
    assert!(stdout.contains("\"byteStart\": 26"), "{stdout}");
    assert!(stdout.contains("2026-11-27 mastodon: would post"), "{stdout}");
    assert!(services.requests().is_empty());
    assert!(record(site.path()).is_none());
}

#[test]
fn a_failing_service_is_named_fails_the_run_and_is_retried_by_the_next() {
    let site = site(DAY, true);
    let mut failing = routes();
    failing[3] = ("/api/v1/statuses", vec![Reply::Status(500, None)]);
    let services = Services::start(failing);
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["announce"], &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("error: 2026-11-27 mastodon: cannot reach"),
        "{stderr}"
    );
    assert!(stderr.contains("HTTP 500"), "{stderr}");
    // Bluesky went through and is recorded; the retried status kept its key.
    assert!(record_of(site.path()).starts_with("bluesky = "));
    let keys: Vec<String> = services
        .requests()
        .iter()
        .filter(|r| r.starts_with("POST /api/v1/statuses"))
        .map(|r| r[r.find('{').unwrap()..r.find('}').unwrap()].to_owned())
        .collect();
    assert_eq!(keys.len(), 3, "three tries");
    assert!(keys.iter().all(|k| *k == keys[0]));
    drop(services);

    // The next run posts to Mastodon only.
    let services = Services::start(routes());
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["announce"], &[]);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("bluesky: announced already"), "{stdout}");
    assert!(
        stdout.contains("mastodon: announced, https://mastodon.example/"),
        "{stdout}"
    );
    assert_eq!(services.requests().len(), 1, "{:#?}", services.requests());
    fsck(site.path());
}

#[test]
fn a_429_is_waited_out_and_a_post_already_there_is_found_not_made_again() {
    let site = site(DAY, true);
    let mut routes = routes();
    routes[2] = (
        "/xrpc/com.atproto.repo.createRecord",
        vec![
            Reply::Status(429, Some(("Retry-After", "1"))),
            Reply::Json(CREATED),
        ],
    );
    let services = Services::start(routes);
    let (out, stdout, stderr) = hotpapers(
        site.path(),
        &services,
        &["announce"],
        &[("HOTPAPERS_MASTODON_URL", "")],
    );
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("mastodon: not configured"), "{stdout}");
    let times = services.times();
    let creates: Vec<usize> = services
        .requests()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.starts_with("POST /xrpc/com.atproto.repo.createRecord"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(creates.len(), 2);
    // At least the second: a stamp rounded down to the millisecond once let
    // the retry go at 999.7 ms.
    let waited = times[creates[1]] - times[creates[0]];
    assert!(
        waited >= std::time::Duration::from_millis(1000),
        "Retry-After honoured: {waited:?}"
    );

    // A record lost (another clone, a push that failed): the post is found.
    let site = self::site(DAY, true);
    let mut routes = self::routes();
    routes[1] = ("/xrpc/com.atproto.repo.getRecord", vec![Reply::Json(FOUND)]);
    let services = Services::start(routes);
    let (out, stdout, _) = hotpapers(
        site.path(),
        &services,
        &["announce"],
        &[("HOTPAPERS_MASTODON_TOKEN", "")],
    );
    assert!(out.status.success());
    assert!(
        stdout.contains(
            "bluesky: announced, at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lgfound"
        ),
        "{stdout}"
    );
    assert!(!services.requests().iter().any(|r| r.contains("createRecord")));
}

#[test]
fn only_published_days_of_the_window_are_announced() {
    let services = Services::start(routes());
    // Its page is not on the pages branch yet.
    let unpublished = site(DAY, false);
    let (out, stdout, _) = hotpapers(unpublished.path(), &services, &["announce"], &[]);
    assert!(out.status.success());
    assert!(
        stdout.contains("2026-11-27: its page is not on `gh-pages` yet; not announced"),
        "{stdout}"
    );
    // A draft.
    let draft = site(
        &DAY.replace(
            "published = 2026-11-28T06:00:00Z",
            "published = 2026-11-28T06:00:00Z\ndraft = true",
        ),
        true,
    );
    let (_, stdout, _) = hotpapers(draft.path(), &services, &["announce"], &[]);
    assert!(stdout.contains("2026-11-27: a draft; not announced"), "{stdout}");
    // Out of the window of two days: never, unless asked for by date.
    let old = site(DAY, true);
    let later = [("HOTPAPERS_NOW", "2026-12-01T10:00:00Z")];
    let (_, stdout, _) = hotpapers(old.path(), &services, &["announce"], &later);
    assert!(!stdout.contains("2026-11-27"), "{stdout}");
    assert!(services.requests().is_empty());
    let (out, stdout, _) = hotpapers(old.path(), &services, &["announce", "2026-11-27"], &later);
    assert!(out.status.success());
    assert!(stdout.contains("2026-11-27 bluesky: announced"), "{stdout}");
    fsck(old.path());
}

#[test]
fn services_not_configured_are_skipped_with_a_line_each() {
    let site = site(DAY, true);
    let services = Services::start(routes());
    let none = [
        ("HOTPAPERS_BSKY_IDENTIFIER", ""),
        ("HOTPAPERS_MASTODON_TOKEN", ""),
    ];
    let (out, stdout, _) = hotpapers(site.path(), &services, &["announce"], &none);
    assert!(out.status.success());
    assert!(stdout.contains("bluesky: not configured"), "{stdout}");
    assert!(stdout.contains("mastodon: not configured"), "{stdout}");
    assert!(services.requests().is_empty());
    // A token never goes over plain HTTP to another machine.
    let (out, _, stderr) = hotpapers(
        site.path(),
        &services,
        &["announce"],
        &[("HOTPAPERS_MASTODON_URL", "http://mastodon.example")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("must be an https:// URL"), "{stderr}");
}

#[test]
fn long_titles_are_shortened_to_each_service_s_limit() {
    let long = "Very Long Title Words ".repeat(20);
    let day = DAY
        .replace("Über naïve Grüße – 数学 for 🦀 Digests", long.trim())
        .replace("A Second Paper", long.trim());
    let site = site(&day, true);
    let services = Services::start(routes());
    let (out, _, stderr) = hotpapers(site.path(), &services, &["announce"], &[]);
    assert!(out.status.success(), "{stderr}");
    let requests = services.requests();
    let text = body_of(&requests, "/xrpc/com.atproto.repo.createRecord")["record"]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let graphemes = unicode_segmentation::UnicodeSegmentation::graphemes(text.as_str(), true).count();
    assert!((290..=300).contains(&graphemes), "{graphemes}: {text}");
    assert!(text.contains("…"));
    assert!(text.ends_with("/posts/hot-papers-2026-11-27/"));
    let status = body_of(&requests, "/api/v1/statuses")["status"]
        .as_str()
        .unwrap()
        .to_owned();
    // Mastodon counts each link as 23 characters.
    let links = status.matches("https://").count();
    let counted = status.chars().count()
        - status
            .split_whitespace()
            .filter(|w| w.starts_with("https://"))
            .map(|w| w.chars().count())
            .sum::<usize>()
        + links * 23;
    assert!((480..=500).contains(&counted), "{counted}: {status}");
}

/// An SMTP server on 127.0.0.1 that takes every message: what it was told.
struct Smtp {
    port: u16,
    said: Arc<Mutex<Vec<String>>>,
}

impl Smtp {
    fn start() -> Smtp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let said = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&said);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let _ = stream.write_all(b"220 localhost ESMTP stand-in\r\n");
                let mut line = String::new();
                let mut in_data = false;
                let mut data = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    if in_data {
                        if line == ".\r\n" {
                            in_data = false;
                            log.lock().unwrap().push(format!("DATA {data}"));
                            data.clear();
                            let _ = stream.write_all(b"250 2.0.0 queued\r\n");
                        } else {
                            data.push_str(&line);
                        }
                    } else {
                        let command = line.trim_end().to_owned();
                        log.lock().unwrap().push(command.clone());
                        let upper = command.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-localhost\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("DATA") {
                            in_data = true;
                            b"354 go on\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = stream.write_all(b"221 bye\r\n");
                            break;
                        } else {
                            b"250 ok\r\n"
                        };
                        let _ = stream.write_all(reply);
                    }
                    line.clear();
                }
            }
        });
        Smtp { port, said }
    }
}

#[test]
fn digest_writes_the_day_as_an_email_and_sends_it_once() {
    let site = site(DAY, true);
    let services = Services::start(Vec::new());
    let mail = [
        ("HOTPAPERS_DIGEST_FROM", "Hot Papers <papers@example.org>"),
        ("HOTPAPERS_DIGEST_TO", "ada@example.org, Alan <alan@example.org>"),
    ];
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["digest", "2026-11-27"], &mail);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Subject: Hot Papers 2026-11-27"), "{stdout}");
    assert!(
        stdout.contains("From: \"Hot Papers\" <papers@example.org>")
            || stdout.contains("From: Hot Papers <papers@example.org>"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("ada@example.org"),
        "readers are blind copies: {stdout}"
    );
    assert!(stdout.contains("Content-Type: multipart/alternative"), "{stdout}");
    assert!(
        stdout.contains("Content-Type: text/plain; charset=utf-8"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Content-Type: text/html; charset=utf-8"),
        "{stdout}"
    );
    assert!(stdout.contains("Message-ID: <hotpapers.2026-11-27."), "{stdout}");

    // With --send: over SMTP to this machine, once.
    let smtp = Smtp::start();
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let mut env = mail.to_vec();
    env.push(("HOTPAPERS_SMTP_URL", &url));
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["digest", "--send"], &env);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("2026-11-27 email: sent to 2 reader(s)"),
        "{stdout}"
    );
    let said = smtp.said.lock().unwrap().clone();
    assert!(
        said.contains(&"MAIL FROM:<papers@example.org>".to_owned()),
        "{said:#?}"
    );
    assert!(
        said.contains(&"RCPT TO:<ada@example.org>".to_owned()),
        "{said:#?}"
    );
    assert!(
        said.contains(&"RCPT TO:<alan@example.org>".to_owned()),
        "{said:#?}"
    );
    let data = said.iter().find(|l| l.starts_with("DATA ")).unwrap();
    assert!(!data.contains("Bcc:"), "{data}");
    assert!(record_of(site.path()).starts_with("email = '<hotpapers.2026-11-27."));
    let (out, stdout, _) = hotpapers(site.path(), &services, &["digest", "--send"], &env);
    assert!(out.status.success());
    assert!(stdout.contains("2026-11-27 email: sent already"), "{stdout}");
    assert_eq!(
        smtp.said
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("DATA "))
            .count(),
        1
    );
    fsck(site.path());

    // Plain SMTP to another machine is refused before anything is sent.
    let mut env = mail.to_vec();
    env.push(("HOTPAPERS_SMTP_URL", "smtp://mail.example.org:25"));
    let other = self::site(DAY, true);
    let (out, _, stderr) = hotpapers(other.path(), &services, &["digest", "--send"], &env);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("plain SMTP to another machine"), "{stderr}");
}

#[test]
fn the_digest_s_html_escapes_what_the_day_holds_and_keeps_the_text() {
    let site = site(DAY, true);
    let services = Services::start(Vec::new());
    let (out, stdout, _) = hotpapers(site.path(), &services, &["digest", "2026-11-27"], &[]);
    assert!(out.status.success());
    let message = mail_parser_parts(&stdout);
    let (plain, html) = (&message.0, &message.1);
    // What a reader sees of the Markdown, as text: no markup of the
    // day-file's reaches the mail, and TeX that looks like a tag is text,
    // read as a person would write it.
    assert!(
        plain.contains("We find that k < k′ curators suffice when m < n^1.19,"),
        "{plain}"
    );
    assert!(plain.contains("bold claims need a < b care."), "{plain}");
    assert!(html.contains("We find that k &lt; k′ curators"), "{html}");
    assert!(html.contains("bold claims need a &lt; b care."), "{html}");
    assert!(!html.contains("**"), "{html}");
    assert!(html.contains("Über naïve Grüße – 数学 for 🦀 Digests"), "{html}");
    assert!(
        html.contains(r#"href="https:&#x2f;&#x2f;arxiv.org&#x2f;abs&#x2f;2411.10001""#),
        "{html}"
    );
    // Every style inline: mail clients drop `<style>`.
    assert!(!html.contains("<style"), "{html}");
}

/// The plain and HTML parts of a message lettre wrote (quoted-printable or
/// base64), decoded.
fn mail_parser_parts(message: &str) -> (String, String) {
    let parsed = mail_parser::MessageParser::default()
        .parse(message.as_bytes())
        .expect("an RFC 5322 message");
    (
        parsed.body_text(0).unwrap_or_default().into_owned(),
        parsed.body_html(0).unwrap_or_default().into_owned(),
    )
}
