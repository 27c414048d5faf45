//! Export entry point: pages through the store and streams one of the export formats.

use crate::acled_export::AcledWriter;
use crate::error::IngestError;
use crate::geojson::GeoJsonWriter;
use crate::hxl::HxlWriter;
use crate::veille_csv::VeilleCsvWriter;
use std::io::Write;
use veille_model::Event;
use veille_store::{EventFilter, Store};

/// The formats veille can export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// veille CSV: every field, re-importable.
    VeilleCsv,
    /// GeoJSON FeatureCollection, re-importable.
    GeoJson,
    /// ACLED-shaped CSV (current column set).
    Acled,
    /// HXL-tagged CSV.
    Hxl,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "veille" | "veille-csv" | "csv" => Ok(ExportFormat::VeilleCsv),
            "geojson" | "json" => Ok(ExportFormat::GeoJson),
            "acled" => Ok(ExportFormat::Acled),
            "hxl" => Ok(ExportFormat::Hxl),
            other => Err(format!(
                "unknown export format '{other}' (expected veille-csv, geojson, acled or hxl)"
            )),
        }
    }
}

/// Events fetched per store call.
pub const EXPORT_PAGE: u64 = 1000;

enum Writer<'a> {
    Veille(VeilleCsvWriter<'a>),
    GeoJson(GeoJsonWriter<'a>),
    Acled(AcledWriter<'a>),
    Hxl(HxlWriter<'a>),
}

impl Writer<'_> {
    fn write(&mut self, e: &Event) -> Result<(), IngestError> {
        match self {
            Writer::Veille(w) => w.write(e),
            Writer::GeoJson(w) => w.write(e),
            Writer::Acled(w) => w.write(e),
            Writer::Hxl(w) => w.write(e),
        }
    }

    fn finish(self) -> Result<(), IngestError> {
        match self {
            Writer::Veille(w) => w.finish(),
            Writer::GeoJson(w) => w.finish(),
            Writer::Acled(w) => w.finish(),
            Writer::Hxl(w) => w.finish(),
        }
    }
}

/// Writes the events matching `filter` to `out` in `format`, fetching them page by page
/// (limit/offset) so the whole set is never held in memory. Returns how many were
/// written. The filter's own limit and offset are honoured.
pub async fn export(
    store: &dyn Store,
    filter: &EventFilter,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<u64, IngestError> {
    export_mapped(store, filter, format, out, &|_| {}).await
}

/// [`export`], passing each event through `redact` before it is written (the server
/// blurs victim locations for roles that may not see them).
pub async fn export_mapped(
    store: &dyn Store,
    filter: &EventFilter,
    format: ExportFormat,
    out: &mut dyn Write,
    redact: &(dyn Fn(&mut Event) + Sync),
) -> Result<u64, IngestError> {
    let mut w = match format {
        ExportFormat::VeilleCsv => Writer::Veille(VeilleCsvWriter::new(out)?),
        ExportFormat::GeoJson => Writer::GeoJson(GeoJsonWriter::new(out)?),
        ExportFormat::Acled => Writer::Acled(AcledWriter::new(out)?),
        ExportFormat::Hxl => Writer::Hxl(HxlWriter::new(out)?),
    };
    let start = filter.offset.unwrap_or(0);
    let cap = filter.limit;
    let mut written: u64 = 0;
    loop {
        let want = match cap {
            Some(c) if written >= c => break,
            Some(c) => (c - written).min(EXPORT_PAGE),
            None => EXPORT_PAGE,
        };
        let mut page_filter = filter.clone();
        page_filter.offset = Some(start + written);
        page_filter.limit = Some(want);
        let page = store.list_events(&page_filter).await?;
        let n = page.len() as u64;
        for mut e in page {
            redact(&mut e);
            w.write(&e)?;
        }
        written += n;
        if n < want {
            break;
        }
    }
    w.finish()?;
    Ok(written)
}
