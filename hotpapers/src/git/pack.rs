//! Many objects at once as one pack file, as `git index-pack` would leave it.
//!
//! A first publish or an import writes thousands of posts, and the blog's first
//! commit thousands of pages in thousands of folders; as loose objects that is
//! thousands of files, each compressed on one core. Here the blobs and trees
//! are compressed on every core and written as one `.pack` and its `.idx`
//! (version 2), renamed into `objects/pack/` index last, so git never sees a
//! pack without its index. No deltas: the pack is what `git add` would have
//! stored, in two files instead of thousands; `git gc` can repack it later.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use flate2::{Compress, Compression, FlushCompress, Status};
use git2::{ObjectType, Oid, Repository};
use sha1::{Digest, Sha1};

/// Why a pack could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The pack folder could not be written.
    #[error("cannot write a pack in `{}`: {source}", path.display())]
    Io {
        /// The folder.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// More than a pack's offsets can address at once.
    #[error("a publish of more than 2 GiB at once")]
    TooBig,
    /// Only blobs and trees are written this way.
    #[error("cannot pack a {0}")]
    Kind(ObjectType),
    /// The compressor failed (not expected of a finished stream in memory).
    #[error("compressing an object: {0}")]
    Deflate(String),
    /// git2 refused.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// Below this many new blobs, loose objects are as quick and keep no small packs around.
pub(crate) const PACK_THRESHOLD: usize = 64;

/// One object, compressed, with what the index needs.
struct Packed {
    id: Oid,
    /// The pack entry: type-and-size header, then zlib data.
    entry: Vec<u8>,
    crc: u32,
}

/// An object's content (borrowed, or owned as a tree just encoded) with the id
/// git gives it. The id is computed here from the content and from nothing
/// else, so a pack entry written from a `Hashed` is always under its true id,
/// and content hashed once (the blog's pages, hashed to compare them with the
/// branch; a tree, hashed to name it in its parent) is not hashed again to be
/// written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hashed<B> {
    kind: Kind,
    id: Oid,
    bytes: B,
}

impl<B: AsRef<[u8]>> Hashed<B> {
    /// Blobs and trees only, as packs are written here.
    pub(crate) fn new(kind: ObjectType, bytes: B) -> Result<Hashed<B>, PackError> {
        let kind = match kind {
            ObjectType::Blob => Kind::Blob,
            ObjectType::Tree => Kind::Tree,
            _ => return Err(PackError::Kind(kind)),
        };
        Ok(Hashed {
            kind,
            id: object_id(kind.object_type(), bytes.as_ref())?,
            bytes,
        })
    }

    pub(crate) fn id(&self) -> Oid {
        self.id
    }
}

/// Borrowed content with its id: a rendered page.
pub(crate) type HashedBytes<'b> = Hashed<&'b [u8]>;

/// The kinds of object written here.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Blob,
    Tree,
}

impl Kind {
    fn object_type(self) -> ObjectType {
        match self {
            Kind::Blob => ObjectType::Blob,
            Kind::Tree => ObjectType::Tree,
        }
    }

    /// The pack's code for the kind.
    fn code(self) -> u8 {
        match self {
            Kind::Blob => 3,
            Kind::Tree => 2,
        }
    }
}

/// Writes `blobs` into one new pack and returns their ids, in order.
pub(crate) fn write_blobs(repo: &Repository, blobs: &[&[u8]]) -> Result<Vec<Oid>, PackError> {
    let hashed = crate::parallel::try_map(blobs, 256, |blob| Hashed::new(ObjectType::Blob, *blob))?;
    write_objects(repo, &hashed)?;
    Ok(hashed.iter().map(Hashed::id).collect())
}

/// Writes blobs and trees as their number calls for: one pack for many, loose
/// objects for a few.
pub(crate) fn write_all<B: AsRef<[u8]> + Sync>(
    repo: &Repository,
    objects: &[Hashed<B>],
) -> Result<(), PackError> {
    if objects.len() >= PACK_THRESHOLD {
        write_objects(repo, objects)
    } else {
        write_loose(repo, objects)
    }
}

/// Writes objects loose, as git stores a few: `objects/ab/cdef…`, zlib at
/// level 1, read-only, each written beside its place and renamed into it, so
/// that it appears whole; one that is there already is left as it is. They are
/// compressed here, with the zlib packs are written with, on every core, under
/// the id they were hashed to, instead of by libgit2, one at a time, hashing
/// each again with its collision-detecting SHA-1: after an edit, writing the
/// changed pages and feeds was a third of what the binary did.
fn write_loose<B: AsRef<[u8]> + Sync>(repo: &Repository, objects: &[Hashed<B>]) -> Result<(), PackError> {
    let dir = repo.path().join("objects");
    let chunks = crate::parallel::map_chunks(objects, 4, |chunk| {
        let mut packer = Packer::new();
        chunk.iter().try_for_each(|object| packer.loose(&dir, object))
    });
    chunks.into_iter().collect()
}

