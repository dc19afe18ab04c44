//! Counterbalanced orders: Williams designs, Latin squares balanced for first-order
//! carry-over (each condition follows every other equally often), and seeded shuffles.
//!
//! Williams, E. J. (1949). Experimental designs balanced for the estimation of residual
//! effects of treatments. Australian Journal of Scientific Research A 2, 149–168.

/// The rows of a Williams design for `n` conditions, numbered from 0. For an even `n`
/// one Latin square of `n` rows; for an odd `n` no single square can balance carry-over,
/// so the square is followed by its mirror image (each row reversed): `2n` rows.
pub fn williams(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return Vec::new();
    }
    // The first row zig-zags: 0, 1, n-1, 2, n-2, ...; each next row adds one to each.
    let first: Vec<usize> = (0..n)
        .map(|j| match j {
            0 => 0,
            j if j % 2 == 1 => j.div_ceil(2),
            j => n - j / 2,
        })
        .collect();
    let mut rows: Vec<Vec<usize>> = (0..n)
        .map(|i| first.iter().map(|c| (c + i) % n).collect())
        .collect();
    if n % 2 == 1 {
        let mirrored: Vec<Vec<usize>> = rows
            .iter()
            .map(|r| r.iter().rev().copied().collect())
            .collect();
        rows.extend(mirrored);
    }
    rows
}

/// The order of participant number `slot` (1, 2, ...): the design's row `slot - 1`,
/// starting over after the last row.
pub fn row_for(n: usize, slot: u32) -> Vec<usize> {
    let rows = williams(n);
    if rows.is_empty() {
        return Vec::new();
    }
    let index = usize::try_from(slot.saturating_sub(1)).unwrap_or(0) % rows.len();
    rows[index].clone()
}

/// `0..n` shuffled by a generator seeded with `seed`: the same seed, the same order.
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    fastrand::Rng::with_seed(seed).shuffle(&mut order);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1-based, as published.
    fn one_based(rows: &[Vec<usize>]) -> Vec<Vec<usize>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c + 1).collect())
            .collect()
    }

    /// The designs printed by `williams(3)`, `williams(4)` and `williams(10)` in the R
    /// package crossdes (Sailer; CRAN, documented at rdrr.io/cran/crossdes/man/williams.html),
    /// which constructs Williams's (1949) designs.
    #[test]
    fn the_designs_are_the_published_williams_designs() {
        assert_eq!(
            one_based(&williams(4)),
            [[1, 2, 4, 3], [2, 3, 1, 4], [3, 4, 2, 1], [4, 1, 3, 2]]
        );
        assert_eq!(
            one_based(&williams(3)),
            [
                [1, 2, 3],
                [2, 3, 1],
                [3, 1, 2],
                [3, 2, 1],
                [1, 3, 2],
                [2, 1, 3]
            ]
        );
        let ten = one_based(&williams(10));
        assert_eq!(ten[0], [1, 2, 10, 3, 9, 4, 8, 5, 7, 6]);
        assert_eq!(ten[5], [6, 7, 5, 8, 4, 9, 3, 10, 2, 1]);
        assert_eq!(one_based(&williams(2)), [[1, 2], [2, 1]]);
    }

    #[test]
    fn every_condition_follows_every_other_equally_often() {
        for n in 2..=9 {
            let rows = williams(n);
            let mut follows = vec![vec![0; n]; n];
            for row in &rows {
                assert_eq!(
                    row.iter().collect::<std::collections::BTreeSet<_>>().len(),
                    n
                );
                for pair in row.windows(2) {
                    follows[pair[0]][pair[1]] += 1;
                }
            }
            let expected = if n % 2 == 0 { 1 } else { 2 };
            for (a, row) in follows.iter().enumerate() {
                for (b, count) in row.iter().enumerate() {
                    assert_eq!(*count, if a == b { 0 } else { expected }, "n={n} {a}->{b}");
                }
            }
        }
    }

    #[test]
    fn slots_walk_the_rows_and_start_over() {
        assert_eq!(row_for(2, 1), [0, 1]);
        assert_eq!(row_for(2, 2), [1, 0]);
        assert_eq!(row_for(2, 3), [0, 1]);
        assert_eq!(row_for(3, 4), [2, 1, 0]);
    }

    #[test]
    fn a_seed_gives_the_same_shuffle() {
        assert_eq!(shuffled(5, 42), shuffled(5, 42));
        let mut sorted = shuffled(5, 7);
        sorted.sort_unstable();
        assert_eq!(sorted, [0, 1, 2, 3, 4]);
    }
}
