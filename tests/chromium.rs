//! Headless Chromium for the tests that open pages: the browser (Debian's
//! `chromium` package), a static host on 127.0.0.1, and a visit that returns
//! the DOM after scripts ran and the page's own uncaught errors (the curator
//! tools' tests and `cargo xtask bench` include this file too).
//!
//! Without Chromium a test says so and passes, so `cargo test` works on a
//! machine with only the Rust toolchain; CI sets `HOTPAPERS_BROWSER_TESTS=required`
//! (in `.ci/run`, which installs Chromium) and then a missing browser fails.

// Each of its three users takes what it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The browser, or `None` (said on stderr) when it is not installed and not
/// required.
pub fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("HOTPAPERS_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    let required = std::env::var("HOTPAPERS_BROWSER_TESTS").is_ok_and(|v| v == "required");
    assert!(
        !required,
        "HOTPAPERS_BROWSER_TESTS=required, but there is no {}",
        path.display()
    );
    eprintln!(
        "browser tests skipped: no {} (apt-get install -y chromium)",
        path.display()
    );
    None
}

/// What a server sent: each request's URL and the bytes of its body, in order.
pub type Served = std::sync::Arc<std::sync::Mutex<Vec<(String, usize)>>>;

/// Serves `root` on 127.0.0.1 from a thread, as a static host would: a folder's
/// `index.html`, and `404.html` for what is not there.
pub fn serve(root: &Path) -> String {
    serve_logged(root).0
}

/// Like [`serve`], and records what it sent (`cargo xtask bench` counts what
/// a search downloads with it: the index is fetched by a worker, whose
/// requests are not in the page's resource timings).
pub fn serve_logged(root: &Path) -> (String, Served) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let address = format!("http://{}", server.server_addr().to_ip().unwrap());
    let root = root.to_owned();
    let served = Served::default();
    let log = served.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let path = request.url().split(['?', '#']).next().unwrap_or("/").to_owned();
            let mut file = root.join(path.trim_start_matches('/'));
            if path.ends_with('/') {
                file = file.join("index.html");
            }
            let (status, file) = if file.is_file() && !path.contains("..") {
                (200, file)
            } else {
                (404, root.join("404.html"))
            };
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css",
                Some("svg") => "image/svg+xml",
                Some("xml") => "application/xml",
                // A module script must come as JavaScript (the search page
                // imports Pagefind's).
                Some("js") => "text/javascript",
                Some("json") => "application/json",
                _ => "application/octet-stream",
            };
            let body = std::fs::read(&file).unwrap_or_default();
            if let Ok(mut log) = log.lock() {
                log.push((request.url().to_owned(), body.len()));
            }
            let response = tiny_http::Response::from_data(body)
                .with_status_code(status)
                .with_header(tiny_http::Header::from_bytes("Content-Type", kind).unwrap());
            let _ = request.respond(response);
        }
    });
    (address, served)
}

/// What Chromium made of a page: the DOM after scripts ran, and the uncaught
/// JavaScript errors whose source is `origin`.
pub struct Visit {
    pub dom: String,
    pub errors: Vec<String>,
}

pub fn visit(browser: &Path, url: &str, origin: &str, screenshot: Option<(&Path, &str)>) -> Visit {
    visit_for(browser, url, origin, screenshot, 10_000)
}

/// Like [`visit`], with `budget` milliseconds of the page's virtual time.
fn visit_for(
    browser: &Path,
    url: &str,
    origin: &str,
    screenshot: Option<(&Path, &str)>,
    budget: u32,
) -> Visit {
    let profile = tempfile::tempdir().unwrap();
    let mut command = Command::new(browser);
    command
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        .args(["--enable-logging=stderr", "--v=0"])
        // The DOM is taken once the page's own fetches and timers are done
        // (the search page loads its index after the page has loaded).
        .arg(format!("--virtual-time-budget={budget}"))
        .arg(format!("--user-data-dir={}", profile.path().display()));
    match screenshot {
        Some((file, size)) => {
            command.arg(format!("--screenshot={}", file.display()));
            command.arg(format!("--window-size={size}"));
        }
        None => {
            command.arg("--dump-dom");
        }
    }
    let output = command.arg(url).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors = stderr
        .lines()
        .filter(|l| {
            l.contains(":CONSOLE") && l.contains("Uncaught") && l.contains(&format!("source: {origin}"))
        })
        .map(str::to_owned)
        .collect();
    Visit {
        dom: String::from_utf8_lossy(&output.stdout).into_owned(),
        errors,
    }
}

/// Where [`visit_settled`] writes its harness, in the served folder.
pub const HARNESS: &str = "__settled.html";

/// Like [`visit`], for a page that finishes after it has loaded (the search
/// page fetches its index from a worker, which headless Chromium's virtual
/// time does not wait for): the page at `path` is opened in a frame that fills
/// a harness page written into `root`, which asks the server for something
/// until `ready` (JavaScript, with the frame's `doc`) is true, so that the
/// browser's virtual time stands still until then. A visit without a
/// screenshot returns the frame's DOM.
///
/// Virtual time still runs between two of those requests, and runs ahead to
/// the page's next timer: Pagefind races its worker's start against a 5 s
/// timer and sleeps while it waits, so a page that searches spends seconds
/// of virtual time while it waits for its index. Ten seconds were not always
/// enough; the harness has two minutes, which it spends only while `ready`
/// is false or in timers that are due anyway.
pub fn visit_settled(
    browser: &Path,
    root: &Path,
    origin: &str,
    path: &str,
    ready: &str,
    screenshot: Option<(&Path, &str)>,
) -> Visit {
    let copy = if screenshot.is_some() {
        ""
    } else {
        "document.body.innerHTML = frame.contentDocument.documentElement.outerHTML;"
    };
    let harness = format!(
        r#"<!doctype html><meta charset="utf-8"><title>settled</title>
<style>html, body {{ margin: 0; height: 100%; }} iframe {{ border: 0; display: block; width: 100%; height: 100%; }}</style>
<iframe id="frame"></iframe>
<script>
const frame = document.getElementById("frame");
const ready = () => {{ const doc = frame.contentDocument; try {{ return doc && doc.readyState === "complete" && ({ready}); }} catch (e) {{ return false; }} }};
frame.src = decodeURIComponent(location.hash.slice(1));
(async () => {{
  for (let i = 0; i < 200000 && !ready(); i++) {{
    await fetch("{HARNESS}?poll=" + i, {{ cache: "no-store" }});
  }}
  {copy}
}})();
</script>
"#
    );
    std::fs::write(root.join(HARNESS), harness).unwrap();
    let target: String = path
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    visit_for(
        browser,
        &format!("{origin}/{HARNESS}#{target}"),
        origin,
        screenshot,
        120_000,
    )
}
