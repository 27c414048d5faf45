//! Scanning dataset files for actor names the registry does not resolve (until the
//! importers feed [`crate::UnresolvedLog`] directly). Understands UCDP GED (`side_a`,
//! `side_b` with `side_a_new_id`, `side_b_new_id`) and ACLED (`actor1`, `actor2`,
//! `assoc_actor_1`, `assoc_actor_2`; associated actors are `;`-separated).

use crate::error::RegistryError;
use crate::registry::Registry;
use crate::unresolved::UnresolvedLog;
use std::path::Path;

/// What a scan found.
#[derive(Debug, Clone, Default)]
pub struct ScanReport {
    /// Actor names seen (non-empty cells).
    pub names_seen: u64,
    /// Of which resolved to a registry actor.
    pub resolved: u64,
    /// The unresolved names with counts.
    pub unresolved: UnresolvedLog,
}

/// Scans one GED or ACLED CSV file.
pub fn scan_file(reg: &Registry, path: &Path) -> Result<ScanReport, RegistryError> {
    let file = path.display().to_string();
    let err = |line: u64, reason: String| RegistryError::Csv {
        file: file.clone(),
        line,
        reason,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| err(0, e.to_string()))?;
    let headers = rdr.headers().map_err(|e| err(1, e.to_string()))?.clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == n)
    };
    let dataset = if col("side_a").is_some() {
        "ucdp_ged"
    } else {
        "acled"
    };
    // (name column, optional UCDP id column, split on ';')
    let mut cols: Vec<(usize, Option<usize>, bool)> = Vec::new();
    for (n, id) in [("side_a", "side_a_new_id"), ("side_b", "side_b_new_id")] {
        if let Some(c) = col(n) {
            cols.push((c, col(id), false));
        }
    }
    for n in ["actor1", "actor2"] {
        if let Some(c) = col(n) {
            cols.push((c, None, false));
        }
    }
    for n in ["assoc_actor_1", "assoc_actor_2"] {
        if let Some(c) = col(n) {
            cols.push((c, None, true));
        }
    }
    if cols.is_empty() {
        return Err(err(
            1,
            "no actor columns (side_a/side_b or actor1/actor2)".into(),
        ));
    }
    let mut rep = ScanReport::default();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| err(i as u64 + 2, e.to_string()))?;
        if rec.get(0).is_some_and(|v| v.starts_with('#')) {
            continue; // HXL tag row
        }
        for &(c, idc, split) in &cols {
            let cell = rec.get(c).unwrap_or("").trim();
            let names: Vec<&str> = if split {
                cell.split(';').map(str::trim).collect()
            } else {
                vec![cell]
            };
            for name in names.into_iter().filter(|n| !n.is_empty()) {
                rep.names_seen += 1;
                let id = idc
                    .and_then(|j| rec.get(j))
                    .and_then(|v| v.trim().parse::<u32>().ok());
                if reg.resolve_ucdp(id, name).is_some() {
                    rep.resolved += 1;
                } else {
                    rep.unresolved.record(dataset, name);
                }
            }
        }
    }
    Ok(rep)
}
