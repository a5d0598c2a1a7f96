//! The generated blog in a real browser: headless Chromium (Debian's `chromium`
//! package) loads pages from a local server, the test fails on a JavaScript error
//! from the site's own pages or an empty page, and screenshots are saved under
//! `target/screenshots/` for a person to look at.
//!
//! Without Chromium the test says so and passes, so `cargo test` works on a
//! machine with only the Rust toolchain; CI sets `HOTPAPERS_BROWSER_TESTS=required`
//! (in `.ci/run`, which installs Chromium) and then a missing browser fails.

use std::process::Command;

use hotpapers::Theme;

use crate::chromium::{chromium, serve, visit};
use crate::util::{archive_of, project_dir};

#[test]
fn pages_load_in_headless_chromium_without_errors() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let archive = archive_of(&project_dir());
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog(&archive.site, &archive.days, &theme).unwrap();
    hotpapers::write_site(dir.path(), &files).unwrap();
    // A page with an error of its own: proof that errors are seen at all.
    std::fs::write(
        dir.path().join("broken.html"),
        "<!doctype html><title>x</title><p>x</p><script>notDefinedAnywhere()</script>",
    )
    .unwrap();
    let origin = serve(dir.path());
    let broken = visit(&browser, &format!("{origin}/broken.html"), &origin, None);
    assert_eq!(
        broken.errors.len(),
        1,
        "the error detector saw: {:?}",
        broken.errors
    );

    let shots = project_dir().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, path, expect) in [
        (
            "post",
            "/posts/hot-papers-2020-10-30/",
            "The De-democratization of AI",
        ),
        ("index", "/", "Hot Papers 2020-12-07"),
        ("paper", "/papers/2010.15801/", "Ray-marching Thurston geometries"),
        ("stats", "/stats/", "Papers per month"),
        ("topic", "/arxiv/cs.lg/", "Matern Gaussian Processes on Graphs"),
        ("topics", "/arxiv/", "Computer Vision and Pattern Recognition"),
        // No index here (the curator tools' tests build one): said, no error.
        ("search-unbuilt", "/search/?q=geometry", "has no search index yet"),
        ("missing", "/no/such/page/", "Not found"),
    ] {
        let url = format!("{origin}{path}");
        let page = visit(&browser, &url, &origin, None);
        assert!(page.errors.is_empty(), "{url}: {:?}", page.errors);
        assert!(
            page.dom.contains(expect),
            "{url} shows no `{expect}`:\n{}",
            page.dom
        );
        assert!(page.dom.contains("<main>"), "{url} is empty:\n{}", page.dom);
        for (size, window) in [("desktop", "1280,1600"), ("phone", "390,1400")] {
            let file = shots.join(format!("{name}-{size}.png"));
            let _ = std::fs::remove_file(&file);
            let shot = visit(&browser, &url, &origin, Some((&file, window)));
            assert!(shot.errors.is_empty(), "{url}: {:?}", shot.errors);
            let png = std::fs::read(&file).unwrap_or_else(|e| panic!("no screenshot of {url}: {e}"));
            assert!(
                png.starts_with(b"\x89PNG") && png.len() > 2000,
                "{}",
                file.display()
            );
        }
    }
}

/// Measures, in the page, every text of every `svg.chart` against its SVG's
/// box, and writes what it found into the DOM as JSON: how many charts and
/// texts, and each text outside its chart. With `natural`, each chart is
/// first drawn at the size its `viewBox` gives it.
fn measure_script(natural: bool) -> String {
    format!(
        r#"<script>
addEventListener("load", () => {{
  const charts = [...document.querySelectorAll("svg.chart")];
  if ({natural}) for (const svg of charts) svg.style.width = svg.viewBox.baseVal.width + "px";
  const outside = [];
  let texts = 0;
  charts.forEach((svg, i) => {{
    const b = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll("text")) {{
      texts += 1;
      const r = t.getBoundingClientRect();
      if (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5)
        outside.push(`chart ${{i}}: ${{t.textContent}} spans ${{r.left.toFixed(1)}}..${{r.right.toFixed(1)}} in ${{b.left.toFixed(1)}}..${{b.right.toFixed(1)}}`);
    }}
  }});
  const pre = document.createElement("pre");
  pre.id = "boxes";
  pre.textContent = JSON.stringify({{ charts: charts.length, texts, outside }});
  document.body.append(pre);
}});
</script>"#
    )
}

