//! Makes cargo rebuild the site when a day-file is edited, added or removed, and
//! links the compiled day-files into the binary as data.
//!
//! The day-files are checked by `hotpapers_macros::archive!` in `src/main.rs`,
//! which reports every problem with its file, line and column. This script
//! encodes the same archive (sharing the macro's cache in `OUT_DIR`, so that an
//! edit reads and checks one month) and assembles each part into an object
//! with `.incbin`, so that rustc never reads the archive: on an edit, rustc's
//! time and memory no longer grow with the number of days. The macro uses the linked copy only when it is exactly the archive
//! it made itself (same length and fingerprint); otherwise, and on targets
//! without a GNU-style assembler (MSVC), it includes the archive as before.

use std::path::{Path, PathBuf};

fn main() {
    // The settings file and the theme's folders are always watched, so adding,
    // editing or removing any of them rebuilds. The repository ships all three:
    // cargo re-runs this script on every build while a watched path is missing,
    // so one a site owner deleted costs that, never a stale binary.
    println!("cargo:rerun-if-changed={}", hotpapers::SITE_FILE);
    println!("cargo:rerun-if-env-changed=HOTPAPERS_MANIFEST_DIR");
    println!("cargo:rerun-if-env-changed=HOTPAPERS_INCLUDE_ARCHIVE");
    // An unreadable hotpapers.toml is reported by the macro, with its location;
    // here the default folder is watched until it is fixed.
    let site = hotpapers::Site::load(Path::new(".")).unwrap_or_default();
    // A folder makes cargo look at every file in it, so additions and removals count.
    println!("cargo:rerun-if-changed={}", site.posts_dir);
    // The blog's theme, read by `hotpapers_macros::theme!`.
    for dir in [hotpapers::TEMPLATES_DIR, hotpapers::STATIC_DIR] {
        println!("cargo:rerun-if-changed={dir}");
    }
    let elf = target_is_elf();
    // Said on every build, empty when nothing is linked: a value inherited from
    // the environment (cargo gives `rustc-env` to the tests it runs, and a test
    // may build a site) would have the macro refer to symbols never linked.
    let linked = elf.and_then(link_archive).unwrap_or_default();
    let names: Vec<String> = linked.iter().map(|hash| format!("{hash:016x}")).collect();
    println!("cargo:rustc-env=HOTPAPERS_LINKED_ARCHIVE={}", names.join(","));
    // The site's link is most of what an edit costs, and a third of it is the
    // debug info of every dependency: the binary keeps its symbols (a backtrace
    // names functions) but not the lines. At 300 days this takes the link from
    // 0.25 s and 275 MiB to 0.18 s and 225 MiB (docs/BENCHMARKS.md).
    // `HOTPAPERS_DEBUG_INFO=1` keeps it, for a debugger.
    println!("cargo:rerun-if-env-changed=HOTPAPERS_DEBUG_INFO");
    if elf == Some(true) && std::env::var_os("HOTPAPERS_DEBUG_INFO").is_none() {
        println!("cargo:rustc-link-arg-bins=-Wl,--strip-debug");
    }
}

/// Whether the target's objects are ELF (`Some(true)`) or Mach-O
/// (`Some(false)`); `None` for the others, where the archive is included as
/// rustc data and the link is left as it is.
fn target_is_elf() -> Option<bool> {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_ENV") == "msvc" {
        return None;
    }
    match var("CARGO_CFG_TARGET_OS").as_str() {
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "illumos" => Some(true),
        "macos" | "ios" => Some(false),
        _ => None,
    }
}

/// Encodes the site's archive in its parts (the head, then a part a month),
/// assembles each part into an object defining `hotpapers_part_HASH` (kept
/// under `OUT_DIR` by content, so an edit assembles one month), and tells
/// cargo to link them: the parts' fingerprints in order, or `None` when it
/// cannot (a day-file with errors, which the macro reports; no assembler for
/// the target; `HOTPAPERS_INCLUDE_ARCHIVE` set).
fn link_archive(elf: bool) -> Option<Vec<u64>> {
    if std::env::var_os("HOTPAPERS_INCLUDE_ARCHIVE").is_some() {
        return None;
    }
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
    let dir = out.join("hotpapers-linked");
    std::fs::create_dir_all(&dir).ok()?;
    // The head is small and made on every build; a month's part is read only
    // when its object is not there yet, which after an edit is one month.
    let head = hotpapers::source_hash(&parts.head);
    let pieces = std::iter::once((head, None)).chain(parts.parts.iter().map(|part| (part.hash, Some(part))));
    let mut hashes = Vec::new();
    let mut linked = std::collections::HashSet::new();
    for (hash, part) in pieces {
        hashes.push(hash);
        if !linked.insert(hash) {
            continue;
        }
        let object = dir.join(format!("{hash:016x}.o"));
        if !object.exists() {
            let bytes = match part {
                Some(part) => part.read().ok()?,
                None => parts.head.clone(),
            };
            assemble(&dir, hash, &bytes, elf)?;
        }
        println!("cargo:rustc-link-arg={}", object.to_str()?);
    }
    Some(hashes)
}

/// `DIR/HASH.o`, defining `hotpapers_part_HASH` as `bytes` in a read-only
/// section of its own (so the linker drops it if nothing refers to it).
fn assemble(dir: &Path, hash: u64, bytes: &[u8], elf: bool) -> Option<()> {
    let name = format!("{hash:016x}");
    let data = dir.join(format!("{name}.bin"));
    std::fs::write(&data, bytes).ok()?;
    let data = data.to_str()?;
    if data.contains(['"', '\\', '\n']) {
        return None;
    }
    let assembly = if elf {
        format!(
            ".section .rodata.hotpapers_part_{name},\"a\"\n.balign 8\n.globl hotpapers_part_{name}\n\
             hotpapers_part_{name}:\n.incbin \"{data}\"\n\
             .section .note.GNU-stack,\"\",%progbits\n"
        )
    } else {
        format!(
            ".section __TEXT,__const\n.balign 8\n.globl _hotpapers_part_{name}\n\
             _hotpapers_part_{name}:\n.incbin \"{data}\"\n.subsections_via_symbols\n"
        )
    };
    let source = dir.join(format!("{name}.S"));
    std::fs::write(&source, assembly).ok()?;
    let objects = cc::Build::new()
        .file(&source)
        .out_dir(dir.join("cc"))
        .cargo_metadata(false)
        .cargo_warnings(false)
        .try_compile_intermediates()
        .ok()?;
    // Only now is the object complete: its name says it is there to use.
    std::fs::rename(objects.first()?, dir.join(format!("{name}.o"))).ok()?;
    let _ = std::fs::remove_file(dir.join(format!("{name}.bin")));
    let _ = std::fs::remove_file(source);
    Some(())
}
