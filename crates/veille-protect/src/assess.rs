//! The likelihood model and the threat assessment per area and period.
//!
//! ## Likelihood model (documented; parameters re-fitted on past data at every origin)
//!
//! For an area `u`, a category `c` and a period starting at month `P` (one or two
//! months long), with `y_t` the area's monthly event count in that category:
//!
//! 1. **Recency-weighted own rate.** Months `t < P` in the last `window` months get the
//!    weight `w_t = 0.5^((P−1−t)/half_life)`; `S = Σ w_t y_t`, `W = Σ w_t`.
//! 2. **Prior mean: own long run, scaled by the spatial lag.** `ℓ_u` = the area's plain
//!    mean monthly count over all months before `P` since the data start (its base
//!    rate). The neighbours (the `k` nearest units of the same level by centroid
//!    distance, within `radius_km`) give the lag as a ratio: their recency-weighted rate
//!    over their own long run, `r = (Σ S_v/W_v + ε) / (Σ ℓ_v + ε)`. A surge next door
//!    raises the prior, a lull lowers it: `m = ℓ_u · r^β`. (A ratio, not a level, so a
//!    quiet area next to a busy one is not dragged to the busy one's level.)
//! 3. **Empirical-Bayes rate.** A gamma prior with mean `m` and weight `κ` (in months of
//!    data) is updated with the recency-weighted own history:
//!    `λ_month = (κ·m + S) / (κ + W)`.
//! 4. **Probability.** Counts are over-dispersed (violence clusters), so the count over
//!    `L` months is negative binomial with mean `μ = L·λ_month` and shape `k`
//!    (`dispersion`): `P(at least one event) = 1 − (1 + μ/k)^(−k)`; with no
//!    `dispersion` it is Poisson, `1 − exp(−μ)`.
//!
//! 5. **Parameters fitted on the past only (rolling origin).** With `fit_window` > 0
//!    (default 36), the half-life, `κ`, `β` and the shape `k` of each category are
//!    chosen afresh at every origin `P` from [`grid`] (6 × 4 × 3 × 4 candidates): the
//!    candidate with the lowest Brier score over the forecasts it would have made at the
//!    `fit_window` origins before `P`, each scored on its own month (< `P`). Months with
//!    no event anywhere are skipped as missing data. With fewer than
//!    [`MIN_FIT_ORIGINS`] scored origins, the fixed fields of [`ModelParams`] are used.
//!    Sparse categories thus get long half-lives and strong shrinkage, busy ones short
//!    memories, and the spatial lag is used only where it has helped; the scores are
//!    cached per origin ([`Fitter`]) so a backtest over every origin is one pass.
//!
//! Likelihood levels: < 0.10 very low, < 0.30 low, < 0.60 medium, < 0.85 high, else very
//! high. **Impact** = expected civilian harm over the period (`L·λ_month` × the area's
//! recency-weighted civilian harm per event, shrunk to the national mean with the same
//! `κ`): < 1 very low, < 5 low, < 20 medium, < 50 high, else very high. The **risk cell**
//! is (likelihood, impact); its score `l × i` (1–25) reads ≤ 4 low, ≤ 9 medium, ≤ 16 high,
//! else extreme.
//!
//! **Trend**: the count in the last complete period before `P` against the period before
//! it and the same period a year earlier, with a two-sided exact conditional Poisson test
//! (given `a + b` events, `a ~ Binomial(a + b, ½)`); significant when p < 0.05.
//!
//! **No data**: when the months the assessment reads are outside the span the data
//! covers, or when no event at all (anywhere, any category) was recorded in the
//! [`COVERAGE_MONTHS`] months before the period, the answer is an explicit "no data",
//! never a low risk.

use crate::category::PocCode;
use crate::rollup::{Level, Rollup, Unit};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;

/// Months before a period that must hold at least one event (anywhere) for the period to
/// count as covered by the data.
pub const COVERAGE_MONTHS: i64 = 3;

