//! `cargo xtask bench [DAYS...]`: hotpapers at archive scale; `cargo xtask
//! bench-build`: the first `cargo run` of a fresh clone, and where its time goes.
//!
//! For each archive size (300 and 3,650 days by default) it synthesises day-files
//! from the real fixture, builds a copy of the site in `target/bench/`, and prints:
//! (a) in-process rendering speed, (b) a no-op `cargo run`, (c) edit one day then
//! `cargo run` to the commit (posts and blog), (d) the first publish against `git
//! add` + `git commit` of the same files, (e) rustc's peak memory and time building
//! the site from scratch and on each edit, (f) the whole blog rendered into an
//! empty folder, per page against Zola's published figure, (g) a publish with
//! nothing to do, the binary run directly, and (h) every post written into an
//! empty folder by the binary, against `cp -r` of the same posts; and once, (i)
//! the check of one day of 10,000, 20,000 and 40,000 papers, and (j) the share of
//! the TeX corpus the blog shows as math (`cargo xtask math` alone).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

mod big_day;
#[path = "../../tests/chromium.rs"]
mod chromium;
mod disk;
mod math;
mod search;

/// The real day the synthetic ones are made from (9 papers, 19 KB).
const FIXTURE: &str = include_str!("../../posts/2020-10-30.toml");

/// What the benchmark copies of the repository need to build.
const SITE_FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
    "rustfmt.toml",
    "src",
    "hotpapers",
    "hotpapers-cli",
    "hotpapers-macros",
    "xtask",
    "tests",
    "templates",
    "static",
    "hotpapers.toml",
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench(&sizes(&args[1..])?),
        Some("bench-build") => fresh_build(),
        Some("search") => {
            let sizes = sizes(&args[1..])?;
            let root = project_root();
            let mut all = Vec::new();
            for days in sizes {
                let bench_dir = root.join("target/bench");
                let (site, public) = (bench_dir.join(format!("site-{days}")), bench_dir.join(format!("public-{days}")));
                if !site.exists() || !public.exists() {
                    bail!("no {} or {}: run `cargo xtask bench {days}` first", site.display(), public.display());
                }
                all.push((days, search::measure(&root, &site, &public)?));
            }
            print!("{}", search_table(&all));
            Ok(())
        }
        Some("math") => {
            print!("{}", math::convert_corpus(&project_root())?);
            Ok(())
        }
        _ => bail!(
            "usage: cargo xtask bench [DAYS...]   (default: 300 3650)\n       cargo xtask bench-build      (the first `cargo run` of a fresh clone)\n       cargo xtask math             (the math corpus alone, as (j))\n       cargo xtask search [DAYS...]  (the search index alone, as (k), of the last bench's sites)"
        ),
    }
}

/// The archive sizes asked for, in days: 300 and 3,650 unless named.
fn sizes(args: &[String]) -> Result<Vec<usize>> {
    if args.is_empty() {
        return Ok(vec![300, 3650]);
    }
    args.iter()
        .map(|a| a.parse().context("sizes are numbers of days"))
        .collect()
}

struct Figures {
    days: usize,
    toml_mb: f64,
    render_mb_s: f64,
    decode_ms: f64,
    parts_decode_ms: f64,
    index_ms: f64,
    noop_runs: Vec<Duration>,
    edits: Vec<Duration>,
    /// The peaks of rustc (before its linker) and of the linker over the edits' builds.
    edit_peak: Peaks,
    edit_rustc: Duration,
    /// Three more edits, each timed as `cargo build`, then the binary alone.
    edit_split: Vec<(Duration, Duration)>,
    /// Three first publishes, each with the `git` baseline timed right after it.
    first_publish: Vec<Duration>,
    git_add_commit: Vec<Duration>,
    rustc_time: Duration,
    rustc_peak: Peaks,
    site_from_scratch: Duration,
    blog_in_process: Duration,
    site_pages: usize,
    noop_publishes: Vec<Duration>,
    posts_written: Vec<Duration>,
    posts_copied: Vec<Duration>,
    posts: usize,
    search: search::SearchFigures,
}

/// Zola's published figure: 1,349 pages in 1.17 s.
const ZOLA_MS_PER_PAGE: f64 = 1170.0 / 1349.0;

