//! `theme!`: read the blog's templates and static files, check the templates by
//! rendering them, emit the theme.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::{manifest_dir, shown_in, site_dir};
use crate::fallback;

pub(crate) fn theme(input: TokenStream) -> TokenStream {
    let (site_dir, span) = match site_dir(input) {
        Ok(dir) => dir,
        Err(error) => return error,
    };
    match load(&site_dir) {
        Ok(theme) => theme,
        Err(message) => fallback::with_value(span, [message], quote! { ::hotpapers::Theme::default() }),
    }
}

fn load(site_dir: &str) -> Result<TokenStream, String> {
    let root = manifest_dir()?.join(site_dir);
    let shown = |path: &str| shown_in(site_dir, path);
    // Broken settings are the archive's to report, where they are read.
    let site = hotpapers::Site::load(&root).unwrap_or_default();
    let theme = hotpapers::Theme::load(&root)
        .map_err(|e| format!("{}: cannot read the theme: {e}", shown("templates")))?;
    hotpapers::check_theme(&site, &theme).map_err(|error| match error.diagnostic() {
        Some(diagnostic) => {
            let mut diagnostic = diagnostic.clone();
            diagnostic.path = shown(&diagnostic.path);
            diagnostic.to_string()
        }
        None => format!("{}: {error}", shown("templates")),
    })?;
    // rustc reads the files itself, and rebuilds when one of them changes.
    let file = |dir: &str, name: &str| {
        let path = root.join(dir).join(name);
        path.to_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{}: not a UTF-8 path", shown(dir)))
    };
    let mut templates = Vec::new();
    for (name, _) in &theme.templates {
        let path = file(hotpapers::TEMPLATES_DIR, name)?;
        let name = name.as_ref();
        templates.push(quote! {
            (::std::borrow::Cow::Borrowed(#name), ::std::borrow::Cow::Borrowed(::core::include_str!(#path)))
        });
    }
    let mut assets = Vec::new();
    for (name, _) in &theme.assets {
        let path = file(hotpapers::STATIC_DIR, name)?;
        let name = name.as_ref();
        assets.push(quote! {
            (::std::borrow::Cow::Borrowed(#name), ::std::borrow::Cow::Borrowed(&::core::include_bytes!(#path)[..]))
        });
    }
    Ok(quote! {
        ::hotpapers::Theme {
            templates: ::std::vec![#(#templates),*],
            assets: ::std::vec![#(#assets),*],
        }
    })
}
