//! # veille-ingest
//!
//! Dataset importers and exporters. Each format keeps its column mapping in one
//! function, so finding where a CSV column becomes a model field takes a minute:
//!
//! | format | read (column → field) | write (field → column) |
//! |---|---|---|
//! | UCDP GED (release, candidate) | [`ged::map_ged_row`] | — |
//! | ACLED (current, old, HDX/HXL) | [`acled::map_acled_row`] | [`acled_export::event_to_acled_record`] |
//! | veille CSV | [`veille_csv::map_veille_row`] | [`veille_csv::event_to_record`] |
//! | GeoJSON | [`geojson::GeoJsonReader`] (`event` property) | [`geojson::event_to_feature`] |
//! | HXL CSV | — | [`hxl::event_to_hxl_record`] |
//!
//! Entry points: [`import_file`] (streaming, chunked, all-or-nothing unless
//! `skip_invalid`) and [`export()`] (paged). Row problems read `file:line: column: reason`
//! ([`RowError`]).

pub mod acled;
pub mod acled_export;
pub mod common;
pub mod countries;
pub mod csvread;
pub mod enrich;
pub mod error;
pub mod export;
pub mod ged;
pub mod geojson;
pub mod hxl;
pub mod import;
pub mod reference;
pub mod veille_csv;

pub use common::{parse_date, EventReader, MapContext, ParsedRow};
pub use enrich::{shipped_geo, EnrichError, StandardEnricher};
pub use error::{IngestError, RowError, MAX_LISTED_ERRORS};
pub use export::{export, ExportFormat};
pub use import::{
    detect_format, import_file, read_file, Enricher, ImportFormat, ImportOptions, ImportProgress,
    ImportReport,
};
