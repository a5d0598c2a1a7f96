//! `hotpapers new`: start a day-file.

use std::path::Path;

use crate::day::{create_day, day_of};

/// Creates `posts/DATE.toml`, refusing to overwrite a day that exists.
pub(crate) fn run(root: &Path, date: Option<&str>) -> anyhow::Result<()> {
    let path = create_day(root, day_of(date)?, time::OffsetDateTime::now_utc())?;
    println!("created {}", path.display());
    Ok(())
}
