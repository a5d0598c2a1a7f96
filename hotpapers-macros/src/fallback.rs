//! What a failed expansion leaves behind, so only the real errors are shown.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// `compile_error!`s for `messages`, then an expression of the right type that
/// causes no follow-on errors. The errors are placed at `span`: the macro's
/// argument where there is one, so rustc shows the user's own line and adds no
/// note about macro expansion.
pub(crate) fn errors(span: Span, messages: impl IntoIterator<Item = String>) -> TokenStream {
    with_value(
        span,
        messages,
        quote::quote! { ::hotpapers::Compiled::Whole(&[]) },
    )
}

/// As [`errors`], with `value` as the expression that follows them.
pub(crate) fn with_value(
    span: Span,
    messages: impl IntoIterator<Item = String>,
    value: TokenStream,
) -> TokenStream {
    let messages = messages.into_iter();
    quote_spanned! {span=> {
        #( ::core::compile_error!(#messages); )*
        #value
    }}
}
