//! "Did you mean" hints for misspelt names.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
///
/// Case differences count as half an edit, so `stat.ml` finds `stat.ML`.
pub(crate) fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(1) * 2;
    candidates
        .into_iter()
        .map(|candidate| (distance(word, candidate), candidate))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance in half-edits: 1 for a change of case only, 2 otherwise.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).map(|i| i * 2).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = (i + 1) * 2;
        for (j, &cb) in b.iter().enumerate() {
            let change = if ca == cb {
                0
            } else if ca.to_lowercase().eq(cb.to_lowercase()) {
                1
            } else {
                2
            };
            current[j + 1] = (previous[j] + change)
                .min(previous[j + 1] + 2)
                .min(current[j] + 2);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_typo() {
        let keys = ["date", "published", "draft", "paper"];
        assert_eq!(closest("publshed", keys), Some("published"));
        assert_eq!(closest("Date", keys), Some("date"));
    }

    #[test]
    fn ignores_unrelated_words() {
        assert_eq!(closest("zzzzzz", ["date", "paper"]), None);
    }
}
