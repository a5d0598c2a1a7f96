//! What `cargo run` builds: the site, without the curator tools' HTTP and TLS
//! stack. rustc's memory for the site crate (docs/BENCHMARKS.md, (e)) grows by about
//! 110 MiB when that stack is among the site's dependencies, and cargo unifies
//! features across the default members a plain `cargo run` selects.

use std::process::Command;

use crate::run::run_ok;
use crate::util::project_dir;

/// The packages that depend on `krate`, as `cargo run` at the root resolves them.
fn dependents(krate: &str) -> Vec<String> {
    run_ok(
        Command::new(env!("CARGO"))
            .args([
                "tree",
                "--invert",
                krate,
                "--edges",
                "normal,build",
                "--prefix",
                "none",
            ])
            .args(["--format", "{p}"])
            .current_dir(project_dir()),
    )
    .lines()
    .filter_map(|line| line.split_whitespace().next())
    .map(str::to_owned)
    .collect()
}

#[test]
fn the_site_is_built_without_the_curator_tools_network_stack() {
    // quick-xml is not among them: the site writes its RSS and Atom feeds with it.
    for krate in ["ureq", "rustls", "ring", "toml_edit"] {
        let dependents = dependents(krate);
        assert!(
            dependents.iter().any(|p| p == "hotpapers-cli"),
            "{krate} is still used by the curator tools: {dependents:?}"
        );
        assert!(
            !dependents
                .iter()
                .any(|p| p == "hotpapers-site" || p == "hotpapers"),
            "the site now depends on {krate}: {dependents:?}"
        );
    }
}

#[test]
fn the_site_publishes_with_git2() {
    assert!(dependents("git2").iter().any(|p| p == "hotpapers-site"));
}

/// The build script links the archive in as data (see build.rs): rustc never
/// reads it, so an edit's compile time and memory do not grow with the days.
/// The symbol is only in the binary if the macro referred to it, that is, if
/// the linked copy was exactly the archive the macro checked.
#[test]
#[cfg(target_os = "linux")]
fn the_archive_is_linked_in_as_data_not_compiled() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_hotpapers-site")).unwrap();
    let symbol = b"hotpapers_part_";
    assert!(
        binary.windows(symbol.len()).any(|w| w == symbol),
        "the site binary does not use the linked archive"
    );
}