/// The model's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelParams {
    /// Recency half-life, in months.
    pub half_life: f64,
    /// Months of history read.
    pub window: usize,
    /// Prior weight κ, in months.
    pub kappa: f64,
    /// Exponent β of the neighbours' surge ratio in the prior mean (0: no spatial lag).
    pub beta: f64,
    /// Negative-binomial shape k; `None` is Poisson.
    pub dispersion: Option<f64>,
    /// Neighbours per area.
    pub neighbours: usize,
    /// Neighbour search radius, km.
    pub radius_km: f64,
    /// Rolling fit: when > 0, the parameters of each category are chosen at each
    /// origin from [`grid`] by the Brier score of the forecasts made at the previous
    /// `fit_window` origins (outcomes known before the origin: no peeking); the fields
    /// above are the fallback while fewer than [`MIN_FIT_ORIGINS`] origins are
    /// available. 0 uses the fields above as they are.
    pub fit_window: usize,
}

impl Default for ModelParams {
    /// Fallback parameters chosen by `veille backtest likelihood --fit` on synthetic
    /// Hawkes-style history, used until the rolling fit has [`MIN_FIT_ORIGINS`] origins
    /// (see docs/ARCHITECTURE.md).
    fn default() -> Self {
        ModelParams {
            half_life: 2.0,
            window: 36,
            kappa: 1.0,
            beta: 0.5,
            dispersion: Some(1.0),
            neighbours: 4,
            radius_km: 400.0,
            fit_window: 36,
        }
    }
}

/// The five-step scale used for likelihood and impact.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
pub enum Scale {
    /// 1.
    VeryLow,
    /// 2.
    Low,
    /// 3.
    Medium,
    /// 4.
    High,
    /// 5.
    VeryHigh,
}

impl Scale {
    /// 1–5.
    pub fn rank(self) -> u8 {
        match self {
            Scale::VeryLow => 1,
            Scale::Low => 2,
            Scale::Medium => 3,
            Scale::High => 4,
            Scale::VeryHigh => 5,
        }
    }

    /// "very low" … "very high".
    pub fn label(self) -> &'static str {
        match self {
            Scale::VeryLow => "very low",
            Scale::Low => "low",
            Scale::Medium => "medium",
            Scale::High => "high",
            Scale::VeryHigh => "very high",
        }
    }

    /// Parses "very low" … "very high" (or very_low …).
    pub fn parse(s: &str) -> Option<Scale> {
        let t = s.trim().to_lowercase().replace(['_', '-'], " ");
        [
            Scale::VeryLow,
            Scale::Low,
            Scale::Medium,
            Scale::High,
            Scale::VeryHigh,
        ]
        .into_iter()
        .find(|x| x.label() == t)
    }

    /// Likelihood level of a probability.
    pub fn of_probability(p: f64) -> Scale {
        if p < 0.10 {
            Scale::VeryLow
        } else if p < 0.30 {
            Scale::Low
        } else if p < 0.60 {
            Scale::Medium
        } else if p < 0.85 {
            Scale::High
        } else {
            Scale::VeryHigh
        }
    }

    /// Impact level of an expected civilian harm.
    pub fn of_harm(h: f64) -> Scale {
        if h < 1.0 {
            Scale::VeryLow
        } else if h < 5.0 {
            Scale::Low
        } else if h < 20.0 {
            Scale::Medium
        } else if h < 50.0 {
            Scale::High
        } else {
            Scale::VeryHigh
        }
    }
}

/// The risk from a (likelihood, impact) cell.
pub fn risk_label(l: Scale, i: Scale) -> &'static str {
    match u32::from(l.rank()) * u32::from(i.rank()) {
        0..=4 => "low",
        5..=9 => "medium",
        10..=16 => "high",
        _ => "extreme",
    }
}

/// A comparison of two counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trend {
    /// The later count.
    pub now: i64,
    /// The earlier count.
    pub before: i64,
    /// Two-sided exact conditional Poisson p-value.
    pub p_value: f64,
    /// p < 0.05.
    pub significant: bool,
}

