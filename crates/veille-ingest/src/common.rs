//! Pieces every reader shares: the parsed-row type, the reader trait, the mapping
//! context and date parsing.

use crate::error::{IngestError, RowError};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use veille_model::Event;

/// One record read from a file: its line, its raw fields and the event or its errors.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    /// 1-based line where the record starts (feature number for GeoJSON).
    pub line: u64,
    /// The raw fields, in header order (for a rejects file).
    pub raw: Vec<String>,
    /// The mapped event, or why the row cannot be imported.
    pub event: Result<Event, Vec<RowError>>,
}

/// A streaming source of events read from one file.
pub trait EventReader: Iterator<Item = Result<ParsedRow, IngestError>> {
    /// The format name recorded in the import batch ("ged", "acled", ...).
    fn format(&self) -> &str;
    /// The header names (for a rejects file).
    fn headers(&self) -> Vec<String>;
    /// Bytes read so far (for progress).
    fn bytes_read(&self) -> u64;
    /// The source column that holds a model field, for validation messages; e.g. for GED
    /// `casualties.killed.total` with a "low ..." reason → `low`.
    fn column_for(&self, field: &str, reason: &str) -> String;
}

/// What every mapping needs besides the row: who imports, when, into which batch.
#[derive(Debug, Clone)]
pub struct MapContext {
    /// The importing user, written to the audit.
    pub by: String,
    /// The import time, written to the audit.
    pub now: DateTime<Utc>,
    /// The batch id, written to the provenance.
    pub batch_id: Option<Uuid>,
}

impl MapContext {
    /// A context for `by`, now, without a batch.
    pub fn new(by: &str) -> Self {
        MapContext {
            by: by.to_string(),
            now: Utc::now(),
            batch_id: None,
        }
    }
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD 00:00:00.000` (GED), `dd-mm-yyyy`, `dd/mm/yyyy`,
/// `31 July 2020`, `31-July-2020`, `31 Jul 2020` and `31-Jul-20`-style dates.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Drop a time part ("2020-07-31 00:00:00.000", "2020-07-31T00:00:00").
    let day_part = s.split([' ', 'T']).next().unwrap_or(s);
    for fmt in ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(day_part, fmt) {
            return Some(d);
        }
    }
    let spaced = s.replace('-', " ");
    for fmt in ["%d %B %Y", "%d %b %Y", "%d %B %y", "%d %b %y"] {
        if let Ok(d) = NaiveDate::parse_from_str(&spaced, fmt) {
            return Some(d);
        }
    }
    None
}

/// Splits a `;`-separated list, trimming items and dropping empty ones.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_accepted_shape() {
        let d = NaiveDate::from_ymd_opt(2020, 7, 31);
        for s in [
            "2020-07-31",
            "2020-07-31 00:00:00.000",
            "31-07-2020",
            "31 July 2020",
            "31-July-2020",
            "31 Jul 2020",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("2020-13-45"), None);
        assert_eq!(parse_date(""), None);
    }
}