/// The first `cargo run` of a newcomer, whole process, three times: this
/// repository's committed state cloned into `target/bench/fresh-N`, its crates
/// fetched (not timed: the budget is for crates already downloaded),
/// then `cargo run` into an empty target folder, timed from its start to its
/// exit, which is after the first publish's two commits. Each round prints
/// its time; then the median, and where the first round's time went
/// (`cargo run --timings`, the slowest units).
fn fresh_build() -> Result<()> {
    let root = project_root();
    let bench_dir = root.join("target/bench");
    std::fs::create_dir_all(&bench_dir)?;
    disk::wait_for_last_clean_up(&bench_dir)?;
    let mut times = Vec::new();
    let mut slowest = String::new();
    for round in 1..=3 {
        let dir = bench_dir.join(format!("fresh-{round}"));
        if dir.exists() {
            discard(&dir, &bench_dir)?;
        }
        let mut clone = Command::new("git");
        clone.arg("clone").arg("--quiet").arg(&root).arg(&dir);
        run(clone)?;
        run(cargo(
            &dir,
            &dir.join("target"),
            &["fetch", "--locked", "--quiet"],
        ))?;
        settle()?;
        let mut first_run = cargo(&dir, &dir.join("target"), &["run", "--quiet", "--timings"]);
        first_run
            .env_remove("RUSTC_WRAPPER")
            .env("GIT_AUTHOR_NAME", "Newcomer")
            .env("GIT_AUTHOR_EMAIL", "newcomer@example.com")
            .env("GIT_COMMITTER_NAME", "Newcomer")
            .env("GIT_COMMITTER_EMAIL", "newcomer@example.com");
        let (ran, took) = timed(|| run(first_run));
        ran.context("the first `cargo run` of the fresh clone")?;
        let commits = git(&dir, &["rev-list", "--count", "--all"])?;
        println!(
            "round {round}: the first `cargo run` of a fresh clone, to its commits: {} ({} commits in the clone)",
            secs(took),
            commits.trim()
        );
        if round == 1 {
            slowest = slowest_units(&dir.join("target/cargo-timings"))?;
        }
        times.push(took);
        discard(&dir, &bench_dir)?;
    }
    println!(
        "the first `cargo run` of a fresh clone: median {} (rounds {})",
        secs(median(times.clone())),
        spread(&times)
    );
    println!("where the first round's time went (`cargo run --timings`), the slowest units:\n{slowest}");
    disk::empty_trash(&bench_dir)
}

/// The slowest units of the `cargo --timings` report in `dir`, a line each:
/// the report's `UNIT_DATA`, by duration; then how many times the library was
/// compiled (once, when the binary's copy and the macro's have the same
/// features all the way down; see the site's `[build-dependencies]`).
fn slowest_units(dir: &Path) -> Result<String> {
    let report = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "html"))
        .context("no `--timings` report")?;
    let html = std::fs::read_to_string(&report)?;
    let data = html
        .split_once("const UNIT_DATA = ")
        .and_then(|(_, rest)| rest.split_once(";\n"))
        .map(|(json, _)| json)
        .context("no UNIT_DATA in the `--timings` report")?;
    let units: Vec<serde_json::Value> = serde_json::from_str(data)?;
    let mut units: Vec<(f64, String)> = units
        .iter()
        .map(|u| {
            let name = format!(
                "{} {}{}",
                u["name"].as_str().unwrap_or("?"),
                u["target"].as_str().unwrap_or_default().trim(),
                if u["mode"].as_str() == Some("run-custom-build") {
                    " (build script run)"
                } else {
                    ""
                }
            );
            (u["duration"].as_f64().unwrap_or(0.0), name)
        })
        .collect();
    units.sort_by(|a, b| b.0.total_cmp(&a.0));
    let library_builds = units.iter().filter(|(_, name)| name == "hotpapers ").count();
    let mut lines: String = units
        .iter()
        .take(12)
        .map(|(duration, name)| format!("  {duration:6.1} s  {name}\n"))
        .collect();
    lines.push_str(&format!(
        "the library (`hotpapers`) was compiled {library_builds} time(s){}\n",
        if library_builds > 1 {
            ": the binary's copy and the build script's or macro's differ in a feature"
        } else {
            ""
        }
    ));
    Ok(lines)
}

/// The repository the xtask was built from.
fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn bench(sizes: &[usize]) -> Result<()> {
    let root = project_root();
    let bench_dir = root.join("target/bench");
    std::fs::create_dir_all(&bench_dir)?;
    disk::wait_for_last_clean_up(&bench_dir)?;
    let timing = Timing::new(&bench_dir)?;
    let big_day = big_day::check_scaling()?;
    eprintln!("{big_day}");
    let math = math::convert_corpus(&root)?;
    eprint!("{math}");
    let mut all = Vec::new();
    for &days in sizes {
        eprintln!("== {days} days");
        all.push(bench_size(&root, &bench_dir, timing.as_ref(), days)?);
    }
    println!("{}", table(&all));
    let searches: Vec<(usize, search::SearchFigures)> =
        all.iter().map(|f| (f.days, f.search.clone())).collect();
    println!("{}", search_table(&searches));
    println!("{big_day}");
    print!("{math}");
    disk::empty_trash(&bench_dir)
}

