//! Answers to the ledger's heaviest reads, kept until the ledger changes. Every write appends to
//! the audit log, so the newest audit id is the ledger's version: a cached answer is served only
//! while the version is the one it was computed at, whichever process wrote since.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// At most this many answers are kept; past it the cache starts over.
const CAPACITY: usize = 4096;

#[derive(Debug)]
pub(crate) struct VersionedCache<K, V> {
    entries: Mutex<HashMap<K, (i64, Arc<V>)>>,
}

impl<K, V> Default for VersionedCache<K, V> {
    fn default() -> Self {
        VersionedCache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V> VersionedCache<K, V> {
    pub fn get(&self, key: &K, version: i64) -> Option<Arc<V>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, value)| value.clone())
    }

    pub fn put(&self, key: K, version: i64, value: Arc<V>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(key, (version, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_only_at_the_version_they_were_computed_at() {
        let cache: VersionedCache<&str, i32> = VersionedCache::default();
        cache.put("a", 1, Arc::new(10));
        assert_eq!(cache.get(&"a", 1).as_deref(), Some(&10));
        assert_eq!(cache.get(&"a", 2), None);
        assert_eq!(cache.get(&"b", 1), None);
    }
}
