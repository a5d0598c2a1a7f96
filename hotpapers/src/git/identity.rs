//! Who a commit is by: `--author`, `GIT_AUTHOR_*` / `GIT_COMMITTER_*`,
//! `hotpapers.toml`, then git's configuration, the first found.

use git2::{Repository, Signature};

use super::error::PublishError;
use super::Options;
use crate::site::Site;

/// Author and committer, first found wins: `--author`, `GIT_AUTHOR_*` /
/// `GIT_COMMITTER_*`, `hotpapers.toml`, git config.
pub(crate) fn signatures(
    repo: &Repository,
    site: &Site,
    options: &Options,
) -> Result<(Signature<'static>, Signature<'static>), PublishError> {
    let env = |key: &str| {
        match &options.env {
            Some(env) => env.get(key).cloned(),
            None => std::env::var(key).ok(),
        }
        .filter(|v| !v.is_empty())
    };
    let from_env = |who: &str| -> Result<Option<Signature<'static>>, PublishError> {
        match (env(&format!("GIT_{who}_NAME")), env(&format!("GIT_{who}_EMAIL"))) {
            (Some(name), Some(email)) => Ok(Some(Signature::now(&name, &email)?)),
            _ => Ok(None),
        }
    };
    let parsed = |text: &str| -> Result<Signature<'static>, PublishError> {
        let bad = || PublishError::BadIdentity(text.to_owned());
        let (name, rest) = text.split_once('<').ok_or_else(bad)?;
        let email = rest.strip_suffix('>').ok_or_else(bad)?;
        let name = name.trim();
        if name.is_empty() || email.trim().is_empty() || email.contains(['<', '>']) {
            return Err(bad());
        }
        Ok(Signature::now(name, email.trim())?)
    };
    let author = match &options.author {
        Some(author) => parsed(author)?,
        None => match from_env("AUTHOR")? {
            Some(author) => author,
            None => match &site.commit.author {
                Some(author) => parsed(author)?,
                None => repo.signature().map_err(|_| PublishError::NoIdentity)?,
            },
        },
    };
    let committer = match from_env("COMMITTER")? {
        Some(committer) => committer,
        None => author.clone(),
    };
    Ok((author, committer))
}
