//! `hotpapers serve`: the blog rendered from the day-files at run time, by the
//! same code as the build, served from memory on 127.0.0.1, and re-rendered
//! when a day-file, the settings, a template or a static file changes. Open
//! pages reload themselves (server-sent events); a broken day-file or template
//! shows over the page as the build would report it, until it is fixed. The
//! search index (`/pagefind/`, as `hotpapers search build` makes it) follows
//! each render in the background, so pages never wait for it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use notify::{RecursiveMode, Watcher as _};

/// Where open pages listen for "render again".
const EVENTS: &str = "/__hotpapers/events";

/// What the server shows: the last good render, and the problem that stops a
/// newer one, if any.
#[derive(Default)]
struct Shown {
    /// Bumped on every render, good or bad; pages reload when it moves.
    version: u64,
    files: HashMap<String, Vec<u8>>,
    problem: Option<String>,
    /// The search index of the newest render it was built for, by path
    /// (`/pagefind/…`); empty until the first is built.
    index: HashMap<String, Vec<u8>>,
}

struct State {
    shown: Mutex<Shown>,
    changed: Condvar,
    /// Where a good render sends its search documents to be indexed.
    indexer: mpsc::Sender<Vec<hotpapers::SearchDocument>>,
}

pub(crate) fn run(root: &Path, port: u16) -> anyhow::Result<()> {
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let address = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    let origin = format!("http://{address}");
    let (indexer, documents) = mpsc::channel();
    let state = Arc::new(State {
        shown: Mutex::new(Shown::default()),
        changed: Condvar::new(),
        indexer,
    });
    index_in_background(documents, Arc::clone(&state));
    render(root, &origin, &state);
    watch(root, &origin, &state)?;
    {
        let server = Arc::new(server);
        let stop = Arc::clone(&server);
        ctrlc::set_handler(move || stop.unblock()).context("cannot handle Ctrl-C")?;
        println!("serving {origin}/ (Ctrl-C stops)");
        let port = address.port();
        for request in server.incoming_requests() {
            let state = Arc::clone(&state);
            std::thread::spawn(move || respond(request, &state, port));
        }
    }
    println!("stopped");
    Ok(())
}

/// Renders the site at `root` into `state`; a problem keeps the last good pages
/// and is shown over them.
fn render(root: &Path, origin: &str, state: &State) {
    let started = Instant::now();
    let result = render_site(root, origin);
    let mut shown = state.shown.lock().unwrap_or_else(|e| e.into_inner());
    shown.version += 1;
    match result {
        Ok((files, documents)) => {
            println!("rendered {} files in {:.0?}", files.len(), started.elapsed());
            shown.files = files;
            shown.problem = None;
            let _ = state.indexer.send(documents);
        }
        Err(problem) => {
            eprintln!("{problem}");
            shown.problem = Some(problem);
        }
    }
    state.changed.notify_all();
}

/// The whole site as `cargo run` renders it, with links to this server, and
/// the documents of its search index.
type Rendered = (HashMap<String, Vec<u8>>, Vec<hotpapers::SearchDocument>);

fn render_site(root: &Path, origin: &str) -> Result<Rendered, String> {
    let crate::day::BlogSources {
        mut site,
        days,
        theme,
    } = crate::day::blog_sources(root)?;
    site.blog.url = origin.to_owned();
    let files = hotpapers::render_blog(&site, &days, &theme).map_err(|e| e.to_string())?;
    let records = hotpapers::search_records(&site, &days, &theme).map_err(|e| e.to_string())?;
    let files = files
        .into_iter()
        .map(|f| (format!("/{}", f.path), f.bytes.into_owned()))
        .collect();
    Ok((files, hotpapers::search_documents(&records)))
}

/// Builds the search index of each good render on a thread of its own, the
/// newest render's only when several wait, and serves it once it is whole.
fn index_in_background(documents: mpsc::Receiver<Vec<hotpapers::SearchDocument>>, state: Arc<State>) {
    std::thread::spawn(move || {
        while let Ok(mut newest) = documents.recv() {
            while let Ok(newer) = documents.try_recv() {
                newest = newer;
            }
            let started = Instant::now();
            match super::search::index(&newest) {
                Ok(files) => {
                    println!(
                        "search index of {} day(s) in {:.0?}",
                        newest.len(),
                        started.elapsed()
                    );
                    let index = files
                        .into_iter()
                        .map(|(path, bytes)| (format!("/{}/{path}", hotpapers::SEARCH_DIR), bytes))
                        .collect();
                    state.shown.lock().unwrap_or_else(|e| e.into_inner()).index = index;
                }
                Err(error) => eprintln!("the search index: {error:#}"),
            }
        }
    });
}

