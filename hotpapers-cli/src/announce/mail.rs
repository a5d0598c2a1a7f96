//! A day as an e-mail: `multipart/alternative` with plain text and HTML whose
//! styles are inline (mail clients drop `<style>` and external CSS), every
//! value escaped by the template engine; sent over SMTP by lettre, with TLS
//! (rustls) unless the server is on this machine.

use anyhow::{bail, Context as _};
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{Message, SmtpTransport, Transport};

use super::News;

/// The HTML part's template.
const HTML: &str = include_str!("digest.html");

/// Who a digest is from and to.
pub(crate) struct Addresses {
    /// The sender, also the visible recipient.
    pub from: Mailbox,
    /// The readers, as blind copies: no reader sees another's address.
    pub to: Vec<Mailbox>,
}

impl Addresses {
    /// `HOTPAPERS_DIGEST_FROM` and `HOTPAPERS_DIGEST_TO` (comma-separated);
    /// `required`: both must be set. Otherwise the sender defaults to
    /// `digest@` the blog's host, for a message only shown.
    pub(crate) fn from_env(blog_url: &str, required: bool) -> anyhow::Result<Addresses> {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.trim().is_empty());
        let from = match var("HOTPAPERS_DIGEST_FROM") {
            Some(text) => text.parse::<Mailbox>().with_context(|| {
                format!(
                    "HOTPAPERS_DIGEST_FROM=`{}` is not an address",
                    hotpapers::quoted(&text)
                )
            })?,
            None if required => bail!("HOTPAPERS_DIGEST_FROM is not set: the sender, `Name <address>`"),
            None => {
                let host = blog_url
                    .split("://")
                    .nth(1)
                    .and_then(|r| r.split(['/', ':']).next());
                format!("digest@{}", host.unwrap_or("localhost"))
                    .parse::<Mailbox>()
                    .context("the blog's host is not a mail domain")?
            }
        };
        let to = match var("HOTPAPERS_DIGEST_TO") {
            Some(text) => text
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| {
                    t.parse::<Mailbox>().with_context(|| {
                        format!(
                            "`{}` in HOTPAPERS_DIGEST_TO is not an address",
                            hotpapers::quoted(t)
                        )
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?,
            None if required => {
                bail!("HOTPAPERS_DIGEST_TO is not set: the readers' addresses, comma-separated")
            }
            None => Vec::new(),
        };
        Ok(Addresses { from, to })
    }
}

/// The day's message; its `Message-ID` is made from the day and the site, so
/// a message sent twice would be one message to a reader's client.
pub(crate) fn message(
    news: &News,
    site_title: &str,
    home: &str,
    addresses: &Addresses,
) -> anyhow::Result<Message> {
    let domain = addresses.from.email.domain().to_owned();
    let id = format!(
        "<hotpapers.{}.{:016x}@{domain}>",
        hotpapers::format_date(news.date),
        super::site_tag(news)
    );
    let mut builder = Message::builder()
        .from(addresses.from.clone())
        .to(addresses.from.clone())
        .subject(news.title.clone())
        .message_id(Some(id));
    for reader in &addresses.to {
        builder = builder.bcc(reader.clone());
    }
    let body = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(plain(news, site_title)),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(html(news, site_title, home)?),
        );
    builder.multipart(body).context("cannot build the e-mail")
}

/// The plain-text part.
pub(crate) fn plain(news: &News, site_title: &str) -> String {
    let mut text = format!("{site_title}: {}\n{}\n", news.title, news.url);
    for (rank, paper) in news.papers.iter().enumerate() {
        text.push_str(&format!(
            "\n{}. {}\n   score {} · arXiv:{}\n   {}\n",
            rank + 1,
            paper.title,
            paper.score,
            paper.id,
            paper.authors.join(", ")
        ));
        if !paper.counts.is_empty() {
            text.push_str(&format!("   {}\n", paper.counts));
        }
        text.push_str(&format!("   {}\n\n   {}\n", paper.url, paper.abstract_));
    }
    text.push_str(&format!("\nRead the day on the blog: {}\n", news.url));
    text
}

/// The HTML part, every value escaped.
pub(crate) fn html(news: &News, site_title: &str, home: &str) -> anyhow::Result<String> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    let papers: Vec<_> = news
        .papers
        .iter()
        .map(|p| {
            minijinja::context! {
                id => p.id, title => p.title, score => p.score, url => p.url,
                authors => p.authors, abstract => p.abstract_, counts => p.counts,
            }
        })
        .collect();
    env.render_str(
        HTML,
        minijinja::context! {
            site => site_title, title => news.title, url => news.url, home => home, papers => papers,
        },
    )
    .context("cannot render the e-mail's HTML")
}

/// Sends `message` over the SMTP server of `url` (`HOTPAPERS_SMTP_URL`):
/// `smtps://` (TLS), `smtp://…?tls=required` (STARTTLS), or plain `smtp://`
/// to a server on this machine only.
pub(crate) fn send(url: &str, message: &Message) -> anyhow::Result<()> {
    let plain = url.starts_with("smtp://") && !url.contains("tls=required");
    if plain && !super::loopback(url) {
        bail!(
            "HOTPAPERS_SMTP_URL is plain SMTP to another machine: use `smtps://HOST` (TLS) or `smtp://HOST?tls=required` (STARTTLS); plain SMTP only to 127.0.0.1, [::1] or localhost"
        );
    }
    if !url.starts_with("smtp://") && !url.starts_with("smtps://") {
        bail!("HOTPAPERS_SMTP_URL is not an `smtp://` or `smtps://` URL");
    }
    let transport = SmtpTransport::from_url(url)
        .context("HOTPAPERS_SMTP_URL is not an SMTP URL lettre reads")?
        .timeout(Some(std::time::Duration::from_secs(60)))
        .build();
    transport
        .send(message)
        .context("the SMTP server refused the digest")?;
    Ok(())
}