/// Writes blobs and trees into one new pack.
pub(crate) fn write_objects<B: AsRef<[u8]> + Sync>(
    repo: &Repository,
    objects: &[Hashed<B>],
) -> Result<(), PackError> {
    let packed: Vec<Packed> = crate::parallel::concat(crate::parallel::map_chunks(objects, 1, |chunk| {
        let mut packer = Packer::new();
        chunk
            .iter()
            .map(|object| packer.pack(object))
            .collect::<Result<Vec<_>, _>>()
    }))?;
    // Equal blobs are one object.
    let mut unique: Vec<&Packed> = packed.iter().collect();
    unique.sort_by_key(|o| o.id);
    unique.dedup_by(|a, b| a.id == b.id);

    let pack_dir = repo.path().join("objects/pack");
    fs::create_dir_all(&pack_dir).map_err(|e| io(&pack_dir, e))?;
    let (pack, offsets, checksum) = write_pack(&pack_dir, &unique)?;
    let idx = index(&unique, &offsets, &checksum);
    let name = format!("pack-{}", hex(&checksum));
    let mut idx_file = tempfile::Builder::new()
        .prefix("tmp_idx_hotpapers_")
        .tempfile_in(&pack_dir)
        .map_err(|e| io(&pack_dir, e))?;
    idx_file.write_all(&idx).map_err(|e| io(&pack_dir, e))?;
    // The pack first, then its index: git ignores a pack that has no index yet.
    for (file, extension) in [(pack, "pack"), (idx_file, "idx")] {
        let target = pack_dir.join(format!("{name}.{extension}"));
        file.as_file().sync_all().map_err(|e| io(&target, e))?;
        set_read_only(file.path()).map_err(|e| io(&target, e))?;
        file.persist(&target).map_err(|e| io(&target, e.error))?;
    }
    repo.odb()?.refresh()?;
    Ok(())
}

/// The pack file (a temporary file in `pack_dir`), each object's offset in it,
/// and its checksum.
fn write_pack(
    pack_dir: &Path,
    unique: &[&Packed],
) -> Result<(tempfile::NamedTempFile, Vec<u32>, [u8; 20]), PackError> {
    let mut pack = tempfile::Builder::new()
        .prefix("tmp_pack_hotpapers_")
        .tempfile_in(pack_dir)
        .map_err(|e| io(pack_dir, e))?;
    let mut hasher = Sha1::new();
    let mut offsets = Vec::with_capacity(unique.len());
    let mut offset = 12u64;
    let mut header = Vec::with_capacity(12);
    header.extend_from_slice(b"PACK");
    header.extend_from_slice(&2u32.to_be_bytes());
    header.extend_from_slice(&u32::try_from(unique.len()).map_err(|_| too_big())?.to_be_bytes());
    let mut write = |bytes: &[u8]| -> Result<(), PackError> {
        hasher.update(bytes);
        pack.write_all(bytes).map_err(|e| io(pack_dir, e))
    };
    write(&header)?;
    for object in unique {
        offsets.push(
            u32::try_from(offset)
                .ok()
                .filter(|o| o & 0x8000_0000 == 0)
                .ok_or_else(too_big)?,
        );
        write(&object.entry)?;
        offset += object.entry.len() as u64;
    }
    let checksum: [u8; 20] = hasher.finalize().into();
    pack.write_all(&checksum).map_err(|e| io(pack_dir, e))?;
    Ok((pack, offsets, checksum))
}

/// The pack's index, version 2: fan-out, ids, CRCs, offsets, checksums.
fn index(unique: &[&Packed], offsets: &[u32], checksum: &[u8; 20]) -> Vec<u8> {
    let mut idx = Vec::with_capacity(8 + 1024 + unique.len() * 28 + 40);
    idx.extend_from_slice(b"\xfftOc");
    idx.extend_from_slice(&2u32.to_be_bytes());
    for byte in 0..=255u8 {
        let count = unique.partition_point(|o| o.id.as_bytes()[0] <= byte);
        idx.extend_from_slice(&(count as u32).to_be_bytes());
    }
    for object in unique {
        idx.extend_from_slice(object.id.as_bytes());
    }
    for object in unique {
        idx.extend_from_slice(&object.crc.to_be_bytes());
    }
    for offset in offsets {
        idx.extend_from_slice(&offset.to_be_bytes());
    }
    idx.extend_from_slice(checksum);
    let idx_checksum: [u8; 20] = Sha1::digest(&idx).into();
    idx.extend_from_slice(&idx_checksum);
    idx
}

