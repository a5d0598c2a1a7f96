//! (i) Checking one very large day: 10,000, 20,000 and 40,000 papers, in
//! process, each size's median of three. A check that is linear in its input
//! takes about twice as long for twice the papers; the ratios are printed so a
//! quadratic step (a duplicate-id scan, once) shows as ×4.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::{bail, Result};

/// The sizes measured, each twice the one before.
const SIZES: [usize; 3] = [10_000, 20_000, 40_000];

/// The line the benchmark prints.
pub fn check_scaling() -> Result<String> {
    let mut line = String::from("(i) check one day of N papers, in process:");
    let mut before: Option<Duration> = None;
    for papers in SIZES {
        let text = day(papers);
        let mut times = Vec::new();
        for _ in 0..3 {
            let (diagnostics, took) = crate::timed(|| hotpapers::parse_day("posts/2026-11-27.toml", &text).1);
            if let Some(error) = diagnostics.iter().find(|d| d.is_error()) {
                bail!("the synthetic day of {papers} papers does not check:\n{error}");
            }
            times.push(took);
        }
        let took = crate::median(times);
        let _ = write!(line, " {papers}: {:.0} ms", took.as_secs_f64() * 1e3);
        if let Some(before) = before {
            let _ = write!(line, " (×{:.2})", took.as_secs_f64() / before.as_secs_f64());
        }
        before = Some(took);
    }
    Ok(line)
}

/// A day-file of `papers` small papers with distinct ids, as an array of
/// inline tables: 40,000 of them stay under the 4 MiB a day-file may have.
fn day(papers: usize) -> String {
    let mut text = String::from("date = 2026-11-27\npublished = 2026-11-28T09:00:00Z\npaper = [\n");
    for i in 0..papers {
        let _ = writeln!(
            text,
            "{{arxiv=\"2611.{i:05}\",title=\"P{i}\",authors=[\"A\"],categories=[\"cs.LG\"],huggingface={{upvotes={}}}}},",
            i % 1000
        );
    }
    text.push_str("]\n");
    text
}
