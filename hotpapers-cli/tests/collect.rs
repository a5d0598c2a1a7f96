//! `hotpapers collect` and `hotpapers skip` against local servers on 127.0.0.1
//! that answer as Hugging Face, Hacker News (Algolia), Bluesky and arXiv do,
//! with recorded answers in their documented shapes (tests/recorded/).

use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use crate::run::run;
use crate::services::{Reply, Services};

const HF: &str = include_str!("recorded/hf-daily-papers-2026-11-27.json");
const HN: &str = include_str!("recorded/hn-search-2026-11-27.json");
const ARXIV: &str = include_str!("recorded/arxiv-collected.xml");
const BSKY_SESSION: &str = include_str!("recorded/bsky-session.json");
const BSKY_SEARCH: &str = include_str!("recorded/bsky-search-2026-11-27.json");
const BSKY_OEMBED: &str = include_str!("recorded/bsky-oembed-ada.json");
const BSKY_OEMBED_EVE: &str = include_str!("recorded/bsky-oembed-eve.json");
const ARXIV_ERROR: &str = include_str!("recorded/arxiv-error.xml");
const HN_EMPTY: &str = r#"{"hits": [], "nbHits": 0, "page": 0, "nbPages": 0, "hitsPerPage": 100}"#;

/// The recorded day: Friday 2026-11-27, collected the next morning.
const DAY: &str = "2026-11-27";
const NOW: &str = "2026-11-28T06:00:00Z";

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
        .env("HOTPAPERS_ARXIV_API", format!("{}/api/query", services.base))
        .env("HOTPAPERS_HF_API", format!("{}/api/daily_papers", services.base))
        .env(
            "HOTPAPERS_HN_API",
            format!("{}/api/v1/search_by_date", services.base),
        )
        .env("HOTPAPERS_BSKY_API", format!("{}/xrpc", services.base))
        .env("HOTPAPERS_BSKY_OEMBED_API", format!("{}/oembed", services.base))
        .env("HOTPAPERS_HTTP_TIMEOUT", "5")
        .env("HOTPAPERS_NOW", NOW)
        .env_remove("HOTPAPERS_BSKY_IDENTIFIER")
        .env_remove("HOTPAPERS_BSKY_APP_PASSWORD");
    for (name, value) in env {
        command.env(name, value);
    }
    run(&mut command)
}

fn site(settings: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("posts")).unwrap();
    if !settings.is_empty() {
        std::fs::write(dir.path().join("hotpapers.toml"), settings).unwrap();
    }
    dir
}

fn day_file(site: &tempfile::TempDir) -> Option<String> {
    std::fs::read_to_string(site.path().join(format!("posts/{DAY}.toml"))).ok()
}

/// Both public sources answering with their recorded day, and arXiv. Hugging
/// Face's pages end with an empty one.
fn recorded() -> Vec<(&'static str, Vec<Reply>)> {
    vec![
        ("/api/daily_papers", vec![Reply::Json(HF), Reply::Json("[]")]),
        ("/api/v1/search_by_date", vec![Reply::Json(HN)]),
        ("/api/query", vec![Reply::Xml(ARXIV)]),
    ]
}

/// The day-file the recorded day makes with a filter that leaves out cs.CV.
const COLLECTED: &str = r#"#:schema ../docs/day-file.schema.json
date = 2026-11-27
published = 2026-11-28T06:00:00Z

[[paper]]
arxiv = "2411.10001"
title = "Scaling Laws for Curated Digests"
authors = ["Ada Lovelace", "Alan Turing"]
categories = ["cs.LG", "stat.ML"]
huggingface = { upvotes = 120, comments = 14 }
hackernews = { points = 92, comments = 34, story = 42200001 }
code = { url = "https://github.com/ada/curated-digests", stars = 321 }
collected = 2026-11-28T06:00:00Z
abstract = "We study how curated digests scale with the number of curators, and find that $k<k'$ curators suffice when $m<n^{1.19}$."

[[paper]]
arxiv = "2411.10005"
title = 'Proofs That Only Look Like \<HTML>: a \<script> Survey'
authors = ["Edsger Dijkstra"]
categories = ["cs.LO"]
hackernews = { points = 25, comments = 9, story = 42200003 }
collected = 2026-11-28T06:00:00Z
abstract = 'Text such as \<b> in a title is markup to a browser.'
"#;

