//! (j): how much of the TeX that abstracts write the blog shows as math: the
//! committed corpus (`tests/math/corpus.txt`) and the days in `posts/`, each
//! span converted as a page converts it, with the spans that are not and why.

use std::fmt;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use hotpapers::MathShown;

/// What converting the corpus found.
pub(crate) struct MathFigure {
    spans: usize,
    shown: usize,
    per_span_us: f64,
    not_shown: Vec<(String, MathShown)>,
}

/// Converts every span of the corpus and the project's days.
pub(crate) fn convert_corpus(root: &Path) -> Result<MathFigure> {
    let corpus =
        std::fs::read_to_string(root.join("tests/math/corpus.txt")).context("tests/math/corpus.txt")?;
    let mut spans: Vec<(String, bool)> = corpus
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(hotpapers::tex_spans)
        .collect();
    let loaded = hotpapers::load_dir(root.join("posts")).map_err(|e| anyhow::anyhow!("{e}"))?;
    for paper in loaded.days.iter().flat_map(|day| &day.papers) {
        spans.extend(hotpapers::tex_spans(&paper.title));
        spans.extend(hotpapers::tex_spans(&paper.abstract_));
    }
    let start = Instant::now();
    let mut html = String::new();
    let mut not_shown = Vec::new();
    for (tex, display) in &spans {
        html.clear();
        let shown = hotpapers::push_math(&mut html, tex, *display);
        if shown != MathShown::MathMl {
            not_shown.push((tex.clone(), shown));
        }
    }
    let took = start.elapsed();
    Ok(MathFigure {
        spans: spans.len(),
        shown: spans.len() - not_shown.len(),
        per_span_us: took.as_secs_f64() * 1e6 / spans.len().max(1) as f64,
        not_shown,
    })
}

impl fmt::Display for MathFigure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "(j) math: {} of {} TeX spans ({:.1} %) shown as MathML Core, {:.1} µs a span; shown as TeX:",
            self.shown,
            self.spans,
            100.0 * self.shown as f64 / self.spans.max(1) as f64,
            self.per_span_us
        )?;
        for (tex, why) in &self.not_shown {
            let why = match why {
                MathShown::Unconverted => "the converter cannot read it",
                _ => "what the converter writes is not allowed",
            };
            writeln!(f, "    ${tex}$: {why}")?;
        }
        Ok(())
    }
}
