//! What a failed expansion leaves behind, so only the real errors are shown.

use proc_macro2::TokenStream;
use quote::quote;

/// `compile_error!`s for `messages`, then an expression of the right type that
/// causes no follow-on errors.
pub(crate) fn errors(messages: impl IntoIterator<Item = String>) -> TokenStream {
    let messages = messages.into_iter();
    quote! {{
        #( ::core::compile_error!(#messages); )*
        ::hotpapers::Archive::decode(&[])
    }}
}