const NO_VISION: &str = "[collect]\ncategories = { exclude = ['cs.CV'] }\n";

#[test]
fn collect_merges_the_sources_scores_filters_and_writes_a_day_that_checks() {
    let site = site(NO_VISION);
    let services = Services::start(recorded());
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(day_file(&site).as_deref(), Some(COLLECTED), "{stdout}");
    let (start, end) = (1_795_737_600, 1_795_824_000);
    assert_eq!(
        services.requests(),
        [
            format!("GET /api/daily_papers?date={DAY}&limit=100&p=0"),
            format!("GET /api/daily_papers?date={DAY}&limit=100&p=1"),
            format!(
                "GET /api/v1/search_by_date?query=arxiv.org&restrictSearchableAttributes=url&tags=story\
                 &numericFilters=created_at_i%3E%3D{start}%2Ccreated_at_i%3C{end}&hitsPerPage=100&page=0"
            ),
            // Best first: 212, then 35, then 25; the one below min-score is not asked for.
            "GET /api/query?id_list=2411.10001%2C2411.10002%2C2411.10005&max_results=3".to_owned(),
        ]
    );
    for reported in [
        "huggingface: 3 mention(s) of 3 paper(s)",
        "hackernews: 3 mention(s) of 2 paper(s)",
        "bluesky: not asked",
        "add 2411.10001 (score 212: huggingface 120, hackernews 92): Scaling Laws for Curated Digests",
        "left out 2411.10002: category `cs.CV` is excluded",
        // arXiv's `<HTML>` is text: escaped as CommonMark escapes it, the
        // paper is in the day (it used to be left out).
        r"add 2411.10005 (score 25: hackernews 25): Proofs That Only Look Like \<HTML>: a \<script> Survey",
        "left out 1 paper(s) below min-score 10",
        "2 added, 0 updated",
    ] {
        assert!(stdout.contains(reported), "{reported:?} in:\n{stdout}");
    }
    // arXiv keeps its 3 seconds from the last request to its host (counted
    // from when that one was sent, a little before the server saw it).
    let times = services.times();
    assert!(times[3] - times[2] >= std::time::Duration::from_millis(2900));

    // The post shows a line per source, with the links made from the
    // numbers, then the code.
    let loaded = hotpapers::load_dir(site.path().join("posts")).unwrap();
    assert!(loaded.warnings.0.is_empty(), "{:?}", loaded.warnings);
    let post = hotpapers::render(&loaded.days[0], &hotpapers::Site::load(site.path()).unwrap());
    assert!(
        post.contains(
            "\n- Hugging Face: 120 upvotes, 14 comments (11/28/2026 06:00:00) | [discussion](https://huggingface.co/papers/2411.10001)\n\
             - Hacker News: 92 points, 34 comments | [discussion](https://news.ycombinator.com/item?id=42200001)\n\
             - code: [ada/curated-digests](https://github.com/ada/curated-digests), 321 stars\n\n\
             - links: [abs](https://arxiv.org/abs/2411.10001)"
        ),
        "{post}"
    );
    assert!(
        post.contains("curators suffice when $m<n^{1.19}$."),
        "math passes untouched:\n{post}"
    );
}