/// One synthetic site of `days` days, measured step by step: (a) in process,
/// (e) its first build, (h) the posts alone, (d) and (f) first publishes,
/// (g) and (b) runs with nothing to do, (c) edits. Each step is a function
/// below; the order matters, since each leaves the site as the next expects.
fn bench_size(root: &Path, bench_dir: &Path, timing: Option<&Timing>, days: usize) -> Result<Figures> {
    let site = bench_dir.join(format!("site-{days}"));
    let toml_bytes = make_site(root, bench_dir, &site, days)?;
    let bench = SiteBench {
        bench_dir,
        target: bench_dir.join("target"),
        binary: bench_dir.join("target/debug/hotpapers-site"),
        site,
        timing,
        days,
    };
    let posts = bench.site.join("posts");
    let parts_cache = bench_dir.join(format!("parts-{days}"));
    if parts_cache.exists() {
        discard(&parts_cache, bench_dir)?;
    }
    let (render_mb_s, decode_ms, parts_decode_ms, index_ms) = render_speed(&posts, &parts_cache)?;
    eprintln!("   (a) render: {render_mb_s:.0} MB/s");
    let (blog_in_process, blog_files) = blog_speed(&posts, root)?;
    eprintln!("   (a) blog in process: {blog_in_process:?} for {blog_files} files");
    let (rustc_peak, rustc_time) = bench.first_build()?;
    let (posts_written, posts_copied, posts_count) = bench.posts_alone()?;
    let first = bench.first_publishes()?;
    let noop_publishes = bench.with_nothing_to_do("a publish with nothing to do", || {
        publish_command(&bench.binary, &bench.site)
    })?;
    eprintln!("   (g) no-op publish: {}", spread(&noop_publishes));
    let noop_runs = bench.with_nothing_to_do("a `cargo run` with nothing to do", || {
        cargo_run(&bench.site, &bench.target)
    })?;
    eprintln!("   (b) no-op cargo run: {}", spread(&noop_runs));
    let (edits, edit_peak, edit_rustc) = bench.edits()?;
    let edit_split = bench.edits_apart()?;
    let public = bench_dir.join(format!("public-{days}"));
    let search = search::measure(root, &bench.site, &public)?;
    eprint!("{}", search_table(&[(days, search.clone())]));
    Ok(Figures {
        days,
        toml_mb: toml_bytes as f64 / 1e6,
        render_mb_s,
        decode_ms,
        parts_decode_ms,
        index_ms,
        noop_runs,
        edits,
        edit_peak,
        edit_rustc,
        edit_split,
        first_publish: first.publishes,
        git_add_commit: first.git,
        rustc_time,
        rustc_peak,
        site_from_scratch: first.blog_from_scratch,
        blog_in_process,
        site_pages: first.blog_pages,
        noop_publishes,
        posts_written,
        posts_copied,
        posts: posts_count,
        search,
    })
}

/// The repository copied into `site`, with `days` synthetic day-files
/// committed and no posts yet; their size in bytes.
fn make_site(root: &Path, bench_dir: &Path, site: &Path, days: usize) -> Result<usize> {
    if site.exists() {
        discard(site, bench_dir)?;
    }
    for file in SITE_FILES {
        copy(&root.join(file), &site.join(file))?;
    }
    let posts = site.join("posts");
    std::fs::create_dir_all(&posts)?;
    let mut toml_bytes = 0;
    for (i, (name, text)) in synthesize(days).into_iter().enumerate() {
        toml_bytes += text.len();
        std::fs::write(posts.join(&name), text)?;
        if i == 0 {
            eprintln!("   day-files: {days} of about {} KB", toml_bytes / 1024);
        }
    }
    std::fs::write(site.join(".gitignore"), "/target\n")?;
    git(site, &["init", "-q"])?;
    commit_all(site, "day-files")?;
    Ok(toml_bytes)
}

/// One synthetic site being measured.
struct SiteBench<'a> {
    bench_dir: &'a Path,
    /// The copy of the repository.
    site: PathBuf,
    /// Its target folder, shared by the sizes.
    target: PathBuf,
    /// The site binary in it.
    binary: PathBuf,
    timing: Option<&'a Timing>,
    days: usize,
}

/// Three first publishes (d), with the `git` baseline of each, and the blog
/// written from scratch (f) after the first.
struct FirstPublishes {
    publishes: Vec<Duration>,
    git: Vec<Duration>,
    blog_from_scratch: Duration,
    blog_pages: usize,
}

