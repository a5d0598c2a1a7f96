//! `hotpapers digest [DATE]`: a day as an e-mail, written to standard output
//! or, with `--send`, sent once over SMTP and recorded like announcements.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use hotpapers::{Announcements, Site};

use crate::announce::mail::{self, Addresses};
use crate::announce::News;

/// The record's name for the e-mail channel.
const CHANNEL: &str = "email";

/// Writes or sends the digest of each day due (as for `announce`).
pub(crate) fn run(
    root: &Path,
    date: Option<&str>,
    send: bool,
    author: Option<String>,
) -> anyhow::Result<bool> {
    let site = Site::load(root)?;
    let smtp = if send {
        Some(
            std::env::var("HOTPAPERS_SMTP_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .context("HOTPAPERS_SMTP_URL is not set: the SMTP server, such as `smtps://USER:PASSWORD@smtp.example.org`")?,
        )
    } else {
        None
    };
    let addresses = Addresses::from_env(&site.blog.url, send)?;
    let record = Announcements::open(root, &site)?;
    let home = format!("{}/", site.blog.origin_and_base());
    for day in crate::commands::announce::due(root, &site, date, &record)? {
        let shown = hotpapers::format_date(day.date);
        let news = News::of(&site, &day, None);
        let message = mail::message(&news, &site.blog.title, &home, &addresses)?;
        let Some(smtp) = &smtp else {
            std::io::stdout().write_all(&message.formatted())?;
            println!();
            continue;
        };
        if let Some(at) = record.of(day.date)?.get(CHANNEL) {
            println!("{shown} {CHANNEL}: sent already, {at}");
            continue;
        }
        mail::send(smtp, &message).with_context(|| format!("{shown} {CHANNEL}"))?;
        let id = message
            .headers()
            .get_raw("Message-ID")
            .unwrap_or_default()
            .to_owned();
        record
            .add(&site, day.date, CHANNEL, &id, author.clone())
            .with_context(|| format!("{shown} {CHANNEL}: sent, but not recorded"))?;
        println!(
            "{shown} {CHANNEL}: sent to {} reader(s), {id}",
            addresses.to.len()
        );
    }
    Ok(true)
}