#[test]
fn collecting_again_updates_counts_in_place_and_never_brings_back_a_skipped_paper() {
    let site = site("");
    let first = Services::start(recorded());
    let (out, stdout, stderr) = hotpapers(site.path(), &first, &["collect", DAY], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let written = day_file(&site).unwrap();
    assert!(written.contains("arxiv = \"2411.10002\""), "{written}");
    // A repository link of any other shape is not taken.
    assert_eq!(written.matches("code = ").count(), 1, "{written}");
    assert!(!written.contains("grace/seg"), "{written}");

    // The curator comments, reorders nothing, and skips the vision paper.
    let path = site.path().join(format!("posts/{DAY}.toml"));
    let edited = written.replacen(
        "title = \"Scaling Laws for Curated Digests\"",
        "title = \"Scaling Laws for Curated Digests\"  # checked by hand",
        1,
    );
    std::fs::write(&path, &edited).unwrap();
    let (out, stdout, stderr) = hotpapers(site.path(), &first, &["skip", "2411.10002v1", "--day", DAY], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("removed 2411.10002"), "{stdout}");
    let skipped = day_file(&site).unwrap();
    assert!(!skipped.contains("2411.10002\"\n"), "{skipped}");
    assert!(skipped.contains("skip = [\"2411.10002\"]\n"), "{skipped}");

    // A day later the counts have grown, and the stars.
    let grown = HF.replacen("\"upvotes\": 120", "\"upvotes\": 150", 1).replacen(
        "\"githubStars\": 321",
        "\"githubStars\": 400",
        1,
    );
    let grown: &'static str = Box::leak(grown.into_boxed_str());
    let second = Services::start(vec![
        ("/api/daily_papers", vec![Reply::Json(grown), Reply::Json("[]")]),
        ("/api/v1/search_by_date", vec![Reply::Json(HN)]),
        ("/api/query", vec![Reply::Xml(ARXIV)]),
    ]);
    let env = [("HOTPAPERS_NOW", "2026-11-29T06:00:00Z")];
    let (out, stdout, stderr) = hotpapers(site.path(), &second, &["collect", DAY], &env);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let again = day_file(&site).unwrap();
    // Both papers' counts were taken again.
    let expected = skipped
        .replacen("upvotes = 120", "upvotes = 150", 1)
        .replacen("stars = 321", "stars = 400", 1)
        .replace(
            "collected = 2026-11-28T06:00:00Z",
            "collected = 2026-11-29T06:00:00Z",
        );
    assert_eq!(
        again, expected,
        "only the numbers and the time changed:\n{stdout}"
    );
    assert!(again.contains("# checked by hand"));
    assert!(
        stdout.contains("left out 2411.10002: the curator skipped it"),
        "{stdout}"
    );
    assert!(stdout.contains("update 2411.10001"), "{stdout}");
    // Papers in the day are not looked up on arXiv again.
    let lookups: Vec<String> = second
        .requests()
        .into_iter()
        .filter(|r| r.contains("/api/query"))
        .collect();
    assert_eq!(lookups, Vec::<String>::new());
    let loaded = hotpapers::load_dir(site.path().join("posts")).unwrap();
    assert!(loaded.warnings.0.is_empty(), "{:?}", loaded.warnings);

    // Collecting once more with the same answers changes nothing.
    let (out, stdout, _) = hotpapers(site.path(), &second, &["collect", DAY], &env);
    assert!(out.status.success());
    assert!(stdout.contains("nothing to change"), "{stdout}");
    assert_eq!(day_file(&site).unwrap(), again);
}

#[test]
fn a_dry_run_reports_and_writes_nothing() {
    let site = site(NO_VISION);
    let services = Services::start(recorded());
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY, "--dry-run"], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("would add 2411.10001 (score 212"), "{stdout}");
    assert!(
        stdout.contains("left out 2411.10002: category `cs.CV` is excluded"),
        "{stdout}"
    );
    assert!(stdout.contains("nothing written (--dry-run)"), "{stdout}");
    assert_eq!(day_file(&site), None);
}

#[test]
fn a_failing_source_is_named_and_nothing_is_written_unless_partial_is_allowed() {
    let routes = || {
        vec![
            ("/api/daily_papers", vec![Reply::Json(HF), Reply::Json("[]")]),
            ("/api/v1/search_by_date", vec![Reply::Status(500, None)]),
            ("/api/query", vec![Reply::Xml(ARXIV)]),
        ]
    };
    let site = site(NO_VISION);
    let services = Services::start(routes());
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("error: hackernews failed: cannot reach"),
        "{stderr}"
    );
    assert!(stderr.contains("HTTP 500, 3 times"), "retried, bounded: {stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert_eq!(day_file(&site), None);
    let hn_calls = services
        .requests()
        .iter()
        .filter(|r| r.contains("search_by_date"))
        .count();
    assert_eq!(hn_calls, 3);

    let services = Services::start(routes());
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY, "--allow-partial"], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("error: hackernews failed"),
        "still named: {stderr}"
    );
    let written = day_file(&site).unwrap();
    assert!(
        written.contains("huggingface = { upvotes = 120, comments = 14 }"),
        "{written}"
    );
    assert!(!written.contains("hackernews"), "{written}");
}

