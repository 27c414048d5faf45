//! Throughput benchmark: reports per second on one thread, median of several runs.

use crate::{Extractor, Report};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Benchmark result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// Distinct reports in the set.
    pub reports: usize,
    /// Reports extracted per run (the set repeated).
    pub per_run: usize,
    /// Reports per second of each run.
    pub runs: Vec<f64>,
    /// The median of `runs`.
    pub median: f64,
    /// Drafts produced per pass over the set (a sanity figure).
    pub drafts: usize,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "extract: {} reports ({} per run), one thread",
            self.reports, self.per_run
        )?;
        let runs: Vec<String> = self.runs.iter().map(|r| format!("{r:.0}")).collect();
        writeln!(f, "  runs (reports/s): {}", runs.join(", "))?;
        write!(
            f,
            "  median: {:.0} reports/s ({} drafts per pass)",
            self.median, self.drafts
        )
    }
}

/// Runs the extractor over `reports` `runs` times (each run repeats the set until at
/// least `min_per_run` reports) and reports the median throughput.
pub fn run(ex: &Extractor, reports: &[Report], runs: usize, min_per_run: usize) -> BenchReport {
    let reps = if reports.is_empty() {
        0
    } else {
        min_per_run.div_ceil(reports.len()).max(1)
    };
    let drafts: usize = reports.iter().map(|r| ex.extract(r).drafts().len()).sum();
    let mut rates = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let mut n = 0usize;
        for _ in 0..reps {
            for r in reports {
                n += ex.extract(r).drafts().len() + 1;
            }
        }
        let secs = t.elapsed().as_secs_f64().max(1e-9);
        let done = reps * reports.len();
        std::hint::black_box(n);
        rates.push(done as f64 / secs);
    }
    let mut sorted = rates.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let median = if sorted.is_empty() {
        0.0
    } else if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    BenchReport {
        reports: reports.len(),
        per_run: reps * reports.len(),
        runs: rates,
        median,
        drafts,
    }
}
