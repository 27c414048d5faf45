//! Rolling-origin evaluation of the likelihood model ([`crate::assess`]).
//!
//! For every origin month `P` (after a 12-month burn-in) and every area × category, the
//! model forecasts P(at least one event in month `P`) from the months before `P` only;
//! the outcome is whether month `P` had an event. Scored by the Brier score, against two
//! benchmarks that see the same history:
//!
//! - **base rate**: the share of the area's past months (since the data start) with an
//!   event in that category;
//! - **last**: "same as last period" — 1 if month `P−1` had an event, else 0.
//!
//! Origins are scored only where the data cover both the month scored and the months
//! before it (see [`Series::covered`]).
//!
//! The model is the one assessments use: with `fit_window` > 0 (the default) its
//! parameters are re-fitted per category at every origin on the origins before it only
//! ([`crate::assess::Fitter`]), so the backtest is out of sample throughout.
//!
//! With `fit`, fixed parameters are instead chosen by grid search on the first half of
//! the origins and all three forecasts are scored on the second half only.

use crate::assess::{Fitter, Model, ModelParams, Series};
use serde::Serialize;

/// One bin of the reliability (calibration) table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower bound of predicted probability.
    pub from: f64,
    /// Upper bound.
    pub to: f64,
    /// Forecasts in the bin.
    pub n: u64,
    /// Their mean predicted probability.
    pub mean_predicted: f64,
    /// The share that had an event.
    pub observed: f64,
}

/// Backtest results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LikelihoodBacktest {
    /// Forecasts scored (area × month × category).
    pub n: u64,
    /// Share of scored outcomes with an event.
    pub event_share: f64,
    /// Brier score of the model.
    pub brier_model: f64,
    /// Brier score of the area base rate.
    pub brier_base_rate: f64,
    /// Brier score of "same as last period".
    pub brier_last: f64,
    /// The model's reliability table (10 bins).
    pub reliability: Vec<ReliabilityBin>,
    /// The parameters used.
    pub params: ModelParams,
    /// First and last origin scored (YYYY-MM).
    pub scored: (String, String),
    /// Areas.
    pub areas: usize,
}

struct Acc {
    n: u64,
    events: u64,
    model: f64,
    base: f64,
    last: f64,
    bins: Vec<(u64, f64, f64)>,
    first: Option<i64>,
    last_origin: Option<i64>,
}

fn score(s: &Series, p: &ModelParams, origins: std::ops::Range<i64>, cats: &[usize]) -> Acc {
    let mut acc = Acc {
        n: 0,
        events: 0,
        model: 0.0,
        base: 0.0,
        last: 0.0,
        bins: vec![(0, 0.0, 0.0); 10],
        first: None,
        last_origin: None,
    };
    let mut fitter = Fitter::new(p);
    for origin in origins {
        // Only months the data cover: an event somewhere in the month scored and in the
        // months the forecast reads (a gap is missing data, not a quiet month).
        if !s.covered(origin) || !s.covered(origin + crate::assess::COVERAGE_MONTHS) {
            continue;
        }
        let o = Model::at(s, origin, p, &mut fitter);
        let i = (origin - s.first) as usize;
        acc.first.get_or_insert(origin);
        acc.last_origin = Some(origin);
        for &c in cats {
            for a in 0..s.areas.len() {
                let f = o.forecast(s, c, a, 1);
                let y = if s.counts[c][a][i] > 0.0 { 1.0 } else { 0.0 };
                let past = &s.counts[c][a][..i];
                let base =
                    past.iter().filter(|v| **v > 0.0).count() as f64 / past.len().max(1) as f64;
                let last = if i > 0 && s.counts[c][a][i - 1] > 0.0 {
                    1.0
                } else {
                    0.0
                };
                acc.n += 1;
                acc.events += y as u64;
                acc.model += (f.probability - y).powi(2);
                acc.base += (base - y).powi(2);
                acc.last += (last - y).powi(2);
                let b = ((f.probability * 10.0) as usize).min(9);
                acc.bins[b].0 += 1;
                acc.bins[b].1 += f.probability;
                acc.bins[b].2 += y;
            }
        }
    }
    acc
}

/// Runs the backtest. `categories` are indices into `s.categories` (0 = any event).
/// Returns `None` when the series is shorter than 14 months (12 of burn-in + 2) or no
/// origin is covered by the data.
pub fn likelihood(
    s: &Series,
    params: &ModelParams,
    categories: &[usize],
    fit: bool,
) -> Option<(LikelihoodBacktest, ModelParams)> {
    if s.len < 14 || s.areas.is_empty() {
        return None;
    }
    let start = s.first + 12;
    let end = s.first + s.len as i64;
    let (eval, chosen) = if fit {
        let mid = start + (end - start) / 2;
        let mut best = (f64::INFINITY, *params);
        for cand in crate::assess::grid(params) {
            let a = score(s, &cand, start..mid, categories);
            let b = a.model / a.n.max(1) as f64;
            if b < best.0 {
                best = (b, cand);
            }
        }
        (mid..end, best.1)
    } else {
        (start..end, *params)
    };
    let acc = score(s, &chosen, eval, categories);
    let (Some(first_scored), Some(last_scored)) = (acc.first, acc.last_origin) else {
        return None;
    };
    let n = acc.n.max(1) as f64;
    let reliability = acc
        .bins
        .iter()
        .enumerate()
        .map(|(i, (k, sp, sy))| ReliabilityBin {
            from: i as f64 / 10.0,
            to: (i + 1) as f64 / 10.0,
            n: *k,
            mean_predicted: if *k > 0 { sp / *k as f64 } else { 0.0 },
            observed: if *k > 0 { sy / *k as f64 } else { 0.0 },
        })
        .collect();
    Some((
        LikelihoodBacktest {
            n: acc.n,
            event_share: acc.events as f64 / n,
            brier_model: acc.model / n,
            brier_base_rate: acc.base / n,
            brier_last: acc.last / n,
            reliability,
            params: chosen,
            scored: (
                crate::assess::month_start(first_scored)
                    .format("%Y-%m")
                    .to_string(),
                crate::assess::month_start(last_scored)
                    .format("%Y-%m")
                    .to_string(),
            ),
            areas: s.areas.len(),
        },
        chosen,
    ))
}
