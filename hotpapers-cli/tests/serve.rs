//! `hotpapers serve`, end to end on 127.0.0.1: a page is served, and the
//! search index after it, an edit to a day-file changes both and tells open
//! pages to reload, a broken day-file shows
//! over the page with its location, a fix clears it, and Ctrl-C stops the server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{copy_dir, project_dir};

/// The server, with the address it printed.
struct Server {
    child: Child,
    origin: String,
    output: Option<BufReader<std::process::ChildStdout>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hotpapers"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let origin = loop {
        line.clear();
        assert!(
            output.read_line(&mut line).unwrap() > 0,
            "the server ended before serving"
        );
        if let Some(rest) = line.strip_prefix("serving ") {
            break rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_owned();
        }
    };
    assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
    Server {
        child,
        origin,
        output: Some(output),
    }
}

fn get(url: &str) -> (u16, String) {
    let response = ureq::get(url)
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    let status = response.status().as_u16();
    (status, response.into_body().read_to_string().unwrap())
}

/// An open page's event stream.
fn listen(origin: &str) -> TcpStream {
    let address = origin.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET /__hotpapers/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    stream
}

/// Reads the stream until `data: reload`; how long it took.
fn reloaded(stream: &mut TcpStream, within: Duration) -> Duration {
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut buffer = [0; 512];
    while started.elapsed() < within {
        match stream.read(&mut buffer) {
            Ok(0) => panic!("the event stream ended"),
            Ok(n) => {
                seen.extend_from_slice(&buffer[..n]);
                if String::from_utf8_lossy(&seen).contains("data: reload") {
                    return started.elapsed();
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("{e}"),
        }
    }
    panic!(
        "no reload within {within:?}; got {:?}",
        String::from_utf8_lossy(&seen)
    );
}

/// Polls `url` until its body satisfies `test`.
fn eventually(url: &str, test: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let (_, body) = get(url);
        if test(&body) {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{url} never changed:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_previews_edits_problems_and_fixes_live() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for folder in ["posts", "templates", "static"] {
        copy_dir(&project_dir().join(folder), &root.join(folder));
    }
    let mut server = start(root);
    let origin = server.origin.clone();

    let (status, index) = get(&format!("{origin}/"));
    assert_eq!(status, 200);
    assert!(index.contains("Hot Papers 2020-12-07"), "{index}");
    assert!(
        index.contains(r#"href="&#x2f;posts&#x2f;hot-papers-2020-10-30&#x2f;""#),
        "{index}"
    );
    // The open data and the JSON Feed as JSON, which a script reads.
    let response = ureq::get(&format!("{origin}/data/index.json")).call().unwrap();
    assert_eq!(response.headers()["content-type"], "application/json");
    let (status, feed) = get(&format!("{origin}/feed.json"));
    assert_eq!(status, 200);
    assert!(
        feed.contains("\"version\": \"https://jsonfeed.org/version/1.1\""),
        "{feed}"
    );
    let (status, missing) = get(&format!("{origin}/no/such/page/"));
    assert_eq!(status, 404);
    assert!(missing.contains("Not found"));
    // The search index follows, built in the background.
    let entry = format!("{origin}/pagefind/pagefind-entry.json");
    let indexed = eventually(&entry, |body| body.contains("\"languages\""));
    assert_eq!(get(&format!("{origin}/pagefind/pagefind.js")).0, 200);

    // An edit: open pages are told to reload, and the page shows it.
    let post = format!("{origin}/posts/hot-papers-2020-10-30/");
    let day = root.join("posts/2020-10-30.toml");
    let text = std::fs::read_to_string(&day).unwrap();
    let mut events = listen(&origin);
    std::thread::sleep(Duration::from_millis(300));
    let edited = text.replace(
        "Ray-marching Thurston geometries",
        "Ray-marching Thurston geometries, edited",
    );
    std::fs::write(&day, &edited).unwrap();
    let took = reloaded(&mut events, Duration::from_secs(5));
    eprintln!("reload event {took:?} after the save");
    let page = get(&post).1;
    assert!(
        page.contains("Ray-marching Thurston geometries, edited"),
        "{page}"
    );
    // So does the index: Pagefind names its meta file by what it holds.
    eventually(&entry, |body| body.contains("\"languages\"") && body != indexed);

    // A broken day-file: the problem over the last good page, located.
    let broken = edited.replacen(
        "published = 2020-10-31T09:40:17Z",
        "published = 2020-10-31T09:40:17",
        1,
    );
    assert_ne!(broken, edited);
    std::fs::write(&day, &broken).unwrap();
    let page = eventually(&post, |p| p.contains("hotpapers-problem"));
    assert!(page.contains("posts&#x2f;2020-10-30.toml:2:13"), "{page}");
    assert!(page.contains("^^^"), "{page}");
    assert!(
        page.contains("Ray-marching Thurston geometries, edited"),
        "the last good page stays under it"
    );

    // Fixed: the problem is gone.
    std::fs::write(&day, &text).unwrap();
    let page = eventually(&post, |p| !p.contains("hotpapers-problem"));
    assert!(!page.contains("geometries, edited"));

    // Ctrl-C: a clean stop.
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    server.output.take().unwrap().read_to_string(&mut rest).unwrap();
    assert!(rest.contains("stopped"), "{rest}");
}

/// Every line the server prints from now on, gathered as it prints them.
fn lines(server: &mut Server) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut output = server.output.take().unwrap();
    let into = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut line = String::new();
        while output.read_line(&mut line).is_ok_and(|n| n > 0) {
            into.lock().unwrap().push(std::mem::take(&mut line));
        }
    });
    seen
}

/// The inotify watches the process holds, from `/proc`.
fn inotify_watches(pid: u32) -> usize {
    let mut watches = 0;
    for entry in std::fs::read_dir(format!("/proc/{pid}/fdinfo"))
        .unwrap()
        .flatten()
    {
        let info = std::fs::read_to_string(entry.path()).unwrap_or_default();
        watches += info.lines().filter(|l| l.starts_with("inotify wd:")).count();
    }
    watches
}

#[test]
fn serve_watches_folders_made_late_or_made_again_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for folder in ["templates", "static"] {
        copy_dir(&project_dir().join(folder), &root.join(folder));
    }
    // A link in `static/` to a large tree: the blog never reads through it.
    let big = tempfile::tempdir().unwrap();
    for i in 0..200 {
        std::fs::create_dir_all(big.path().join(format!("{i}/inner"))).unwrap();
    }
    std::os::unix::fs::symlink(big.path(), root.join("static/big")).unwrap();
    let mut server = start(root);
    let origin = server.origin.clone();
    let printed = lines(&mut server);
    let watches = inotify_watches(server.child.id());
    assert!(watches < 20, "{watches} inotify watches");

    // No `posts/` at the start: made later, it is watched.
    std::fs::create_dir(root.join("posts")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(
        root.join("posts/2020-10-30.toml"),
        std::fs::read(project_dir().join("posts/2020-10-30.toml")).unwrap(),
    )
    .unwrap();
    eventually(&format!("{origin}/"), |p| p.contains("Hot Papers 2020-10-30"));

    // Deleted and made again: watched again.
    std::fs::remove_dir_all(root.join("posts")).unwrap();
    eventually(&format!("{origin}/"), |p| p.contains("hotpapers-problem"));
    std::fs::create_dir(root.join("posts")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(
        root.join("posts/2020-12-07.toml"),
        std::fs::read(project_dir().join("posts/2020-12-07.toml")).unwrap(),
    )
    .unwrap();
    eventually(&format!("{origin}/"), |p| {
        p.contains("Hot Papers 2020-12-07") && !p.contains("hotpapers-problem")
    });

    // A log written beside the site is not what the blog reads: no render.
    std::thread::sleep(Duration::from_millis(500));
    let renders = || {
        printed
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("rendered"))
            .count()
    };
    let before = renders();
    for i in 0..10 {
        std::fs::write(root.join("serve.log"), format!("line {i}\n")).unwrap();
        std::fs::write(root.join("static/.style.css.swp"), format!("{i}")).unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(renders(), before, "{:?}", printed.lock().unwrap());
}

/// One request written by hand, with the `Host` header given; the status.
fn status_with_host(origin: &str, path: &str, host: &str) -> u16 {
    let address = origin.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response:?}"))
}

#[test]
fn serve_answers_only_to_its_own_names_and_decodes_paths_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for folder in ["posts", "templates", "static"] {
        copy_dir(&project_dir().join(folder), &root.join(folder));
    }
    std::fs::write(root.join("static/my file.css"), "body{}\n").unwrap();
    std::fs::write(root.join("static/café.txt"), "café\n").unwrap();
    let server = start(root);
    let origin = server.origin.clone();
    let port = origin.rsplit(':').next().unwrap();

    // A page on another site whose name points at 127.0.0.1 (DNS rebinding).
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "127.0.0.1",
        "localhost:1",
    ] {
        assert_eq!(status_with_host(&origin, "/", host), 421, "{host}");
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(status_with_host(&origin, "/", &host), 200, "{host}");
    }

    assert_eq!(
        get(&format!("{origin}/my%20file.css")),
        (200, "body{}\n".to_owned())
    );
    assert_eq!(
        get(&format!("{origin}/caf%C3%A9.txt")),
        (200, "café\n".to_owned())
    );
    let host = format!("127.0.0.1:{port}");
    for bad in ["/%2e%2e/etc/passwd", "/a/%2E%2E/b", "/a%00b", "/a%5cb", "/%ff"] {
        assert_eq!(status_with_host(&origin, bad, &host), 400, "{bad}");
    }
}
