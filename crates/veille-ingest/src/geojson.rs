//! GeoJSON FeatureCollection export and import.
//!
//! Each event is a Feature with a Point `[lon, lat]` (or `null` geometry without
//! coordinates), flat properties QGIS can style by (type, date, killed, admin1, ...) and
//! the full event as the nested `event` property, which the importer reads back.
//! The writer streams (one feature per line); the importer parses the whole document
//! (GeoJSON has no streaming form), so very large GeoJSON files should go through
//! veille CSV instead.

use crate::common::{EventReader, ParsedRow};
use crate::error::{IngestError, RowError};
use serde_json::{json, Map, Value};
use std::io::{Read, Write};
use veille_model::*;

/// The flat properties of one event (what a GIS styles by).
pub fn flat_properties(e: &Event) -> Map<String, Value> {
    let l = &e.location;
    let k = e.casualties.killed.total;
    let mut m = Map::new();
    m.insert("id".into(), json!(e.id.to_string()));
    m.insert(
        "external_ids".into(),
        json!(e
            .external_ids
            .iter()
            .map(|x| x.0.as_str())
            .collect::<Vec<_>>()
            .join(";")),
    );
    m.insert("date_start".into(), json!(e.date_start.to_string()));
    m.insert("date_end".into(), json!(e.date_end.to_string()));
    m.insert("year".into(), json!(chrono::Datelike::year(&e.date_start)));
    m.insert("event_type".into(), json!(e.event_type.label()));
    m.insert("sub_event_type".into(), json!(e.sub_event_type.label()));
    m.insert(
        "violence_type".into(),
        json!(e.violence_type.map(|v| v.label())),
    );
    m.insert("country".into(), json!(l.country));
    m.insert("admin1".into(), json!(l.admin1.as_ref().map(|a| &a.name)));
    m.insert("admin2".into(), json!(l.admin2.as_ref().map(|a| &a.name)));
    m.insert("admin3".into(), json!(l.admin3.as_ref().map(|a| &a.name)));
    m.insert("place_name".into(), json!(l.place_name));
    m.insert("geo_precision".into(), json!(l.geo_precision.label()));
    m.insert("killed_best".into(), json!(e.killed_best()));
    m.insert("killed_low".into(), json!(k.map(|c| c.low)));
    m.insert("killed_high".into(), json!(k.map(|c| c.high)));
    m.insert(
        "civilians_killed".into(),
        json!(e.casualties.killed.best_of(VictimCategory::Civilians)),
    );
    m.insert("actors".into(), json!(e.actor_text()));
    m.insert("verification".into(), json!(e.verification.label()));
    m.insert("sensitivity".into(), json!(e.sensitivity.label()));
    m
}

/// One event as a GeoJSON Feature.
pub fn event_to_feature(e: &Event) -> Value {
    let geometry = match (e.location.longitude, e.location.latitude) {
        (Some(lon), Some(lat)) => json!({"type": "Point", "coordinates": [lon, lat]}),
        _ => Value::Null,
    };
    let mut props = flat_properties(e);
    props.insert(
        "event".into(),
        serde_json::to_value(e).unwrap_or(Value::Null),
    );
    json!({"type": "Feature", "id": e.id.to_string(), "geometry": geometry, "properties": props})
}

/// Streams a FeatureCollection: header, one feature per line, footer.
pub struct GeoJsonWriter<'a> {
    out: &'a mut dyn Write,
    n: u64,
}

impl<'a> GeoJsonWriter<'a> {
    /// Writes the collection's opening.
    pub fn new(out: &'a mut dyn Write) -> Result<Self, IngestError> {
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
            .map_err(|e| IngestError::io("output", e))?;
        Ok(GeoJsonWriter { out, n: 0 })
    }

    /// Writes one feature.
    pub fn write(&mut self, e: &Event) -> Result<(), IngestError> {
        let s = serde_json::to_string(&event_to_feature(e)).map_err(|err| IngestError::Json {
            file: "output".into(),
            reason: err.to_string(),
        })?;
        let sep: &[u8] = if self.n == 0 { b"" } else { b",\n" };
        self.out
            .write_all(sep)
            .and_then(|_| self.out.write_all(s.as_bytes()))
            .map_err(|e| IngestError::io("output", e))?;
        self.n += 1;
        Ok(())
    }

    /// Closes the collection.
    pub fn finish(self) -> Result<(), IngestError> {
        self.out
            .write_all(b"\n]}\n")
            .and_then(|_| self.out.flush())
            .map_err(|e| IngestError::io("output", e))
    }
}

/// True when the start of a file looks like GeoJSON.
pub fn is_geojson_start(head: &[u8]) -> bool {
    let s = String::from_utf8_lossy(head);
    let t = s.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('{') && (t.contains("FeatureCollection") || t.contains("\"features\""))
}

/// Reads events back from a GeoJSON FeatureCollection written by veille (the `event`
/// property of each feature). Row numbers in messages are 1-based feature numbers.
pub struct GeoJsonReader {
    file: String,
    features: std::vec::IntoIter<Value>,
    n: u64,
    bytes: u64,
}

impl GeoJsonReader {
    /// Parses the whole document.
    pub fn new<R: Read>(file: &str, mut input: R) -> Result<Self, IngestError> {
        let mut buf = Vec::new();
        input
            .read_to_end(&mut buf)
            .map_err(|e| IngestError::io(file, e))?;
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(IngestError::Header(RowError::new(
                file,
                1,
                "header",
                "file is empty",
            )));
        }
        let text = std::str::from_utf8(&buf).map_err(|e| {
            IngestError::Header(RowError::new(
                file,
                1,
                "header",
                format!("not valid UTF-8 (byte {})", e.valid_up_to()),
            ))
        })?;
        let text = text.trim_start_matches('\u{feff}');
        let v: Value = serde_json::from_str(text).map_err(|e| IngestError::Json {
            file: file.to_string(),
            reason: format!("line {}: {e}", e.line()),
        })?;
        let features = match v.get("features") {
            Some(Value::Array(a)) => a.clone(),
            _ => {
                return Err(IngestError::Header(RowError::new(
                    file,
                    1,
                    "features",
                    "not a FeatureCollection (no 'features' array)",
                )))
            }
        };
        Ok(GeoJsonReader {
            file: file.to_string(),
            features: features.into_iter(),
            n: 0,
            bytes: buf.len() as u64,
        })
    }
}

impl Iterator for GeoJsonReader {
    type Item = Result<ParsedRow, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        let f = self.features.next()?;
        self.n += 1;
        let line = self.n;
        let event = match f.get("properties").and_then(|p| p.get("event")) {
            Some(ev) => serde_json::from_value::<Event>(ev.clone()).map_err(|e| {
                vec![RowError::new(
                    &self.file,
                    line,
                    "event",
                    format!("invalid event: {e}"),
                )]
            }),
            None => Err(vec![RowError::new(
                &self.file,
                line,
                "event",
                "feature has no 'event' property (only veille GeoJSON can be imported)",
            )]),
        };
        Some(Ok(ParsedRow {
            line,
            raw: vec![f.to_string()],
            event,
        }))
    }
}

impl EventReader for GeoJsonReader {
    fn format(&self) -> &str {
        "geojson"
    }
    fn headers(&self) -> Vec<String> {
        vec!["feature".to_string()]
    }
    fn bytes_read(&self) -> u64 {
        self.bytes
    }
    fn column_for(&self, field: &str, _reason: &str) -> String {
        format!("event.{field}")
    }
}
