//! `hotpapers skip`: a paper the curator does not want, out of the day and
//! kept out of every later `collect`.

use std::path::Path;

use crate::day::{day_of, edit_day};
use crate::edit;

/// `hotpapers skip ID [--day DATE]`.
pub(crate) fn run(root: &Path, id: &str, day: Option<&str>) -> anyhow::Result<()> {
    let date = day_of(day)?;
    let id = hotpapers::ArxivId::parse(id.to_owned())
        .map_err(|e| anyhow::anyhow!("`{}` is not an arXiv id: {e}", hotpapers::quoted(id)))?;
    let mut removed = false;
    let path = edit_day(root, date, |text| {
        let (after, was_there) = edit::skip(text, id.as_str())?;
        removed = was_there;
        Ok(after)
    })?;
    let base = id.without_version();
    if removed {
        println!("removed {base} from {} and added it to `skip`", path.display());
    } else {
        println!("added {base} to `skip` in {}", path.display());
    }
    Ok(())
}
