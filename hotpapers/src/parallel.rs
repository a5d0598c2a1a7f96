//! Work spread over the machine's cores, for the loops that are most of a run:
//! reading day-files, and hashing and compressing a commit's blobs.

/// `work` applied to consecutive chunks of `items`, a scoped thread a chunk, at
/// most one chunk a core and at least `min_chunk` items a chunk, so that small
/// inputs stay on one thread. The chunks' results, in order; a worker's panic is
/// resumed in the caller.
pub(crate) fn map_chunks<T, R>(items: &[T], min_chunk: usize, work: impl Fn(&[T]) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len().div_ceil(min_chunk.max(1)))
        .max(1);
    if threads == 1 {
        return vec![work(items)];
    }
    let chunk = items.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|chunk| scope.spawn(move || work(chunk)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// `work` applied to each of `items` on every core, as [`map_chunks`] spreads
/// them: the results in order, or the first error.
pub(crate) fn try_map<T, R, E>(
    items: &[T],
    min_chunk: usize,
    work: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    concat(map_chunks(items, min_chunk, |chunk| {
        chunk.iter().map(&work).collect::<Result<Vec<_>, _>>()
    }))
}

/// The chunks' results of [`map_chunks`] in one list, or the first error.
pub(crate) fn concat<R, E>(chunks: Vec<Result<Vec<R>, E>>) -> Result<Vec<R>, E> {
    let mut all = Vec::new();
    for chunk in chunks {
        all.extend(chunk?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::{map_chunks, try_map};

    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        for min_chunk in [1, 7, 64, 5000] {
            let doubled: Vec<u32> = map_chunks(&items, min_chunk, |chunk| {
                chunk.iter().map(|i| i * 2).collect::<Vec<_>>()
            })
            .into_iter()
            .flatten()
            .collect();
            assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
        let none: Vec<Vec<u32>> = map_chunks(&[] as &[u32], 64, |chunk| chunk.to_vec());
        assert!(none.into_iter().flatten().next().is_none());
    }

    #[test]
    fn try_map_keeps_the_order_or_gives_the_first_error() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = try_map(&items, 7, |i| Ok::<_, u32>(i * 2)).unwrap();
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let failed = try_map(&items, 7, |&i| if i % 300 == 299 { Err(i) } else { Ok(i) });
        assert_eq!(failed, Err(299));
    }
}
