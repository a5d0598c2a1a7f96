//! `hotpapers add` and `hotpapers tweet` against a local server on 127.0.0.1
//! that serves recorded responses (tests/recorded/).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::run::run;

/// What the server does with one request.
enum Reply {
    Ok(&'static str, &'static str),
    Status(u16),
    /// A status with extra header lines, each ending in `\r\n`.
    Headers(u16, String),
    /// A status other than 200 with a body of a content type.
    Answer(u16, &'static str, &'static str),
    /// Accept and say nothing, past the client's timeout.
    Hang,
}

/// A server that answers a fixed script of requests, then stops.
struct Server {
    base: String,
    requests: Arc<Mutex<Vec<(std::time::Instant, String)>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            for reply in script {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                seen.lock().unwrap().push((std::time::Instant::now(), head));
                let response = match reply {
                    Reply::Ok(content_type, body) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    ),
                    Reply::Status(code) => {
                        format!("HTTP/1.1 {code} Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    }
                    Reply::Answer(code, content_type, body) => format!(
                        "HTTP/1.1 {code} Status\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    ),
                    Reply::Headers(code, headers) => {
                        format!("HTTP/1.1 {code} Status\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n")
                    }
                    Reply::Hang => {
                        std::thread::sleep(Duration::from_millis(1500));
                        continue;
                    }
                };
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Server {
            base,
            requests,
            thread: Some(thread),
        }
    }

    /// The request lines, once the script has run.
    fn requests(self) -> Vec<String> {
        let heads = self.heads();
        heads
            .into_iter()
            .map(|(_, head)| head.lines().next().unwrap_or_default().to_owned())
            .collect()
    }

    /// When each request came, and its whole head.
    fn heads(mut self) -> Vec<(std::time::Instant, String)> {
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
        self.requests.lock().unwrap().clone()
    }
}

const TWO_PAPERS: &str = include_str!("recorded/arxiv-two-papers.xml");
const ERROR_ENTRY: &str = include_str!("recorded/arxiv-error.xml");
const OEMBED: &str = include_str!("recorded/oembed-abebab.json");
const OEMBED_X: &str = include_str!("recorded/oembed-abebab-x.json");
const DAY: &str = "#:schema ../docs/day-file.schema.json\n# The day's picks.\ndate = 2020-10-30\npublished = 2020-10-31T09:40:17Z\n";

fn hotpapers(site: &Path, server: &Server, args: &[&str]) -> (Output, String, String) {
    hotpapers_with_timeout(site, server, args, "0.5")
}

fn hotpapers_with_timeout(
    site: &Path,
    server: &Server,
    args: &[&str],
    timeout: &str,
) -> (Output, String, String) {
    run(Command::new(env!("CARGO_BIN_EXE_hotpapers"))
        .arg("--root")
        .arg(site)
        .args(args)
        .env("HOTPAPERS_ARXIV_API", format!("{}/api/query", server.base))
        .env("HOTPAPERS_OEMBED_API", format!("{}/oembed", server.base))
        .env("HOTPAPERS_HTTP_TIMEOUT", timeout))
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("posts")).unwrap();
    std::fs::write(dir.path().join("posts/2020-10-30.toml"), DAY).unwrap();
    dir
}

fn day_file(site: &tempfile::TempDir) -> String {
    std::fs::read_to_string(site.path().join("posts/2020-10-30.toml")).unwrap()
}

/// `add ID` against a server playing `script`, which must fail with exit code 2
/// and leave the day as it was: what it printed on stderr, and the request
/// lines the server saw.
fn add_refused(id: &str, script: Vec<Reply>) -> (String, Vec<String>) {
    let site = site();
    let server = Server::start(script);
    let (out, _, stderr) = hotpapers(site.path(), &server, &["add", id, "--day", "2020-10-30"]);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(day_file(&site), DAY, "the day is left alone");
    (stderr, server.requests())
}

/// `add 2010.15581 2010.15775` against a server playing `script`, which must
/// succeed: when each request came, and its head.
fn add_two(script: Vec<Reply>) -> Vec<(std::time::Instant, String)> {
    let site = site();
    let server = Server::start(script);
    let args = ["add", "2010.15581", "2010.15775", "--day", "2020-10-30"];
    let (out, _, stderr) = hotpapers(site.path(), &server, &args);
    assert!(out.status.success(), "{stderr}");
    assert!(day_file(&site).contains("arxiv = \"2010.15775\""));
    server.heads()
}

#[test]
fn add_looks_papers_up_in_one_request_and_keeps_the_curators_file() {
    let site = site();
    let server = Server::start(vec![Reply::Ok("application/atom+xml", TWO_PAPERS)]);
    let args = [
        "add",
        "2010.15581v1",
        "2010.15775",
        "--day",
        "2020-10-30",
        "--retweets",
        "4696",
        "--favorites",
        "218",
    ];
    let (out, stdout, stderr) = hotpapers(site.path(), &server, &args);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("added 2010.15581 to"), "{stdout}");
    assert_eq!(
        server.requests(),
        ["GET /api/query?id_list=2010.15581%2C2010.15775&max_results=2 HTTP/1.1"]
    );
    let text = day_file(&site);
    assert!(text.starts_with(DAY), "comments and formatting are kept:\n{text}");
    let loaded = hotpapers::load_dir(site.path().join("posts")).unwrap();
    let papers = &loaded.days[0].papers;
    assert_eq!(papers.len(), 2);
    assert_eq!(papers[0].arxiv.as_str(), "2010.15581", "the version is dropped");
    assert_eq!(papers[0].title, "The De-democratization of AI: Deep Learning and the Compute Divide in Artificial Intelligence Research");
    assert_eq!(papers[0].authors, ["Nur Ahmed", "Muntasir Wahed"]);
    assert_eq!(
        papers[0]
            .categories
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["cs.CY", "cs.LG"]
    );
    assert!(papers[0].abstract_.starts_with(
        "Increasingly, modern Artificial Intelligence (AI) research has become more computationally"
    ));
    assert!(papers[0].abstract_.contains("firms & elite universities"));
    assert_eq!(
        papers[0].counts.twitter.map(|t| (t.retweets, t.favorites)),
        Some((4696, 218))
    );
    assert_eq!(
        papers[1]
            .categories
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["cs.LG", "cs.CV", "stat.ML"]
    );
}

