//! The benchmark's own deletions, kept out of its timings.
//!
//! ext4 without a journal does not reuse an inode freed in the last 60 seconds,
//! or the last 360 while its inode-table block is dirty (`RECENTCY_MIN` and
//! `RECENTCY_DIRTY` in the kernel's `fs/ext4/ialloc.c`), and it finds that out
//! one freed inode at a time each time it creates a file. After a delete of tens
//! of thousands of files, such as the clean-up at the end of a run, every step
//! that creates files is slowed for minutes, by how many freed inodes share a
//! block group with the folder it writes into: in back-to-back runs, `cp -r` of
//! 3,650 posts took from 0.16 to 1.6 s. A run therefore records when it cleaned
//! up, and the next one, on such a file system, waits until that is over.

use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};

/// How long after a delete ext4 without a journal may still pass over the freed
/// inodes one by one: `RECENTCY_MIN` + `RECENTCY_DIRTY` seconds.
const RECENCY: Duration = Duration::from_secs(60 + 300);

/// The file in the benchmark's folder that says when a run last cleaned up, in
/// seconds since the Unix epoch.
const CLEANED: &str = "cleaned";

/// Deletes the benchmark's `trash` folder, if there is one, and notes when.
pub(crate) fn empty_trash(bench_dir: &Path) -> Result<()> {
    let trash = bench_dir.join("trash");
    if !trash.exists() {
        return Ok(());
    }
    std::fs::remove_dir_all(&trash).with_context(|| format!("removing {}", trash.display()))?;
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH)?;
    std::fs::write(bench_dir.join(CLEANED), format!("{}\n", now.as_secs()))?;
    Ok(())
}

/// Waits, saying so, until the last run's clean-up no longer slows creating
/// files: only on ext4 without a journal, and only for what is left of
/// [`RECENCY`].
pub(crate) fn wait_for_last_clean_up(bench_dir: &Path) -> Result<()> {
    let Some(cleaned) = std::fs::read_to_string(bench_dir.join(CLEANED))
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
    else {
        return Ok(());
    };
    let since = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH + Duration::from_secs(cleaned))
        .unwrap_or_default();
    let Some(left) = RECENCY.checked_sub(since).filter(|left| !left.is_zero()) else {
        return Ok(());
    };
    let Some(device) = journal_less_ext4(bench_dir) else {
        return Ok(());
    };
    eprintln!(
        "waiting {} s: the last run deleted its files {} s ago, and ext4 without a journal ({device}) \
         creates files slowly for {} s after a large delete",
        left.as_secs(),
        since.as_secs(),
        RECENCY.as_secs()
    );
    std::thread::sleep(left);
    Ok(())
}

/// The device of the ext4 file system that holds `path`, if it has no journal;
/// `None` for any other file system, or where Linux's `/proc` cannot tell.
fn journal_less_ext4(path: &Path) -> Option<String> {
    let path = path.canonicalize().ok()?;
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let journals: Vec<String> = std::fs::read_dir("/proc/fs/jbd2")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    journal_less_ext4_in(&path, &mounts, &journals)
}

/// [`journal_less_ext4`] from the mount table and the names of the journals
/// (jbd2's folders, `<device>-<inode of the journal>`).
fn journal_less_ext4_in(path: &Path, mounts: &str, journals: &[String]) -> Option<String> {
    let (_, fs_type, source) = mounts
        .lines()
        .filter_map(parse_mount)
        .filter(|(mount_point, _, _)| path.starts_with(mount_point))
        .max_by_key(|(mount_point, _, _)| mount_point.len())?;
    let device = Path::new(source).file_name()?.to_str()?.to_owned();
    let has_journal = journals.iter().any(|name| {
        name.strip_prefix(device.as_str())
            .is_some_and(|rest| rest.starts_with('-'))
    });
    (fs_type == "ext4" && !has_journal).then_some(device)
}

/// A line of `/proc/self/mountinfo`: mount point, file system type and source
/// (`36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw`).
fn parse_mount(line: &str) -> Option<(&str, &str, &str)> {
    let (mount, fs) = line.split_once(" - ")?;
    let mount_point = mount.split(' ').nth(4)?;
    let mut fs = fs.split(' ');
    Some((mount_point, fs.next()?, fs.next()?))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{journal_less_ext4_in, parse_mount};

    #[test]
    fn reads_a_mount_line() {
        let line = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue";
        assert_eq!(parse_mount(line), Some(("/mnt2", "ext3", "/dev/root")));
        let without_optional = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard";
        assert_eq!(parse_mount(without_optional), Some(("/", "ext4", "/dev/vda")));
        assert_eq!(parse_mount("not a mount line"), None);
    }

    #[test]
    fn tells_ext4_without_a_journal_by_the_folder_s_own_mount() {
        let mounts = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n\
                      30 27 0:27 / /tmp rw,relatime - tmpfs tmpfs rw\n\
                      31 27 254:1 / /data rw,relatime - ext4 /dev/vdb rw\n";
        let journals = ["vdb-8".to_owned(), "vdab-8".to_owned()];
        let bench = Path::new("/work/target/bench");
        assert_eq!(
            journal_less_ext4_in(bench, mounts, &journals),
            Some("vda".to_owned())
        );
        assert_eq!(
            journal_less_ext4_in(Path::new("/data/bench"), mounts, &journals),
            None
        );
        assert_eq!(
            journal_less_ext4_in(Path::new("/tmp/bench"), mounts, &journals),
            None
        );
        let journals = ["vda-8".to_owned()];
        assert_eq!(journal_less_ext4_in(bench, mounts, &journals), None);
    }
}
