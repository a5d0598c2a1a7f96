//! (k) The search index (`hotpapers search build`): built from scratch for a
//! synthetic site into the folder its blog was written to in (f), by the
//! curator tools' release build as `publish.yml` runs it, whole process (time
//! and peak memory); its files and size; and what one query downloads: a
//! static server on 127.0.0.1 counts every byte it sends while headless
//! Chromium opens `/search/?q=WORD` in a fresh profile and shows its results.
//! The server counts, not the page's resource timings: Pagefind fetches the
//! index from a web worker, whose requests the page's timings do not list.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::chromium::{chromium, serve_logged, visit_settled, HARNESS};

/// What (k) found for one site.
#[derive(Clone)]
pub struct SearchFigures {
    pub papers: usize,
    pub build: Duration,
    pub peak_mib: f64,
    pub files: usize,
    pub bytes: u64,
    pub queries: Vec<Query>,
}

/// One query, as a reader's browser downloads it.
#[derive(Clone)]
pub struct Query {
    pub words: String,
    pub what: &'static str,
    /// "N papers match …", as the page says it.
    pub said: String,
    /// Everything after the harness: the page, its style and the index.
    pub bytes: usize,
    /// Of which the index (`/pagefind/`).
    pub index_bytes: usize,
    pub requests: usize,
}

/// The queries: a word of one synthetic paper in nine (the fixture's papers'
/// words are shuffled within each paper), a word of most papers, and the
/// arXiv id of the newest day's first paper.
fn queries(site: &Path) -> Result<Vec<(String, &'static str)>> {
    let mut days: Vec<_> = std::fs::read_dir(site.join("posts"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    days.sort();
    let newest = std::fs::read_to_string(days.last().context("no day-file")?)?;
    let id = newest
        .lines()
        .find_map(|l| l.strip_prefix("arxiv = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .context("no arXiv id in the newest day")?;
    Ok(vec![
        ("thurston".to_owned(), "a word of one paper in nine"),
        ("learning".to_owned(), "a word of most papers"),
        (id.to_owned(), "one paper's arXiv id"),
    ])
}

/// Builds the tools (a no-op when they are up to date) and measures (k).
pub fn measure(root: &Path, site: &Path, public: &Path) -> Result<SearchFigures> {
    let status = Command::new("cargo")
        .args(["build", "--quiet", "--release", "-p", "hotpapers-cli"])
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!("building the curator tools failed");
    }
    let tools = root.join("target/release/hotpapers");
    let index = public.join("pagefind");
    if index.exists() {
        std::fs::remove_dir_all(&index)?;
    }
    crate::settle()?;
    let log = public.join("search-build.time");
    let mut command = Command::new("/usr/bin/time");
    command
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(&log)
        .arg(&tools)
        .arg("--root")
        .arg(site)
        .args(["search", "build", "--out"])
        .arg(public);
    let out = crate::run(command).context("`hotpapers search build`")?;
    let papers = out
        .strip_prefix("search: ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("`search build` said: {out}"))?;
    let timed = std::fs::read_to_string(&log)?;
    std::fs::remove_file(&log)?;
    let mut fields = timed.split_whitespace();
    let (Some(secs), Some(kb)) = (fields.next(), fields.next()) else {
        bail!("GNU time wrote {timed}");
    };
    let (files, bytes) = size(&index)?;
    // The index is tens of thousands of new files: the disk is slow to read
    // them back until it has settled.
    crate::settle()?;
    let queries = match chromium() {
        Some(browser) => queries(site)?
            .into_iter()
            .map(|(words, what)| query(&browser, public, words, what))
            .collect::<Result<_>>()?,
        None => Vec::new(),
    };
    Ok(SearchFigures {
        papers,
        build: Duration::from_secs_f64(secs.parse()?),
        peak_mib: kb.parse::<f64>()? / 1024.0,
        files,
        bytes,
        queries,
    })
}

/// Files and bytes under `dir`.
fn size(dir: &Path) -> Result<(usize, u64)> {
    let (mut files, mut bytes) = (0, 0);
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            let (f, b) = size(&entry.path())?;
            (files, bytes) = (files + f, bytes + b);
        } else {
            (files, bytes) = (files + 1, bytes + entry.metadata()?.len());
        }
    }
    Ok((files, bytes))
}

/// One query in a fresh browser profile, from a server of its own.
fn query(browser: &Path, public: &Path, words: String, what: &'static str) -> Result<Query> {
    let (origin, served) = serve_logged(public);
    let ready = r#"doc.getElementById("search-results").getAttribute("aria-busy") === "false""#;
    let page = visit_settled(
        browser,
        public,
        &origin,
        &format!("/search/?q={words}"),
        ready,
        None,
    );
    let said = page
        .dom
        .split("id=\"search-status\"")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once('<'))
        .map(|(text, _)| text.to_owned())
        .unwrap_or_default();
    if !said.contains("match") || !page.errors.is_empty() {
        bail!("searching {words:?} showed {said:?}, errors {:?}", page.errors);
    }
    let served = served
        .lock()
        .map_err(|_| anyhow::anyhow!("the server's log"))?
        .clone();
    let fetched: Vec<&(String, usize)> = served.iter().filter(|(url, _)| !url.contains(HARNESS)).collect();
    Ok(Query {
        words,
        what,
        said,
        bytes: fetched.iter().map(|(_, n)| n).sum(),
        index_bytes: fetched
            .iter()
            .filter(|(url, _)| url.starts_with("/pagefind/"))
            .map(|(_, n)| n)
            .sum(),
        requests: fetched.len(),
    })
}
