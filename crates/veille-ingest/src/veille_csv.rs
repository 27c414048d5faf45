//! veille's own CSV format: flat, human-readable columns plus JSON columns for the nested
//! parts, so that **every** field round-trips (export → import gives the same event).
//!
//! **Where a column becomes a field:** [`event_to_record`] (export) and
//! [`map_veille_row`] (import). Rules:
//! - The file starts with a UTF-8 BOM so Excel shows accents; the importer strips it.
//! - Vocabulary columns hold labels ("Armed clash"); codes are accepted on import.
//! - `casualties_json` holds the whole casualty record; the flat `killed_low/best/high`
//!   columns, when filled, override its killed total (so a spreadsheet edit wins).
//! - Events without any external id get `veille:<id>` on import (the store needs one to
//!   recognise a re-import).

use crate::common::{parse_date, split_list, EventReader, MapContext, ParsedRow};
use crate::csvread::{CsvRows, Row};
use crate::error::{IngestError, RowError};
use chrono::{DateTime, SecondsFormat, Utc};
use std::io::{Read, Write};
use uuid::Uuid;
use veille_model::*;

/// The columns of a veille CSV file, in order.
pub const VEILLE_COLUMNS: [&str; 38] = [
    "id",
    "external_ids",
    "date_start",
    "date_end",
    "date_precision",
    "place_name",
    "where_description",
    "admin1_name",
    "admin1_code",
    "admin2_name",
    "admin2_code",
    "admin3_name",
    "admin3_code",
    "admin_vintage",
    "admin_approximate",
    "latitude",
    "longitude",
    "geo_precision",
    "country",
    "priogrid_gid",
    "event_type",
    "sub_event_type",
    "violence_type",
    "killed_best",
    "killed_low",
    "killed_high",
    "verification",
    "sensitivity",
    "notes",
    "tags",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
    "actors_json",
    "casualties_json",
    "sources_json",
    "provenance_json",
];

/// True when a header is veille CSV (has `id`, `sub_event_type` and `casualties_json`).
pub fn is_veille_header(headers: &[String]) -> bool {
    ["id", "sub_event_type", "casualties_json"]
        .iter()
        .all(|c| headers.iter().any(|h| h.eq_ignore_ascii_case(c)))
}

fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn opt_str(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// One event as a veille CSV record (same order as [`VEILLE_COLUMNS`]).
pub fn event_to_record(e: &Event) -> Vec<String> {
    let l = &e.location;
    let adm = |a: &Option<AdminUnit>| {
        (
            a.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
            a.as_ref().and_then(|u| u.code.clone()).unwrap_or_default(),
        )
    };
    let (a1n, a1c) = adm(&l.admin1);
    let (a2n, a2c) = adm(&l.admin2);
    let (a3n, a3c) = adm(&l.admin3);
    let total = e.casualties.killed.total;
    vec![
        e.id.to_string(),
        e.external_ids
            .iter()
            .map(|x| x.0.clone())
            .collect::<Vec<_>>()
            .join(";"),
        e.date_start.to_string(),
        e.date_end.to_string(),
        e.date_precision.label().to_string(),
        opt_str(&l.place_name),
        opt_str(&l.where_description),
        a1n,
        a1c,
        a2n,
        a2c,
        a3n,
        a3c,
        opt_str(&l.admin_vintage),
        if l.admin_approximate { "true" } else { "" }.to_string(),
        num(l.latitude),
        num(l.longitude),
        l.geo_precision.label().to_string(),
        l.country.clone(),
        num(l.priogrid_gid),
        e.event_type.label().to_string(),
        e.sub_event_type.label().to_string(),
        e.violence_type
            .map(|v| v.label().to_string())
            .unwrap_or_default(),
        num(total.map(|t| t.best)),
        num(total.map(|t| t.low)),
        num(total.map(|t| t.high)),
        e.verification.label().to_string(),
        e.sensitivity.label().to_string(),
        e.notes.clone(),
        e.tags.join(";"),
        e.audit.created_by.clone(),
        ts(&e.audit.created_at),
        e.audit.updated_by.clone(),
        ts(&e.audit.updated_at),
        json(&e.actors),
        json(&e.casualties),
        json(&e.sources),
        e.provenance.as_ref().map(json).unwrap_or_default(),
    ]
}

/// Writes veille CSV: a BOM, the header, then one record per event.
pub struct VeilleCsvWriter<'a> {
    w: csv::Writer<&'a mut dyn Write>,
}

