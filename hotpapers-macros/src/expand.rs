//! `archive!`: read the site, check it, emit the archive.

use std::path::PathBuf;

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;
use syn::LitStr;

use crate::fallback;

/// The macro's optional argument: the site folder and where to point errors.
pub(crate) fn site_dir(input: TokenStream) -> Result<(String, Span), TokenStream> {
    if input.is_empty() {
        Ok((String::new(), Span::call_site()))
    } else {
        match syn::parse2::<LitStr>(input) {
            Ok(path) => Ok((path.value(), path.span())),
            Err(error) => Err(error.to_compile_error()),
        }
    }
}

pub(crate) fn archive(input: TokenStream) -> TokenStream {
    let (site_dir, span) = match site_dir(input) {
        Ok(dir) => dir,
        Err(error) => return error,
    };
    match load(&site_dir) {
        Ok(Encoded::Parts(parts)) => match linked(&parts).or_else(|| included(&parts)) {
            Some(tokens) => tokens,
            // Not linked, and the head could not be written to `OUT_DIR`: the
            // whole archive inline.
            None => match parts.read() {
                Ok(parts) => inline(
                    &parts
                        .decode()
                        .map(|a| hotpapers::Archive::encode(&a.site, a.site_hash, &a.days, &a.warnings))
                        .unwrap_or_default(),
                ),
                Err(error) => {
                    fallback::errors(span, vec![format!("cannot read the day-files' cache: {error}")])
                }
            },
        },
        Ok(Encoded::Whole(bytes)) => inline(&bytes),
        Err(messages) => fallback::errors(span, messages),
    }
}

