//! What the subcommands share: where a site's files are, which day a command
//! means, and the one way a day-file is edited (checked as the build would
//! check it, then written whole).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use hotpapers::Site;
use time::OffsetDateTime;

use crate::fetch;

/// The schema's path as seen from the day-files' folder.
pub(crate) fn schema_path(posts: &Path, root: &Path) -> String {
    let depth = posts.strip_prefix(root).unwrap_or(posts).components().count();
    format!("{}docs/day-file.schema.json", "../".repeat(depth))
}

/// `root/path`, shown without a leading `./`.
pub(crate) fn under(root: &Path, path: &str) -> PathBuf {
    if root == Path::new(".") {
        PathBuf::from(path)
    } else {
        root.join(path)
    }
}

/// Now, to the second; `HOTPAPERS_NOW` (RFC 3339) replays a run at a given
/// time, for tests and for re-running a missed day exactly.
pub(crate) fn now() -> anyhow::Result<OffsetDateTime> {
    let now = match std::env::var("HOTPAPERS_NOW") {
        Ok(text) if !text.is_empty() => {
            OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339).with_context(
                || {
                    format!(
                        "HOTPAPERS_NOW=`{}` is not an RFC 3339 time such as 2026-11-28T06:00:00Z",
                        hotpapers::quoted(&text)
                    )
                },
            )?
        }
        _ => OffsetDateTime::now_utc(),
    };
    Ok(now.to_offset(time::UtcOffset::UTC).replace_nanosecond(0)?)
}

/// The day asked for, or today in UTC.
pub(crate) fn day_of(date: Option<&str>) -> anyhow::Result<time::Date> {
    match date {
        Some(text) => hotpapers::parse_date(text)
            .with_context(|| format!("`{}` is not a date; expected YYYY-MM-DD", hotpapers::quoted(text))),
        None => Ok(time::OffsetDateTime::now_utc().date()),
    }
}

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
    let schema = schema_path(dir, root);
    Ok(format!(
        "#:schema {schema}\ndate = {}\npublished = {}\n",
        hotpapers::format_date(date),
        published
            .replace_nanosecond(0)?
            .format(&time::format_description::well_known::Rfc3339)?
    ))
}

/// Creates the day-file of `date`, never over one that exists and never
/// half-written; its path.
pub(crate) fn create_day(
    root: &Path,
    date: time::Date,
    now: time::OffsetDateTime,
) -> anyhow::Result<PathBuf> {
    let site = Site::load(root)?;
    let dir = under(root, &site.posts_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let path = dir.join(hotpapers::day_file_name(date));
    let text = new_day(root, &dir, date, now)?;
    hotpapers::write_new(&path, text.as_bytes()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!("`{}` exists already; edit it instead", path.display())
        } else {
            anyhow::anyhow!("cannot create `{}`: {e}", path.display())
        }
    })?;
    Ok(path)
}

/// Reads a day-file, applies `edit`, checks the result as the build would and
/// replaces the file atomically; on any failure the file is left as it was.
pub(crate) fn edit_day(
    root: &Path,
    date: time::Date,
    edit: impl FnOnce(&str) -> anyhow::Result<String>,
) -> anyhow::Result<PathBuf> {
    let site = Site::load(root)?;
    let dir = under(root, &site.posts_dir);
    let path = dir.join(hotpapers::day_file_name(date));
    if !path.exists() {
        create_day(root, date, time::OffsetDateTime::now_utc())?;
        println!("created {}", path.display());
    }
    let before =
        std::fs::read_to_string(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let after = edit(&before)?;
    write_day(&path, Some(&before), &after)?;
    Ok(path)
}

/// The day-file at `path`; `None` if there is none.
pub(crate) fn read_day(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read `{}`", path.display())),
    }
}

/// The one way a day-file is written: `after`, whole, if it passes the build's
/// checks (every error is reported) and the file is still `before` as it was
/// read (`None`: it did not exist), for someone may have saved it while the
/// network was asked.
pub(crate) fn write_day(path: &Path, before: Option<&str>, after: &str) -> anyhow::Result<()> {
    let shown = path.display().to_string();
    let (_, diagnostics) = hotpapers::parse_day(&shown, after);
    let problems: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.report().to_string())
        .collect();
    if !problems.is_empty() {
        bail!(
            "`{shown}` would fail the build, so it was not written:\n{}",
            problems.join("\n")
        );
    }
    if read_day(path)?.as_deref() != before {
        bail!("`{shown}` changed while it was being edited; nothing written, run again");
    }
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    hotpapers::write_atomically(path, after.as_bytes()).with_context(|| format!("cannot write `{shown}`"))
}

pub(crate) fn client(root: &Path) -> anyhow::Result<fetch::Client> {
    let site = Site::load(root)?;
    let contact = fetch::contact(&site);
    Ok(fetch::Client::new(
        fetch::Endpoints::from_env(&site),
        contact.as_deref(),
    )?)
}

/// What the blog is rendered from, read at run time as `cargo run` compiles
/// it.
pub(crate) struct BlogSources {
    pub(crate) site: Site,
    /// The published days: every day-file checked.
    pub(crate) days: Vec<hotpapers::Day<'static>>,
    pub(crate) theme: hotpapers::Theme<'static>,
}

/// Reads the settings, the day-files and the theme under `root`; the first
/// problem ends it, shown as the build shows it.
pub(crate) fn blog_sources(root: &Path) -> Result<BlogSources, String> {
    let site = Site::load(root).map_err(|e| e.to_string())?;
    hotpapers::refuse_links(root, &site.posts_dir).map_err(|e| format!("{}: {e}", site.posts_dir))?;
    let days = match hotpapers::load_dir_shown(&root.join(&site.posts_dir), &site.posts_dir) {
        Ok(loaded) => loaded.days,
        Err(hotpapers::LoadError::Invalid(diagnostics)) => return Err(diagnostics.to_string()),
        Err(error) => return Err(error.to_string()),
    };
    let theme = hotpapers::Theme::load(root).map_err(|e| format!("cannot read the theme: {e}"))?;
    Ok(BlogSources { site, days, theme })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: &str = include_str!("../../posts/2020-10-30.toml");

    #[test]
    fn writes_a_day_only_if_it_checks_and_nobody_changed_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("posts/2020-10-30.toml");

        // A new day-file, into a folder that is not there yet.
        write_day(&path, None, DAY).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), DAY);

        // Every error is reported, and the file is left as it was.
        let broken = DAY.replacen("arxiv = \"", "arxiv = \"not-an-id ", 2);
        let error = write_day(&path, Some(DAY), &broken).unwrap_err().to_string();
        assert!(
            error.contains("would fail the build, so it was not written"),
            "{error}"
        );
        assert!(
            error.contains(":5:9: `not-an-id 2010.15581` is not an arXiv id"),
            "{error}"
        );
        assert!(
            error.contains(":20:9: `not-an-id 2010.15775` is not an arXiv id"),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), DAY);

        // Saved by someone else since it was read: not overwritten.
        let edited = format!("{DAY}\n");
        let error = write_day(&path, Some("what was read"), &edited)
            .unwrap_err()
            .to_string();
        assert!(error.contains("changed while it was being edited"), "{error}");
        let error = write_day(&path, None, &edited).unwrap_err().to_string();
        assert!(error.contains("changed while it was being edited"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), DAY);

        write_day(&path, Some(DAY), &edited).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    }
}