#[test]
fn every_chart_label_is_inside_its_chart_at_every_width() {
    let Some(browser) = chromium() else { return };
    // 57 months of days: every eighth month is labelled, the last one too,
    // `2025-09`, centred on the plot's last slot by the right edge.
    let mut days = Vec::new();
    for month in 0..57 {
        let date = time::Date::from_calendar_date(
            2021 + month / 12,
            time::Month::try_from((month % 12 + 1) as u8).unwrap(),
            15,
        )
        .unwrap();
        let text = format!(
            "date = {date}\npublished = {date}T12:00:00Z\n\n[[paper]]\narxiv = \"2012.00001\"\ntitle = 'A paper'\n\
             authors = ['Ada']\ncategories = ['cs.LG']\nretweets = {month}\nfavorites = 40\nabstract = 'x'\n"
        );
        let (day, problems) = hotpapers::parse_day(&format!("posts/{date}.toml"), &text);
        days.push(day.unwrap_or_else(|| panic!("{problems:?}")));
    }
    let site = hotpapers::Site::default();
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog(&site, &days, &theme).unwrap();
    let stats = files.iter().find(|f| f.path == "stats/index.html").unwrap();
    let page = String::from_utf8(stats.bytes.to_vec()).unwrap();
    assert!(page.contains(">2025-09</text>"), "the last month is labelled");
    let dir = tempfile::tempdir().unwrap();
    hotpapers::write_site(dir.path(), &files).unwrap();
    let origin = serve(dir.path());
    let shots = project_dir().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, width, natural) in [
        ("full", 1280, true),
        ("1280", 1280, false),
        ("768", 768, false),
        ("390", 390, false),
    ] {
        let measured = page.replacen("</body>", &format!("{}</body>", measure_script(natural)), 1);
        std::fs::write(dir.path().join(format!("stats-{name}.html")), measured).unwrap();
        let url = format!("{origin}/stats-{name}.html");
        let window = format!("{width},1600");
        let profile = tempfile::tempdir().unwrap();
        let output = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--dump-dom",
            ])
            .arg(format!("--window-size={window}"))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(&url)
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&output.stdout);
        let json = dom
            .split_once("<pre id=\"boxes\">")
            .and_then(|(_, rest)| rest.split_once("</pre>"))
            .map(|(json, _)| {
                json.replace("&gt;", ">")
                    .replace("&lt;", "<")
                    .replace("&amp;", "&")
            })
            .unwrap_or_else(|| panic!("{name}: nothing measured:\n{dom}"));
        let boxes: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(boxes["charts"], 3, "{name}: {boxes}");
        assert!(boxes["texts"].as_u64().unwrap() > 20, "{name}: {boxes}");
        assert_eq!(
            boxes["outside"],
            serde_json::json!([]),
            "{name}: labels outside their chart"
        );
        let file = shots.join(format!("stats-labels-{name}.png"));
        let _ = std::fs::remove_file(&file);
        visit(&browser, &url, &origin, Some((&file, &window)));
    }
}