impl<'a> VeilleCsvWriter<'a> {
    /// Writes the BOM and the header.
    pub fn new(out: &'a mut dyn Write) -> Result<Self, IngestError> {
        out.write_all("\u{feff}".as_bytes())
            .map_err(|e| IngestError::io("output", e))?;
        let mut w = csv::Writer::from_writer(out);
        w.write_record(VEILLE_COLUMNS)
            .map_err(|e| IngestError::Csv(e.to_string()))?;
        Ok(VeilleCsvWriter { w })
    }

    /// Writes one event.
    pub fn write(&mut self, e: &Event) -> Result<(), IngestError> {
        self.w
            .write_record(event_to_record(e))
            .map_err(|e| IngestError::Csv(e.to_string()))
    }

    /// Flushes the output.
    pub fn finish(mut self) -> Result<(), IngestError> {
        self.w.flush().map_err(|e| IngestError::io("output", e))
    }
}

/// Streams events from a veille CSV file.
pub struct VeilleCsvReader<R: Read> {
    rows: CsvRows<R>,
    ctx: MapContext,
}

impl<R: Read> VeilleCsvReader<R> {
    /// Reads and checks the header.
    pub fn new(file: &str, input: R, ctx: MapContext) -> Result<Self, IngestError> {
        let rows = CsvRows::new(file, input)?;
        rows.require(&[
            "id",
            "date_start",
            "date_end",
            "country",
            "event_type",
            "sub_event_type",
        ])?;
        Ok(VeilleCsvReader { rows, ctx })
    }
}

impl<R: Read> Iterator for VeilleCsvReader<R> {
    type Item = Result<ParsedRow, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.rows.next_row()?;
        Some(next.map(|raw| self.rows.parse(raw, |row| map_veille_row(row, &self.ctx))))
    }
}

impl<R: Read> EventReader for VeilleCsvReader<R> {
    fn format(&self) -> &str {
        "veille-csv"
    }
    fn headers(&self) -> Vec<String> {
        self.rows.headers().to_vec()
    }
    fn bytes_read(&self) -> u64 {
        self.rows.bytes_read()
    }
    fn column_for(&self, field: &str, reason: &str) -> String {
        let col = match field {
            "location.latitude" | "location" => "latitude",
            "location.longitude" => "longitude",
            "location.country" => "country",
            "casualties.killed.total" if reason.starts_with("low") => "killed_low",
            "casualties.killed.total" => "killed_high",
            f if f.starts_with("casualties") => "casualties_json",
            f if f.starts_with("sources") => "sources_json",
            f if f.starts_with("actors") => "actors_json",
            f => f,
        };
        col.to_string()
    }
}

