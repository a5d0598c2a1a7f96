//! Integration tests: one binary, a module per area.

mod blog;
mod browser;
mod checks;
mod chromium;
mod cli;
mod deps;
mod golden;
mod publish;
mod push;
mod rebuild;
mod run;
mod search;
mod security;
mod util;
mod workflows;
