//! Bookkeeping of names that did not resolve, so an analyst can map them
//! (`veille actor unresolved`). Importers record every unresolved name with its dataset;
//! the store persists the counts later.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One unresolved name and how often it was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnresolvedName {
    /// Where it was seen, e.g. "ucdp_ged" or "acled".
    pub dataset: String,
    /// The name exactly as written.
    pub text: String,
    /// How many times.
    pub count: u64,
}

/// Counts of unresolved names per (dataset, text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnresolvedLog {
    counts: BTreeMap<(String, String), u64>,
}

impl UnresolvedLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one occurrence of an unresolved name.
    pub fn record(&mut self, dataset: &str, text: &str) {
        self.record_n(dataset, text, 1);
    }

    /// Records `n` occurrences.
    pub fn record_n(&mut self, dataset: &str, text: &str, n: u64) {
        *self
            .counts
            .entry((dataset.to_string(), text.trim().to_string()))
            .or_insert(0) += n;
    }

    /// Adds another log's counts.
    pub fn merge(&mut self, other: &UnresolvedLog) {
        for ((d, t), n) in &other.counts {
            self.record_n(d, t, *n);
        }
    }

    /// Forgets a name once an analyst has mapped it.
    pub fn clear(&mut self, dataset: &str, text: &str) {
        self.counts
            .remove(&(dataset.to_string(), text.trim().to_string()));
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The names, most frequent first (ties by dataset, then text).
    pub fn entries(&self) -> Vec<UnresolvedName> {
        let mut v: Vec<UnresolvedName> = self
            .counts
            .iter()
            .map(|((d, t), n)| UnresolvedName {
                dataset: d.clone(),
                text: t.clone(),
                count: *n,
            })
            .collect();
        v.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.dataset.cmp(&b.dataset))
                .then_with(|| a.text.cmp(&b.text))
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_orders() {
        let mut log = UnresolvedLog::new();
        log.record("acled", "Katiba Serma");
        log.record("acled", "Katiba Serma ");
        log.record("ucdp_ged", "X");
        let e = log.entries();
        assert_eq!(e[0].text, "Katiba Serma");
        assert_eq!(e[0].count, 2);
        assert_eq!(e.len(), 2);
        log.clear("acled", "Katiba Serma");
        assert_eq!(log.entries().len(), 1);
    }
}