impl SiteBench<'_> {
    /// (e) The site binary built, as `cargo run` builds it (alone, so that
    /// the curator tools' dependencies do not compile beside it): rustc's
    /// peak memory, with its linker's, and its time for the site crate.
    fn first_build(&self) -> Result<(Peaks, Duration)> {
        let log = self.bench_dir.join(format!("rustc-{}.log", self.days));
        let mut build = cargo(
            &self.site,
            &self.target,
            &["build", "--quiet", "--bin", "hotpapers-site"],
        );
        if let Some(timing) = self.timing {
            timing.apply(&mut build, &log);
        }
        run(build).context("building the synthetic site")?;
        let (peak, time) = Timing::peaks(self.timing, &log)?;
        eprintln!("   (e) rustc: {time:?}, peak {peak}");
        Ok((peak, time))
    }

    /// (h) Every post into an empty folder, the binary alone (no commit, no
    /// blog), beside `cp -r` of the same posts, in three rounds of one each: a
    /// slow spell of the disk wears off as it goes, and would favour whichever
    /// of the two ran later. Then the folder goes again, so that (d) is a
    /// first publish. The times of each, and how many posts.
    fn posts_alone(&self) -> Result<(Vec<Duration>, Vec<Duration>, usize)> {
        let output = self.site.join("content/posts");
        let written_record = self.site.join(".git/hotpapers-written");
        let copy_to = self.bench_dir.join(format!("cp-{}", self.days));
        let (mut written, mut copied) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            for folder in [&output, &copy_to] {
                if folder.exists() {
                    discard(folder, self.bench_dir)?;
                }
            }
            let _ = std::fs::remove_file(&written_record);
            settle()?;
            let mut command = publish_command(&self.binary, &self.site);
            command.args(["--no-commit", "--no-site"]);
            let (ran, took) = timed(|| run(command));
            ran.context("writing every post with --no-commit")?;
            written.push(took);
            settle()?;
            let mut command = Command::new("cp");
            command.arg("-r").arg(&output).arg(&copy_to);
            let (ran, took) = timed(|| run(command));
            ran.context("cp -r of the posts")?;
            copied.push(took);
        }
        let count = count_files(&output, "md")?;
        discard(&copy_to, self.bench_dir)?;
        discard(&output, self.bench_dir)?;
        let _ = std::fs::remove_file(&written_record);
        eprintln!(
            "   (h) {count} posts: {} written, cp -r {}",
            spread(&written),
            spread(&copied)
        );
        Ok((written, copied, count))
    }

    /// (d) First publish of every post and the blog, then the same files by
    /// the git command; three rounds, each into a repository that has never
    /// seen them, so that the disk's mood of the moment weighs on both alike.
    /// (f) after the first round: nothing else is left to do then.
    fn first_publishes(&self) -> Result<FirstPublishes> {
        let out = self.bench_dir.join(format!("public-{}", self.days));
        let (mut publishes, mut git_times) = (Vec::new(), Vec::new());
        let (mut blog_from_scratch, mut blog_pages) = (Duration::ZERO, 0);
        for round in 0..3 {
            if round > 0 {
                restart_repository(&self.site, self.bench_dir)?;
            }
            settle()?;
            let (published, took) = timed(|| run(publish_command(&self.binary, &self.site)));
            published.context("the first publish")?;
            publishes.push(took);
            if round == 0 {
                (blog_from_scratch, blog_pages) =
                    blog_from_scratch_of(&self.binary, &self.site, &out, self.bench_dir)?;
                eprintln!("   (f) blog from scratch: {blog_from_scratch:?} for {blog_pages} pages");
            }
            git_times.push(git_baseline(&self.site, &out, self.bench_dir)?);
        }
        eprintln!(
            "   (d) first publish {}, git {}",
            spread(&publishes),
            spread(&git_times)
        );
        Ok(FirstPublishes {
            publishes,
            git: git_times,
            blog_from_scratch,
            blog_pages,
        })
    }

    /// (g), (b) A command that has nothing to do, three times.
    fn with_nothing_to_do(&self, what: &'static str, command: impl Fn() -> Command) -> Result<Vec<Duration>> {
        (0..3)
            .map(|_| match timed(|| run(command())) {
                (Ok(_), took) => Ok(took),
                (Err(e), _) => Err(e.context(what)),
            })
            .collect()
    }

    /// The last day-file, with its first tweet's retweets set to
    /// `5000 + n` (the edits count up from the fixture's 4696).
    fn edit(&self, n: usize) -> Result<()> {
        let last = self.site.join("posts").join(synthetic_name(self.days - 1));
        let text = std::fs::read_to_string(&last)?;
        let edited = text.replacen("retweets = 4696", &format!("retweets = {}", 5000 + n), 1);
        let edited = if edited == text {
            text.replacen(
                &format!("retweets = {}", 4999 + n),
                &format!("retweets = {}", 5000 + n),
                1,
            )
        } else {
            edited
        };
        std::fs::write(&last, edited)?;
        Ok(())
    }

    /// (c) Three edits of one day-file, each followed by `cargo run` until
    /// the commit exists; rustc's peak (with its linker's) on those builds,
    /// and rustc's time.
    fn edits(&self) -> Result<(Vec<Duration>, Peaks, Duration)> {
        let log = self.bench_dir.join(format!("rustc-edit-{}.log", self.days));
        let _ = std::fs::remove_file(&log);
        let mut edits = Vec::new();
        for n in 0..3 {
            self.edit(n)?;
            let head = git(&self.site, &["rev-parse", "HEAD"])?;
            let mut command = cargo_run(&self.site, &self.target);
            if let Some(timing) = self.timing {
                // One log for the three edits.
                command
                    .env("RUSTC_WRAPPER", &timing.rustc)
                    .env("HOTPAPERS_BENCH_LOG", &log);
            }
            let (ran, took) = timed(|| run(command));
            ran.context("`cargo run` after an edit")?;
            if git(&self.site, &["rev-parse", "HEAD"])? == head {
                bail!("editing a day made no commit");
            }
            edits.push(took);
        }
        let (peak, rustc) = Timing::peaks(self.timing, &log)?;
        eprintln!("   (c) edit to commit: {}, peak {peak}", spread(&edits));
        Ok((edits, peak, rustc))
    }

    /// (c) Where an edit's time goes: three more edits, each built and then
    /// run apart.
    fn edits_apart(&self) -> Result<Vec<(Duration, Duration)>> {
        let mut split = Vec::new();
        for n in 3..6 {
            self.edit(n)?;
            let build = cargo(
                &self.site,
                &self.target,
                &["build", "--quiet", "--bin", "hotpapers-site"],
            );
            let (built, build_took) = timed(|| run(build));
            built.context("`cargo build` after an edit")?;
            let (ran, run_took) = timed(|| run(publish_command(&self.binary, &self.site)));
            ran.context("the binary after an edit")?;
            split.push((build_took, run_took));
        }
        eprintln!(
            "   (c) the same, apart: build {}, binary {}",
            spread(&split.iter().map(|s| s.0).collect::<Vec<_>>()),
            spread(&split.iter().map(|s| s.1).collect::<Vec<_>>())
        );
        Ok(split)
    }
}

