//! Local stand-ins for the services the tools talk to: an HTTP server on
//! 127.0.0.1 that answers each path with scripted replies in the service's
//! documented shape, and records every request.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One answer of the fake services.
#[derive(Clone)]
pub enum Reply {
    Json(&'static str),
    Xml(&'static str),
    /// A status with a header, such as `Retry-After`.
    Status(u16, Option<(&'static str, &'static str)>),
    /// A status with headers and a body, as a service answers an error.
    Full(u16, Vec<(&'static str, &'static str)>, &'static str),
}

/// The services, routed by path: each route plays its replies in order and
/// then repeats its last one. Every request line is recorded with its time.
pub struct Services {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    seen: Arc<Mutex<Vec<(Instant, String)>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Services {
    /// Serves `routes` until dropped.
    pub fn start(routes: Vec<(&'static str, Vec<Reply>)>) -> Services {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let base = format!("http://{}", server.server_addr().to_ip().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut routes: HashMap<&'static str, VecDeque<Reply>> = routes
            .into_iter()
            .map(|(path, replies)| (path, replies.into()))
            .collect();
        let (listener, log) = (Arc::clone(&server), Arc::clone(&seen));
        let thread = std::thread::spawn(move || {
            for mut request in listener.incoming_requests() {
                let url = request.url().to_owned();
                let mut line = format!("{} {url}", request.method());
                if let Some(auth) = request.headers().iter().find(|h| h.field.equiv("Authorization")) {
                    line.push_str(&format!(" [{}]", auth.value));
                }
                if let Some(key) = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Idempotency-Key"))
                {
                    line.push_str(&format!(" {{{}}}", key.value));
                }
                let mut body = String::new();
                let _ = std::io::Read::read_to_string(request.as_reader(), &mut body);
                if !body.is_empty() {
                    line.push_str(&format!(" {body}"));
                }
                log.lock().unwrap().push((Instant::now(), line));
                let path = url.split('?').next().unwrap_or_default();
                let reply = routes.get_mut(path).and_then(|queue| {
                    if queue.len() > 1 {
                        queue.pop_front()
                    } else {
                        queue.front().cloned()
                    }
                });
                let response = match reply {
                    Some(Reply::Json(body)) => tiny_http::Response::from_string(body).with_header(
                        "Content-Type: application/json"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    ),
                    Some(Reply::Xml(body)) => tiny_http::Response::from_string(body).with_header(
                        "Content-Type: application/atom+xml"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    ),
                    Some(Reply::Status(code, header)) => {
                        let mut response = tiny_http::Response::from_string("").with_status_code(code);
                        if let Some((name, value)) = header {
                            response = response.with_header(
                                format!("{name}: {value}").parse::<tiny_http::Header>().unwrap(),
                            );
                        }
                        response
                    }
                    Some(Reply::Full(code, headers, body)) => {
                        let mut response = tiny_http::Response::from_string(body).with_status_code(code);
                        for (name, value) in headers {
                            response = response.with_header(
                                format!("{name}: {value}").parse::<tiny_http::Header>().unwrap(),
                            );
                        }
                        response
                    }
                    None => tiny_http::Response::from_string("no such route").with_status_code(404),
                };
                let _ = request.respond(response);
            }
        });
        Services {
            base,
            seen,
            server,
            thread: Some(thread),
        }
    }

    /// The request lines so far.
    pub fn requests(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(_, line)| line.clone())
            .collect()
    }

    /// When each request came.
    pub fn times(&self) -> Vec<Instant> {
        self.seen.lock().unwrap().iter().map(|(at, _)| *at).collect()
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