/// What the blog reads under `root`: the settings file, the day-files' folder,
/// the templates and the static files. Only changes there render again, so a
/// log written beside them does not make the preview render in a loop.
struct Sources {
    root: PathBuf,
    settings: PathBuf,
    /// The day-files', the templates' and the static files' folders.
    folders: Vec<PathBuf>,
}

impl Sources {
    fn of(root: &Path) -> Sources {
        let site = hotpapers::Site::load(root).unwrap_or_default();
        Sources {
            root: root.to_owned(),
            settings: root.join(hotpapers::SITE_FILE),
            folders: [
                site.posts_dir.as_str(),
                hotpapers::TEMPLATES_DIR,
                hotpapers::STATIC_DIR,
            ]
            .iter()
            .map(|dir| root.join(dir))
            .collect(),
        }
    }

    /// Whether a change at `path` can change the site: the settings, a file in
    /// one of the folders that the theme does not skip (hidden files, editors'
    /// backups), or a folder on the way to one of them (made or removed).
    fn reads(&self, path: &Path) -> bool {
        if path == self.settings {
            return true;
        }
        self.folders.iter().any(|folder| {
            if folder.starts_with(path) {
                return path != self.root;
            }
            path.strip_prefix(folder).is_ok_and(|inside| {
                inside.components().all(|part| {
                    let name = part.as_os_str().to_string_lossy();
                    !name.starts_with('.') && !name.ends_with('~')
                })
            })
        })
    }

    /// Watches the root (for the settings file and folders made there), each
    /// folder that exists, and, for one that does not, the nearest folder on
    /// its way that does, so its making is seen. Links are never followed: the
    /// blog does not read through them. Called again after every change, as a
    /// folder deleted and made again has lost its watch.
    fn arm(&self, watcher: &mut notify::RecommendedWatcher, armed: &mut Vec<PathBuf>) -> anyhow::Result<()> {
        for path in armed.drain(..) {
            let _ = watcher.unwatch(&path);
        }
        let mut watch = |path: &Path, mode| -> anyhow::Result<()> {
            watcher
                .watch(path, mode)
                .with_context(|| format!("cannot watch `{}`", path.display()))?;
            armed.push(path.to_owned());
            Ok(())
        };
        watch(&self.root, RecursiveMode::NonRecursive)?;
        for folder in &self.folders {
            let relative = folder.strip_prefix(&self.root).unwrap_or(folder);
            let linked = hotpapers::first_link(&self.root, &relative.to_string_lossy())
                .ok()
                .flatten();
            if linked.is_some() {
                continue;
            }
            if folder.is_dir() {
                watch(folder, RecursiveMode::Recursive)?;
            } else if let Some(existing) = folder.ancestors().skip(1).find(|a| a.is_dir()) {
                if existing != self.root && existing.starts_with(&self.root) {
                    watch(existing, RecursiveMode::NonRecursive)?;
                }
            }
        }
        Ok(())
    }
}

/// Watches what the site is made of; each burst of changes renders once.
fn watch(root: &Path, origin: &str, state: &Arc<State>) -> anyhow::Result<()> {
    let sources = Sources::of(root);
    let (send, receive) = std::sync::mpsc::channel();
    let mut watcher = notify::RecommendedWatcher::new(
        move |event: notify::Result<notify::Event>| match event {
            Ok(event) if !event.kind.is_access() => {
                let _ = send.send(event.paths);
            }
            _ => {}
        },
        notify::Config::default().with_follow_symlinks(false),
    )
    .context("cannot watch the site's files")?;
    let mut armed = Vec::new();
    sources.arm(&mut watcher, &mut armed)?;
    let (origin, state) = (origin.to_owned(), Arc::clone(state));
    std::thread::spawn(move || {
        let relevant = |paths: Vec<PathBuf>| paths.iter().any(|p| sources.reads(p));
        while let Ok(paths) = receive.recv() {
            if !relevant(paths) {
                continue;
            }
            // Editors save in several steps: wait for the burst to end.
            while receive.recv_timeout(Duration::from_millis(100)).is_ok() {}
            if let Err(error) = sources.arm(&mut watcher, &mut armed) {
                eprintln!("{error:#}");
            }
            render(&sources.root, &origin, &state);
        }
    });
    Ok(())
}

/// The request's path, percent-decoded once (as GitHub Pages serves
/// `/caf%C3%A9.txt`); `None` for one that is not UTF-8 or that holds a `..`
/// segment, a NUL or a backslash once decoded.
fn request_path(url: &str) -> Option<String> {
    let raw = url.split(['?', '#']).next().unwrap_or("/");
    let path = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    let bad = path.contains(['\0', '\\']) || path.split('/').any(|segment| segment == "..");
    (!bad && path.starts_with('/')).then(|| path.into_owned())
}

