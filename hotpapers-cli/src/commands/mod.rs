//! One module per subcommand, each with a `run`, as cargo lays out its commands.

pub(crate) mod add;
pub(crate) mod announce;
pub(crate) mod check;
pub(crate) mod collect;
pub(crate) mod digest;
pub(crate) mod import;
pub(crate) mod new;
pub(crate) mod schema;
pub(crate) mod search;
pub(crate) mod serve;
pub(crate) mod skip;
pub(crate) mod tweet;