#[test]
fn add_records_the_code_a_curator_names_and_refuses_any_other_link() {
    let site = site();
    let server = Server::start(vec![Reply::Ok("application/atom+xml", TWO_PAPERS)]);
    let args = [
        "add",
        "2010.15581",
        "--day",
        "2020-10-30",
        "--code",
        "https://github.com/nurahmed/compute-divide.git",
    ];
    let (out, _, stderr) = hotpapers(site.path(), &server, &args);
    assert!(out.status.success(), "{stderr}");
    assert!(
        day_file(&site)
            .contains("code = { url = \"https://github.com/nurahmed/compute-divide\", stars = 0 }\n"),
        "{}",
        day_file(&site)
    );
    let loaded = hotpapers::load_dir(site.path().join("posts")).unwrap();
    let code = loaded.days[0].papers[0].code.as_ref().unwrap();
    assert_eq!(code.repo(), "nurahmed/compute-divide");

    for bad in [
        "https://gitlab.com/a/b",
        "https://github.com/a",
        "https://github.com/a/b/issues",
        "javascript:alert(1)//https://github.com/a/b",
        "https://github.com/a/..",
    ] {
        let site = self::site();
        let args = ["add", "2010.15581", "--day", "2020-10-30", "--code", bad];
        let (out, _, stderr) = hotpapers(site.path(), &server, &args);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr.contains("is not a GitHub repository URL"), "{stderr}");
        assert_eq!(day_file(&site), DAY, "the day is left alone");
    }
    assert_eq!(server.requests().len(), 1, "a refused link asks arXiv nothing");
}

#[test]
fn an_error_entry_is_a_clear_error_and_the_day_is_left_alone() {
    let (stderr, requests) = add_refused("2010.99999", vec![Reply::Ok("application/atom+xml", ERROR_ENTRY)]);
    assert!(
        stderr.contains("arXiv refused `2010.99999`: incorrect id format for 2010.99999"),
        "{stderr}"
    );
    assert_eq!(requests.len(), 1);
}

