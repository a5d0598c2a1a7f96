//! The library's integration tests: one binary, a module per area (as the site
//! package and the curator tools have), so that `cargo test` links it once.

mod attacks;
mod differential;
mod oracle;
mod properties;
mod schema;
