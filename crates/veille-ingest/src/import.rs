//! The import pipeline: detect the format, hash the file, stream rows, enrich, validate,
//! and hand chunks of events to one store transaction. All-or-nothing by default.

use crate::acled::{is_acled_header, AcledReader};
use crate::common::{EventReader, MapContext, ParsedRow};
use crate::csvread::CsvRows;
use crate::error::{IngestError, RowError, MAX_LISTED_ERRORS};
use crate::ged::{is_ged_header, GedReader};
use crate::geojson::{is_geojson_start, GeoJsonReader};
use crate::veille_csv::{is_veille_header, VeilleCsvReader};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use veille_model::{Event, ImportBatch};
use veille_store::{ImportSession, Store, UpsertOutcome};

/// A hook that improves each event before validation (geocoding, actor resolution).
/// The geography and actor crates implement it; the import calls it on every event.
pub trait Enricher: Send + Sync {
    /// Fills in or corrects fields of `event` in place.
    fn enrich(&self, event: &mut Event);
}

/// The formats veille can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// UCDP GED CSV (release or candidate).
    Ged,
    /// ACLED CSV (current, older or HDX/HXL).
    Acled,
    /// veille's own CSV.
    VeilleCsv,
    /// veille GeoJSON (features carrying an `event` property).
    GeoJson,
}

impl std::str::FromStr for ImportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ged" | "ucdp" | "ged-candidate" => Ok(ImportFormat::Ged),
            "acled" => Ok(ImportFormat::Acled),
            "veille" | "veille-csv" | "csv" => Ok(ImportFormat::VeilleCsv),
            "geojson" | "json" => Ok(ImportFormat::GeoJson),
            other => Err(format!(
                "unknown import format '{other}' (expected ged, acled, veille-csv or geojson)"
            )),
        }
    }
}

/// How to import.
#[derive(Clone)]
pub struct ImportOptions {
    /// Force a format instead of detecting it from the header.
    pub format: Option<ImportFormat>,
    /// Import the valid rows and write the invalid ones to a rejects CSV, instead of
    /// failing the whole import.
    pub skip_invalid: bool,
    /// Where to write rejected rows (default: `<file>.rejects.csv` beside the input).
    pub rejects_path: Option<PathBuf>,
    /// Who runs the import (audit and batch).
    pub by: String,
    /// Called on every event before validation.
    pub enricher: Option<Arc<dyn Enricher>>,
    /// Events per store call (default 5,000).
    pub chunk_size: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: None,
            skip_invalid: false,
            rejects_path: None,
            by: "import".to_string(),
            enricher: None,
            chunk_size: 5000,
        }
    }
}

impl std::fmt::Debug for ImportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("format", &self.format)
            .field("skip_invalid", &self.skip_invalid)
            .field("rejects_path", &self.rejects_path)
            .field("by", &self.by)
            .field("enricher", &self.enricher.is_some())
            .field("chunk_size", &self.chunk_size)
            .finish()
    }
}