/// The archive as one byte-string literal, where there is no `OUT_DIR`.
fn inline(bytes: &[u8]) -> TokenStream {
    let bytes = Literal::byte_string(bytes);
    quote! { ::hotpapers::Compiled::Whole(#bytes) }
}

/// The archive the macro encoded: in parts with an `OUT_DIR` (and its cache),
/// whole without.
enum Encoded {
    Parts(hotpapers::CachedParts),
    Whole(Vec<u8>),
}

/// The archive included by rustc from files (where it is not linked): the head
/// written to the crate's `OUT_DIR` (it has one when it has a build script, as
/// the site does), named by its content, and each month's part straight from
/// the cache, where it is named by its content already. Each part is in a module
/// of its own, so that rustc's incremental build compiles again only the month
/// that changed, and rustc reads the files itself (the bytes never pass through
/// the token stream). `None` where the head cannot be written.
///
/// Heads another expansion wrote more than a minute ago and this one does not
/// use are removed: a concurrent build (`cargo check` beside `cargo build`)
/// reads its own within seconds.
fn included(parts: &hotpapers::CachedParts) -> Option<TokenStream> {
    let dir = PathBuf::from(std::env::var_os("OUT_DIR")?);
    let name = format!("{ARCHIVE_PREFIX}{:016x}.bin", hotpapers::source_hash(&parts.head));
    let head_path = dir.join(&name);
    hotpapers::write_included(&head_path, &parts.head).ok()?;
    let head = head_path.to_str()?;
    let mut modules = Vec::with_capacity(parts.parts.len());
    let mut names = Vec::with_capacity(parts.parts.len());
    for part in &parts.parts {
        let path = part.path().to_str()?;
        let ident = quote::format_ident!("hotpapers_days_{}", part.month.replace('-', "_"));
        modules.push(quote! {
            mod #ident {
                pub static DAYS: &[u8] = ::core::include_bytes!(#path);
            }
        });
        names.push(ident);
    }
    let minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for entry in std::fs::read_dir(&dir).ok()?.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        // The time the file was made, which `set_modified` left alone.
        let old = entry
            .metadata()
            .and_then(|m| m.created().or_else(|_| m.accessed()))
            .is_ok_and(|made| made < minute_ago);
        if file.starts_with(ARCHIVE_PREFIX) && file != name && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Some(quote! {{
        #(#modules)*
        ::hotpapers::Compiled::Parts {
            head: ::core::include_bytes!(#head),
            parts: ::std::vec![#(#names::DAYS),*],
        }
    }})
}

/// The archive the site's build script linked into the binary, if it is
/// exactly these parts (the script lists their fingerprints in
/// `HOTPAPERS_LINKED_ARCHIVE`): references to the linked symbols, which rustc
/// declares and never reads. A day-file saved between the script and this
/// expansion makes them differ, and the parts are included instead.
fn linked(parts: &hotpapers::CachedParts) -> Option<TokenStream> {
    let said = std::env::var("HOTPAPERS_LINKED_ARCHIVE").ok()?;
    // Each part's fingerprint and length: the head's from its bytes, the
    // months' from the cache, which read none of them.
    let pieces: Vec<(u64, usize)> = std::iter::once((hotpapers::source_hash(&parts.head), parts.head.len()))
        .chain(parts.parts.iter().map(|part| (part.hash, part.len)))
        .collect();
    let names: Vec<String> = pieces.iter().map(|(hash, _)| format!("{hash:016x}")).collect();
    if said.split(',').ne(names.iter().map(String::as_str)) {
        return None;
    }
    let mut declared = std::collections::HashSet::new();
    let mut statics = Vec::new();
    let mut refs = Vec::new();
    for (name, (_, len)) in names.iter().zip(&pieces) {
        let ident = quote::format_ident!("HOTPAPERS_PART_{}", name.to_uppercase());
        if declared.insert(name) {
            let symbol = format!("hotpapers_part_{name}");
            let len = Literal::usize_unsuffixed(*len);
            statics.push(quote! {
                #[link_name = #symbol]
                static #ident: [u8; #len];
            });
        }
        refs.push(ident);
    }
    let (head, days) = refs.split_first()?;
    Some(quote! {{
        extern "C" {
            #(#statics)*
        }
        // SAFETY: the site's build script defines each `hotpapers_part_HASH` as
        // exactly this many bytes, in a read-only section of an object it
        // assembles from the part of this very archive with that fingerprint
        // (the list matched the one it linked); nothing writes to them, so
        // shared references for the life of the program are sound.
        #[allow(unsafe_code)]
        let (head, days): (&'static [u8], &[&'static [u8]]) = unsafe { (&#head, &[#(&#days),*]) };
        ::hotpapers::Compiled::Parts { head, parts: days.to_vec() }
    }})
}

/// The name of archive files written to `OUT_DIR`, before their content hash.
const ARCHIVE_PREFIX: &str = "hotpapers-archive-";

/// How messages name `path` of the site in `site_dir`: relative to the crate root.
pub(crate) fn shown_in(site_dir: &str, path: &str) -> String {
    match site_dir.trim_end_matches('/') {
        "" => path.to_owned(),
        root => format!("{root}/{path}"),
    }
}

/// The crate root: where paths in the macro are relative to.
pub(crate) fn manifest_dir() -> Result<PathBuf, String> {
    std::env::var_os("HOTPAPERS_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .ok_or_else(|| "CARGO_MANIFEST_DIR is not set; build with cargo".to_owned())
}

/// Reads and checks the site in `site_dir`; every problem as one message each.
fn load(site_dir: &str) -> Result<Encoded, Vec<String>> {
    let root = manifest_dir().map_err(|e| vec![e])?.join(site_dir);
    let shown = |path: &str| shown_in(site_dir, path);
    let (site, site_hash) = hotpapers::Site::load_with_hash(&root).map_err(|e| {
        let path = shown(&e.diagnostic().path);
        vec![e.shown_as(path).to_string()]
    })?;
    // A linked folder would compile in, and publish, day-files from outside.
    hotpapers::refuse_links(&root, &site.posts_dir)
        .map_err(|e| vec![format!("{}: {e}", shown(&site.posts_dir))])?;
    let posts = root.join(&site.posts_dir);
    let shown_posts = shown(&site.posts_dir);
    // With an `OUT_DIR`, what each day-file was found to be is kept there, so an
    // edit re-checks that day only.
    let encoded = match std::env::var_os("OUT_DIR") {
        Some(out) => {
            let cache = PathBuf::from(out).join("hotpapers-days");
            hotpapers::encode_dir_cached(&site, site_hash, &posts, &shown_posts, &cache).map(Encoded::Parts)
        }
        None => hotpapers::load_dir_shown(&posts, &shown_posts).map(|loaded| {
            let warnings: Vec<_> = loaded.warnings.0.iter().map(hotpapers::Warning::of).collect();
            Encoded::Whole(hotpapers::Archive::encode(
                &site,
                site_hash,
                &loaded.days,
                &warnings,
            ))
        }),
    };
    match encoded {
        Ok(bytes) => Ok(bytes),
        Err(hotpapers::LoadError::Invalid(diagnostics)) => {
            Err(diagnostics.errors().map(ToString::to_string).collect())
        }
        Err(error) => Err(vec![error.to_string()]),
    }
}
