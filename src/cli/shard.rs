//! `--shard K/N`: a stable subset of the files for one job of a CI matrix.
//! A file belongs to shard `hash(path) mod N + 1`, where the path is taken
//! relative to the working directory, so every job of the matrix agrees and
//! a file stays in its shard when other files come and go.

use crate::output::fingerprint::stable_hash;
use std::str::FromStr;

/// Shard `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 1 to `count`.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let usage = || format!("`{s}` is not K/N with 1 <= K <= N (e.g. 2/4)");
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let index: u64 = k.trim().parse().map_err(|_| usage())?;
        let count: u64 = n.trim().parse().map_err(|_| usage())?;
        if index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether the file with path `key` (relative to the working directory,
    /// `/`-separated) belongs to this shard.
    pub fn contains(&self, key: &str) -> bool {
        stable_hash(key.as_bytes()) % self.count == self.index - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "1", "a/b", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_partition_the_files() {
        let keys: Vec<String> = (0..200).map(|i| format!("pkg{}/f{i}.go", i % 7)).collect();
        let shards: Vec<Shard> = (1..=3).map(|index| Shard { index, count: 3 }).collect();
        for key in &keys {
            assert_eq!(
                shards.iter().filter(|s| s.contains(key)).count(),
                1,
                "{key}"
            );
        }
        for s in &shards {
            let n = keys.iter().filter(|k| s.contains(k)).count();
            assert!(n > 40, "shard {} holds only {n} of 200 files", s.index);
        }
    }
}