/// Whether the request names this server as its host: `127.0.0.1:PORT`,
/// `localhost:PORT` or `[::1]:PORT`. A page on another site that points its
/// own name at 127.0.0.1 (DNS rebinding) sends its own name, and is refused
/// the preview and its problem overlay (unpublished day-file lines).
fn host_allowed(request: &tiny_http::Request, port: u16) -> bool {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase());
    host.is_some_and(|host| {
        ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .any(|name| host == format!("{name}:{port}"))
    })
}

fn respond(request: tiny_http::Request, state: &State, port: u16) {
    if !host_allowed(&request, port) {
        let response =
            tiny_http::Response::from_string("this preview answers only to 127.0.0.1, localhost and [::1]\n")
                .with_status_code(421);
        let _ = request.respond(response);
        return;
    }
    let Some(path) = request_path(request.url()) else {
        let _ = request.respond(tiny_http::Response::from_string("bad path\n").with_status_code(400));
        return;
    };
    if path == EVENTS {
        events(request.into_writer(), state);
        return;
    }
    let (status, kind, body) = {
        let shown = state.shown.lock().unwrap_or_else(|e| e.into_inner());
        let key = if path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.clone()
        };
        let found = shown.files.get(&key).or_else(|| shown.index.get(&key));
        let (status, key, body) = match found {
            Some(body) => (200, key, body.clone()),
            None => (
                404,
                "/404.html".to_owned(),
                shown.files.get("/404.html").cloned().unwrap_or_default(),
            ),
        };
        let kind = content_type(&key);
        let body = if kind.starts_with("text/html") {
            live(&body, shown.problem.as_deref())
        } else {
            body
        };
        (status, kind, body)
    };
    let response = tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name, value).unwrap_or_else(|()| unreachable!("a valid header"))
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The reload script, and the problem over the page when there is one, written
/// by minijinja so the problem's text is escaped like any other. The script's
/// URL is [`EVENTS`], written out: inside `<script>` nothing is unescaped.
const LIVE: &str = r#"{% if problem %}<div id="hotpapers-problem" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem;background:rgba(20,20,24,.94);color:#f4f4f4;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace"><p style="margin:0 0 1rem;color:#ff8a80;font-weight:bold">hotpapers: the site cannot be rendered; fix this and save</p><pre style="white-space:pre-wrap;margin:0">{{ problem }}</pre></div>{% endif %}<script>new EventSource("/__hotpapers/events").onmessage = () => location.reload();</script>"#;

/// A page with the live-reload script and the problem, before `</body>`.
fn live(page: &[u8], problem: Option<&str>) -> Vec<u8> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    let snippet = env
        .render_str(LIVE, minijinja::context! { problem })
        .unwrap_or_default();
    let page = if page.is_empty() {
        b"<!doctype html><title>hotpapers</title><body></body>".as_slice()
    } else {
        page
    };
    let at = page
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(page.len());
    [&page[..at], snippet.as_bytes(), &page[at..]].concat()
}

/// The event stream of one open page: a `reload` each time the site is rendered
/// again, and a comment every 15 s, so a closed page ends the stream. Written
/// to the connection directly, each event flushed as it happens (the server's
/// own responses are buffered).
fn events(mut out: Box<dyn std::io::Write + Send>, state: &State) {
    use std::io::Write as _;
    let mut seen = state.shown.lock().map(|s| s.version).unwrap_or_default();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n";
    if out.write_all(head.as_bytes()).and_then(|()| out.flush()).is_err() {
        return;
    }
    loop {
        let event: &[u8] = {
            let shown = state.shown.lock().unwrap_or_else(|e| e.into_inner());
            let (shown, waited) = state
                .changed
                .wait_timeout_while(shown, Duration::from_secs(15), |s| s.version == seen)
                .unwrap_or_else(|e| e.into_inner());
            seen = shown.version;
            if waited.timed_out() {
                b": still here\n\n"
            } else {
                b"data: reload\n\n"
            }
        };
        if out.write_all(event).and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reload_script_listens_where_events_are_sent() {
        assert!(LIVE.contains(&format!("new EventSource(\"{EVENTS}\")")));
        let page = live(b"<html><body><p>x</p></body></html>", None);
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.contains("<p>x</p><script>new EventSource(\"/__hotpapers/events\")"),
            "{page}"
        );
        assert!(page.ends_with("</script></body></html>"), "{page}");
        assert!(!page.contains("hotpapers-problem"));
    }

    #[test]
    fn a_problem_is_escaped_over_the_page() {
        let page = live(b"<body></body>", Some("posts/a.toml:1:1: <script>x</script>"));
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("&lt;script&gt;x&lt;&#x2f;script&gt;"), "{page}");
        assert_eq!(page.matches("<script>").count(), 1, "{page}");
    }
}