#[test]
fn malformed_answers_and_refusals_are_errors_that_name_the_source() {
    for (route, reply, expected) in [
        (
            "/api/daily_papers",
            Reply::Json("[{\"paper\": {\"id\": 2411}}"),
            "huggingface failed: unexpected answer",
        ),
        (
            "/api/daily_papers",
            Reply::Json("{\"error\": \"Invalid date\"}"),
            "expected a JSON array of daily papers",
        ),
        (
            "/api/v1/search_by_date",
            Reply::Json("{\"hits\": [{\"url\": \"https://arxiv.org/abs/2411.10001\", \"objectID\": \"x\"}]}"),
            "hackernews failed: unexpected answer",
        ),
        (
            "/api/daily_papers",
            Reply::Status(403, None),
            "huggingface failed: http://127.0.0.1",
        ),
    ] {
        let mut routes = recorded();
        routes.retain(|(path, _)| *path != route);
        routes.push((route, vec![reply]));
        let site = site("");
        let services = Services::start(routes);
        let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
        assert_eq!(out.status.code(), Some(1), "{expected}: {stdout}\n{stderr}");
        assert!(stderr.contains(expected), "{expected:?} in {stderr}");
        assert_eq!(day_file(&site), None);
    }
}

#[test]
fn an_answer_over_the_size_cap_is_refused_not_read() {
    // 17 MiB of a JSON array that would otherwise parse.
    let huge: &'static str = Box::leak(format!("[{}]", " ".repeat(17 << 20)).into_boxed_str());
    let mut routes = recorded();
    routes.retain(|(path, _)| *path != "/api/daily_papers");
    routes.push(("/api/daily_papers", vec![Reply::Json(huge)]));
    let site = site("");
    let services = Services::start(routes);
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("huggingface failed"), "{stderr}");
    assert!(stderr.contains("the answer is over 16 MiB; refused"), "{stderr}");
    assert_eq!(day_file(&site), None);
}

#[test]
fn a_429_is_retried_after_the_pause_it_asks_for() {
    let site = site(NO_VISION);
    let services = Services::start(vec![
        (
            "/api/daily_papers",
            vec![
                Reply::Status(429, Some(("Retry-After", "2"))),
                Reply::Json(HF),
                Reply::Json("[]"),
            ],
        ),
        ("/api/v1/search_by_date", vec![Reply::Json(HN)]),
        ("/api/query", vec![Reply::Xml(ARXIV)]),
    ]);
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let times = services.times();
    assert!(times[1] - times[0] >= std::time::Duration::from_millis(1900));
    assert_eq!(day_file(&site).as_deref(), Some(COLLECTED));
}

#[test]
fn every_source_empty_is_an_error_on_a_weekday_only() {
    let empty = || {
        vec![
            ("/api/daily_papers", vec![Reply::Json("[]")]),
            ("/api/v1/search_by_date", vec![Reply::Json(HN_EMPTY)]),
        ]
    };
    let site = site("");
    let services = Services::start(empty());
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("every source was empty for 2026-11-27 (a weekday)"),
        "{stderr}"
    );
    // Saturday's list may well be empty.
    let services = Services::start(empty());
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", "2026-11-28"], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("nothing to change"), "{stdout}");
    assert!(!site.path().join("posts/2026-11-28.toml").exists());
}

#[test]
fn no_source_to_ask_is_said_as_such_not_as_an_empty_day() {
    // Bluesky alone, without its login, on a weekday.
    let site = site("[collect]\nsources = ['bluesky']\n");
    let services = Services::start(Vec::new());
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("no source to ask"), "{stderr}");
    assert!(services.requests().is_empty());
    assert_eq!(day_file(&site), None);
}

const BSKY_LOGIN: [(&str, &str); 2] = [
    ("HOTPAPERS_BSKY_IDENTIFIER", "curator.bsky.social"),
    ("HOTPAPERS_BSKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop"),
];