#[test]
fn arxiv_s_error_feed_with_http_400_is_read_for_its_reason() {
    // arXiv answers an id it refuses with HTTP 400 and its error feed.
    let (stderr, requests) = add_refused(
        "2010.99999",
        vec![Reply::Answer(400, "application/atom+xml", ERROR_ENTRY)],
    );
    assert!(
        stderr.contains("arXiv refused `2010.99999`: incorrect id format for 2010.99999"),
        "{stderr}"
    );
    assert_eq!(requests.len(), 1, "a 400 is not tried again");
}

#[test]
fn a_429_or_503_is_retried_after_growing_pauses() {
    let site = site();
    let server = Server::start(vec![
        Reply::Status(429),
        Reply::Status(503),
        Reply::Ok("application/atom+xml", TWO_PAPERS),
    ]);
    let started = std::time::Instant::now();
    let (out, _, stderr) = hotpapers(
        site.path(),
        &server,
        &["add", "2010.15581", "2010.15775", "--day", "2020-10-30"],
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        started.elapsed() >= Duration::from_secs(9),
        "at least three seconds between requests"
    );
    assert_eq!(server.requests().len(), 3);
    assert!(day_file(&site).contains("arxiv = \"2010.15775\""));
}

#[test]
fn a_service_that_times_out_is_given_up_on_and_the_day_is_left_alone() {
    let (stderr, requests) = add_refused("2010.15581", vec![Reply::Hang, Reply::Hang, Reply::Hang]);
    assert!(stderr.contains("timed out, 3 times"), "{stderr}");
    assert_eq!(requests.len(), 3, "bounded retries");
}

#[test]
fn tweet_appends_the_embed_under_its_paper() {
    // The oEmbed as it answered with twitter.com links, and as it answers
    // with x.com ones since mid-2026.
    for oembed in [OEMBED, OEMBED_X] {
        let site = site();
        let server = Server::start(vec![
            Reply::Ok("application/atom+xml", TWO_PAPERS),
            Reply::Ok("application/json", oembed),
        ]);
        let (out, _, stderr) = hotpapers(
            site.path(),
            &server,
            &["add", "2010.15581", "2010.15775", "--day", "2020-10-30"],
        );
        assert!(out.status.success(), "{stderr}");
        let url = "https://x.com/Abebab/status/1322229024387727360";
        let (out, stdout, stderr) = hotpapers(
            site.path(),
            &server,
            &["tweet", url, "--paper", "2010.15581", "--day", "2020-10-30"],
        );
        assert!(out.status.success(), "{stderr}");
        assert!(
            stdout.contains("added the tweet by Abeba Birhane under 2010.15581"),
            "{stdout}"
        );
        let requests = server.requests();
        assert_eq!(
            requests[1],
            "GET /oembed?url=https%3A%2F%2Ftwitter.com%2FAbebab%2Fstatus%2F1322229024387727360&omit_script=true HTTP/1.1"
        );
        let loaded = hotpapers::load_dir(site.path().join("posts")).unwrap();
        let tweet = &loaded.days[0].papers[0].tweets[0];
        assert_eq!(
            tweet.url, "https://twitter.com/Abebab/status/1322229024387727360",
            "x.com is normalised"
        );
        assert_eq!(tweet.author, "Abeba Birhane");
        assert_eq!(tweet.date, time::macros::date!(2020 - 10 - 30));
        // The same text the legacy post shows for this tweet.
        let legacy = include_str!("../../tests/golden/2020-10-30---Hot-Papers.md");
        assert!(legacy.contains(&format!(
            "dir=\"ltr\">{}</p>&mdash; Abeba Birhane (@Abebab)",
            tweet.text
        )));
    }
}

#[test]
fn requests_say_what_they_accept_and_who_asks() {
    let heads = add_two(vec![Reply::Ok("application/atom+xml", TWO_PAPERS)]);
    let head = heads[0].1.to_ascii_lowercase();
    assert!(head.contains("\r\naccept: application/atom+xml\r\n"), "{head}");
    assert!(head.contains("\r\nuser-agent: hotpapers/"), "{head}");

    // With a contact address, as arXiv's terms ask: the settings' commit
    // author's, or HOTPAPERS_CONTACT.
    let site = site();
    std::fs::write(
        site.path().join("hotpapers.toml"),
        "[commit]\nauthor = 'Papers Bot <bot@papers.example.org>'\n",
    )
    .unwrap();
    let server = Server::start(vec![Reply::Ok("application/atom+xml", TWO_PAPERS)]);
    let (out, _, stderr) = hotpapers(
        site.path(),
        &server,
        &["add", "2010.15581", "2010.15775", "--day", "2020-10-30"],
    );
    assert!(out.status.success(), "{stderr}");
    let head = server.heads()[0].1.to_ascii_lowercase();
    assert!(head.contains("; mailto:bot@papers.example.org)\r\n"), "{head}");
}

