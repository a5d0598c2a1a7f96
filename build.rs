//! Makes cargo rebuild the site when a day-file is edited, added or removed, and
//! links the compiled day-files into the binary as data.
//!
//! The day-files are checked by `hotpapers_macros::archive!` in `src/main.rs`,
//! which reports every problem with its file, line and column. This script
//! encodes the same archive (sharing the macro's per-day cache in `OUT_DIR`) and
//! assembles it into an object with `.incbin`, so that rustc never reads the
//! archive: on an edit, rustc's time and memory no longer grow with the number
//! of days. The macro uses the linked copy only when it is exactly the archive
//! it made itself (same length and fingerprint); otherwise, and on targets
//! without a GNU-style assembler (MSVC), it includes the archive as before.

use std::path::{Path, PathBuf};

fn main() {
    // Cargo rebuilds on every run while a watched file is missing, so the settings
    // file is watched only once it exists; the binary itself notices one that was
    // added since it was built.
    if Path::new(hotpapers::SITE_FILE).exists() {
        println!("cargo:rerun-if-changed={}", hotpapers::SITE_FILE);
    }
    println!("cargo:rerun-if-env-changed=HOTPAPERS_MANIFEST_DIR");
    println!("cargo:rerun-if-env-changed=HOTPAPERS_INCLUDE_ARCHIVE");
    // An unreadable hotpapers.toml is reported by the macro, with its location;
    // here the default folder is watched until it is fixed.
    let site = hotpapers::Site::load(Path::new(".")).unwrap_or_default();
    // A folder makes cargo look at every file in it, so additions and removals count.
    println!("cargo:rerun-if-changed={}", site.posts_dir);
    // The blog's theme, read by `hotpapers_macros::theme!`.
    for dir in [hotpapers::TEMPLATES_DIR, hotpapers::STATIC_DIR] {
        if Path::new(dir).exists() {
            println!("cargo:rerun-if-changed={dir}");
        }
    }
    if let Some((len, hash)) = link_archive() {
        println!("cargo:rustc-env=HOTPAPERS_LINKED_ARCHIVE={len} {hash:016x}");
    }
}

/// Encodes the site's archive, assembles it into a static library defining
/// `hotpapers_archive`, and tells cargo to link it: its length and fingerprint,
/// or `None` when it cannot (a day-file with errors, which the macro reports;
/// no assembler for the target; `HOTPAPERS_INCLUDE_ARCHIVE` set).
fn link_archive() -> Option<(usize, u64)> {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if std::env::var_os("HOTPAPERS_INCLUDE_ARCHIVE").is_some() || var("CARGO_CFG_TARGET_ENV") == "msvc" {
        return None;
    }
    // Where the symbol goes and how it is spelt, for ELF and Mach-O.
    let (section, symbol) = match var("CARGO_CFG_TARGET_OS").as_str() {
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "illumos" => {
            (".section .rodata.hotpapers_archive,\"a\"", "hotpapers_archive")
        }
        "macos" | "ios" => (".section __TEXT,__const", "_hotpapers_archive"),
        _ => return None,
    };
    let root = std::env::var_os("HOTPAPERS_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
    let (site, site_hash) = hotpapers::Site::load_with_hash(&root).ok()?;
    let out = PathBuf::from(std::env::var_os("OUT_DIR")?);
    let parts = hotpapers::encode_dir_cached(
        &site,
        site_hash,
        &root.join(&site.posts_dir),
        &site.posts_dir,
        &out.join("hotpapers-days"),
    )
    .ok()?;
    let blob = parts.linked();
    let data = out.join("hotpapers-linked-archive.bin");
    if std::fs::read(&data).ok().as_deref() != Some(blob.as_slice()) {
        hotpapers::write_atomically(&data, &blob).ok()?;
    }
    let data = data.to_str()?;
    if data.contains(['"', '\\', '\n']) {
        return None;
    }
    let elf = !symbol.starts_with('_');
    let assembly = format!(
        "{section}\n.balign 16\n.globl {symbol}\n{symbol}:\n.incbin \"{data}\"\n{}",
        if elf {
            // No executable stack for the binary because of this object.
            ".section .note.GNU-stack,\"\",%progbits\n"
        } else {
            ""
        }
    );
    let source = out.join("hotpapers-linked-archive.S");
    if std::fs::read_to_string(&source).ok().as_deref() != Some(assembly.as_str()) {
        std::fs::write(&source, assembly).ok()?;
    }
    cc::Build::new()
        .file(&source)
        .cargo_warnings(false)
        .try_compile("hotpapers_archive")
        .ok()?;
    Some((blob.len(), hotpapers::source_hash(&blob)))
}
