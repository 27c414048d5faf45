//! Benchmarks printed by `veille place bench`: name resolutions per second,
//! point-in-polygon lookups per second on one core (medians over runs), and peak RSS.

use crate::{Geo, Hints};
use serde::Serialize;
use std::time::Instant;

/// Real names (GED `where_coordinates` places, DOMAIN.md spellings, variant classes).
/// Some are absent from GeoNames and exercise the fallback (descriptor strip, fuzzy).
pub const NAMES: &[&str] = &[
    "Ogossogou",
    "Tombouctou",
    "Timbuktu",
    "Ségou",
    "SEGOU",
    "Segou",
    "Mopti",
    "Sévaré",
    "Sevare",
    "Kidal",
    "Gao",
    "Aguelhok",
    "Aguel-Hoc",
    "Anefis",
    "Tabrichate",
    "Mourdiah",
    "Hombori",
    "Diabaly",
    "Somadougou",
    "Kouakourou",
    "Konna",
    "Djenné",
    "Djenne",
    "Tessalit",
    "Tabankort",
    "Niono",
    "Goundam",
    "Doro",
    "Denga-Ouro",
    "Denga Ouro",
    "N'Djicorobougou",
    "NDjicorobougou",
    "Wolenguéna II",
    "Wolenguena 2",
    "Bankass",
    "Koro",
    "Bandiagara",
    "Douentza",
    "Léré",
    "Nara",
    "Siribala",
    "Péné",
    "Dansa",
    "Ménaka",
    "Menaka",
    "Kayes",
    "Sikasso",
    "Bamako",
    "Mopti region",
    "Bankass cercle",
];

/// Misspellings that only fuzzy matching finds (or rejects).
pub const MISSPELLINGS: &[&str] = &[
    "Ogossagou",
    "Bandiagra",
    "Tombouctu",
    "Douentzaa",
    "Kouakourouu",
    "Boulikessi",
];

/// Benchmark results.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Runs per measurement.
    pub runs: usize,
    /// Time to build `Geo::shipped()` (ms).
    pub load_ms: f64,
    /// Resolutions/s over [`NAMES`] (median).
    pub resolutions_per_s: f64,
    /// Resolutions/s over the names of [`NAMES`] found without fuzzy matching (median).
    pub direct_resolutions_per_s: f64,
    /// How many of [`NAMES`] that is.
    pub direct_names: usize,
    /// Resolutions/s over [`MISSPELLINGS`] (fuzzy path; median).
    pub fuzzy_resolutions_per_s: f64,
    /// Point-in-polygon lookups/s on one core over 1M random points in the ADM1 layer's
    /// bounding box (median).
    pub pip_per_s: f64,
    /// VmHWM after loading (kB), Linux only.
    pub rss_peak_after_load_kb: Option<u64>,
    /// VmHWM at the end (kB), including the 16 MB of benchmark points.
    pub rss_peak_kb: Option<u64>,
}

/// Peak resident set size (VmHWM) in kB, from /proc/self/status.
pub fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn rate(geo: &Geo, names: &[&str], secs: f64, sink: &mut usize) -> f64 {
    let hints = Hints::default();
    let t = Instant::now();
    let mut n = 0usize;
    while t.elapsed().as_secs_f64() < secs {
        for nm in names {
            *sink += geo.resolve(nm, &hints).candidates.len();
            n += 1;
        }
    }
    n as f64 / t.elapsed().as_secs_f64()
}

/// Loads the shipped data and runs the benchmarks.
pub fn run(runs: usize) -> Result<BenchReport, crate::GeoError> {
    let runs = runs.max(1);
    let t0 = Instant::now();
    let geo = Geo::shipped()?;
    let load_ms = t0.elapsed().as_secs_f64() * 1e3;
    let rss_after_load = vm_hwm_kb();
    let mut sink = 0usize;
    let res: Vec<f64> = (0..runs)
        .map(|_| rate(&geo, NAMES, 0.3, &mut sink))
        .collect();
    let direct: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| {
            let r = geo.resolve(n, &Hints::default());
            r.candidates
                .first()
                .is_some_and(|c| !c.reason.starts_with("fuzzy"))
        })
        .collect();
    let dr: Vec<f64> = (0..runs)
        .map(|_| rate(&geo, &direct, 0.3, &mut sink))
        .collect();
    let fz: Vec<f64> = (0..runs)
        .map(|_| rate(&geo, MISSPELLINGS, 0.2, &mut sink))
        .collect();
    let mut pip = Vec::new();
    if let Some(layer) = geo.layer(1) {
        let bb = layer.bbox();
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let pts: Vec<(f64, f64)> = (0..1_000_000)
            .map(|_| {
                (
                    bb[1] + next() * (bb[3] - bb[1]),
                    bb[0] + next() * (bb[2] - bb[0]),
                )
            })
            .collect();
        for _ in 0..runs {
            let t = Instant::now();
            for &(lat, lon) in &pts {
                sink = sink.wrapping_add(layer.locate_index(lat, lon).unwrap_or(99));
            }
            pip.push(pts.len() as f64 / t.elapsed().as_secs_f64());
        }
    }
    std::hint::black_box(sink);
    Ok(BenchReport {
        runs,
        load_ms,
        resolutions_per_s: median(res),
        direct_resolutions_per_s: median(dr),
        direct_names: direct.len(),
        fuzzy_resolutions_per_s: median(fz),
        pip_per_s: median(pip),
        rss_peak_after_load_kb: rss_after_load,
        rss_peak_kb: vm_hwm_kb(),
    })
}
