//! Errors of the geography crate. Every loading error names the file and the line or
//! feature, and the reason.

use thiserror::Error;

/// What went wrong while loading or querying geographic data.
#[derive(Debug, Error)]
pub enum GeoError {
    /// A file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A GeoNames dump line is malformed (wrong column count, bad number, coordinate out
    /// of range). Nothing from the file is loaded.
    #[error("{file}:{line}: {reason}")]
    DumpLine {
        /// The file.
        file: String,
        /// 1-based line number.
        line: usize,
        /// Why the line was rejected, e.g. "expected 19 columns, found 18".
        reason: String,
    },
    /// The file is not valid GeoJSON (JSON syntax or structure).
    #[error("{file}: invalid GeoJSON: {reason}")]
    GeoJson {
        /// The file.
        file: String,
        /// The parse error.
        reason: String,
    },
    /// One feature of a GeoJSON file is unusable. Nothing from the file is loaded.
    #[error("{file}: feature {index} ({name}): {reason}")]
    Feature {
        /// The file.
        file: String,
        /// 0-based feature index in the FeatureCollection.
        index: usize,
        /// The feature's name property, or "unnamed".
        name: String,
        /// Why, e.g. "self-intersecting ring 0: edges 3 and 7 cross near (…)".
        reason: String,
    },
    /// A coordinate given to an API call is out of range.
    #[error("invalid coordinate: {0}")]
    Coordinate(String),
    /// A user place or alias is invalid.
    #[error("invalid user place: {0}")]
    UserPlace(String),
}

/// Checks a latitude/longitude pair; the message names the bad value.
pub fn check_lat_lon(lat: f64, lon: f64) -> Result<(), String> {
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("latitude {lat} outside ±90"));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("longitude {lon} outside ±180"));
    }
    Ok(())
}