impl Trend {
    /// Compares `now` with `before`.
    pub fn new(now: i64, before: i64) -> Trend {
        let p = poisson_exact_p(now.max(0) as u64, before.max(0) as u64);
        Trend {
            now,
            before,
            p_value: p,
            significant: p < 0.05,
        }
    }

    /// "up", "down" or "flat", with "*" when significant.
    pub fn arrow(&self) -> String {
        let d = if self.now > self.before {
            "up"
        } else if self.now < self.before {
            "down"
        } else {
            "flat"
        };
        format!("{d}{}", if self.significant { "*" } else { "" })
    }
}

/// Two-sided exact test of equal Poisson rates over equal exposure: given `a + b`
/// events, `a ~ Binomial(a + b, ½)`; the p-value sums the probabilities of outcomes no
/// more likely than the one observed.
pub fn poisson_exact_p(a: u64, b: u64) -> f64 {
    let n = a + b;
    if n == 0 {
        return 1.0;
    }
    // ln k! for k = 0..=n; pmf(k) = C(n, k) / 2^n, in log space.
    let mut lnf = Vec::with_capacity(n as usize + 1);
    let mut acc = 0.0;
    lnf.push(0.0);
    for i in 1..=n {
        acc += (i as f64).ln();
        lnf.push(acc);
    }
    let pmf = |k: u64| -> f64 {
        (lnf[n as usize] - lnf[k as usize] - lnf[(n - k) as usize] - (n as f64) * 2f64.ln()).exp()
    };
    let observed = pmf(a);
    let p: f64 = (0..=n)
        .map(pmf)
        .filter(|p| *p <= observed * (1.0 + 1e-9))
        .sum();
    p.min(1.0)
}

/// Month index: months since year 0 (so consecutive months differ by one).
pub fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// The first day of a month index.
pub fn month_start(idx: i64) -> NaiveDate {
    let y = idx.div_euclid(12);
    let m = idx.rem_euclid(12) + 1;
    NaiveDate::from_ymd_opt(y as i32, m as u32, 1).unwrap_or_default()
}

/// Dense monthly counts and civilian harm per (area, category), read from a rollup.
#[derive(Debug, Clone)]
pub struct Series {
    /// The admin level.
    pub level: Level,
    /// Month index of column 0.
    pub first: i64,
    /// Number of months.
    pub len: usize,
    /// The areas (rollup unit ids), rows of the matrices.
    pub areas: Vec<u32>,
    /// Area labels.
    pub labels: Vec<String>,
    /// Categories: `None` is "any event", then the six main categories.
    pub categories: Vec<Option<PocCode>>,
    /// counts[category][area][month].
    pub counts: Vec<Vec<Vec<f64>>>,
    /// harm[category][area][month]: civilian harm.
    pub harm: Vec<Vec<Vec<f64>>>,
    /// Neighbours of each area (indices into `areas`).
    pub neighbours: Vec<Vec<usize>>,
    /// Months with at least one event anywhere, as (first, last) month index.
    pub coverage: Option<(i64, i64)>,
}