fn vocab<T: std::str::FromStr<Err = UnknownValue>>(row: &Row, col: &str) -> Result<T, RowError> {
    row.get(col)
        .parse::<T>()
        .map_err(|e| row.err(col, e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned + Default>(
    row: &Row,
    col: &str,
) -> Result<T, RowError> {
    let s = row.get(col);
    if s.is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(s).map_err(|e| row.err(col, format!("invalid JSON: {e}")))
}

fn time(row: &Row, col: &str, default: DateTime<Utc>) -> Result<DateTime<Utc>, RowError> {
    let s = row.get(col);
    if s.is_empty() {
        return Ok(default);
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| row.err(col, format!("'{s}' is not an RFC 3339 timestamp")))
}

/// Maps one veille CSV row to an event. **Every veille column is read here.**
pub fn map_veille_row(row: &Row, ctx: &MapContext) -> Result<Event, RowError> {
    let id = match row.get("id") {
        "" => Uuid::now_v7(),
        s => Uuid::parse_str(s).map_err(|_| row.err("id", format!("'{s}' is not a UUID")))?,
    };
    let date = |col: &str| {
        let s = row.get(col);
        parse_date(s)
            .ok_or_else(|| row.err(col, format!("'{s}' is not a date (expected YYYY-MM-DD)")))
    };
    let date_start = date("date_start")?;
    let date_end = date("date_end")?;
    let sub: SubEventType = vocab(row, "sub_event_type")?;
    let country = row.get("country").to_string();
    let mut ev = Event::new(date_start, sub, &country, &ctx.by, ctx.now);
    ev.id = id;
    ev.external_ids = split_list(row.get("external_ids"))
        .into_iter()
        .map(ExternalId)
        .collect();
    if ev.external_ids.is_empty() {
        ev.external_ids
            .push(ExternalId::new("veille", &id.to_string()));
    }
    ev.date_end = date_end;
    if !row.get("date_precision").is_empty() {
        ev.date_precision = vocab(row, "date_precision")?;
    }
    ev.event_type = vocab(row, "event_type")?;
    let adm = |n: &str, c: &str| -> Option<AdminUnit> {
        let name = row.raw(n).to_string();
        let code = row.opt(c);
        (!name.is_empty() || code.is_some()).then_some(AdminUnit { name, code })
    };
    let opt_raw = |c: &str| -> Option<String> {
        let s = row.raw(c);
        (!s.is_empty()).then(|| s.to_string())
    };
    let approx = row.get("admin_approximate").to_ascii_lowercase();
    ev.location = Location {
        place_name: opt_raw("place_name"),
        where_description: opt_raw("where_description"),
        admin1: adm("admin1_name", "admin1_code"),
        admin2: adm("admin2_name", "admin2_code"),
        admin3: adm("admin3_name", "admin3_code"),
        admin_vintage: opt_raw("admin_vintage"),
        admin_approximate: matches!(approx.as_str(), "true" | "1" | "yes"),
        latitude: row.latitude("latitude")?,
        longitude: row.longitude("longitude")?,
        geo_precision: if row.get("geo_precision").is_empty() {
            GeoPrecision::Country
        } else {
            vocab(row, "geo_precision")?
        },
        country,
        priogrid_gid: row.opt_u32("priogrid_gid")?,
    };
    ev.violence_type = match row.get("violence_type") {
        "" => None,
        _ => Some(vocab(row, "violence_type")?),
    };
    ev.actors = from_json(row, "actors_json")?;
    ev.casualties = from_json(row, "casualties_json")?;
    let (b, l, h) = (
        row.opt_u32("killed_best")?,
        row.opt_u32("killed_low")?,
        row.opt_u32("killed_high")?,
    );
    if let Some(best) = b {
        let t = Count {
            low: l.unwrap_or(best),
            best,
            high: h.unwrap_or(best),
        };
        ev.casualties.killed.total = Some(t);
    }
    ev.sources = from_json(row, "sources_json")?;
    if !row.get("verification").is_empty() {
        ev.verification = vocab(row, "verification")?;
    }
    if !row.get("sensitivity").is_empty() {
        ev.sensitivity = vocab(row, "sensitivity")?;
    }
    ev.notes = row.raw("notes").to_string();
    ev.tags = split_list(row.raw("tags"));
    let created_at = time(row, "created_at", ctx.now)?;
    ev.audit = Audit {
        created_by: row.opt("created_by").unwrap_or_else(|| ctx.by.clone()),
        created_at,
        updated_by: row.opt("updated_by").unwrap_or_else(|| ctx.by.clone()),
        updated_at: time(row, "updated_at", created_at)?,
    };
    ev.provenance = match row.get("provenance_json") {
        "" => None,
        s => Some(
            serde_json::from_str(s)
                .map_err(|e| row.err("provenance_json", format!("invalid JSON: {e}")))?,
        ),
    };
    Ok(ev)
}