/// The tree of no files: what an unborn branch's first commit is built on.
/// Here, with the other helpers that only make objects, so that what pushes
/// and what publishes can both use it without depending on each other's errors.
pub(crate) fn empty_tree(repo: &Repository) -> Result<git2::Tree<'_>, git2::Error> {
    repo.find_tree(repo.treebuilder(None)?.write()?)
}

/// The id git gives an object of this kind and content: SHA-1 of its header
/// and content. Plain SHA-1, not libgit2's collision-detecting one, which is
/// for reading objects from elsewhere and takes three times as long; these are
/// the tool's own pages and posts.
pub(crate) fn object_id(kind: ObjectType, content: &[u8]) -> Result<Oid, git2::Error> {
    Oid::from_bytes(&sha1_id(kind.str(), content))
}

fn sha1_id(kind: &str, content: &[u8]) -> [u8; 20] {
    let mut hasher = Sha1::new();
    hasher.update(format!("{kind} {}\0", content.len()).as_bytes());
    hasher.update(content);
    hasher.finalize().into()
}

/// Compresses objects into pack entries, one thread's worth: the compressor
/// and its output buffer are made once and reused. A new compressor allocates
/// and clears half a megabyte of fresh pages, and an output buffer the size of
/// the object would hold three times the memory the entry needs; at 13,000
/// objects either costs more than compressing them.
struct Packer {
    deflate: Compress,
    scratch: Vec<u8>,
}

impl Packer {
    fn new() -> Packer {
        // Level 1, as git stores loose objects by default.
        Packer {
            deflate: Compress::new(Compression::fast(), true),
            scratch: Vec::new(),
        }
    }

    fn pack<B: AsRef<[u8]>>(&mut self, object: &Hashed<B>) -> Result<Packed, PackError> {
        let (code, blob) = (object.kind.code(), object.bytes.as_ref());
        // The type and the size, seven bits at a time after the first four;
        // room for the compressed data after it, as zlib's `compressBound` puts it.
        let entry = &mut self.scratch;
        entry.clear();
        entry.reserve(16 + blob.len() + (blob.len() >> 12) + (blob.len() >> 14) + 13);
        let mut size = blob.len() as u64;
        let mut byte = (code << 4) | (size & 0x0f) as u8;
        size >>= 4;
        while size != 0 {
            entry.push(byte | 0x80);
            byte = (size & 0x7f) as u8;
            size >>= 7;
        }
        entry.push(byte);
        deflate(&mut self.deflate, blob, entry)?;
        Ok(Packed {
            id: object.id,
            crc: crc32fast::hash(entry),
            entry: entry.as_slice().to_vec(),
        })
    }

    /// Writes an object loose into `objects` (see [`write_loose`]).
    fn loose<B: AsRef<[u8]>>(&mut self, objects: &Path, object: &Hashed<B>) -> Result<(), PackError> {
        let id = object.id.to_string();
        let folder = objects.join(&id[..2]);
        let target = folder.join(&id[2..]);
        if target.exists() {
            return Ok(());
        }
        let bytes = object.bytes.as_ref();
        let mut raw = format!("{} {}\0", object.kind.object_type(), bytes.len()).into_bytes();
        raw.extend_from_slice(bytes);
        let compressed = &mut self.scratch;
        compressed.clear();
        compressed.reserve(raw.len() + (raw.len() >> 12) + (raw.len() >> 14) + 13);
        deflate(&mut self.deflate, &raw, compressed)?;
        fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
        let mut file = tempfile::Builder::new()
            .prefix("tmp_obj_hotpapers_")
            .tempfile_in(&folder)
            .map_err(|e| io(&folder, e))?;
        file.write_all(compressed).map_err(|e| io(&target, e))?;
        set_read_only(file.path()).map_err(|e| io(&target, e))?;
        match file.persist_noclobber(&target) {
            Ok(_) => Ok(()),
            // Written meanwhile by someone else: the same bytes under the same id.
            Err(_) if target.exists() => Ok(()),
            Err(e) => Err(io(&target, e.error)),
        }
    }
}

