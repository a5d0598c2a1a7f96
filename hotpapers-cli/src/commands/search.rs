//! `hotpapers search build`: the search index of every paper the blog shows,
//! made by Pagefind from a document per day written for it (no page is parsed
//! back; `hotpapers::search_documents`), then
//! committed as the pages branch's `pagefind/` folder, or written into a
//! folder the blog was written to (`--out`).
//!
//! Pagefind cannot update an index in place and its dependencies (tokio, a
//! stemmer per language) would not fit the site binary's first-build budget,
//! so the index is this step of its own, run by `publish.yml` after the site
//! is published (docs/blog.md, "Search"; docs/BENCHMARKS.md).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{anyhow, Context as _};
use hotpapers::{SearchDocument, SEARCH_DIR};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// Builds the index; commits it, or writes it under `out`.
pub(crate) fn build(root: &Path, out: Option<&Path>, author: Option<String>) -> anyhow::Result<()> {
    let crate::day::BlogSources { site, days, theme } =
        crate::day::blog_sources(root).map_err(|e| anyhow!(e))?;
    let records = hotpapers::search_records(&site, &days, &theme)?;
    let documents = hotpapers::search_documents(&records);
    let started = Instant::now();
    let files = index(&documents)?;
    let bytes: usize = files.values().map(Vec::len).sum();
    let made = format!(
        "search: {} paper(s) on {} day(s), {} file(s), {} KB, in {:.1} s",
        records.len(),
        documents.len(),
        files.len(),
        bytes.div_ceil(1024),
        started.elapsed().as_secs_f64()
    );
    match out {
        Some(dir) => {
            write_folder(dir, &files)?;
            println!("{made}; written to {}", dir.join(SEARCH_DIR).display());
        }
        None => {
            let summary = format!("search index of {} paper(s)", records.len());
            let report = hotpapers::commit_search_index(root, &site, &files, &summary, author)?;
            match report.commit {
                Some(commit) => println!(
                    "{made}; {} file(s) changed; commit {:.12} on {}",
                    report.changed, commit, report.branch
                ),
                None => println!("{made}; {} has it already", report.branch),
            }
        }
    }
    Ok(())
}

/// The index's files by path inside its folder, a document per day.
pub(crate) fn index(documents: &[SearchDocument]) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    // Pagefind's API is async and hands its work to tokio's blocking pool; a
    // runtime on this thread is all it needs.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("starting the indexer's runtime")?;
    runtime.block_on(async {
        // English: every title and abstract on arXiv is; stems ("networks"
        // finds "network") are English ones.
        let options = PagefindServiceConfig::builder()
            .force_language("en".into())
            .build();
        let mut index = PagefindIndex::new(Some(options))?;
        for document in documents {
            index
                .add_html_file(None, Some(document.url.clone()), document.html.clone())
                .await
                .with_context(|| format!("indexing {}", document.date))?;
        }
        let files = index.get_files().await?;
        files
            .into_iter()
            .filter(|file| used(&file.filename))
            .map(|file| {
                let path = file
                    .filename
                    .to_str()
                    .ok_or_else(|| anyhow!("the index has a file name that is not UTF-8"))?
                    .replace('\\', "/");
                Ok((path, file.contents))
            })
            .collect()
    })
}

/// Whether the search page uses a file of Pagefind's output: everything but
/// Pagefind's own search interfaces (`pagefind-ui.js`, `pagefind-modular-ui.css`,
/// `pagefind-highlight.js`, …, 450 KB), which `/search/` does without.
fn used(path: &Path) -> bool {
    let name = path.to_str().unwrap_or_default();
    !name.starts_with("pagefind-") || matches!(name, "pagefind-worker.js" | "pagefind-entry.json")
}

/// Writes the index as `dir/pagefind/`, replacing what was there only once
/// the new one is whole: it is written into a folder of its own beside it,
/// then renamed into place. `dir` and the old index must be real folders.
fn write_folder(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> anyhow::Result<()> {
    let meta = std::fs::symlink_metadata(dir).with_context(|| format!("reading {}", dir.display()))?;
    anyhow::ensure!(
        meta.is_dir(),
        "{} is not a folder (a link is refused)",
        dir.display()
    );
    let target = dir.join(SEARCH_DIR);
    if let Ok(meta) = std::fs::symlink_metadata(&target) {
        anyhow::ensure!(
            meta.is_dir() && !meta.file_type().is_symlink(),
            "{} is not a folder (a link is refused)",
            target.display()
        );
    }
    let staging = tempfile::Builder::new().prefix(".pagefind-").tempdir_in(dir)?;
    for (path, bytes) in files {
        anyhow::ensure!(hotpapers::plain_path(path), "the index has a file named `{path}`");
        let file = staging.path().join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&file, bytes).with_context(|| format!("writing {}", file.display()))?;
    }
    let old = dir.join(format!(".pagefind-old-{}", std::process::id()));
    let had = target.exists();
    if had {
        std::fs::rename(&target, &old)?;
    }
    std::fs::rename(staging.keep(), &target)?;
    if had {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}