/// Bluesky alone, with `oembed` as the answers of its oEmbed endpoint.
fn bluesky_routes(oembed: Vec<Reply>) -> Vec<(&'static str, Vec<Reply>)> {
    vec![
        (
            "/xrpc/com.atproto.server.createSession",
            vec![Reply::Json(BSKY_SESSION)],
        ),
        ("/xrpc/app.bsky.feed.searchPosts", vec![Reply::Json(BSKY_SEARCH)]),
        ("/api/query", vec![Reply::Xml(ARXIV)]),
        ("/oembed", oembed),
    ]
}

#[test]
fn bluesky_logs_in_with_the_app_password_and_adds_its_counts() {
    let site = site("[collect]\nsources = ['bluesky']\n");
    let not_found = Reply::Full(404, vec![], "post not found");
    let services = Services::start(bluesky_routes(vec![
        Reply::Json(BSKY_OEMBED),
        Reply::Json(BSKY_OEMBED_EVE),
        not_found,
    ]));
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &BSKY_LOGIN);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let requests = services.requests();
    assert_eq!(
        requests[0],
        "POST /xrpc/com.atproto.server.createSession {\"identifier\":\"curator.bsky.social\",\"password\":\"abcd-efgh-ijkl-mnop\"}"
    );
    // The domain as a filter, so a post that links only by a card is found.
    assert_eq!(
        requests[1],
        "GET /xrpc/app.bsky.feed.searchPosts?q=domain%3Aarxiv.org&domain=arxiv.org&since=2026-11-27T00%3A00%3A00Z\
         &until=2026-11-28T00%3A00%3A00Z&sort=top&limit=100 [Bearer eyJhbGciOiJFUzI1NksifQ.test-access.sig]"
    );
    let written = day_file(&site).unwrap();
    assert!(
        written.contains("bluesky = { likes = 75, reposts = 14, posts = 3 }"),
        "links in facets, cards and text all count:\n{written}"
    );
    assert!(
        written.contains("bluesky = { likes = 7, reposts = 3, posts = 1 }"),
        "the link card of a quote post with media counts:\n{written}"
    );
    assert!(
        stdout.contains("left out 2411.10006: arXiv has no such paper"),
        "{stdout}"
    );
    // Embedded as Bluesky's oEmbed answers: the URL by handle, the name and
    // text escaped again, line breaks as `<br>`, no language as `und`.
    for expected in [
        "url = \"https://bsky.app/profile/ada.bsky.social/post/3lbxyz2abcd2k\"",
        "author = \"Ada &lt;3 &amp; co\"",
        "text = \"Our digest paper is out: arxiv.org/abs/2411.1000...<br><br>k&lt;k' curators suffice &amp; more\"",
        "url = \"https://bsky.app/profile/eve.bsky.social/post/3lbxyz4ijkl2k\"",
        "author = \"eve.bsky.social\"",
        "lang = \"und\"",
    ] {
        assert!(written.contains(expected), "{expected} in:\n{written}");
    }
    assert!(
        stdout.contains("embed https://bsky.app/profile/ada.bsky.social/post/3lbxyz2abcd2k under 2411.10001"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "left out the Bluesky post https://bsky.app/profile/frank.example.com/post/3lbxyz5mnop2k"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("bluesky: 1 of 3 post embed(s) could not be read"),
        "{stdout}"
    );
    let loaded = hotpapers::load_dir(site.path().join("posts")).unwrap();
    let post = hotpapers::render(&loaded.days[0], &hotpapers::Site::load(site.path()).unwrap());
    assert!(
        post.contains("<p lang=\"en\">Our digest paper is out: arxiv.org/abs/2411.1000...<br><br>k&lt;k' curators suffice &amp; more</p>&mdash; Ada &lt;3 &amp; co"),
        "{post}"
    );

    // Refused: named with what Bluesky said, nothing written.
    let refused = self::site("[collect]\nsources = ['bluesky']\n");
    let services = Services::start(vec![(
        "/xrpc/com.atproto.server.createSession",
        vec![Reply::Full(
            401,
            vec![("Content-Type", "application/json")],
            r#"{"error":"AuthenticationRequired","message":"Invalid identifier or password"}"#,
        )],
    )]);
    let (out, _, stderr) = hotpapers(refused.path(), &services, &["collect", DAY], &BSKY_LOGIN);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bluesky failed: "), "{stderr}");
    assert!(
        stderr.contains("HTTP 401: `AuthenticationRequired: Invalid identifier or password`"),
        "{stderr}"
    );
    assert_eq!(day_file(&refused), None);
}

