//! `hotpapers new`: start a day-file.

use std::path::Path;

use anyhow::Context as _;
use hotpapers::Site;

use crate::day::{day_of, pathdiff, under};

/// The text of a new day-file for `date` in `dir`: published `now`, or when
/// the day starts for a day still to come.
pub(crate) fn new_day(
    root: &Path,
    dir: &Path,
    date: time::Date,
    now: time::OffsetDateTime,
) -> anyhow::Result<String> {
    let published = now.max(date.midnight().assume_utc());
    // The `#:schema` line gives completion and checks while typing in editors
    // whose TOML language server reads it (Taplo, Even Better TOML).
    let schema = pathdiff(dir, root);
    Ok(format!(
        "#:schema {schema}\ndate = {}\npublished = {}\n",
        hotpapers::format_date(date),
        published
            .replace_nanosecond(0)?
            .format(&time::format_description::well_known::Rfc3339)?
    ))
}

/// Creates `posts/DATE.toml`, refusing to overwrite a day that exists.
pub(crate) fn run(root: &Path, date: Option<&str>) -> anyhow::Result<()> {
    let now = time::OffsetDateTime::now_utc();
    let date = day_of(date)?;
    let site = Site::load(root)?;
    let dir = under(root, &site.posts_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let path = dir.join(hotpapers::day_file_name(date));
    let text = new_day(root, &dir, date, now)?;
    // Never a partial file, never an overwrite.
    hotpapers::write_new(&path, text.as_bytes()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!("`{}` exists already; edit it instead", path.display())
        } else {
            anyhow::anyhow!("cannot create `{}`: {e}", path.display())
        }
    })?;
    println!("created {}", path.display());
    Ok(())
}
