//! Errors: [`RowError`] for one bad row (`file:line: column: reason`) and [`IngestError`]
//! for a whole import or export that failed.

use std::fmt;

/// One problem in one row, displayed exactly as `file:line: column: reason`.
///
/// `line` is the 1-based physical line where the record starts (a record with an
/// embedded newline spans several lines; the first counts). For GeoJSON it is the
/// 1-based feature number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The file name as given.
    pub file: String,
    /// 1-based line where the record starts.
    pub line: u64,
    /// The source column at fault (`header` or `row` for whole-record problems).
    pub column: String,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl RowError {
    /// Builds a row error.
    pub fn new(file: &str, line: u64, column: &str, reason: impl Into<String>) -> Self {
        RowError {
            file: file.to_string(),
            line,
            column: column.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.column, self.reason
        )
    }
}

impl std::error::Error for RowError {}

/// How many row errors [`IngestError::Invalid`] lists before summarising the rest.
pub const MAX_LISTED_ERRORS: usize = 1000;

fn list_errors(errors: &[RowError], more: &u64) -> String {
    let mut s: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    if *more > 0 {
        s.push(format!("... and {more} more errors"));
    }
    s.join("\n")
}

/// A whole-file failure.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file name.
        file: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The header (or the whole file) is unusable: missing column, empty file, not UTF-8.
    /// Displayed as `file:line: column: reason` like a row error.
    #[error("{0}")]
    Header(RowError),
    /// The format could not be recognised from the header.
    #[error("{file}: unknown format: {reason}")]
    UnknownFormat {
        /// The file name.
        file: String,
        /// Why no format matched.
        reason: String,
    },
    /// Rows were invalid and nothing was imported (all-or-nothing). At most
    /// [`MAX_LISTED_ERRORS`] are listed; `more` counts the rest.
    #[error("{} row error(s); nothing was imported:\n{}", errors.len() as u64 + more, list_errors(errors, more))]
    Invalid {
        /// The row errors, in file order.
        errors: Vec<RowError>,
        /// How many further errors were not listed.
        more: u64,
    },
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] veille_store::StoreError),
    /// JSON could not be read or written.
    #[error("{file}: {reason}")]
    Json {
        /// The file name.
        file: String,
        /// The parser's message.
        reason: String,
    },
    /// CSV could not be written.
    #[error("csv: {0}")]
    Csv(String),
}

impl IngestError {
    /// An I/O error on `file`.
    pub fn io(file: &str, source: std::io::Error) -> Self {
        IngestError::Io {
            file: file.to_string(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_file_line_column_reason() {
        let e = RowError::new("a.csv", 3, "latitude", "latitude 95 is outside -90..90");
        assert_eq!(
            e.to_string(),
            "a.csv:3: latitude: latitude 95 is outside -90..90"
        );
    }
}