/// Progress of a running import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    /// Bytes read so far.
    pub bytes_read: u64,
    /// File size in bytes.
    pub bytes_total: u64,
    /// Data rows read so far.
    pub rows_read: u64,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// The batch as committed, with its row counts.
    pub batch: ImportBatch,
    /// The rejects CSV, when rows were rejected (only with `skip_invalid`).
    pub rejects_path: Option<PathBuf>,
    /// The first rejected rows' errors (at most [`MAX_LISTED_ERRORS`]).
    pub rejected: Vec<RowError>,
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String, IngestError> {
    let name = path.display().to_string();
    let mut f = File::open(path).map_err(|e| IngestError::io(&name, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| IngestError::io(&name, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Detects the format from the start of the file (GeoJSON) or its CSV header.
pub fn detect_format(path: &Path) -> Result<ImportFormat, IngestError> {
    let name = path.display().to_string();
    let mut f = File::open(path).map_err(|e| IngestError::io(&name, e))?;
    let mut head = vec![0u8; 4096];
    let n = f.read(&mut head).map_err(|e| IngestError::io(&name, e))?;
    if is_geojson_start(&head[..n]) {
        return Ok(ImportFormat::GeoJson);
    }
    let f = File::open(path).map_err(|e| IngestError::io(&name, e))?;
    let rows = CsvRows::new(&name, f)?;
    let h = rows.headers();
    if is_veille_header(h) {
        Ok(ImportFormat::VeilleCsv)
    } else if is_ged_header(h) {
        Ok(ImportFormat::Ged)
    } else if is_acled_header(h) {
        Ok(ImportFormat::Acled)
    } else {
        Err(IngestError::UnknownFormat {
            file: name,
            reason:
                "the header matches none of GED (relid, type_of_violence, side_a, where_prec), \
                     ACLED (event_id_cnty, event_type, sub_event_type), veille CSV (id, \
                     sub_event_type, casualties_json) or GeoJSON"
                    .to_string(),
        })
    }
}

/// Opens a streaming reader for `format`.
pub fn open_reader(
    path: &Path,
    format: ImportFormat,
    ctx: MapContext,
) -> Result<Box<dyn EventReader>, IngestError> {
    let name = path.display().to_string();
    let f = File::open(path).map_err(|e| IngestError::io(&name, e))?;
    Ok(match format {
        ImportFormat::Ged => Box::new(GedReader::new(&name, f, ctx)?),
        ImportFormat::Acled => Box::new(AcledReader::new(&name, f, ctx)?),
        ImportFormat::VeilleCsv => Box::new(VeilleCsvReader::new(&name, f, ctx)?),
        ImportFormat::GeoJson => Box::new(GeoJsonReader::new(&name, f)?),
    })
}

/// Enriches and validates one parsed row; validation field paths become source columns.
pub fn check_row(
    reader: &dyn EventReader,
    file: &str,
    row: ParsedRow,
    enricher: Option<&dyn Enricher>,
) -> (u64, Vec<String>, Result<Event, Vec<RowError>>) {
    let ParsedRow { line, raw, event } = row;
    let result = event.and_then(|mut ev| {
        if let Some(en) = enricher {
            en.enrich(&mut ev);
        }
        match ev.validate() {
            Ok(()) => Ok(ev),
            Err(errs) => Err(errs
                .0
                .iter()
                .map(|e| {
                    RowError::new(
                        file,
                        line,
                        &reader.column_for(&e.field, &e.reason),
                        e.reason.clone(),
                    )
                })
                .collect()),
        }
    });
    (line, raw, result)
}

/// Writes rejected rows: the original header plus `_line` and `_reason`.
struct Rejects {
    path: PathBuf,
    w: Option<csv::Writer<File>>,
    headers: Vec<String>,
}

impl Rejects {
    fn write(&mut self, raw: &[String], line: u64, reason: &str) -> Result<(), IngestError> {
        let name = self.path.display().to_string();
        if self.w.is_none() {
            let f = File::create(&self.path).map_err(|e| IngestError::io(&name, e))?;
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(f);
            let mut h = self.headers.clone();
            h.push("_line".into());
            h.push("_reason".into());
            w.write_record(&h)
                .map_err(|e| IngestError::Csv(e.to_string()))?;
            self.w = Some(w);
        }
        if let Some(w) = self.w.as_mut() {
            let mut rec = raw.to_vec();
            rec.resize(self.headers.len().max(rec.len()), String::new());
            rec.push(line.to_string());
            rec.push(reason.to_string());
            w.write_record(&rec)
                .map_err(|e| IngestError::Csv(e.to_string()))?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Option<PathBuf>, IngestError> {
        match self.w.take() {
            Some(mut w) => {
                w.flush()
                    .map_err(|e| IngestError::io(&self.path.display().to_string(), e))?;
                Ok(Some(self.path))
            }
            None => Ok(None),
        }
    }
}

async fn flush(
    session: &mut Box<dyn ImportSession>,
    chunk: &mut Vec<Event>,
    batch: &mut ImportBatch,
) -> Result<(), IngestError> {
    if chunk.is_empty() {
        return Ok(());
    }
    let outcomes = session.upsert_chunk(std::mem::take(chunk)).await?;
    for o in outcomes {
        match o {
            UpsertOutcome::Created(_) => batch.rows_created += 1,
            UpsertOutcome::Updated(_) => batch.rows_updated += 1,
            UpsertOutcome::Unchanged(_) => batch.rows_unchanged += 1,
        }
    }
    Ok(())
}

/// Imports one file into the store, in one transaction.
///
/// The format is detected from the header (or forced by `opts.format`). Rows are read
/// as a stream and offered to the store in chunks of `opts.chunk_size`. By default any
/// invalid row rolls everything back and the error lists every bad row (up to
/// [`MAX_LISTED_ERRORS`], then a count). With `opts.skip_invalid`, valid rows are
/// imported and invalid rows are written to a rejects CSV named in the report.
pub async fn import_file(
    store: &dyn Store,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, IngestError> {
    let name = path.display().to_string();
    let total = std::fs::metadata(path)
        .map_err(|e| IngestError::io(&name, e))?
        .len();
    let sha256 = sha256_file(path)?;
    let format = match opts.format {
        Some(f) => f,
        None => detect_format(path)?,
    };
    let now = chrono::Utc::now();
    let mut batch = ImportBatch {
        id: uuid::Uuid::now_v7(),
        file_name: name.clone(),
        sha256,
        format: String::new(),
        rows_read: 0,
        rows_created: 0,
        rows_updated: 0,
        rows_unchanged: 0,
        rows_rejected: 0,
        by: opts.by.clone(),
        at: now,
    };
    let ctx = MapContext {
        by: opts.by.clone(),
        now,
        batch_id: Some(batch.id),
    };
    let mut reader = open_reader(path, format, ctx)?;
    batch.format = reader.format().to_string();
    let mut rejects = Rejects {
        path: opts.rejects_path.clone().unwrap_or_else(|| {
            let mut p = path.as_os_str().to_owned();
            p.push(".rejects.csv");
            PathBuf::from(p)
        }),
        w: None,
        headers: reader.headers(),
    };
    let mut session = store.begin_import(&batch).await?;
    let mut chunk: Vec<Event> = Vec::new();
    let mut errors: Vec<RowError> = Vec::new();
    let mut more: u64 = 0;
    let chunk_size = opts.chunk_size.max(1);
    let enricher = opts.enricher.clone();

    let outcome: Result<(), IngestError> = async {
        while let Some(item) = reader.next() {
            let parsed = item?;
            batch.rows_read += 1;
            let (line, raw, result) =
                check_row(reader.as_ref(), &name, parsed, enricher.as_deref());
            match result {
                Ok(ev) => {
                    if opts.skip_invalid || errors.is_empty() {
                        chunk.push(ev);
                    }
                }
                Err(errs) => {
                    batch.rows_rejected += 1;
                    if opts.skip_invalid {
                        let reason = errs
                            .iter()
                            .map(|e| format!("{}: {}", e.column, e.reason))
                            .collect::<Vec<_>>()
                            .join("; ");
                        rejects.write(&raw, line, &reason)?;
                    }
                    for e in errs {
                        if errors.len() < MAX_LISTED_ERRORS {
                            errors.push(e);
                        } else {
                            more += 1;
                        }
                    }
                    if !opts.skip_invalid {
                        chunk.clear();
                    }
                }
            }
            if chunk.len() >= chunk_size {
                flush(&mut session, &mut chunk, &mut batch).await?;
            }
            if batch.rows_read.is_multiple_of(1000) {
                progress(ImportProgress {
                    bytes_read: reader.bytes_read().min(total),
                    bytes_total: total,
                    rows_read: batch.rows_read,
                });
            }
        }
        Ok(())
    }
    .await;

    if let Err(e) = outcome {
        session.rollback().await?;
        return Err(e);
    }
    if batch.rows_read == 0 {
        session.rollback().await?;
        return Err(IngestError::Header(RowError::new(
            &name,
            2,
            "data",
            "no data rows (header only)",
        )));
    }
    if !errors.is_empty() && !opts.skip_invalid {
        session.rollback().await?;
        return Err(IngestError::Invalid { errors, more });
    }
    if let Err(e) = flush(&mut session, &mut chunk, &mut batch).await {
        session.rollback().await?;
        return Err(e);
    }
    let rejects_path = rejects.finish()?;
    session.commit(&batch).await?;
    progress(ImportProgress {
        bytes_read: total,
        bytes_total: total,
        rows_read: batch.rows_read,
    });
    Ok(ImportReport {
        batch,
        rejects_path,
        rejected: errors,
    })
}

/// Reads and checks a file without a store: every event, or every row error.
/// Useful for `veille import --dry-run` and tests.
pub fn read_file(
    path: &Path,
    format: Option<ImportFormat>,
    ctx: MapContext,
) -> Result<(Vec<Event>, Vec<RowError>), IngestError> {
    let name = path.display().to_string();
    let format = match format {
        Some(f) => f,
        None => detect_format(path)?,
    };
    let mut reader = open_reader(path, format, ctx)?;
    let mut events = Vec::new();
    let mut errors = Vec::new();
    let mut n = 0u64;
    while let Some(item) = reader.next() {
        n += 1;
        let (_, _, r) = check_row(reader.as_ref(), &name, item?, None);
        match r {
            Ok(e) => events.push(e),
            Err(es) => errors.extend(es),
        }
    }
    if n == 0 {
        return Err(IngestError::Header(RowError::new(
            &name,
            2,
            "data",
            "no data rows (header only)",
        )));
    }
    Ok((events, errors))
}