#[test]
fn bluesky_embeds_that_all_fail_are_an_error_naming_bluesky() {
    let site = site("[collect]\nsources = ['bluesky']\n");
    let old_dialog_html =
        r#"{"html": "<blockquote class=\"bluesky-embed\"><p>not the template</p></blockquote>"}"#;
    let services = Services::start(bluesky_routes(vec![Reply::Json(old_dialog_html)]));
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &BSKY_LOGIN);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("bluesky: 4 of 4 post embed(s) could not be read"),
        "{stdout}"
    );
    assert!(
        stderr.contains("error: bluesky failed: none of the 4 post embed(s) could be read"),
        "{stderr}"
    );
    assert_eq!(day_file(&site), None, "nothing written");

    let services = Services::start(bluesky_routes(vec![Reply::Json(old_dialog_html)]));
    let (out, stdout, stderr) = hotpapers(
        site.path(),
        &services,
        &["collect", DAY, "--allow-partial"],
        &BSKY_LOGIN,
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(day_file(&site).unwrap().contains("bluesky = { likes = 75"));
}

#[test]
fn hugging_face_s_rate_limit_is_waited_out_up_to_its_window() {
    let site = site(NO_VISION);
    let limited = |reset: &'static str| {
        Reply::Full(
            429,
            vec![
                ("RateLimit", reset),
                ("RateLimit-Policy", "\"fixed window\";\"api\";q=500;w=300"),
            ],
            "",
        )
    };
    let services = Services::start(vec![
        (
            "/api/daily_papers",
            vec![limited("\"api\";r=0;t=2"), Reply::Json(HF), Reply::Json("[]")],
        ),
        ("/api/v1/search_by_date", vec![Reply::Json(HN)]),
        ("/api/query", vec![Reply::Xml(ARXIV)]),
    ]);
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let times = services.times();
    assert!(
        times[1] - times[0] >= std::time::Duration::from_millis(1900),
        "the window's reset is waited for"
    );
    assert_eq!(day_file(&site).as_deref(), Some(COLLECTED));

    // A reset beyond Hugging Face's five-minute window: when to try again.
    let site = self::site(NO_VISION);
    let services = Services::start(vec![("/api/daily_papers", vec![limited("\"api\";r=0;t=900")])]);
    let started = Instant::now();
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "not waited for"
    );
    assert!(
        stderr.contains("the service asks to wait 900 s, longer than its 300 s window; try again after"),
        "{stderr}"
    );
    let asked = services
        .requests()
        .iter()
        .filter(|r| r.contains("daily_papers"))
        .count();
    assert_eq!(asked, 1);
}

#[test]
fn hugging_face_is_read_until_an_empty_page() {
    // A short first page is not the last: Hugging Face documents no largest `limit`.
    let first: Vec<serde_json::Value> = serde_json::from_str(HF).unwrap();
    let page = |items: &[serde_json::Value]| -> &'static str {
        Box::leak(serde_json::to_string(items).unwrap().into_boxed_str())
    };
    let site = site("");
    let services = Services::start(vec![
        (
            "/api/daily_papers",
            vec![
                Reply::Json(page(&first[..1])),
                Reply::Json(page(&first[1..])),
                Reply::Json("[]"),
            ],
        ),
        ("/api/v1/search_by_date", vec![Reply::Json(HN_EMPTY)]),
        ("/api/query", vec![Reply::Xml(ARXIV)]),
    ]);
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("huggingface: 3 mention(s) of 3 paper(s)"),
        "{stdout}"
    );
    let pages = services
        .requests()
        .iter()
        .filter(|r| r.contains("daily_papers"))
        .count();
    assert_eq!(pages, 3);
}

