//! # veille-synth
//!
//! Deterministic synthetic UCDP GED rows for benchmarks and load tests.
//!
//! Real conflict data is clustered: one attack is followed by reprisals and further
//! clashes nearby within days. The generator reproduces that with a self-exciting
//! (Hawkes-style) cluster process:
//!
//! 1. **Background events** ("immigrants") arrive at a rate that grows over the years, at
//!    real places drawn with weights that favour the regions where violence concentrates
//!    (Mopti, Ségou, Gao, Ménaka, Tombouctou, Kidal).
//! 2. Every event triggers a Poisson number of **offspring** (mean = the branching ratio,
//!    below 1 so clusters stay finite), each a few days later (exponential delay) at a
//!    place in the same or a neighbouring 0.5° cell.
//!
//! The same seed and inputs always give byte-identical output. Rows are streamed to the
//! writer one cluster at a time, so memory stays flat for any number of events.

use chrono::{Datelike, Duration, NaiveDate};
use rand::distributions::{Distribution, WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::io::Write;

/// The 49 UCDP GED columns, in release order.
pub use veille_model::codebook::GED_COLUMNS;

/// Errors from the generator.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// No places were given to put events at.
    #[error("no places to put events at")]
    NoPlaces,
    /// The date range is empty.
    #[error("date range is empty: {0} is not before {1}")]
    EmptyRange(NaiveDate, NaiveDate),
    /// Writing failed.
    #[error("write failed: {0}")]
    Csv(#[from] csv::Error),
    /// Writing failed.
    #[error("write failed: {0}")]
    Io(#[from] std::io::Error),
}

/// A real place events can happen at (the caller takes them from the gazetteer).
#[derive(Debug, Clone, PartialEq)]
pub struct SynthPlace {
    /// Place name, e.g. "Ogossagou".
    pub name: String,
    /// Latitude, decimal degrees.
    pub lat: f64,
    /// Longitude, decimal degrees.
    pub lon: f64,
    /// Region name, e.g. "Mopti" (written as "Mopti region" in `adm_1`).
    pub admin1: String,
    /// Cercle name, e.g. "Bankass" (written as "Bankass cercle"), if known.
    pub admin2: Option<String>,
    /// PRIO-GRID cell of the place.
    pub priogrid_gid: u32,
}

/// Generator settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    /// Number of rows to write.
    pub events: u64,
    /// Random seed: the same seed gives the same rows.
    pub seed: u64,
    /// First possible event day.
    pub start: NaiveDate,
    /// Last possible day for background events (offspring may spill a few days past).
    pub end: NaiveDate,
    /// Mean offspring per event (0 ≤ b < 1). 0.6 gives clusters of 2.5 events on average.
    pub branching: f64,
    /// Mean delay between an event and each offspring, in days.
    pub mean_delay_days: f64,
    /// First GED id written; later rows count up from it.
    pub first_id: u64,
}

impl SynthConfig {
    /// Defaults: Mali 2012–2025, branching 0.6, mean delay 5 days, ids from 90,000,000
    /// (far above real GED ids, so synthetic rows never collide with real ones).
    pub fn new(events: u64, seed: u64) -> Self {
        SynthConfig {
            events,
            seed,
            start: NaiveDate::from_ymd_opt(2012, 1, 1).unwrap_or_default(),
            end: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default(),
            branching: 0.6,
            mean_delay_days: 5.0,
            first_id: 90_000_000,
        }
    }
}

/// One real UCDP dyad active in Mali (ids as in UCDP's data).
struct Dyad {
    violence: u8,
    conflict_id: &'static str,
    conflict: &'static str,
    dyad_id: &'static str,
    side_a_id: &'static str,
    side_a: &'static str,
    side_b_id: &'static str,
    side_b: &'static str,
    gwnoa: &'static str,
    weight: u32,
}

const DYADS: &[Dyad] = &[
    Dyad {
        violence: 1,
        conflict_id: "11347",
        conflict: "Mali: Government",
        dyad_id: "15108",
        side_a_id: "72",
        side_a: "Government of Mali",
        side_b_id: "6716",
        side_b: "JNIM",
        gwnoa: "432",
        weight: 40,
    },
    Dyad {
        violence: 1,
        conflict_id: "16038",
        conflict: "Mali: Government/Azawad",
        dyad_id: "17666",
        side_a_id: "72",
        side_a: "Government of Mali",
        side_b_id: "8822",
        side_b: "FLA",
        gwnoa: "432",
        weight: 8,
    },
    Dyad {
        violence: 1,
        conflict_id: "11347",
        conflict: "Mali: Government",
        dyad_id: "11986",
        side_a_id: "72",
        side_a: "Government of Mali",
        side_b_id: "1157",
        side_b: "Ansar Dine",
        gwnoa: "432",
        weight: 4,
    },
    Dyad {
        violence: 2,
        conflict_id: "14864",
        conflict: "IS - JNIM",
        dyad_id: "16207",
        side_a_id: "234",
        side_a: "IS",
        side_b_id: "6716",
        side_b: "JNIM",
        gwnoa: "",
        weight: 8,
    },
    Dyad {
        violence: 2,
        conflict_id: "13988",
        conflict: "Dozos (Mali) - JNIM",
        dyad_id: "15162",
        side_a_id: "6769",
        side_a: "Dozos (Mali)",
        side_b_id: "6716",
        side_b: "JNIM",
        gwnoa: "",
        weight: 6,
    },
    Dyad {
        violence: 2,
        conflict_id: "14622",
        conflict: "Dan na Ambassagou - JNIM",
        dyad_id: "15914",
        side_a_id: "7092",
        side_a: "Dan na Ambassagou",
        side_b_id: "6716",
        side_b: "JNIM",
        gwnoa: "",
        weight: 4,
    },
    Dyad {
        violence: 2,
        conflict_id: "14109",
        conflict: "GATIA, MSA - IS",
        dyad_id: "15255",
        side_a_id: "6837",
        side_a: "GATIA, MSA",
        side_b_id: "234",
        side_b: "IS",
        gwnoa: "",
        weight: 3,
    },
    Dyad {
        violence: 3,
        conflict_id: "13968",
        conflict: "JNIM - Civilians",
        dyad_id: "15136",
        side_a_id: "6716",
        side_a: "JNIM",
        side_b_id: "1",
        side_b: "Civilians",
        gwnoa: "",
        weight: 10,
    },
    Dyad {
        violence: 3,
        conflict_id: "454",
        conflict: "Government of Mali - Civilians",
        dyad_id: "921",
        side_a_id: "72",
        side_a: "Government of Mali",
        side_b_id: "1",
        side_b: "Civilians",
        gwnoa: "432",
        weight: 6,
    },
    Dyad {
        violence: 3,
        conflict_id: "13987",
        conflict: "Dozos (Mali) - Civilians",
        dyad_id: "15161",
        side_a_id: "6769",
        side_a: "Dozos (Mali)",
        side_b_id: "1",
        side_b: "Civilians",
        gwnoa: "",
        weight: 4,
    },
    Dyad {
        violence: 3,
        conflict_id: "16369",
        conflict: "Government of Mali, Government of Russia (Soviet Union) - Civilians",
        dyad_id: "18152",
        side_a_id: "9249",
        side_a: "Government of Mali, Government of Russia (Soviet Union)",
        side_b_id: "1",
        side_b: "Civilians",
        gwnoa: "",
        weight: 3,
    },
];

const PUBLISHERS: &[&str] = &[
    "Reuters",
    "AFP",
    "Studio Tamani",
    "RFI",
    "Le Republicain",
    "MINUSMA",
    "Human Rights Watch",
    "Kal Akal",
];

/// Relative weight of background violence per region (folded name); others get 1.
fn region_weight(admin1: &str) -> f64 {
    let folded: String = admin1
        .to_lowercase()
        .replace(['é', 'è'], "e")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    match folded.as_str() {
        "mopti" => 12.0,
        "segou" => 6.0,
        "gao" => 6.0,
        "menaka" => 5.0,
        "tombouctou" | "timbuktu" => 5.0,
        "kidal" => 3.0,
        "koulikoro" => 1.5,
        "sikasso" | "kayes" => 1.0,
        "bamako" => 0.5,
        _ => 0.3,
    }
}

fn cell_of(lat: f64, lon: f64) -> (i32, i32) {
    ((lat * 2.0).floor() as i32, (lon * 2.0).floor() as i32)
}

/// Poisson draw by inversion (small means only).
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    let l = (-mean).exp();
    let mut k = 0;
    let mut p = 1.0;
    loop {
        p *= rng.gen::<f64>();
        if p <= l || k > 50 {
            return k;
        }
        k += 1;
    }
}

