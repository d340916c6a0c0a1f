//! Lists of (key, value) pairs sorted by key: a multimap in one allocation, for the
//! indexes `generate` keeps over tens of thousands of elements.

/// The values of `key` in `pairs` (sorted by key), in the order they were added when
/// the pairs were sorted stably.
pub(super) fn values_of<V: Copy>(pairs: &[(u32, V)], key: usize) -> impl Iterator<Item = V> + '_ {
    let start = pairs.partition_point(|(k, _)| (*k as usize) < key);
    pairs[start..]
        .iter()
        .take_while(move |(k, _)| *k as usize == key)
        .map(|(_, value)| *value)
}

#[cfg(test)]
mod tests {
    use super::values_of;

    #[test]
    fn values_of_a_key_come_in_order_and_a_missing_key_has_none() {
        let pairs = [(0, 'a'), (2, 'b'), (2, 'c'), (2, 'd'), (5, 'e')];
        assert_eq!(values_of(&pairs, 2).collect::<String>(), "bcd");
        assert_eq!(values_of(&pairs, 0).collect::<String>(), "a");
        assert_eq!(values_of(&pairs, 1).count(), 0);
        assert_eq!(values_of(&pairs, 9).count(), 0);
    }
}
