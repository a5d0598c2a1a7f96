//! `hotpapers serve`, end to end on 127.0.0.1: a page is served, an edit to a
//! day-file changes it and tells open pages to reload, a broken day-file shows
//! over the page with its location, a fix clears it, and Ctrl-C stops the server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::project_dir;

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// The server, with the address it printed.
struct Server {
    child: Child,
    origin: String,
    output: BufReader<std::process::ChildStdout>,
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
        output,
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
        copy(&project_dir().join(folder), &root.join(folder));
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
    let (status, missing) = get(&format!("{origin}/no/such/page/"));
    assert_eq!(status, 404);
    assert!(missing.contains("Not found"));

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
    server.output.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("stopped"), "{rest}");
}
