//! Accuracy evaluation against real UCDP GED rows (`veille place evaluate`).
//!
//! For rows with `where_prec` 1–2, the place text in `where_coordinates` ("Lere town")
//! is resolved, with the row's `adm_1` and `adm_2` as admin hints (they are part of the
//! record an importer sees; the report also gives the numbers with `adm_1` only and with
//! no hint), and compared with the row's latitude/longitude. Separately,
//! for every row with coordinates and `adm_1`, the admin1 polygon at the row's point is
//! compared with `adm_1`, allowing for the 2016 reform.

use crate::geo::{haversine_km, Geo};
use crate::resolve::{Hints, ResolutionStatus};
use crate::vintage::{self, Agreement};
use serde::Serialize;

/// Parses RFC 4180 CSV (quoted fields, doubled quotes, embedded newlines).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_q = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        if in_q {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_q = false;
                }
            } else {
                field.push(c);
            }
        } else {
            match c {
                '"' => in_q = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\n' => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                '\r' => {}
                _ => field.push(c),
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// One evaluated row.
#[derive(Debug, Clone, Serialize)]
pub struct EvalRow {
    /// GED id.
    pub id: String,
    /// where_prec.
    pub where_prec: u8,
    /// where_coordinates as given.
    pub text: String,
    /// adm_1 as given.
    pub adm_1: String,
    /// Status of the resolution.
    pub status: ResolutionStatus,
    /// Resolved (or top-candidate) place name.
    pub resolved: Option<String>,
    /// Distance of the resolved place from GED's point (km), when resolved.
    pub distance_km: Option<f64>,
    /// Distance of the top candidate (even when ambiguous).
    pub top_distance_km: Option<f64>,
    /// Some candidate of this name (among up to 50) lies within 10 km of GED's point:
    /// the gazetteer can answer this row at all.
    pub reachable: bool,
}

/// The evaluation report.
#[derive(Debug, Clone, Serialize, Default)]
pub struct EvalReport {
    /// Files read.
    pub files: Vec<String>,
    /// Rows with where_prec 1–2 and coordinates.
    pub rows: usize,
    /// Resolved unambiguously.
    pub resolved: usize,
    /// Resolved unambiguously and within 10 km of GED's point.
    pub within_10km: usize,
    /// Top candidate within 10 km (including ambiguous answers).
    pub top_within_10km: usize,
    /// Rows the gazetteer can answer at all: some place of that name (exact, variant or
    /// fuzzy; up to 50 candidates) lies within 10 km of GED's point. The ceiling of
    /// `within_10km`: the other rows name places GeoNames lacks, or GED's point is more
    /// than 10 km from every place of that name.
    pub reachable_within_10km: usize,
    /// Resolved within 10 km, among the reachable rows.
    pub within_10km_of_reachable: usize,
    /// Ambiguous answers.
    pub ambiguous: usize,
    /// Not found.
    pub not_found: usize,
    /// Same, with the adm_1 hint only (no adm_2 hint).
    pub within_10km_admin1_only: usize,
    /// Same, without any admin hint.
    pub within_10km_no_hint: usize,
    /// Rows with coordinates and adm_1.
    pub admin1_rows: usize,
    /// Polygon admin1 code equals the adm_1 code.
    pub admin1_exact: usize,
    /// Agreement only through the 2016 crosswalk.
    pub admin1_vintage: usize,
    /// Point outside every polygon.
    pub admin1_outside: usize,
    /// Disagreements, as (id, adm_1, polygon name).
    pub admin1_disagree: Vec<(String, String, String)>,
    /// Per-row details.
    pub details: Vec<EvalRow>,
}

impl EvalReport {
    /// Percentage helper.
    pub fn pct(n: usize, d: usize) -> f64 {
        if d == 0 {
            0.0
        } else {
            100.0 * n as f64 / d as f64
        }
    }
}

/// Evaluates the geo against GED CSV files (`(label, text)` pairs).
pub fn evaluate(geo: &Geo, files: &[(String, String)]) -> EvalReport {
    let mut rep = EvalReport::default();
    for (label, text) in files {
        rep.files.push(label.clone());
        let rows = parse_csv(text);
        let Some(header) = rows.first() else { continue };
        let col = |n: &str| header.iter().position(|h| h == n);
        let (Some(ci), Some(cp), Some(cw), Some(ca), Some(clat), Some(clon)) = (
            col("id"),
            col("where_prec"),
            col("where_coordinates"),
            col("adm_1"),
            col("latitude"),
            col("longitude"),
        ) else {
            continue;
        };
        let cc = col("country_id");
        let ca2 = col("adm_2");
        for r in rows.iter().skip(1) {
            if r.len() != header.len() {
                continue;
            }
            if let Some(cc) = cc {
                if r[cc] != "432" {
                    continue;
                }
            }
            let (Ok(lat), Ok(lon)) = (r[clat].parse::<f64>(), r[clon].parse::<f64>()) else {
                continue;
            };
            let adm1 = r[ca].trim().to_string();
            if !adm1.is_empty() {
                if let Some(code) = vintage::region_code_for(&adm1) {
                    rep.admin1_rows += 1;
                    match geo.layer(1).and_then(|l| l.locate(lat, lon)) {
                        None => rep.admin1_outside += 1,
                        Some(h) => match vintage::agreement(&h.code, code) {
                            Agreement::Exact => rep.admin1_exact += 1,
                            Agreement::AllowingForVintage => rep.admin1_vintage += 1,
                            Agreement::Disagree => {
                                rep.admin1_disagree
                                    .push((r[ci].clone(), adm1.clone(), h.name))
                            }
                        },
                    }
                }
            }
            let prec: u8 = r[cp].parse().unwrap_or(0);
            if !(1..=2).contains(&prec) {
                continue;
            }
            rep.rows += 1;
            let text = r[cw].trim().to_string();
            let adm2 = ca2.map(|c| r[c].trim().to_string()).unwrap_or_default();
            let date = col("date_start")
                .and_then(|c| r[c].get(..10))
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            let hints = Hints {
                admin1: (!adm1.is_empty()).then(|| adm1.clone()),
                admin2: (!adm2.is_empty()).then(|| adm2.clone()),
                country: Some("MLI".into()),
                date,
                ..Hints::default()
            };
            let res = geo.resolve(&text, &hints);
            let dist =
                |c: &crate::Candidate| haversine_km(lat, lon, c.place.latitude, c.place.longitude);
            let top = res.candidates.first().map(dist);
            let best = res.best();
            let d = best.map(dist);
            match res.status {
                ResolutionStatus::Resolved => rep.resolved += 1,
                ResolutionStatus::Ambiguous => rep.ambiguous += 1,
                ResolutionStatus::NotFound => rep.not_found += 1,
            }
            let reachable = geo
                .resolve(
                    &text,
                    &Hints {
                        limit: Some(50),
                        ..hints.clone()
                    },
                )
                .candidates
                .iter()
                .any(|c| dist(c) <= 10.0);
            if reachable {
                rep.reachable_within_10km += 1;
            }
            if d.is_some_and(|d| d <= 10.0) {
                rep.within_10km += 1;
                if reachable {
                    rep.within_10km_of_reachable += 1;
                }
            }
            if top.is_some_and(|d| d <= 10.0) {
                rep.top_within_10km += 1;
            }
            let a1only = geo.resolve(
                &text,
                &Hints {
                    admin2: None,
                    ..hints.clone()
                },
            );
            if a1only.best().map(dist).is_some_and(|d| d <= 10.0) {
                rep.within_10km_admin1_only += 1;
            }
            let plain = geo.resolve(
                &text,
                &Hints {
                    country: Some("MLI".into()),
                    ..Hints::default()
                },
            );
            if plain.best().map(dist).is_some_and(|d| d <= 10.0) {
                rep.within_10km_no_hint += 1;
            }
            rep.details.push(EvalRow {
                id: r[ci].clone(),
                where_prec: prec,
                text,
                adm_1: adm1,
                status: res.status,
                resolved: res.candidates.first().map(|c| c.place.name.clone()),
                distance_km: d,
                top_distance_km: top,
                reachable,
            });
        }
    }
    rep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_newlines() {
        let t = "a,b,c\n1,\"x, \"\"y\"\"\nz\",3\n";
        let r = parse_csv(t);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1], vec!["1", "x, \"y\"\nz", "3"]);
    }
}
