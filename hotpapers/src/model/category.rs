//! arXiv categories, checked against the official taxonomy.

use std::fmt;
use std::sync::OnceLock;

/// The taxonomy as shipped: `id<TAB>full name<TAB>active|legacy`, sorted by id.
const TAXONOMY_TSV: &str = include_str!("arxiv-categories.tsv");

/// The aliases of the taxonomy and the category each is one with, as arXiv's
/// own taxonomy (arxiv-base, `arxiv/taxonomy/definitions.py`,
/// `CATEGORY_ALIASES`) has them: a paper cross-listed in one is listed in the
/// other, under the second name.
const ALIASES: [(&str, &str); 6] = [
    ("cs.NA", "math.NA"),
    ("cs.SY", "eess.SY"),
    ("math.IT", "cs.IT"),
    ("math.MP", "math-ph"),
    ("q-fin.EC", "econ.GN"),
    ("stat.TH", "math.ST"),
];

/// One entry of the arXiv taxonomy.
#[derive(Debug)]
pub struct CategoryInfo {
    /// The category id, such as `cs.LG`.
    pub id: &'static str,
    /// The full name, such as `Machine Learning`.
    pub name: &'static str,
    /// Whether arXiv still files new papers under it.
    pub active: bool,
}

/// All categories of the taxonomy, sorted by id.
pub fn taxonomy() -> &'static [CategoryInfo] {
    static TABLE: OnceLock<Vec<CategoryInfo>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<CategoryInfo> = TAXONOMY_TSV
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let id = fields.next()?;
                let name = fields.next()?;
                let active = fields.next()? == "active";
                Some(CategoryInfo { id, name, active })
            })
            .collect();
        table.sort_by(|a, b| a.id.cmp(b.id));
        table
    })
}

/// An arXiv category from the taxonomy, such as `cs.LG` or `hep-th`.
///
/// Aliases (`cs.SY` and `eess.SY`, `math.IT` and `cs.IT`, ...) are distinct
/// categories that render as written; [`Category::canonical`] is the one name
/// arXiv lists both under, the blog's topic for either.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Category(u16);

impl Category {
    /// Looks a category up by its exact id.
    pub fn from_id(id: &str) -> Option<Category> {
        let table = taxonomy();
        table
            .binary_search_by(|info| info.id.cmp(id))
            .ok()
            .map(|index| Category(index as u16))
    }

    /// The category at `index` in [`taxonomy()`], if there is one.
    pub fn from_index(index: u16) -> Option<Category> {
        (usize::from(index) < taxonomy().len()).then_some(Category(index))
    }

    /// The position in [`taxonomy()`]; stable for a given taxonomy file.
    pub fn index(self) -> u16 {
        self.0
    }

    /// The taxonomy entry.
    pub fn info(self) -> &'static CategoryInfo {
        &taxonomy()[usize::from(self.0)]
    }

    /// The id, such as `cs.LG`.
    pub fn as_str(self) -> &'static str {
        self.info().id
    }

    /// The category arXiv files this one's papers under when it is an alias
    /// (`cs.SY` is `eess.SY`), or this one.
    pub fn canonical(self) -> Category {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == self.as_str())
            .and_then(|(_, canonical)| Category::from_id(canonical))
            .unwrap_or(self)
    }

    /// The id as a topic's URL has it: in lower case (`cs.lg`, `hep-th`), as
    /// URLs are typed; no two categories have the same.
    pub fn slug(self) -> String {
        self.as_str().to_ascii_lowercase()
    }

    /// The closest category id to a misspelt one, for a "did you mean" hint.
    pub fn suggest(id: &str) -> Option<&'static str> {
        crate::text::closest(id, taxonomy().iter().map(|info| info.id))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Category({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_categories_and_aliases() {
        for id in [
            "cs.LG",
            "stat.ML",
            "math.GT",
            "physics.comp-ph",
            "q-bio.NC",
            "hep-th",
        ] {
            assert_eq!(Category::from_id(id).map(Category::as_str), Some(id));
        }
        assert_ne!(Category::from_id("cs.SY"), Category::from_id("eess.SY"));
        assert!(Category::from_id("eess.SY").is_some());
    }

    #[test]
    fn an_alias_is_one_topic_with_its_canonical_category() {
        let id = |id: &str| Category::from_id(id).unwrap();
        assert_eq!(id("cs.SY").canonical(), id("eess.SY"));
        assert_eq!(id("eess.SY").canonical(), id("eess.SY"));
        assert_eq!(id("stat.TH").canonical(), id("math.ST"));
        assert_eq!(id("cs.LG").canonical(), id("cs.LG"));
        for (alias, canonical) in ALIASES {
            assert_eq!(id(alias).canonical().as_str(), canonical);
            // Canonical names are no one's alias: one step reaches the topic.
            assert_eq!(id(canonical).canonical(), id(canonical));
        }
    }

    #[test]
    fn topic_slugs_are_lower_case_and_unique() {
        let slugs: std::collections::BTreeSet<String> =
            (0..taxonomy().len() as u16).map(|i| Category(i).slug()).collect();
        assert_eq!(slugs.len(), taxonomy().len());
        assert_eq!(Category::from_id("astro-ph.CO").unwrap().slug(), "astro-ph.co");
    }

    #[test]
    fn rejects_unknown_categories() {
        assert_eq!(Category::from_id("cs.LGG"), None);
        assert_eq!(Category::from_id("cs.lg"), None);
        assert_eq!(Category::from_id(""), None);
    }

    #[test]
    fn suggests_the_nearest_category() {
        assert_eq!(Category::suggest("cs.LGG"), Some("cs.LG"));
        assert_eq!(Category::suggest("stat.ml"), Some("stat.ML"));
    }

    #[test]
    fn taxonomy_is_the_shipped_file() {
        assert_eq!(taxonomy().len(), 173);
        assert!(taxonomy().windows(2).all(|w| w[0].id < w[1].id));
        let info = Category::from_id("cs.LG").unwrap().info();
        assert_eq!((info.name, info.active), ("Machine Learning", true));
    }
}