/// `input` as one zlib stream, after what `out` holds.
fn deflate(deflate: &mut Compress, input: &[u8], out: &mut Vec<u8>) -> Result<(), PackError> {
    deflate.reset();
    loop {
        let consumed = usize::try_from(deflate.total_in()).map_err(|_| too_big())?;
        let status = deflate
            .compress_vec(&input[consumed..], out, FlushCompress::Finish)
            .map_err(|e| PackError::Deflate(e.to_string()))?;
        if status == Status::StreamEnd {
            return Ok(());
        }
        // Bytes that do not compress come out longer at level 1 (fixed
        // Huffman codes) than zlib's bound: more room.
        out.reserve(out.capacity().max(64));
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    crate::text::push_hex(&mut text, bytes);
    text
}

fn set_read_only(path: &Path) -> std::io::Result<()> {
    let mut permissions = fs::metadata(path)?.permissions();
    permissions.set_readonly(true);
    fs::set_permissions(path, permissions)
}

fn io(path: &Path, source: std::io::Error) -> PackError {
    PackError::Io {
        path: path.to_owned(),
        source,
    }
}

fn too_big() -> PackError {
    PackError::TooBig
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_few_objects_loose_as_git_does() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let blobs: Vec<Vec<u8>> = (0..5)
            .map(|i| format!("page {i}\n").repeat(i * 400).into_bytes())
            .collect();
        let hashed: Vec<HashedBytes<'_>> = blobs
            .iter()
            .map(|b| Hashed::new(ObjectType::Blob, b.as_slice()).unwrap())
            .collect();
        write_all(&repo, &hashed).unwrap();
        // Twice: an object that is there already is left as it is.
        write_all(&repo, &hashed).unwrap();
        for (object, blob) in hashed.iter().zip(&blobs) {
            assert_eq!(object.id(), Oid::hash_object(ObjectType::Blob, blob).unwrap());
            let id = object.id().to_string();
            let file = dir.path().join(".git/objects").join(&id[..2]).join(&id[2..]);
            assert!(
                fs::metadata(&file).unwrap().permissions().readonly(),
                "{}",
                file.display()
            );
            let shown = std::process::Command::new("git")
                .args(["cat-file", "blob", &id])
                .current_dir(dir.path())
                .output()
                .unwrap();
            assert_eq!(&shown.stdout, blob);
            assert_eq!(repo.find_blob(object.id()).unwrap().content(), blob.as_slice());
        }
        let leftovers: Vec<_> = walk(&dir.path().join(".git/objects"))
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("tmp_"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        assert!(
            !dir.path()
                .join(".git/objects/pack")
                .read_dir()
                .unwrap()
                .any(|_| true),
            "no pack for a few"
        );
        crate::git::assert_fsck_clean(dir.path());
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        for entry in fs::read_dir(dir).unwrap().flatten() {
            match entry.file_type().unwrap().is_dir() {
                true => found.extend(walk(&entry.path())),
                false => found.push(entry.path()),
            }
        }
        found
    }

    #[test]
    fn writes_a_pack_that_git_reads() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let blobs: Vec<Vec<u8>> = (0..200)
            .map(|i| format!("post {i}\n").repeat(i % 7 * 50 + 1).into_bytes())
            .collect();
        // Bytes that do not compress: level 1 codes them with fixed Huffman
        // codes, longer than the bytes, past the room first made for them.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let noise: Vec<u8> = (0..300_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let mut refs: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
        refs.push(b"post 0\n");
        refs.push(b"");
        refs.push(&noise);
        let ids = write_blobs(&repo, &refs).unwrap();
        for (id, blob) in ids.iter().zip(&refs) {
            assert_eq!(*id, Oid::hash_object(git2::ObjectType::Blob, blob).unwrap());
            assert_eq!(object_id(ObjectType::Blob, blob).unwrap(), *id);
            assert_eq!(repo.find_blob(*id).unwrap().content(), *blob);
        }
        assert!(matches!(
            Hashed::new(ObjectType::Commit, b""),
            Err(PackError::Kind(ObjectType::Commit))
        ));
        let packs: Vec<_> = fs::read_dir(dir.path().join(".git/objects/pack"))
            .unwrap()
            .flatten()
            .collect();
        assert_eq!(packs.len(), 2, "one pack and its index, no temporary files");
        crate::git::assert_fsck_clean(dir.path());
        let idx = packs
            .iter()
            .find(|p| p.path().extension().is_some_and(|e| e == "idx"))
            .unwrap()
            .path();
        let out = std::process::Command::new("git")
            .arg("verify-pack")
            .arg("-v")
            .arg(&idx)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("non delta: 202 objects"));
    }
}