#[test]
fn a_redirect_to_another_host_is_refused_and_one_on_the_same_host_followed() {
    let location = "Location: http://evil.example/api/query?id_list=x\r\n";
    let (stderr, requests) = add_refused("2010.15581", vec![Reply::Headers(302, location.into())]);
    assert!(
        stderr.contains("redirects to `http://evil.example/api/query?id_list=x`, another host; refused"),
        "{stderr}"
    );
    assert_eq!(requests.len(), 1);

    let same_host = "Location: /api/v2/query?id_list=2010.15581,2010.15775\r\n";
    let heads = add_two(vec![
        Reply::Headers(301, same_host.into()),
        Reply::Ok("application/atom+xml", TWO_PAPERS),
    ]);
    assert!(heads[1].1.starts_with("GET /api/v2/query?id_list="), "{heads:?}");

    // A relative reference (RFC 9110, section 10.2.2) resolves against the
    // URL asked: `/api/query` to `/api/v2/query`. A URL without a host of its
    // own (`//host`) is another host.
    let relative = "Location: v2/query?id_list=2010.15581,2010.15775#top\r\n";
    let heads = add_two(vec![
        Reply::Headers(307, relative.into()),
        Reply::Ok("application/atom+xml", TWO_PAPERS),
    ]);
    assert!(
        heads[1]
            .1
            .starts_with("GET /api/v2/query?id_list=2010.15581,2010.15775 "),
        "{heads:?}"
    );
    let scheme_relative = "Location: //evil.example/api/query\r\n";
    let (stderr, requests) = add_refused("2010.15581", vec![Reply::Headers(302, scheme_relative.into())]);
    assert!(stderr.contains("another host; refused"), "{stderr}");
    assert_eq!(requests.len(), 1);
}

#[test]
fn a_406_is_retried_after_the_pause_retry_after_asks_for() {
    let heads = add_two(vec![
        Reply::Headers(406, "Retry-After: 5\r\n".into()),
        Reply::Ok("application/atom+xml", TWO_PAPERS),
    ]);
    assert_eq!(heads.len(), 2);
    assert!(
        // The client stamps its request before sending it and the server after
        // reading it: a few milliseconds of slack either way.
        heads[1].0 - heads[0].0 >= Duration::from_millis(4900),
        "Retry-After honoured: {:?}",
        heads[1].0 - heads[0].0
    );

    let too_long = vec![Reply::Headers(429, "Retry-After: 86400\r\n".into())];
    let (stderr, _) = add_refused("2010.15581", too_long);
    assert!(
        stderr.contains(
            "HTTP 429; the service asks to wait 86400 s, longer than its 120 s window; try again after"
        ),
        "{stderr}"
    );
}

#[test]
fn the_three_seconds_hold_across_processes() {
    let site = site();
    let server = Server::start(vec![
        Reply::Ok("application/atom+xml", TWO_PAPERS),
        Reply::Ok("application/atom+xml", TWO_PAPERS),
    ]);
    // One process after the other, as a shell loop runs them.
    for id in ["2010.15581", "2010.15775"] {
        let (out, _, stderr) = hotpapers(site.path(), &server, &["add", id, "--day", "2020-10-30"]);
        assert!(out.status.success(), "{stderr}");
    }
    let heads = server.heads();
    assert_eq!(heads.len(), 2);
    assert!(
        heads[1].0 - heads[0].0 >= Duration::from_millis(2900),
        "{:?}",
        heads[1].0 - heads[0].0
    );
}

#[test]
fn a_timeout_that_is_not_a_number_of_seconds_is_a_clear_error() {
    let site = site();
    for bad in ["-1", "inf", "NaN", "0", "ten"] {
        let server = Server::start(vec![]);
        let (out, _, stderr) = hotpapers_with_timeout(
            site.path(),
            &server,
            &["add", "2010.15581", "--day", "2020-10-30"],
            bad,
        );
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "HOTPAPERS_HTTP_TIMEOUT=`{bad}` is not a number of seconds"
            )),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
