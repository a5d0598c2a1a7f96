//! `archive!`: read the site, check it, emit the archive.

use std::path::PathBuf;

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;
use syn::LitStr;

use crate::fallback;

pub(crate) fn archive(input: TokenStream) -> TokenStream {
    let (site_dir, span) = if input.is_empty() {
        (String::new(), Span::call_site())
    } else {
        match syn::parse2::<LitStr>(input) {
            Ok(path) => (path.value(), path.span()),
            Err(error) => return error.to_compile_error(),
        }
    };
    match load(&site_dir) {
        Ok(bytes) => {
            let bytes = Literal::byte_string(&bytes);
            quote! { ::hotpapers::Archive::decode(#bytes) }
        }
        Err(messages) => fallback::errors(span, messages),
    }
}

/// The crate root: where paths in the macro are relative to.
fn manifest_dir() -> Result<PathBuf, String> {
    std::env::var_os("HOTPAPERS_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .ok_or_else(|| "CARGO_MANIFEST_DIR is not set; build with cargo".to_owned())
}

/// Reads and checks the site in `site_dir`; every problem as one message each.
fn load(site_dir: &str) -> Result<Vec<u8>, Vec<String>> {
    let root = manifest_dir().map_err(|e| vec![e])?.join(site_dir);
    let shown_root = site_dir.trim_end_matches('/');
    let shown = |path: &str| {
        if shown_root.is_empty() {
            path.to_owned()
        } else {
            format!("{shown_root}/{path}")
        }
    };
    let (site, site_hash) = hotpapers::Site::load_with_hash(&root).map_err(|e| {
        let path = shown(&e.diagnostic().path);
        vec![e.shown_as(path).to_string()]
    })?;
    let posts = root.join(&site.posts_dir);
    match hotpapers::load_dir_shown(&posts, &shown(&site.posts_dir)) {
        Ok(loaded) => {
            let warnings: Vec<_> = loaded.warnings.0.iter().map(hotpapers::Warning::of).collect();
            Ok(hotpapers::Archive::encode(
                &site,
                site_hash,
                &loaded.days,
                &warnings,
            ))
        }
        Err(hotpapers::LoadError::Invalid(diagnostics)) => {
            Err(diagnostics.errors().map(ToString::to_string).collect())
        }
        Err(error) => Err(vec![error.to_string()]),
    }
}