impl Series {
    /// Reads the monthly cube of `level` from a rollup; neighbours by centroid distance.
    pub fn from_rollup(r: &Rollup, level: Level, params: &ModelParams) -> Series {
        let monthly = r.monthly(level);
        let mut areas: Vec<u32> = r
            .units()
            .filter(|(_, u)| level.holds(u))
            .map(|(id, _)| id)
            .collect();
        areas.sort_by_key(|id| r.unit(*id).map(Unit::label).unwrap_or_default());
        let labels: Vec<String> = areas
            .iter()
            .map(|id| r.unit(*id).map(Unit::label).unwrap_or_default())
            .collect();
        let mut lo = i64::MAX;
        let mut hi = i64::MIN;
        for ((_, poc), months) in &monthly {
            if poc.is_none() {
                for (m, t) in months {
                    if t.events > 0 {
                        lo = lo.min(month_index(*m));
                        hi = hi.max(month_index(*m));
                    }
                }
            }
        }
        let coverage = (lo <= hi).then_some((lo, hi));
        let (first, len) = match coverage {
            Some((lo, hi)) => (lo, (hi - lo + 1) as usize),
            None => (0, 0),
        };
        let mut categories = vec![None];
        categories.extend(PocCode::MAIN.iter().map(|c| Some(*c)));
        let row = |_: usize| vec![vec![0.0; len]; areas.len()];
        let mut counts: Vec<Vec<Vec<f64>>> = (0..categories.len()).map(row).collect();
        let mut harm: Vec<Vec<Vec<f64>>> = (0..categories.len()).map(row).collect();
        let area_pos: HashMap<u32, usize> =
            areas.iter().enumerate().map(|(i, a)| (*a, i)).collect();
        for ((unit, poc), months) in &monthly {
            let (Some(ai), Some(ci)) =
                (area_pos.get(unit), categories.iter().position(|c| c == poc))
            else {
                continue;
            };
            for (m, t) in months {
                let mi = month_index(*m) - first;
                if mi >= 0 && (mi as usize) < len {
                    counts[ci][*ai][mi as usize] += t.events as f64;
                    harm[ci][*ai][mi as usize] += t.civilian_harm as f64;
                }
            }
        }
        let cents: Vec<Option<(f64, f64)>> = areas.iter().map(|a| r.centroid(*a)).collect();
        let neighbours = neighbours_by_distance(&cents, params.neighbours, params.radius_km);
        Series {
            level,
            first,
            len,
            areas,
            labels,
            categories,
            counts,
            harm,
            neighbours,
            coverage,
        }
    }

    /// The area index of a label (case-insensitive): "Mopti" or "Mopti/Bankass"; for
    /// admin2 a bare cercle name also matches.
    pub fn area(&self, name: &str) -> Option<usize> {
        let n = name.trim().to_lowercase();
        self.labels
            .iter()
            .position(|l| l.to_lowercase() == n)
            .or_else(|| {
                self.labels
                    .iter()
                    .position(|l| l.rsplit('/').next().is_some_and(|c| c.to_lowercase() == n))
            })
    }

    /// True when the months an assessment for `origin` reads are covered by the data:
    /// at least one event anywhere (any area, any category) in the
    /// [`COVERAGE_MONTHS`] months before `origin`. In a country at war a stretch with
    /// no event at all means missing data, not peace.
    pub fn covered(&self, origin: i64) -> bool {
        (0..self.areas.len()).any(|a| self.sum(0, a, origin - COVERAGE_MONTHS, origin) > 0.0)
    }

    /// Sum of `counts[c][a]` over months `[from, to)` (absolute month indices).
    pub fn sum(&self, c: usize, a: usize, from: i64, to: i64) -> f64 {
        (from..to)
            .filter_map(|m| {
                let i = m - self.first;
                (i >= 0 && (i as usize) < self.len).then(|| self.counts[c][a][i as usize])
            })
            .sum()
    }
}

/// Each point's `k` nearest others within `radius_km` (points without a position have
/// no neighbours).
pub fn neighbours_by_distance(
    points: &[Option<(f64, f64)>],
    k: usize,
    radius_km: f64,
) -> Vec<Vec<usize>> {
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let Some((la, lo)) = p else {
                return Vec::new();
            };
            let mut d: Vec<(f64, usize)> = points
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .filter_map(|(j, q)| {
                    q.map(|(lb, lob)| (veille_geo::haversine_km(*la, *lo, lb, lob), j))
                })
                .filter(|(d, _)| *d <= radius_km)
                .collect();
            d.sort_by(|a, b| a.0.total_cmp(&b.0));
            d.into_iter().take(k).map(|(_, j)| j).collect()
        })
        .collect()
}

/// The model's forecast for one (category, area) at one origin month.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Forecast {
    /// Expected events per month.
    pub rate: f64,
    /// Expected events over the period.
    pub expected_events: f64,
    /// P(at least one event in the period).
    pub probability: f64,
    /// Expected civilian harm over the period.
    pub expected_harm: f64,
}