/// Heavy-tailed death count: mostly small, sometimes a massacre.
fn deaths(rng: &mut ChaCha8Rng) -> u32 {
    let u: f64 = rng.gen();
    if u < 0.30 {
        0
    } else if u < 0.85 {
        rng.gen_range(1..=6)
    } else if u < 0.98 {
        rng.gen_range(7..=30)
    } else {
        rng.gen_range(31..=160)
    }
}

/// A pending event in a cluster: when and where.
struct Seed {
    day: NaiveDate,
    place: usize,
}

/// Writes `config.events` synthetic GED rows (with header) to `out`. Returns the number
/// of rows written.
pub fn write_ged<W: Write>(
    places: &[SynthPlace],
    config: &SynthConfig,
    out: W,
) -> Result<u64, SynthError> {
    if places.is_empty() {
        return Err(SynthError::NoPlaces);
    }
    if config.end <= config.start {
        return Err(SynthError::EmptyRange(config.start, config.end));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let place_weights = WeightedIndex::new(places.iter().map(|p| region_weight(&p.admin1)))
        .map_err(|_| SynthError::NoPlaces)?;
    let dyad_weights =
        WeightedIndex::new(DYADS.iter().map(|d| d.weight)).map_err(|_| SynthError::NoPlaces)?;
    // Places per 0.5° cell, for picking offspring nearby.
    let mut cells: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
    for (i, p) in places.iter().enumerate() {
        cells.entry(cell_of(p.lat, p.lon)).or_default().push(i);
    }
    // Background intensity grows over the years (escalation since 2012).
    let years: Vec<i32> = (config.start.year()..=config.end.year()).collect();
    let year_weights = WeightedIndex::new(years.iter().map(|y| 1.0 + f64::from(y - years[0])))
        .map_err(|_| SynthError::EmptyRange(config.start, config.end))?;

    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(GED_COLUMNS)?;
    let mut written = 0u64;
    let mut stack: Vec<Seed> = Vec::new();
    let mut row = RowBuf::default();
    while written < config.events {
        if stack.is_empty() {
            let year = years[year_weights.sample(&mut rng)];
            let first = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap_or(config.start)
                .max(config.start);
            let last = NaiveDate::from_ymd_opt(year, 12, 31)
                .unwrap_or(config.end)
                .min(config.end);
            let span = (last - first).num_days().max(0);
            let day = first + Duration::days(rng.gen_range(0..=span));
            stack.push(Seed {
                day,
                place: place_weights.sample(&mut rng),
            });
        }
        let Some(seed) = stack.pop() else { continue };
        // Offspring: later, nearby.
        for _ in 0..poisson(&mut rng, config.branching) {
            let delay = (-rng.gen::<f64>().max(1e-12).ln() * config.mean_delay_days).ceil();
            let day = seed.day + Duration::days(delay as i64);
            let p = &places[seed.place];
            let (r, c) = cell_of(p.lat, p.lon);
            let (dr, dc) = (rng.gen_range(-1..=1), rng.gen_range(-1..=1));
            let place = match cells.get(&(r + dr, c + dc)) {
                Some(v) if !v.is_empty() => v[rng.gen_range(0..v.len())],
                _ => seed.place,
            };
            stack.push(Seed { day, place });
        }
        let dyad = &DYADS[dyad_weights.sample(&mut rng)];
        row.fill(
            &mut rng,
            config.first_id + written,
            dyad,
            &places[seed.place],
            seed.day,
        );
        w.write_record(row.fields())?;
        written += 1;
    }
    w.flush()?;
    Ok(written)
}

/// Reusable buffers for one output row.
#[derive(Default)]
struct RowBuf {
    f: Vec<String>,
}

impl RowBuf {
    fn fields(&self) -> &[String] {
        &self.f
    }

    fn fill(&mut self, rng: &mut ChaCha8Rng, id: u64, d: &Dyad, p: &SynthPlace, day: NaiveDate) {
        let exact = rng.gen_bool(0.7);
        let (lat, lon, where_prec, where_coord) = if exact {
            (p.lat, p.lon, 1, format!("{} village", p.name))
        } else {
            // Within ~25 km of the place.
            let lat = p.lat + rng.gen_range(-0.2..0.2);
            let lon = p.lon + rng.gen_range(-0.2..0.2);
            (lat, lon, 2, format!("{} village", p.name))
        };
        let date_prec: u8 = if rng.gen_bool(0.85) {
            1
        } else {
            rng.gen_range(2..=4)
        };
        let end = match date_prec {
            1 => day,
            2 => day + Duration::days(rng.gen_range(1..=5)),
            3 => day + Duration::days(6),
            _ => day + Duration::days(rng.gen_range(7..=29)),
        };
        let (da, db, dc, du) = match d.violence {
            3 => (
                0,
                0,
                deaths(rng),
                if rng.gen_bool(0.1) { deaths(rng) } else { 0 },
            ),
            _ => {
                let a = deaths(rng) / 2;
                let b = deaths(rng);
                let c = if rng.gen_bool(0.15) {
                    rng.gen_range(1..=5)
                } else {
                    0
                };
                (
                    a,
                    b,
                    c,
                    if rng.gen_bool(0.1) {
                        rng.gen_range(1..=4)
                    } else {
                        0
                    },
                )
            }
        };
        let best = da + db + dc + du;
        let low = best - best / 5;
        let high = best + best / 2 + u32::from(rng.gen_bool(0.2));
        let n_sources = rng.gen_range(1..=3usize);
        let mut offices = Vec::with_capacity(n_sources);
        let mut dates = Vec::with_capacity(n_sources);
        let mut heads = Vec::with_capacity(n_sources);
        let mut articles = Vec::with_capacity(n_sources);
        for _ in 0..n_sources {
            let publisher = PUBLISHERS[rng.gen_range(0..PUBLISHERS.len())];
            let sd = end + Duration::days(rng.gen_range(0..=3));
            let head = format!("Violence near {} in {} region", p.name, p.admin1);
            articles.push(format!("\"{publisher},{sd},{head}\""));
            offices.push(publisher.to_string());
            dates.push(sd.to_string());
            heads.push(head);
        }
        let dyad_name = format!("{} - {}", d.side_a, d.side_b);
        let year = day.year();
        let adm2 = p
            .admin2
            .as_ref()
            .map(|a| format!("{a} cercle"))
            .unwrap_or_default();
        self.f.clear();
        let f = &mut self.f;
        f.push(id.to_string());
        f.push(format!(
            "MLI-{year}-{}-{}-{}",
            d.violence,
            d.dyad_id,
            id % 1000
        ));
        f.push(year.to_string());
        f.push("1".into());
        f.push("Clear".into());
        f.push(d.violence.to_string());
        f.push(d.conflict_id.into());
        f.push(d.conflict_id.into());
        f.push(d.conflict.into());
        f.push(d.dyad_id.into());
        f.push(d.dyad_id.into());
        f.push(dyad_name);
        f.push(d.side_a_id.into());
        f.push(d.side_a_id.into());
        f.push(d.side_a.into());
        f.push(d.side_b_id.into());
        f.push(d.side_b_id.into());
        f.push(d.side_b.into());
        f.push(n_sources.to_string());
        f.push(articles.join(";"));
        f.push(offices.join(";"));
        f.push(dates.join(";"));
        f.push(heads.join(";"));
        f.push(offices.first().cloned().unwrap_or_default());
        f.push(where_prec.to_string());
        f.push(where_coord.clone());
        f.push(if exact {
            where_coord
        } else {
            format!("near {}", p.name)
        });
        f.push(format!("{} region", p.admin1));
        f.push(adm2);
        f.push(format!("{lat:.6}"));
        f.push(format!("{lon:.6}"));
        f.push(format!("POINT ({lon:.6} {lat:.6})"));
        f.push(p.priogrid_gid.to_string());
        f.push("Mali".into());
        f.push("432".into());
        f.push("Africa".into());
        f.push("1".into());
        f.push(date_prec.to_string());
        f.push(format!("{day} 00:00:00.000"));
        f.push(format!("{end} 00:00:00.000"));
        for n in [da, db, dc, du, best, high, low] {
            f.push(n.to_string());
        }
        f.push(d.gwnoa.into());
        f.push(String::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Vec<SynthPlace> {
        let mk = |name: &str, lat: f64, lon: f64, a1: &str| SynthPlace {
            name: name.into(),
            lat,
            lon,
            admin1: a1.into(),
            admin2: Some("Bankass".into()),
            priogrid_gid: 1,
        };
        vec![
            mk("Ogossagou", 14.2, -3.6, "Mopti"),
            mk("Sobane Da", 14.1, -3.5, "Mopti"),
            mk("Kayes", 14.45, -11.43, "Kayes"),
            mk("Gao", 16.27, -0.04, "Gao"),
        ]
    }

    fn generate(n: u64, seed: u64) -> String {
        let mut out = Vec::new();
        write_ged(&places(), &SynthConfig::new(n, seed), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        assert_eq!(generate(500, 7), generate(500, 7));
        assert_ne!(generate(500, 7), generate(500, 8));
    }

    #[test]
    fn writes_exactly_n_rows_of_49_valid_fields() {
        let text = generate(1000, 1);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().len(), 49);
        let mut n = 0;
        for rec in r.records() {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), 49);
            let num = |i: usize| rec[i].parse::<u32>().unwrap();
            // best = sum of deaths; low <= best <= high
            assert_eq!(num(44), num(40) + num(41) + num(42) + num(43));
            assert!(num(46) <= num(44) && num(44) <= num(45));
            assert!(rec[38] <= rec[39], "date_start <= date_end");
            n += 1;
        }
        assert_eq!(n, 1000);
    }

    /// Variance-to-mean ratio of event counts per (place, week).
    fn dispersion(branching: f64) -> f64 {
        let mut cfg = SynthConfig::new(4000, 3);
        cfg.branching = branching;
        let mut out = Vec::new();
        write_ged(&places(), &cfg, &mut out).unwrap();
        let mut r = csv::Reader::from_reader(out.as_slice());
        let mut counts: HashMap<(String, String), f64> = HashMap::new();
        for rec in r.records() {
            let rec = rec.unwrap();
            let day = NaiveDate::parse_from_str(&rec[38][..10], "%Y-%m-%d").unwrap();
            let week = (day - cfg.start).num_days() / 7;
            *counts
                .entry((rec[25].to_string(), week.to_string()))
                .or_default() += 1.0;
        }
        // Include empty cells: 4 places x 14 years of weeks.
        let cells = 4.0 * ((cfg.end - cfg.start).num_days() / 7 + 1) as f64;
        let mean = counts.values().sum::<f64>() / cells;
        let sq = counts.values().map(|c| (c - mean).powi(2)).sum::<f64>()
            + (cells - counts.len() as f64) * mean * mean;
        (sq / cells) / mean
    }

    #[test]
    fn self_excitation_clusters_events_in_space_and_time() {
        let clustered = dispersion(0.6);
        let background_only = dispersion(0.0);
        assert!(
            clustered > 1.3 * background_only,
            "dispersion clustered {clustered:.2} vs background-only {background_only:.2}"
        );
    }

    #[test]
    fn no_places_is_an_error() {
        let err = write_ged(&[], &SynthConfig::new(1, 1), Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "no places to put events at");
    }
}