fn count_files(dir: &Path, ext: &str) -> Result<usize> {
    let mut count = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            count += count_files(&entry.path(), ext)?;
        } else if entry.path().extension().is_some_and(|e| e == ext) {
            count += 1;
        }
    }
    Ok(count)
}

/// `N` day-files made from the real fixture: distinct dates from 2016-01-01,
/// distinct ids but for one paper a day that is the same three days running,
/// 12 papers and about 25 KB a day. No two days
/// (and no two papers of a day) have the same text: the words of every title,
/// abstract and post text are shuffled for each, so the archive compresses as a
/// day of real text does, not as copies of one day would.
fn synthesize(days: usize) -> Vec<(String, String)> {
    let papers: Vec<&str> = FIXTURE.split("\n[[paper]]\n").collect();
    let header = papers[0];
    let mut body: Vec<&str> = papers[1..].to_vec();
    body.extend_from_slice(&papers[1..4]);
    (0..days)
        .map(|i| {
            let date = day(i);
            let next = date.next_day().unwrap();
            // Through placeholders, so a synthetic day that is itself 2020-10-30 works.
            let redate = |text: &str| {
                text.replace("2020-10-31", "\u{0}next")
                    .replace("2020-10-30", "\u{0}day")
                    .replace("2020-10-29", "\u{0}day")
                    .replace("\u{0}next", &next.to_string())
                    .replace("\u{0}day", &date.to_string())
            };
            let mut text = redate(header);
            for (k, paper) in body.iter().enumerate() {
                // Distinct ids across days, but for the first paper, which is
                // the same paper three days running: paper pages as a real
                // archive has them, mostly of one day, some of several.
                let d = usize::from(date.day());
                let number = match k {
                    0 => (d - d % 3) * body.len() + 1,
                    k => d * body.len() + k + 1,
                };
                let id = format!(
                    "{:02}{:02}.{number:05}",
                    date.year() % 100,
                    u8::from(date.month()),
                );
                let paper = shuffled(&redate(paper), (i * body.len() + k) as u64);
                let (before, after) = paper.split_once("arxiv = \"").unwrap();
                let after = &after[after.find('"').unwrap()..];
                let _ = write!(text, "\n[[paper]]\n{before}arxiv = \"{id}{after}");
            }
            (synthetic_name(i), text)
        })
        .collect()
}

/// `paper` with the words of its text fields in another order, the same for the
/// same `seed`. Only words of letters move, among the places of such words, so
/// markup, math, links and escapes stay where they are and the day still checks.
fn shuffled(paper: &str, seed: u64) -> String {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    // splitmix64: enough to shuffle words, and the same everywhere.
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut out = String::with_capacity(paper.len());
    for line in paper.split_inclusive('\n') {
        if !["title = ", "abstract = ", "text = "]
            .iter()
            .any(|key| line.starts_with(key))
        {
            out.push_str(line);
            continue;
        }
        let mut tokens: Vec<&str> = line.split(' ').collect();
        let movable: Vec<usize> = (1..tokens.len())
            .filter(|&t| !tokens[t].is_empty() && tokens[t].chars().all(char::is_alphabetic))
            .collect();
        let mut words: Vec<&str> = movable.iter().map(|&t| tokens[t]).collect();
        for j in (1..words.len()).rev() {
            words.swap(j, (next() % (j as u64 + 1)) as usize);
        }
        for (&t, word) in movable.iter().zip(words) {
            tokens[t] = word;
        }
        out.push_str(&tokens.join(" "));
    }
    out
}

fn day(i: usize) -> time::Date {
    time::Date::from_calendar_date(2016, time::Month::January, 1).unwrap() + time::Duration::days(i as i64)
}

fn synthetic_name(i: usize) -> String {
    format!("{}.toml", day(i))
}

/// (a): render every day in process, for at least a second; MB/s of Markdown.
/// Also how long decoding the compiled-in form takes.
/// Also how long decoding the archive in compressed parts takes, as the site
/// binary does (the parts kept in `cache`).
fn render_speed(posts: &Path, cache: &Path) -> Result<(f64, f64, f64, f64)> {
    let loaded = hotpapers::load_dir(posts).map_err(|e| anyhow::anyhow!("{e}"))?;
    let site = hotpapers::Site::default();
    let bytes = hotpapers::Archive::encode(&site, None, &loaded.days, &[]);
    let (archive, decode) = timed(|| hotpapers::Archive::decode(&bytes));
    let archive = archive?;
    let parts = hotpapers::encode_dir_cached(&site, None, posts, "posts", cache)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .read()?;
    let (in_parts, parts_decode) = timed(|| parts.decode().map(|a| a.days.len()));
    if in_parts? != archive.days.len() {
        bail!("the archive in parts has other days");
    }
    // What a run that renders one day reads first: the head and every part's
    // index, no day decoded.
    let compiled = hotpapers::Compiled::Parts {
        head: &parts.head,
        parts: parts.parts.iter().map(|(_, part)| &part[..]).collect(),
    };
    let (lazily, index) = timed(|| compiled.decode_lazily().map(|(_, days)| days.len()));
    if lazily? != archive.days.len() {
        bail!("the archive's index has other days");
    }
    let mut out = String::new();
    let mut rendered = 0usize;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        for day in &archive.days {
            out.clear();
            hotpapers::render_into(day, &site, &mut out);
            rendered += out.len();
        }
    }
    Ok((
        rendered as f64 / 1e6 / start.elapsed().as_secs_f64(),
        decode.as_secs_f64() * 1e3,
        parts_decode.as_secs_f64() * 1e3,
        index.as_secs_f64() * 1e3,
    ))
}