/// Precomputed recency weights and per-area weighted sums at one origin.
pub struct Origin {
    /// For each category: per area (S, W, weighted harm).
    sums: Vec<Vec<(f64, f64, f64)>>,
    /// For each category: per area, the plain mean monthly count before the origin.
    longrun: Vec<Vec<f64>>,
    /// Per category: the national mean monthly rate and harm per event.
    national: Vec<(f64, f64)>,
}

impl Origin {
    /// Weighted sums using months strictly before `origin` (absolute month index).
    pub fn at(s: &Series, origin: i64, p: &ModelParams) -> Origin {
        let mut sums = Vec::with_capacity(s.categories.len());
        let mut national = Vec::with_capacity(s.categories.len());
        let mut longrun = Vec::with_capacity(s.categories.len());
        let past = ((origin - s.first).max(0) as usize).min(s.len);
        let lo = (origin - p.window as i64).max(s.first);
        let weights: Vec<(usize, f64)> = (lo..origin)
            .filter_map(|m| {
                let i = m - s.first;
                (i >= 0 && (i as usize) < s.len).then(|| {
                    (
                        i as usize,
                        0.5f64.powf((origin - 1 - m) as f64 / p.half_life),
                    )
                })
            })
            .collect();
        for c in 0..s.categories.len() {
            let per: Vec<(f64, f64, f64)> = (0..s.areas.len())
                .map(|a| {
                    let mut sy = 0.0;
                    let mut sw = 0.0;
                    let mut sh = 0.0;
                    for (i, w) in &weights {
                        sy += w * s.counts[c][a][*i];
                        sh += w * s.harm[c][a][*i];
                        sw += w;
                    }
                    (sy, sw, sh)
                })
                .collect();
            let n = per.len().max(1) as f64;
            let rate = per
                .iter()
                .map(|(y, w, _)| if *w > 0.0 { y / w } else { 0.0 })
                .sum::<f64>()
                / n;
            let tot_y: f64 = per.iter().map(|x| x.0).sum();
            let tot_h: f64 = per.iter().map(|x| x.2).sum();
            let hpe = if tot_y > 0.0 { tot_h / tot_y } else { 0.0 };
            national.push((rate, hpe));
            sums.push(per);
            longrun.push(
                (0..s.areas.len())
                    .map(|a| {
                        if past == 0 {
                            rate
                        } else {
                            s.counts[c][a][..past].iter().sum::<f64>() / past as f64
                        }
                    })
                    .collect(),
            );
        }
        Origin {
            sums,
            national,
            longrun,
        }
    }

    /// The forecast for category index `c`, area `a`, over `months` months.
    pub fn forecast(
        &self,
        s: &Series,
        c: usize,
        a: usize,
        months: u32,
        p: &ModelParams,
    ) -> Forecast {
        let (sy, sw, sh) = self.sums[c][a];
        let (_, g_hpe) = self.national[c];
        let own = self.longrun[c][a];
        let nb = &s.neighbours[a];
        let ratio = if nb.is_empty() {
            1.0
        } else {
            const EPS: f64 = 0.1;
            let recent: f64 = nb
                .iter()
                .map(|j| {
                    let (y, w, _) = self.sums[c][*j];
                    if w > 0.0 {
                        y / w
                    } else {
                        0.0
                    }
                })
                .sum();
            let base: f64 = nb.iter().map(|j| self.longrun[c][*j]).sum();
            (recent + EPS) / (base + EPS)
        };
        let m = own * ratio.powf(p.beta);
        let rate = (p.kappa * m + sy) / (p.kappa + sw);
        let expected = rate * f64::from(months);
        let hpe = (p.kappa * g_hpe + sh) / (p.kappa + sy);
        Forecast {
            rate,
            expected_events: expected,
            probability: match p.dispersion {
                Some(k) if k > 0.0 => 1.0 - (1.0 + expected / k).powf(-k),
                _ => 1.0 - (-expected).exp(),
            },
            expected_harm: expected * hpe,
        }
    }
}

/// Fewest scored origins the rolling fit needs before it replaces the fallback
/// parameters.
pub const MIN_FIT_ORIGINS: usize = 12;

