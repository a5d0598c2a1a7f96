//! Papers from the arXiv API: many ids in one request, read from its Atom
//! feed, each field as Markdown that renders as arXiv's text.

use quick_xml::events::Event;

use hotpapers::{ArxivId, Category};

use super::{encode, normalise, Client, FetchError};

/// A paper as arXiv describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArxivPaper {
    /// The id, without its version.
    pub id: ArxivId<'static>,
    /// The title, whitespace normalised, as Markdown that renders as arXiv's
    /// text ([`hotpapers::markdown_text`]).
    pub title: String,
    /// The authors, in order, likewise.
    pub authors: Vec<String>,
    /// The categories of the taxonomy, primary first.
    pub categories: Vec<Category>,
    /// The abstract, whitespace normalised, likewise.
    pub abstract_: String,
}

impl Client {
    /// Looks papers up, all in one request; any id arXiv does not know fails
    /// the whole lookup.
    pub fn arxiv_papers(&mut self, ids: &[ArxivId<'_>]) -> Result<Vec<ArxivPaper>, FetchError> {
        self.arxiv_lookup(ids)?
            .into_iter()
            .map(|(id, found)| {
                found.map_err(|message| match message {
                    None => FetchError::UnknownPaper(id),
                    Some(message) => FetchError::ArxivError { id, message },
                })
            })
            .collect()
    }

    /// Looks papers up, all in one request: for each id, its paper, or why
    /// arXiv gave none (`None`: it has no such paper). arXiv refuses a whole
    /// request for one id it will not take (HTTP 400 with its error feed): the
    /// ids are then asked again one by one, three seconds apart, so that one
    /// bad id never costs the others. A service that is down is an error.
    pub fn arxiv_lookup(&mut self, ids: &[ArxivId<'_>]) -> Result<Vec<(String, Lookup)>, FetchError> {
        match self.arxiv_request(ids) {
            Err(FetchError::Refused {
                status: 400,
                message,
                body,
                ..
            }) => match ids {
                [id] => {
                    let why = parse_atom(&body)
                        .ok()
                        .and_then(|entries| entries.into_iter().find_map(|e| e.err().map(|(_, m)| m)))
                        .or(message)
                        .unwrap_or_else(|| "HTTP 400".to_owned());
                    Ok(vec![(id.without_version().to_owned(), Err(Some(why)))])
                }
                _ => {
                    let mut found = Vec::with_capacity(ids.len());
                    for id in ids {
                        found.extend(self.arxiv_lookup(std::slice::from_ref(id))?);
                    }
                    Ok(found)
                }
            },
            other => other,
        }
    }

    /// One request for `ids`, read as [`Client::arxiv_lookup`] answers.
    fn arxiv_request(&mut self, ids: &[ArxivId<'_>]) -> Result<Vec<(String, Lookup)>, FetchError> {
        let list: Vec<&str> = ids.iter().map(ArxivId::without_version).collect();
        let url = format!(
            "{}?id_list={}&max_results={}",
            self.endpoints.arxiv,
            encode(&list.join(",")),
            ids.len()
        );
        let body = self.get(&url, "application/atom+xml")?;
        let papers = parse_atom(&body).map_err(|reason| FetchError::Malformed {
            url: url.clone(),
            reason,
        })?;
        let error_of_all = papers
            .iter()
            .find_map(|p| p.as_ref().err())
            .map(|(_, m)| m.clone());
        Ok(list
            .iter()
            .map(|id| {
                let found = match papers.iter().find(|p| match p {
                    Ok(paper) => paper.id.without_version() == *id,
                    Err((error_id, _)) => error_id.contains(id),
                }) {
                    Some(Ok(paper)) => Ok(paper.clone()),
                    Some(Err((_, message))) => Err(Some(message.clone())),
                    None => Err(error_of_all.clone()),
                };
                ((*id).to_owned(), found)
            })
            .collect())
    }
}

type Entry = Result<ArxivPaper, (String, String)>;

/// What looking one id up found: its paper, or why arXiv gave none (`None`:
/// it has no such paper).
pub type Lookup = Result<ArxivPaper, Option<String>>;

/// One `<entry>` while it is read.
#[derive(Default)]
struct Raw {
    id: String,
    title: String,
    summary: String,
    authors: Vec<String>,
    primary: Option<String>,
    categories: Vec<String>,
}

/// Adds text to the field of the entry that the element path names.
fn push_text(raw: Option<&mut Raw>, path: &[String], text: &str) {
    let Some(raw) = raw else { return };
    match path
        .iter()
        .rev()
        .take(2)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["id", "entry"] => raw.id.push_str(text),
        ["title", "entry"] => raw.title.push_str(text),
        ["summary", "entry"] => raw.summary.push_str(text),
        ["name", "author"] => {
            if let Some(name) = raw.authors.last_mut() {
                name.push_str(text);
            }
        }
        _ => {}
    }
}

/// The entries of an arXiv Atom feed: papers, or `(id, message)` for error entries.
pub fn parse_atom(xml: &str) -> Result<Vec<Entry>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut entries = Vec::new();
    let mut current: Option<Raw> = None;
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event().map_err(|e| format!("not XML: {e}"))? {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if name == "entry" {
                    current = Some(Raw::default());
                }
                // Each `<name>` in an `<author>` starts an author; text and entities fill it.
                if let (Some(raw), "name", Some("author")) =
                    (current.as_mut(), name.as_str(), path.last().map(String::as_str))
                {
                    raw.authors.push(String::new());
                }
                path.push(name);
            }
            Event::Empty(element) => {
                let name = String::from_utf8_lossy(element.local_name().as_ref()).into_owned();
                if let Some(raw) = current.as_mut() {
                    let term = element
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"term")
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()));
                    match (name.as_str(), term) {
                        ("primary_category", Some(term)) => raw.primary = Some(term),
                        ("category", Some(term)) => raw.categories.push(term),
                        _ => {}
                    }
                }
            }
            Event::Text(text) => {
                let text = text.xml_content().map_err(|e| format!("bad text: {e}"))?;
                push_text(current.as_mut(), &path, &text);
            }
            Event::GeneralRef(reference) => {
                // Entities arrive on their own: `&amp;`, `&#233;`, ...
                push_text(current.as_mut(), &path, &resolve_reference(&reference)?);
            }
            Event::End(_) => {
                let closed = path.pop();
                if closed.as_deref() == Some("entry") {
                    entries.push(entry(current.take().unwrap_or_default()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(entries)
}

/// An entity or character reference of the feed, as text.
fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    if let Some(c) = reference
        .resolve_char_ref()
        .map_err(|e| format!("bad reference: {e}"))?
    {
        return Ok(c.to_string());
    }
    let name = reference.decode().map_err(|e| format!("bad reference: {e}"))?;
    Ok(match name.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        other => return Err(format!("unknown entity `&{};`", hotpapers::quoted(other))),
    }
    .to_owned())
}

fn entry(raw: Raw) -> Entry {
    let Raw {
        id,
        title,
        summary,
        authors,
        primary,
        categories,
    } = raw;
    let id = id.trim().to_owned();
    if id.contains("/api/errors") || normalise(&title) == "Error" {
        return Err((id, normalise(&summary)));
    }
    let bare = id.rsplit_once("/abs/").map_or(id.as_str(), |(_, bare)| bare);
    let Ok(parsed) = ArxivId::parse(ArxivId::split_version(bare).0.to_owned()) else {
        return Err((id.clone(), format!("`{bare}` is not an arXiv id")));
    };
    let mut names: Vec<String> = primary.into_iter().collect();
    for category in categories {
        if !names.contains(&category) {
            names.push(category);
        }
    }
    // Cross-lists outside the taxonomy (such as ACM classes) are dropped.
    let categories: Vec<Category> = names.iter().filter_map(|n| Category::from_id(n)).collect();
    if categories.is_empty() {
        return Err((id, "no category of the arXiv taxonomy".to_owned()));
    }
    // arXiv's plain text into Markdown fields: escaped where CommonMark would
    // read markup (`<think>` is a tag to it), so it renders as arXiv wrote it.
    let text = |t: &str| hotpapers::markdown_text(&normalise(t));
    Ok(ArxivPaper {
        id: parsed,
        title: text(&title),
        authors: authors.iter().map(|a| text(a)).collect(),
        categories,
        abstract_: text(&summary),
    })
}