/// (a): the whole blog rendered in process, once, with its file count.
fn blog_speed(posts: &Path, root: &Path) -> Result<(Duration, usize)> {
    let loaded = hotpapers::load_dir(posts).map_err(|e| anyhow::anyhow!("{e}"))?;
    let site = hotpapers::Site::default();
    let theme = hotpapers::Theme::load(root)?;
    let (files, took) = timed(|| hotpapers::render_blog(&site, &loaded.days, &theme));
    Ok((took, files?.len()))
}

/// `git add` + `git commit` of the same posts and blog into a fresh repository.
/// (f): the blog written into the empty folder `out` by the binary, median of
/// three, and its number of pages.
fn blog_from_scratch_of(
    binary: &Path,
    site: &Path,
    out: &Path,
    bench_dir: &Path,
) -> Result<(Duration, usize)> {
    let mut times = Vec::new();
    for _ in 0..3 {
        if out.exists() {
            discard(out, bench_dir)?;
        }
        settle()?;
        let mut command = publish_command(binary, site);
        command.arg("--site-dir").arg(out);
        let (ran, took) = timed(|| run(command));
        ran.context("writing the blog into a folder")?;
        times.push(took);
    }
    Ok((median(times), count_files(out, "html")?))
}

/// The site's repository as it was before its first publish: the day-files
/// committed, no posts, no pages branch, none of the tool's records.
fn restart_repository(site: &Path, bench_dir: &Path) -> Result<()> {
    discard(&site.join(".git"), bench_dir)?;
    let posts = site.join("content");
    if posts.exists() {
        discard(&posts, bench_dir)?;
    }
    git(site, &["init", "-q"])?;
    commit_all(site, "day-files")
}

fn git_baseline(site: &Path, blog: &Path, bench_dir: &Path) -> Result<Duration> {
    let dir = bench_dir.join("git-baseline");
    if dir.exists() {
        discard(&dir, bench_dir)?;
    }
    copy(&site.join("content"), &dir.join("content"))?;
    copy(blog, &dir.join("blog"))?;
    git(&dir, &["init", "-q"])?;
    settle()?;
    let (result, took) = timed(|| -> Result<()> { commit_all(&dir, "posts") });
    result?;
    Ok(took)
}

/// rustc's and its linker's peak memory, each its own: GNU time's figure for
/// rustc counts the largest process under it, which while linking a large
/// archive is the linker. rustc waits for its linker, so what rustc holds when
/// the linker starts is its own peak (`VmHWM`) up to then.
#[derive(Clone, Copy, Debug, Default)]
struct Peaks {
    rustc_mib: Option<f64>,
    linker_mib: Option<f64>,
}

impl std::fmt::Display for Peaks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.rustc_mib, self.linker_mib) {
            (Some(rustc), Some(linker)) => write!(f, "rustc {rustc:.0} MiB, linker {linker:.0} MiB"),
            (Some(rustc), None) => write!(f, "rustc and linker {rustc:.0} MiB"),
            _ => f.write_str("n/a (needs /usr/bin/time and /proc)"),
        }
    }
}

/// The wrappers that time rustc and the linker for the site's binary, each
/// appending to the file `HOTPAPERS_BENCH_LOG` names. The linker is part of what
/// cargo fingerprints, so every build of the benchmark goes through its wrapper
/// ([`cargo`]), timed or not, or each change would rebuild every dependency.
struct Timing {
    rustc: PathBuf,
}

/// The linker wrapper every benchmark build uses, once [`Timing::new`] made it.
static LINKER: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

impl Timing {
    /// `None` without GNU time or `/proc`.
    fn new(bench_dir: &Path) -> Result<Option<Timing>> {
        if !Path::new("/usr/bin/time").exists() || !Path::new("/proc/self/status").exists() {
            return Ok(None);
        }
        let rustc = bench_dir.join("time-rustc.sh");
        let linker = bench_dir.join("time-linker.sh");
        std::fs::write(
            &rustc,
            "#!/bin/sh\nexec /usr/bin/time -a -o \"${HOTPAPERS_BENCH_LOG:-/dev/null}\" -f 'rustc %M %e %C' \"$@\"\n",
        )?;
        // The linker's parent is rustc, waiting for it; the linker driver is
        // `cc`, as rustc's own default.
        std::fs::write(
            &linker,
            "#!/bin/sh\n\
             log=\"${HOTPAPERS_BENCH_LOG:-/dev/null}\"\n\
             echo \"before-link $(sed -n 's/^VmHWM:[^0-9]*\\([0-9]*\\).*/\\1/p' /proc/$PPID/status) 0 $*\" >> \"$log\"\n\
             exec /usr/bin/time -a -o \"$log\" -f 'link %M %e %C' cc \"$@\"\n",
        )?;
        set_executable(&rustc)?;
        set_executable(&linker)?;
        let _ = LINKER.set(linker);
        Ok(Some(Timing { rustc }))
    }

