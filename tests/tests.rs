//! Integration tests: one binary, a module per area.

mod check;
mod cli;
mod fetch;
mod golden;
mod publish;
mod push;
mod rebuild;
mod ui;
mod util;