/// The candidate parameters the rolling fit (and `veille backtest likelihood --fit`)
/// searches; `base` gives the fields that are not searched.
pub fn grid(base: &ModelParams) -> Vec<ModelParams> {
    let mut out = Vec::new();
    for half_life in [1.0, 2.0, 3.0, 6.0, 12.0, 24.0] {
        for kappa in [0.25, 1.0, 4.0, 16.0] {
            for beta in [0.0, 0.5, 1.0] {
                for dispersion in [Some(0.5), Some(1.0), Some(3.0), None] {
                    out.push(ModelParams {
                        half_life,
                        kappa,
                        beta,
                        dispersion,
                        fit_window: 0,
                        ..*base
                    });
                }
            }
        }
    }
    out
}

/// True when month `o` can score forecasts: it holds an event somewhere and the
/// months before it are covered (see [`Series::covered`]).
fn scorable(s: &Series, o: i64) -> bool {
    let i = o - s.first;
    i >= 0
        && (i as usize) < s.len
        && s.covered(o)
        && (0..s.areas.len()).any(|a| s.counts[0][a][i as usize] > 0.0)
}

/// The rolling fit: the Brier score of every [`grid`] candidate at every origin, per
/// category, computed once and cached, so a backtest over many origins costs one pass.
pub struct Fitter {
    cands: Vec<ModelParams>,
    /// origin → per candidate, per category: Σ over areas of (p − y)²; `None` when the
    /// origin cannot be scored.
    cache: HashMap<i64, Option<Vec<Vec<f64>>>>,
}

impl Fitter {
    /// A fitter over the grid around `base`.
    pub fn new(base: &ModelParams) -> Fitter {
        Fitter {
            cands: grid(base),
            cache: HashMap::new(),
        }
    }

    fn brier_at(&mut self, s: &Series, o: i64) -> Option<&Vec<Vec<f64>>> {
        if !self.cache.contains_key(&o) {
            let v = scorable(s, o).then(|| {
                let i = (o - s.first) as usize;
                let mut out = vec![vec![0.0; s.categories.len()]; self.cands.len()];
                // Origin sums depend on the half-life only.
                let mut by_hl: Vec<(f64, Origin)> = Vec::new();
                for (g, p) in self.cands.iter().enumerate() {
                    if !by_hl.iter().any(|(h, _)| *h == p.half_life) {
                        by_hl.push((p.half_life, Origin::at(s, o, p)));
                    }
                    let Some((_, org)) = by_hl.iter().find(|(h, _)| *h == p.half_life) else {
                        continue;
                    };
                    for (c, slot) in out[g].iter_mut().enumerate() {
                        for a in 0..s.areas.len() {
                            let f = org.forecast(s, c, a, 1, p);
                            let y = if s.counts[c][a][i] > 0.0 { 1.0 } else { 0.0 };
                            *slot += (f.probability - y).powi(2);
                        }
                    }
                }
                out
            });
            self.cache.insert(o, v);
        }
        self.cache.get(&o).and_then(Option::as_ref)
    }

    /// Per category, the parameters to forecast from `origin`: the candidate with the
    /// lowest Brier score over the origins in `[origin − fit_window, origin)` (each
    /// scored on its own month, all before `origin`), or `base` itself when fitting is
    /// off or fewer than [`MIN_FIT_ORIGINS`] origins could be scored.
    pub fn params_at(&mut self, s: &Series, origin: i64, base: &ModelParams) -> Vec<ModelParams> {
        let n = s.categories.len();
        if base.fit_window == 0 {
            return vec![*base; n];
        }
        let mut tot = vec![vec![0.0; n]; self.cands.len()];
        let mut used = 0;
        for o in (origin - base.fit_window as i64)..origin {
            if let Some(b) = self.brier_at(s, o) {
                used += 1;
                for (t, x) in tot.iter_mut().zip(b) {
                    for (tc, xc) in t.iter_mut().zip(x) {
                        *tc += xc;
                    }
                }
            }
        }
        if used < MIN_FIT_ORIGINS {
            return vec![*base; n];
        }
        (0..n)
            .map(|c| {
                let best = (0..self.cands.len())
                    .min_by(|x, y| tot[*x][c].total_cmp(&tot[*y][c]))
                    .unwrap_or(0);
                self.cands.get(best).copied().unwrap_or(*base)
            })
            .collect()
    }
}