    /// `command` timed into `log` (emptied first).
    fn apply(&self, command: &mut Command, log: &Path) {
        let _ = std::fs::remove_file(log);
        command
            .env("RUSTC_WRAPPER", &self.rustc)
            .env("HOTPAPERS_BENCH_LOG", log);
    }

    /// The largest peaks of the site binary's rustc runs and links in the log,
    /// and rustc's longest time (its link included).
    fn peaks(timing: Option<&Timing>, log: &Path) -> Result<(Peaks, Duration)> {
        if timing.is_none() {
            return Ok((Peaks::default(), Duration::ZERO));
        }
        let text = std::fs::read_to_string(log)?;
        let (mut tree, mut before_link, mut link, mut longest) = (None, None, None, 0.0f64);
        let max = |slot: &mut Option<f64>, kib: f64| *slot = Some(slot.unwrap_or(0.0).max(kib / 1024.0));
        for line in text.lines() {
            let mut fields = line.split_whitespace();
            let (Some(kind), Some(kib), Some(secs)) = (fields.next(), fields.next(), fields.next()) else {
                continue;
            };
            let (Ok(kib), Ok(secs)) = (kib.parse::<f64>(), secs.parse::<f64>()) else {
                continue;
            };
            let site_bin = line.contains("--crate-name hotpapers_site") && line.contains("--crate-type bin");
            let site_link = line.contains("/deps/hotpapers_site-");
            match kind {
                "rustc" if site_bin => {
                    max(&mut tree, kib);
                    longest = longest.max(secs);
                }
                "before-link" if site_link => max(&mut before_link, kib),
                "link" if site_link => max(&mut link, kib),
                _ => {}
            }
        }
        let tree = tree.context("no rustc run for the site in the log")?;
        // Without a link seen (or /proc), only the figure for both.
        let peaks = match (before_link, link) {
            (Some(rustc), Some(linker)) => Peaks {
                rustc_mib: Some(rustc),
                linker_mib: Some(linker),
            },
            _ => Peaks {
                rustc_mib: Some(tree),
                linker_mib: None,
            },
        };
        Ok((peaks, Duration::from_secs_f64(longest)))
    }
}

fn host_triple() -> String {
    let output = Command::new("rustc").arg("-vV").output();
    output
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        })
        .unwrap_or_else(|| "x86_64-unknown-linux-gnu".into())
}

fn cargo(site: &Path, target: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // The copy is built from its own files, whatever the calling shell says.
    command
        .args(args)
        .current_dir(site)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("HOTPAPERS_MANIFEST_DIR");
    if let Some(linker) = LINKER.get() {
        command.env(
            format!(
                "CARGO_TARGET_{}_LINKER",
                host_triple().to_uppercase().replace('-', "_")
            ),
            linker,
        );
    }
    command
}

fn cargo_run(site: &Path, target: &Path) -> Command {
    let mut command = cargo(site, target, &["run", "--quiet", "--"]);
    command.args(["--author", "Bench <bench@example.com>"]);
    command
}

fn publish_command(binary: &Path, site: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("--root")
        .arg(site)
        .args(["--author", "Bench <bench@example.com>"]);
    command
}

