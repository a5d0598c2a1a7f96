//! Integration tests: one binary, a module per area.

mod cli;
mod deps;
mod golden;
mod publish;
mod push;
mod rebuild;
mod run;
mod util;
