//! arXiv ids in what people post: links to the abstract, the PDF or the HTML
//! version, `arXiv:` references, with or without a version; always returned
//! without their version, so that one paper is one id.

use hotpapers::ArxivId;

/// The id of a paper as Hugging Face or a curator writes it: `2411.01234`,
/// `2411.01234v2`, `arXiv:2411.01234`, or any arXiv URL.
pub fn arxiv_id(text: &str) -> Option<ArxivId<'static>> {
    let text = text.trim();
    let bare = text
        .strip_prefix("arXiv:")
        .or_else(|| text.strip_prefix("arxiv:"))
        .unwrap_or(text);
    match id_at(bare) {
        Some((id, "")) => Some(id),
        _ => arxiv_ids(text).into_iter().next(),
    }
}

/// Every arXiv id in a text or URL, in order, each once.
pub fn arxiv_ids(text: &str) -> Vec<ArxivId<'static>> {
    let mut found: Vec<ArxivId<'static>> = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut at = 0;
    while let Some(start) = next_reference(&lower[at..]).map(|(i, len)| (at + i, len)) {
        let (position, length) = start;
        at = position + length;
        if let Some((id, _)) = id_at(&text[at..]) {
            if !found.contains(&id) {
                found.push(id);
            }
        }
    }
    found
}

/// Where the next `arxiv.org/abs/`, `/pdf/`, `/html/` or `arxiv:` is, and its length.
fn next_reference(lower: &str) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for marker in ["arxiv.org/abs/", "arxiv.org/pdf/", "arxiv.org/html/", "arxiv:"] {
        if let Some(i) = lower.find(marker) {
            if best.is_none_or(|(b, _)| i < b) {
                best = Some((i, marker.len()));
            }
        }
    }
    best
}

/// The id at the start of `text` (new style `YYMM.NNNNN`, old style
/// `archive(.XX)/YYMMNNN`), its version dropped, and what follows it.
fn id_at(text: &str) -> Option<(ArxivId<'static>, &str)> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let new_style = {
        let year_month = digits(text);
        (year_month == 4 && text[4..].starts_with('.'))
            .then(|| {
                let number = digits(&text[5..]);
                (4..=5).contains(&number).then_some(5 + number)
            })
            .flatten()
    };
    let end = match new_style {
        Some(end) => end,
        None => {
            let slash = text.find('/')?;
            let archive = &text[..slash];
            let archive_ok = !archive.is_empty()
                && archive
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'.');
            (archive_ok && digits(&text[slash + 1..]) == 7).then_some(slash + 8)?
        }
    };
    let mut rest = &text[end..];
    // A version, then what a link may add: `.pdf`, a query, a fragment.
    if let Some(version) = rest.strip_prefix('v') {
        let n = digits(version);
        if n > 0 {
            rest = &version[n..];
        }
    }
    // `2411.012345` is not `2411.01234` followed by `5`.
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let id = ArxivId::parse(text[..end].to_owned()).ok()?;
    Some((id, rest.strip_prefix(".pdf").unwrap_or(rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        arxiv_ids(text).iter().map(|id| id.as_str().to_owned()).collect()
    }

    #[test]
    fn reads_every_form_of_an_id_as_one_paper() {
        for form in [
            "2411.01234",
            "2411.01234v3",
            "arXiv:2411.01234v1",
            "https://arxiv.org/abs/2411.01234",
            "https://arxiv.org/abs/2411.01234v2",
            "http://export.arxiv.org/abs/2411.01234",
            "https://arxiv.org/pdf/2411.01234",
            "https://arxiv.org/pdf/2411.01234v2.pdf",
            "https://arxiv.org/html/2411.01234v1#S3",
            "https://www.arxiv.org/abs/2411.01234?context=cs",
        ] {
            assert_eq!(
                arxiv_id(form).map(|id| id.to_string()).as_deref(),
                Some("2411.01234"),
                "{form}"
            );
        }
        assert_eq!(
            arxiv_id("https://arxiv.org/abs/hep-th/9901001v2")
                .map(|id| id.to_string())
                .as_deref(),
            Some("hep-th/9901001")
        );
        assert_eq!(
            arxiv_id("https://arxiv.org/abs/math.GT/0309136")
                .map(|id| id.to_string())
                .as_deref(),
            Some("math.GT/0309136")
        );
        assert_eq!(
            arxiv_id("0704.0001").map(|id| id.to_string()).as_deref(),
            Some("0704.0001")
        );
    }

    #[test]
    fn finds_the_ids_in_a_post_once_each() {
        assert_eq!(
            ids("New paper! https://arxiv.org/abs/2411.01234 (pdf: arxiv.org/pdf/2411.01234v2) and arXiv:2410.00007"),
            ["2411.01234", "2410.00007"]
        );
    }

    #[test]
    fn refuses_what_only_looks_like_an_id() {
        for text in [
            "https://example.org/abs/2411.01234",
            "https://arxiv.org/abs/2411.012345",
            "https://arxiv.org/abs/24110.1234",
            "https://arxiv.org/list/cs.LG/recent",
            "https://arxiv.org/abs/2411.1",
            "2411.01234x",
            "",
        ] {
            assert!(arxiv_id(text).is_none(), "{text}");
        }
    }
}
