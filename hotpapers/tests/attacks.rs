//! A corpus of attacks on the reader's browser, each rejected in every field.

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

fn plant(field: &str, anchor: &str, attack: &str) -> String {
    let literal = attack.replace('\\', "\\\\").replace('"', "\\\"");
    let replacement = match field {
        "author" if anchor.starts_with("authors") => format!("authors = [\"{literal}\"]"),
        "title" | "author" => anchor.split_once(" = ").unwrap().0.to_owned() + &format!(" = \"{literal}\""),
        _ => {
            let (key, value) = anchor.split_once(" = '").unwrap();
            format!("{key} = \"{literal} {}", &value.replace('"', "\\\"")) + "\"\nx_end = '"
        }
    };
    REAL_DAY.replacen(anchor, &replacement, 1)
}

#[test]
fn every_attack_is_rejected_in_every_field_with_the_field_named() {
    let corpus = include_str!("attacks.txt");
    let attacks: Vec<&str> = corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(attacks.len() >= 35);
    for attack in &attacks {
        for (field, anchor) in FIELDS {
            assert!(REAL_DAY.contains(anchor), "{anchor}");
            let text = plant(field, anchor, attack);
            let (day, diagnostics) = hotpapers::parse_day("posts/2020-10-30.toml", &text);
            assert!(day.is_none(), "{attack:?} in {field} was accepted");
            let named = diagnostics
                .iter()
                .any(|d| d.message.starts_with(&format!("unsafe HTML in {field}: ")) && d.message.len() > 20);
            assert!(named, "{attack:?} in {field}: {diagnostics:#?}");
        }
    }
}

#[test]
fn ordinary_angle_brackets_stay_valid_and_render_unchanged() {
    for text in [
        r"$\omega<2.37$",
        "<human, object, interaction>",
        "a <= b >= c",
        "x<y and y>z",
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
