//! A fingerprint of this crate's source and the workspace's dependencies, so
//! that caches of what its code produced (the macro's checked day-files, the
//! blog's unchanged pages) are dropped when that code changes.

use std::path::Path;

fn hash_dir(dir: &Path, hash: &mut u64) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            hash_dir(&path, hash);
        } else if let Ok(bytes) = std::fs::read(&path) {
            for byte in path.to_string_lossy().bytes().chain(bytes) {
                // FNV-1a: enough to tell versions of the source apart.
                *hash = (*hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
}

fn main() {
    let mut hash = 0xcbf2_9ce4_8422_2325;
    hash_dir(Path::new("src"), &mut hash);
    // The workspace's lock file, where there is one: a new version of a
    // dependency (the Markdown renderer, the template engine) changes output too.
    let lock = Path::new("../Cargo.lock");
    if let Ok(bytes) = std::fs::read(lock) {
        for byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        println!("cargo:rerun-if-changed=../Cargo.lock");
    }
    println!("cargo:rustc-env=HOTPAPERS_SOURCE_HASH={hash:016x}");
    println!("cargo:rerun-if-changed=src");
}
