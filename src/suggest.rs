//! "Did you mean" suggestions for misspelt keys and step ids.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&word_lower, &c.to_lowercase()),
                c,
            )
        })
        .filter(|&(distance, c)| distance <= max_typos(word.chars().count().max(c.chars().count())))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, c)| c)
}

/// One typo in a short word, about one in three in a longer one.
fn max_typos(len: usize) -> usize {
    (len / 3).max(1)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["choices", "screen", "text", "go", "end"];
        assert_eq!(closest("chioces", keys), Some("choices"));
        assert_eq!(closest("Text", keys), Some("text"));
        assert_eq!(closest("scren", keys), Some("screen"));
        assert_eq!(closest("banana", keys), None);
    }
}
