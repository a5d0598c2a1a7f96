//! arXiv categories, checked against the official taxonomy.

use std::fmt;
use std::sync::OnceLock;

/// The taxonomy as shipped: `id<TAB>full name<TAB>active|legacy`, sorted by id.
const TAXONOMY_TSV: &str = include_str!("arxiv-categories.tsv");

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
/// categories that render as written.
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