/// Reports, in the page, how Chromium laid out its math: how many `math`
/// elements have a box, how many fractions have their numerator above their
/// denominator, and how many spans are shown as TeX code.
const MATH_SCRIPT: &str = r#"<script>
addEventListener("load", () => {
  const maths = [...document.querySelectorAll("main math")];
  const laidOut = maths.filter(m => { const r = m.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  const fracs = [...document.querySelectorAll("main mfrac")];
  const stacked = fracs.filter(f => {
    const [num, den] = f.children;
    return num && den && num.getBoundingClientRect().bottom <= den.getBoundingClientRect().top + 1;
  });
  const pre = document.createElement("pre");
  pre.id = "math";
  pre.textContent = JSON.stringify({
    maths: maths.length, laidOut: laidOut.length, fracs: fracs.length, stacked: stacked.length,
    tex: document.querySelectorAll("main code.tex").length,
  });
  document.body.append(pre);
});
</script>"#;

#[test]
fn math_is_laid_out_as_math_in_chromium() {
    let Some(browser) = chromium() else { return };
    let text = r#"date = 2024-05-02
published = 2024-05-02T12:00:00Z

[[paper]]
arxiv = "2405.00001"
title = 'A $(1+\epsilon)$-approximation in $\tilde{O}(m\sqrt{n})$ time'
authors = ['Ada']
categories = ['cs.DS']
retweets = 10
favorites = 40
abstract = '''For $x \in \mathbb{R}^d$ and $\mathcal{N}(\mu, \sigma^2)$ noise we show $\frac{a+b}{c}$ and $\sum_{i=1}^n x_i \le \sqrt[3]{n}$, with $f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}$ and $\big(1 + o(1)\big)$; a price of \$5 stays text, and $\widetilde{O}(\sqrt{T})$ is shown as TeX.
$$\min_{\theta} \mathbb{E}_{(x,y)\sim\mathcal{D}}\left[\ell(f_\theta(x), y)\right] = \frac{\pi^2}{6}$$'''
"#;
    let (day, problems) = hotpapers::parse_day("posts/2024-05-02.toml", text);
    let day = day.unwrap_or_else(|| panic!("{problems:?}"));
    // The paper again the next day, more discussed: its page has a chart.
    let next = text
        .replace("2024-05-02", "2024-05-03")
        .replace("favorites = 40", "favorites = 90");
    let (next, problems) = hotpapers::parse_day("posts/2024-05-03.toml", &next);
    let next = next.unwrap_or_else(|| panic!("{problems:?}"));
    let site = hotpapers::Site::default();
    let theme = Theme::load(&project_dir()).unwrap();
    let files = hotpapers::render_blog(&site, &[day, next], &theme).unwrap();
    let post = files
        .iter()
        .find(|f| f.path == "posts/hot-papers-2024-05-02/index.html")
        .unwrap();
    let page = String::from_utf8(post.bytes.to_vec()).unwrap();
    assert!(page.contains("a price of $5 stays text"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    hotpapers::write_site(dir.path(), &files).unwrap();
    let measured = page.replacen("</body>", &format!("{MATH_SCRIPT}</body>"), 1);
    std::fs::write(dir.path().join("math.html"), measured).unwrap();
    let origin = serve(dir.path());
    let page = visit(&browser, &format!("{origin}/math.html"), &origin, None);
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    let json = page
        .dom
        .split_once("<pre id=\"math\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(json, _)| json.replace("&quot;", "\""))
        .unwrap_or_else(|| panic!("nothing measured:\n{}", page.dom));
    let found: serde_json::Value = serde_json::from_str(&json).unwrap();
    // The title's two spans, the abstract's six inline and one display; its
    // `\widetilde` math-core does not know.
    assert_eq!(found["maths"], 9, "{found}");
    assert_eq!(found["laidOut"], found["maths"], "{found}");
    assert_eq!(found["fracs"], 2, "{found}");
    assert_eq!(found["stacked"], 2, "fractions laid out as fractions: {found}");
    assert_eq!(found["tex"], 1, "{found}");
    let shots = project_dir().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, path, size, window) in [
        ("math", "/posts/hot-papers-2024-05-02/", "desktop", "1280,900"),
        ("math", "/posts/hot-papers-2024-05-02/", "phone", "390,1200"),
        ("paper", "/papers/2405.00001/", "desktop", "1280,1100"),
        ("paper", "/papers/2405.00001/", "phone", "390,1600"),
    ] {
        let file = shots.join(format!("{name}-{size}.png"));
        let _ = std::fs::remove_file(&file);
        let url = format!("{origin}{path}");
        let shot = visit(&browser, &url, &origin, Some((&file, window)));
        assert!(shot.errors.is_empty(), "{:?}", shot.errors);
        let png = std::fs::read(&file).unwrap_or_else(|e| panic!("no screenshot: {e}"));
        assert!(png.starts_with(b"\x89PNG") && png.len() > 2000);
    }
}