#[test]
fn an_id_arxiv_refuses_leaves_out_that_paper_and_keeps_the_day() {
    let site = site(NO_VISION);
    let refused = || Reply::Full(400, vec![("Content-Type", "application/atom+xml")], ARXIV_ERROR);
    let services = Services::start(vec![
        ("/api/daily_papers", vec![Reply::Json(HF), Reply::Json("[]")]),
        ("/api/v1/search_by_date", vec![Reply::Json(HN)]),
        (
            "/api/query",
            vec![refused(), Reply::Xml(ARXIV), Reply::Xml(ARXIV), refused()],
        ),
    ]);
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let without_refused = COLLECTED.split("\n[[paper]]\narxiv = \"2411.10005\"").next();
    assert_eq!(day_file(&site).as_deref(), without_refused, "{stdout}");
    assert!(
        stdout.contains("left out 2411.10005: incorrect id format for 2010.99999"),
        "arXiv's reason: {stdout}"
    );
    // The batch, then each id alone, three seconds apart.
    let lookups: Vec<(Instant, String)> = services
        .times()
        .into_iter()
        .zip(services.requests())
        .filter(|(_, r)| r.contains("/api/query"))
        .collect();
    let lines: Vec<&str> = lookups.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(
        lines,
        [
            "GET /api/query?id_list=2411.10001%2C2411.10002%2C2411.10005&max_results=3",
            "GET /api/query?id_list=2411.10001&max_results=1",
            "GET /api/query?id_list=2411.10002&max_results=1",
            "GET /api/query?id_list=2411.10005&max_results=1",
        ]
    );
    for pair in lookups.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= std::time::Duration::from_millis(2900));
    }

    // arXiv down is the run's failure, not a paper's.
    let site = self::site(NO_VISION);
    let services = Services::start(vec![
        ("/api/daily_papers", vec![Reply::Json(HF), Reply::Json("[]")]),
        ("/api/v1/search_by_date", vec![Reply::Json(HN)]),
        ("/api/query", vec![Reply::Status(503, None)]),
    ]);
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY], &[]);
    assert_ne!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("HTTP 503, 3 times"), "{stderr}");
    assert_eq!(day_file(&site), None);
}

#[test]
fn refresh_collects_the_days_before_again_and_never_an_older_one() {
    let site = site("[collect]\nrefresh-days = 1\n");
    for day in ["2026-11-25", "2026-11-26"] {
        let first = Services::start(recorded());
        let (out, stdout, stderr) = hotpapers(site.path(), &first, &["collect", day], &[]);
        assert!(out.status.success(), "{stdout}\n{stderr}");
    }
    let path = |day: &str| site.path().join(format!("posts/{day}.toml"));
    let read = |day: &str| std::fs::read_to_string(path(day)).unwrap();
    let (older, before) = (read("2026-11-25"), read("2026-11-26"));
    assert!(before.contains("upvotes = 120"), "{before}");
    // The curator's comment on the day before stays through the refresh.
    std::fs::write(path("2026-11-26"), format!("# reviewed\n{before}")).unwrap();

    // A day later the counts have grown.
    let grown: &'static str = Box::leak(
        HF.replacen("\"upvotes\": 120", "\"upvotes\": 150", 1)
            .into_boxed_str(),
    );
    let services = Services::start(vec![
        (
            "/api/daily_papers",
            vec![
                Reply::Json(grown),
                Reply::Json("[]"),
                Reply::Json(grown),
                Reply::Json("[]"),
            ],
        ),
        ("/api/v1/search_by_date", vec![Reply::Json(HN)]),
        ("/api/query", vec![Reply::Xml(ARXIV)]),
    ]);
    let env = [("HOTPAPERS_NOW", "2026-11-28T06:30:00Z")];
    let (out, stdout, stderr) = hotpapers(site.path(), &services, &["collect", DAY, "--refresh"], &env);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(read(DAY).contains("upvotes = 150"));
    let refreshed = read("2026-11-26");
    assert!(stdout.contains("refresh 2026-11-26:"), "{stdout}");
    assert!(refreshed.starts_with("# reviewed\n"), "{refreshed}");
    assert!(refreshed.contains("upvotes = 150"), "{refreshed}");
    assert!(
        refreshed.contains("collected = 2026-11-28T06:30:00Z"),
        "{refreshed}"
    );
    assert_eq!(
        read("2026-11-25"),
        older,
        "older than refresh-days: never touched"
    );
    let days: Vec<String> = services
        .requests()
        .iter()
        .filter(|r| r.contains("daily_papers") && r.contains("p=0"))
        .cloned()
        .collect();
    assert_eq!(days.len(), 2, "{days:?}");
}
