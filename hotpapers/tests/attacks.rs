//! A corpus of attacks on the reader's browser, each rejected in every field
//! (or, in a Markdown field, read as plain text by CommonMark and so inert).

use crate::oracle;

const REAL_DAY: &str = include_str!("../../posts/2020-10-30.toml");

/// The text fields of the real day, by the value they hold there.
const FIELDS: &[(&str, &str)] = &[
    ("title", "title = 'Probabilistic Transformers'"),
    ("author", "authors = ['Javier R. Movellan']"),
    (
        "abstract",
        "abstract = 'We show that Transformers are Maximum Posterior Probability estimators",
    ),
    ("author", "author = 'Non-Markovian Sam Power'"),
    ("text", "text = 'nice little note"),
];

/// The real day with the line holding `anchor` replaced by `attack` as that key's
/// value (each anchored value is one line).
fn plant(field: &str, anchor: &str, attack: &str) -> String {
    let literal = attack.replace('\\', "\\\\").replace('"', "\\\"");
    let key = anchor.split_once(" = ").unwrap().0;
    let value = match field {
        "author" if key == "authors" => format!("[\"{literal}\"]"),
        _ => format!("\"{literal}\""),
    };
    let start = REAL_DAY.find(anchor).unwrap();
    let end = start + REAL_DAY[start..].find('\n').unwrap();
    format!("{}{key} = {value}{}", &REAL_DAY[..start], &REAL_DAY[end..])
}

#[test]
fn every_attack_is_rejected_in_every_field_with_the_field_named() {
    let corpus = include_str!("attacks.txt");
    let attacks: Vec<&str> = corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(attacks.len() >= 45);
    let mut inert = 0;
    for attack in &attacks {
        for (field, anchor) in FIELDS {
            assert!(REAL_DAY.contains(anchor), "{anchor}");
            let text = plant(field, anchor, attack);
            let (day, diagnostics) = hotpapers::parse_day("posts/2020-10-30.toml", &text);
            if let Some(day) = day {
                // Some forms are text to the parser that reads the field:
                // `<img/src=x>` to CommonMark, which escapes its `<`, and
                // `[x](javascript:…)` to the browser inside the embed's HTML.
                let site = hotpapers::Site::default();
                let tweets = hotpapers::ranked(&day, &site)
                    .iter()
                    .map(|p| p.tweets.len())
                    .sum();
                let harms = oracle::harms(&hotpapers::render(&day, &site), tweets);
                assert!(harms.is_empty(), "{attack:?} in {field} was accepted: {harms:?}");
                assert!(
                    !attack.contains('<')
                        || !matches!(*field, "text" | "author")
                        || anchor.starts_with("authors"),
                    "{attack:?} is HTML where the browser reads {field}"
                );
                inert += 1;
                continue;
            }
            let named = diagnostics
                .iter()
                .any(|d| d.message.starts_with(&format!("{field} holds ")) && d.message.len() > 20);
            assert!(named, "{attack:?} in {field}: {diagnostics:#?}");
        }
    }
    assert!(
        inert * 10 < attacks.len() * FIELDS.len(),
        "{inert} accepted as text"
    );
}

#[test]
fn ordinary_angle_brackets_stay_valid_and_render_unchanged() {
    for text in [
        r"$\omega<2.37$",
        "<human, object, interaction>",
        "a <= b >= c",
        // From the real legacy archive.
        "for some k<k', the decomposition only needs",
        "$m<n^{1.19}$",
        "$f<n/2$",
    ] {
        let day_file = REAL_DAY.replacen(
            "title = 'Probabilistic Transformers'",
            &format!("title = \"{}\"", text.replace('\\', "\\\\")),
            1,
        );
        let (day, diagnostics) = hotpapers::parse_day("posts/2020-10-30.toml", &day_file);
        let day = day.unwrap_or_else(|| panic!("{text}: {diagnostics:#?}"));
        let post = hotpapers::render(&day, &hotpapers::Site::default());
        assert!(post.contains(&format!(". {text}\n")), "{text}");
    }
}