/// The model at one origin: each category's parameters (fitted or fixed) and the
/// weighted sums they read.
pub struct Model {
    params: Vec<ModelParams>,
    origins: Vec<(f64, Origin)>,
}

impl Model {
    /// The model to forecast from `origin` (months before it only).
    pub fn at(s: &Series, origin: i64, p: &ModelParams, fitter: &mut Fitter) -> Model {
        let params = fitter.params_at(s, origin, p);
        let mut origins: Vec<(f64, Origin)> = Vec::new();
        for q in &params {
            if !origins.iter().any(|(h, _)| *h == q.half_life) {
                origins.push((q.half_life, Origin::at(s, origin, q)));
            }
        }
        Model { params, origins }
    }

    /// The parameters of category index `c`.
    pub fn params(&self, c: usize) -> Option<&ModelParams> {
        self.params.get(c)
    }

    /// The forecast for category index `c`, area `a`, over `months` months.
    pub fn forecast(&self, s: &Series, c: usize, a: usize, months: u32) -> Forecast {
        let p = self.params.get(c).copied().unwrap_or_default();
        match self.origins.iter().find(|(h, _)| *h == p.half_life) {
            Some((_, o)) => o.forecast(s, c, a, months, &p),
            None => Forecast {
                rate: 0.0,
                expected_events: 0.0,
                probability: 0.0,
                expected_harm: 0.0,
            },
        }
    }
}

/// One category's line in an assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryAssessment {
    /// The category ("any event" when `None`).
    pub category: Option<PocCode>,
    /// The forecast.
    pub forecast: Forecast,
    /// Likelihood level.
    pub likelihood: Scale,
    /// Impact level.
    pub impact: Scale,
    /// Risk ("low", "medium", "high", "extreme").
    pub risk: &'static str,
    /// Last complete period against the one before.
    pub vs_previous: Trend,
    /// Last complete period against the same period a year earlier.
    pub vs_last_year: Trend,
}

/// The threat assessment of one area for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaAssessment {
    /// The area label.
    pub area: String,
    /// First day of the period assessed.
    pub period_start: NaiveDate,
    /// Its length in months (1 or 2).
    pub months: u32,
    /// `Some(reason)` when there is no data to assess: then `categories` is empty.
    pub no_data: Option<String>,
    /// One line per category ("any event" first, then 1–6).
    pub categories: Vec<CategoryAssessment>,
    /// Analysts' overrides of cells, shown next to (never instead of) the model's.
    pub overrides: Vec<CellOverride>,
}

/// An analyst's override of one cell of an assessment, with its justification.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct CellOverride {
    /// The category ("any event" when `None`).
    pub category: Option<PocCode>,
    /// The likelihood the analyst sets, if any.
    pub likelihood: Option<Scale>,
    /// The impact the analyst sets, if any.
    pub impact: Option<Scale>,
    /// The justification.
    pub reason: String,
    /// Who.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// 1, 2, 3… for this cell.
    pub version: u64,
}

/// Assesses area index `a` for the period starting on `period` (any day in its first
/// month), `months` long.
pub fn assess_area(
    s: &Series,
    a: usize,
    period: NaiveDate,
    months: u32,
    p: &ModelParams,
) -> AreaAssessment {
    let m = Model::at(s, month_index(period), p, &mut Fitter::new(p));
    assess_with(s, &m, a, period, months)
}

/// Assesses every area for one period (the full-country matrix).
pub fn assess_all(
    s: &Series,
    period: NaiveDate,
    months: u32,
    p: &ModelParams,
) -> Vec<AreaAssessment> {
    let m = Model::at(s, month_index(period), p, &mut Fitter::new(p));
    (0..s.areas.len())
        .map(|a| assess_with(s, &m, a, period, months))
        .collect()
}

