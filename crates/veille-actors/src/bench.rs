//! A small resolution benchmark: a mixed list of mentions (every curated alias, UCDP names,
//! generic mentions in English and French, hedged and affiliation mentions, misspellings
//! that need the fuzzy step, and unknown names), resolved with and without dates.

use crate::model::Origin;
use crate::registry::Registry;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// The result of [`run`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// Mentions resolved per run.
    pub mentions_per_run: usize,
    /// Distinct mentions in the mix.
    pub distinct_mentions: usize,
    /// Runs.
    pub runs: usize,
    /// Median seconds per run.
    pub median_seconds: f64,
    /// Mentions per second at the median.
    pub mentions_per_second: f64,
    /// Same, for the exact-name fast path (`resolve_exact_name`).
    pub exact_names_per_second: f64,
    /// Share of mentions that got at least one candidate.
    pub resolved_share: f64,
}

const EXTRA: &[&str] = &[
    "unidentified gunmen",
    "suspected jihadists",
    "men dressed as hunters",
    "al-Qaeda-linked group",
    "al-Qaeda affiliate",
    "hommes armés non identifiés",
    "présumés jihadistes",
    "individus armés",
    "des assaillants",
    "suspected JNIM militants",
    "presumed members of Katiba Macina",
    "Fulani gunmen",
    "Dozo militiamen",
    "Group to Suppress Islam and Muslims",
    "Jamaat Nusrat al Islam wa al Muslimin",
    "Groupe de soutien a l islam et aux musulmans",
    "Katiba Macinna",
    "Al Mourabitounn",
    "Ansar Dinne",
    "Dan Na Ambasagou",
    "Islamic State in the Grater Sahara",
    "Military Forces of Mali (2013-2021)",
    "Civilians (Burkina Faso)",
    "some unknown organisation",
    "Katiba Serma",
    "Front de libération du Macina",
    "État islamique au Sahel",
    "armed bandits",
    "terroristes",
    "GSIM",
];

/// Builds the mixed mention list.
pub fn mentions(reg: &Registry) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for a in reg.actors() {
        if a.origin == Origin::Curated {
            v.push(a.name.clone());
            v.extend(a.aliases.iter().map(|al| al.text.clone()));
        }
    }
    // A slice of UCDP-derived names (dataset labels).
    v.extend(
        reg.actors()
            .iter()
            .filter(|a| a.origin == Origin::UcdpDerived)
            .step_by(10)
            .map(|a| a.name.clone()),
    );
    for _ in 0..4 {
        v.extend(EXTRA.iter().map(|s| s.to_string()));
    }
    v
}

/// Resolves the mix `runs` times (at least 5) over about `per_run` mentions each, with a
/// date on every other mention, and reports the median throughput.
pub fn run(reg: &Registry, runs: usize, per_run: usize) -> BenchReport {
    let base = mentions(reg);
    let distinct = {
        let mut d = base.clone();
        d.sort();
        d.dedup();
        d.len()
    };
    let mut list = Vec::with_capacity(per_run.max(base.len()));
    while list.len() < per_run.max(1) {
        list.extend(base.iter().cloned());
    }
    list.truncate(per_run.max(base.len()).max(1));
    let dates = [
        NaiveDate::from_ymd_opt(2016, 6, 1),
        NaiveDate::from_ymd_opt(2019, 6, 1),
        NaiveDate::from_ymd_opt(2023, 3, 1),
    ];
    let runs = runs.max(5);
    let mut times = Vec::with_capacity(runs);
    let mut exact_times = Vec::with_capacity(runs);
    let mut resolved = 0usize;
    for _ in 0..runs {
        resolved = 0;
        let t = Instant::now();
        for (i, m) in list.iter().enumerate() {
            let d = if i % 2 == 0 { dates[i % 3] } else { None };
            let r = reg.resolve(m, d);
            if !r.candidates.is_empty() {
                resolved += 1;
            }
        }
        times.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let mut hits = 0usize;
        for m in &list {
            if reg.resolve_exact_name(m).is_some() {
                hits += 1;
            }
        }
        std::hint::black_box(hits);
        exact_times.push(t.elapsed().as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let m = median(&mut times);
    let me = median(&mut exact_times);
    let n = list.len();
    BenchReport {
        mentions_per_run: n,
        distinct_mentions: distinct,
        runs,
        median_seconds: m,
        mentions_per_second: if m > 0.0 { n as f64 / m } else { f64::INFINITY },
        exact_names_per_second: if me > 0.0 {
            n as f64 / me
        } else {
            f64::INFINITY
        },
        resolved_share: resolved as f64 / n.max(1) as f64,
    }
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "resolve: {:.0} mentions/s (median of {} runs of {} mentions; {} distinct; {:.0}% got a candidate)",
            self.mentions_per_second,
            self.runs,
            self.mentions_per_run,
            self.distinct_mentions,
            self.resolved_share * 100.0
        )?;
        write!(
            f,
            "resolve_exact_name: {:.0} names/s",
            self.exact_names_per_second
        )
    }
}
