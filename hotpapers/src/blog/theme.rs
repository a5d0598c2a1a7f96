//! A theme: the templates and static files of the blog, and reading them.

use std::borrow::Cow;
use std::path::Path;

use minijinja::{Environment, UndefinedBehavior};

use super::BlogError;
use crate::diagnostic::{Severity, Source};

/// The templates the blog renders a page with: one per kind of page. Each is
/// built in; a theme overrides only those it wants to.
pub const REQUIRED_TEMPLATES: [&str; 10] = [
    "list.html",
    "post.html",
    "paper.html",
    "topic.html",
    "topics.html",
    "terms.html",
    "stats.html",
    "search.html",
    "404.html",
    "sitemap.xml",
];

/// The built-in templates, by name: those a page is rendered with, the
/// `base.html` they extend and the `pagination.html` lists include. A theme's template of the same name replaces one,
/// so a page type that a new version adds never breaks a theme that lacks it.
pub const BUILTIN_TEMPLATES: [(&str, &str); 12] = [
    ("base.html", include_str!("builtins/base.html")),
    ("pagination.html", include_str!("builtins/pagination.html")),
    ("list.html", include_str!("builtins/list.html")),
    ("post.html", include_str!("builtins/post.html")),
    ("paper.html", include_str!("builtins/paper.html")),
    ("topic.html", include_str!("builtins/topic.html")),
    ("topics.html", include_str!("builtins/topics.html")),
    ("terms.html", include_str!("builtins/terms.html")),
    ("stats.html", include_str!("builtins/stats.html")),
    ("search.html", include_str!("builtins/search.html")),
    ("404.html", include_str!("builtins/404.html")),
    ("sitemap.xml", include_str!("builtins/sitemap.xml")),
];

pub use crate::site::{STATIC_DIR, TEMPLATES_DIR};

/// The blog's templates and static files, compiled in or read from a folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Theme<'a> {
    /// The theme's own templates by name, relative to `templates/`
    /// (`post.html`), with their source; the [`BUILTIN_TEMPLATES`] it does not
    /// override are added when it renders.
    pub templates: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Static files by path relative to `static/`, with their bytes.
    pub assets: Vec<(Cow<'a, str>, Cow<'a, [u8]>)>,
}

impl Theme<'static> {
    /// Reads `templates/` and `static/` under `root`; a folder that is missing
    /// is an empty part of the theme, and one that is (or is under) a symbolic
    /// link is an error: `static -> .git` would publish the repository's config.
    pub fn load(root: &Path) -> std::io::Result<Theme<'static>> {
        crate::text::refuse_links(root, TEMPLATES_DIR)?;
        crate::text::refuse_links(root, STATIC_DIR)?;
        let mut theme = Theme::default();
        // Markdown files among the templates are notes (the folder's README).
        let templates = files(&root.join(TEMPLATES_DIR))?
            .into_iter()
            .filter(|(name, _)| !name.ends_with(".md"));
        for (name, bytes) in templates {
            let text = String::from_utf8(bytes).map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{TEMPLATES_DIR}/{name} is not UTF-8 text"),
                )
            })?;
            theme.templates.push((Cow::Owned(name), Cow::Owned(text)));
        }
        for (name, bytes) in files(&root.join(STATIC_DIR))? {
            theme.assets.push((Cow::Owned(name), Cow::Owned(bytes)));
        }
        Ok(theme)
    }
}

/// Every regular file under `dir`, by path relative to it with `/`, sorted.
/// Links and hidden files (editors' swap files) are left out.
fn files(dir: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_owned(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && prefix.is_empty() => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if name.starts_with('.') || name.ends_with('~') {
                continue;
            }
            let kind = entry.file_type()?;
            let path = format!("{prefix}{name}");
            if kind.is_dir() {
                stack.push((entry.path(), format!("{path}/")));
            } else if kind.is_file() {
                found.push((path, std::fs::read(entry.path())?));
            }
        }
    }
    found.sort();
    Ok(found)
}

impl<'a> Theme<'a> {
    /// The templates, parsed: the theme's own, and the built-in ones it does
    /// not override.
    pub(crate) fn environment(&'a self) -> Result<Environment<'a>, BlogError> {
        let mut env = Environment::new();
        // A misspelt variable is an error, not an empty string on a page; `if`
        // may still ask whether something is there.
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_keep_trailing_newline(true);
        // Every template escapes what it prints, whatever its file is called: a
        // partial named `toc.jinja` prints a day-file's title as safely as
        // `post.html` does. The feeds and the sitemap are XML, where the same
        // escaping is right. The one value printed as it is was rendered under
        // the HTML policy and marked safe where it is made (`pages.rs`).
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        for (name, source) in BUILTIN_TEMPLATES {
            if !self.templates.iter().any(|(own, _)| own == name) {
                env.add_template(name, source)
                    .map_err(|error| self.located(&error))?;
            }
        }
        for (name, source) in &self.templates {
            env.add_template(name, source)
                .map_err(|error| self.located(&error))?;
        }
        Ok(env)
    }

    /// A template error at its place in the template's file.
    pub(crate) fn located(&self, error: &minijinja::Error) -> BlogError {
        // The innermost error names the template and line it happened in.
        let mut at: &dyn std::error::Error = error;
        let mut located = error;
        while let Some(source) = at.source() {
            if let Some(inner) = source.downcast_ref::<minijinja::Error>() {
                if inner.name().is_some() {
                    located = inner;
                }
            }
            at = source;
        }
        let name = located.name().unwrap_or("?");
        let builtin = BUILTIN_TEMPLATES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, source)| *source);
        let text = self
            .templates
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, source)| source.as_ref())
            .or(builtin)
            .unwrap_or("");
        let span = located.range().unwrap_or_else(|| {
            let line = located.line().unwrap_or(1).max(1);
            let start = text
                .split_inclusive('\n')
                .take(line - 1)
                .map(str::len)
                .sum::<usize>();
            let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
            start..end
        });
        let path = format!("{TEMPLATES_DIR}/{name}");
        let source = Source { path: &path, text };
        let message = match located.detail() {
            Some(detail) => format!("{}: {detail}", located.kind()),
            None => located.kind().to_string(),
        };
        let diagnostic = source.diagnostic(
            Severity::Error,
            span,
            message,
            "a template that renders (minijinja, the Jinja2 syntax)",
        );
        BlogError::Template(Box::new(diagnostic))
    }
}