fn assess_with(s: &Series, o: &Model, a: usize, period: NaiveDate, months: u32) -> AreaAssessment {
    let origin = month_index(period);
    let start = period.with_day(1).unwrap_or(period);
    let l = i64::from(months.max(1));
    let mut out = AreaAssessment {
        area: s.labels.get(a).cloned().unwrap_or_default(),
        period_start: start,
        months,
        no_data: None,
        categories: Vec::new(),
        overrides: Vec::new(),
    };
    let last_read = origin - 1;
    match s.coverage {
        None => {
            out.no_data = Some("no events are loaded".into());
            return out;
        }
        Some((lo, hi)) if last_read > hi || last_read < lo => {
            out.no_data = Some(format!(
                "the data cover {} to {}; assessing {} needs {}",
                month_start(lo).format("%Y-%m"),
                month_start(hi).format("%Y-%m"),
                start.format("%Y-%m"),
                month_start(last_read).format("%Y-%m")
            ));
            return out;
        }
        _ => {}
    }
    if !s.covered(origin) {
        out.no_data = Some(format!(
            "no event anywhere in the {} months before {}: the data do not cover this period",
            COVERAGE_MONTHS,
            start.format("%Y-%m")
        ));
        return out;
    }
    for c in 0..s.categories.len() {
        let f = o.forecast(s, c, a, months);
        let lik = Scale::of_probability(f.probability);
        let imp = Scale::of_harm(f.expected_harm);
        let now = s.sum(c, a, origin - l, origin);
        let prev = s.sum(c, a, origin - 2 * l, origin - l);
        let year = s.sum(c, a, origin - l - 12, origin - 12);
        out.categories.push(CategoryAssessment {
            category: s.categories[c],
            forecast: f,
            likelihood: lik,
            impact: imp,
            risk: risk_label(lik, imp),
            vs_previous: Trend::new(now as i64, prev as i64),
            vs_last_year: Trend::new(now as i64, year as i64),
        });
    }
    out
}

/// Months added to a date's first of month.
pub fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.with_day(1)
        .and_then(|x| x.checked_add_months(Months::new(n)))
        .unwrap_or(d)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn exact_test_matches_binomial_tables() {
        // 10 vs 0: p = 2 * 0.5^10 = 0.001953...
        assert!((poisson_exact_p(10, 0) - 2.0 * 0.5f64.powi(10)).abs() < 1e-12);
        // 5 vs 5 is perfectly balanced.
        assert!((poisson_exact_p(5, 5) - 1.0).abs() < 1e-12);
        // 7 vs 2 (n = 9): P(X<=2)+P(X>=7) = 2*(1+9+36)/512 = 0.1796875
        assert!((poisson_exact_p(7, 2) - 0.1796875).abs() < 1e-9);
        assert_eq!(poisson_exact_p(0, 0), 1.0);
    }

    #[test]
    fn scales_cut_where_documented() {
        assert_eq!(Scale::of_probability(0.09), Scale::VeryLow);
        assert_eq!(Scale::of_probability(0.10), Scale::Low);
        assert_eq!(Scale::of_probability(0.85), Scale::VeryHigh);
        assert_eq!(Scale::of_harm(0.5), Scale::VeryLow);
        assert_eq!(Scale::of_harm(50.0), Scale::VeryHigh);
        assert_eq!(risk_label(Scale::VeryLow, Scale::VeryHigh), "medium");
        assert_eq!(risk_label(Scale::VeryHigh, Scale::VeryHigh), "extreme");
        assert_eq!(risk_label(Scale::Low, Scale::Low), "low");
    }

    #[test]
    fn month_index_round_trips() {
        let d = NaiveDate::from_ymd_opt(2019, 3, 17).unwrap();
        assert_eq!(
            month_start(month_index(d)),
            NaiveDate::from_ymd_opt(2019, 3, 1).unwrap()
        );
        assert_eq!(
            month_index(d) - month_index(NaiveDate::from_ymd_opt(2018, 12, 1).unwrap()),
            3
        );
    }
}