fn run(mut command: Command) -> Result<String> {
    let output = command.output().with_context(|| format!("running {command:?}"))?;
    if !output.status.success() {
        bail!("{command:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let mut command = Command::new("git");
    command.args(args).current_dir(dir);
    run(command)
}

/// `git add -A && git commit`, as the bench identity, without git's automatic
/// `gc`: a commit of the blog's 13,000 new objects starts `git gc --auto` in the
/// background, which then repacks hundreds of megabytes while the next steps are
/// timed. The commit itself is timed the same either way (git detaches the gc).
fn commit_all(dir: &Path, message: &str) -> Result<()> {
    let no_gc = ["-c", "gc.auto=0", "-c", "maintenance.auto=false"];
    git(dir, &[&no_gc[..], &["add", "-A"]].concat())?;
    let identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"];
    git(
        dir,
        &[&no_gc[..], &identity[..], &["commit", "-qm", message]].concat(),
    )?;
    Ok(())
}

/// Moves a folder the benchmark is done with out of the way, into
/// `target/bench/trash`, emptied when the benchmark ends. Deleting it now
/// would make ext4 slow to create files for the next half minute (it skips
/// recently freed inodes one by one), which would be timed against whatever
/// runs next.
fn discard(path: &Path, bench_dir: &Path) -> Result<()> {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let trash = bench_dir.join("trash");
    std::fs::create_dir_all(&trash)?;
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::fs::rename(path, trash.join(format!("{}-{n}", std::process::id())))?;
    Ok(())
}

/// Writes what earlier steps left in memory to disk before a timed run that
/// writes files, so that it does not pay for them.
fn settle() -> Result<()> {
    run(Command::new("sync")).map(drop)
}

/// Ours against a baseline timed in the same rounds: both spreads, the ratio of
/// the medians, and each round's ratio.
fn versus(ours: &[Duration], baseline: &[Duration]) -> String {
    let ratio = |ours: Duration, baseline: Duration| ours.as_secs_f64() / baseline.as_secs_f64().max(1e-9);
    let rounds: Vec<String> = ours
        .iter()
        .zip(baseline)
        .map(|(&ours, &baseline)| format!("{:.2}", ratio(ours, baseline)))
        .collect();
    format!(
        "{} / {}: {:.2}× (rounds {})",
        spread(ours),
        spread(baseline),
        ratio(median(ours.to_vec()), median(baseline.to_vec())),
        rounds.join(", ")
    )
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            if entry.file_name() == "target" {
                continue;
            }
            copy(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap_or(Path::new(".")))?;
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}

fn set_executable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The median of the runs, and their spread: `0.52 s (0.50 – 0.55)`.
fn spread(times: &[Duration]) -> String {
    let min = times.iter().min().copied().unwrap_or_default();
    let max = times.iter().max().copied().unwrap_or_default();
    format!(
        "{:.3} s ({:.3} – {:.3})",
        median(times.to_vec()).as_secs_f64(),
        min.as_secs_f64(),
        max.as_secs_f64()
    )
}

fn table(all: &[Figures]) -> String {
    let mut out = String::from("| | ");
    out += &all
        .iter()
        .map(|f| format!("{} days ({:.0} MB of TOML)", f.days, f.toml_mb))
        .collect::<Vec<_>>()
        .join(" | ");
    out += " |\n|---|";
    out += &"---|".repeat(all.len());
    type Row = (&'static str, Box<dyn Fn(&Figures) -> String>);
    let rows: [Row; 11] = [
        (
            "(a) render, in process",
            Box::new(|f| {
                format!(
                    "{:.0} MB/s (decode {:.1} ms, in compressed parts {:.1} ms, the index alone {:.1} ms); the blog {}",
                    f.render_mb_s,
                    f.decode_ms,
                    f.parts_decode_ms,
                    f.index_ms,
                    secs(f.blog_in_process)
                )
            }),
        ),
        ("(b) no-op `cargo run`", Box::new(|f| spread(&f.noop_runs))),
        (
            "(c) edit one day, `cargo run` to both commits",
            Box::new(|f| spread(&f.edits)),
        ),
        (
            "(c) on those edits: peak memory; rustc's longest time",
            Box::new(|f| format!("{}; {}", f.edit_peak, secs(f.edit_rustc))),
        ),
        (
            "(c) the same edit, `cargo build` / then the binary alone",
            Box::new(|f| {
                let (builds, runs): (Vec<Duration>, Vec<Duration>) = f.edit_split.iter().copied().unzip();
                format!("{} / {}", spread(&builds), spread(&runs))
            }),
        ),
        (
            "(d) first publish / `git add` + `git commit`",
            Box::new(|f| versus(&f.first_publish, &f.git_add_commit)),
        ),
        (
            "(e) peak memory, site crate from scratch",
            Box::new(|f| f.rustc_peak.to_string()),
        ),
        ("rustc time, site crate", Box::new(|f| secs(f.rustc_time))),
        (
            "(f) the blog into an empty folder, whole process",
            Box::new(|f| {
                let per_page = f.site_from_scratch.as_secs_f64() * 1e3 / f.site_pages.max(1) as f64;
                format!(
                    "{} for {} pages: {per_page:.2} ms a page (Zola {ZOLA_MS_PER_PAGE:.2})",
                    secs(f.site_from_scratch),
                    f.site_pages
                )
            }),
        ),
        (
            "(g) publish with nothing to do, the binary alone",
            Box::new(|f| spread(&f.noop_publishes)),
        ),
        (
            "(h) every post into an empty folder / `cp -r`",
            Box::new(|f| format!("{} posts: {}", f.posts, versus(&f.posts_written, &f.posts_copied))),
        ),
    ];
    for (name, value) in rows {
        let _ = write!(out, "\n| {name} |");
        for f in all {
            let _ = write!(out, " {} |", value(f));
        }
    }
    out
}

/// (k) as a table: the index of each size, and each query.
fn search_table(all: &[(usize, search::SearchFigures)]) -> String {
    let mut out = String::from(
        "| (k) search | papers | index built | peak | files | size |\n|---|---|---|---|---|---|\n",
    );
    for (days, s) in all {
        let _ = writeln!(
            out,
            "| {days} days | {} | {} | {:.0} MiB | {} | {:.1} MB |",
            s.papers,
            secs(s.build),
            s.peak_mib,
            s.files,
            s.bytes as f64 / 1e6
        );
    }
    out.push_str(
        "\n| (k) one query | results | downloaded | of it the index | requests |\n|---|---|---|---|---|\n",
    );
    for (days, s) in all {
        for q in &s.queries {
            let _ = writeln!(
                out,
                "| {days} days, `{}` ({}) | {} | {:.0} KB | {:.0} KB | {} |",
                q.words,
                q.what,
                q.said,
                q.bytes as f64 / 1024.0,
                q.index_bytes as f64 / 1024.0,
                q.requests
            );
        }
    }
    out
}
