//! HXL-tagged CSV export: a header row, then an HXL hashtag row, then the data, so the
//! file opens in the humanitarian toolchain (HDX, HXL Proxy).
//!
//! **Where a field becomes a column:** [`HXL_COLUMNS`] (header, tag) and
//! [`event_to_hxl_record`].

use crate::error::IngestError;
use std::io::Write;
use veille_model::*;

/// Column header and HXL tag, in order.
pub const HXL_COLUMNS: [(&str, &str); 22] = [
    ("id", "#event+id"),
    ("external_ids", "#event+code"),
    ("date_start", "#date+occurred+start"),
    ("date_end", "#date+occurred+end"),
    ("event_type", "#event+type"),
    ("sub_event_type", "#event+type+sub"),
    ("country", "#country+code"),
    ("admin1", "#adm1+name"),
    ("admin2", "#adm2+name"),
    ("admin3", "#adm3+name"),
    ("location", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("geo_precision", "#geo+precision"),
    ("killed", "#affected+killed"),
    ("civilians_killed", "#affected+killed+civilians"),
    ("perpetrator", "#org+perpetrator"),
    ("target", "#org+target"),
    ("sources", "#meta+source"),
    ("verification", "#status+verification"),
    ("notes", "#description"),
    ("tags", "#meta+tags"),
];

/// One event as an HXL record (same order as [`HXL_COLUMNS`]).
pub fn event_to_hxl_record(e: &Event) -> Vec<String> {
    let l = &e.location;
    let actors = |role| {
        e.actors
            .iter()
            .filter(|a| a.role == role)
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let adm = |a: &Option<AdminUnit>| a.as_ref().map(|u| u.name.clone()).unwrap_or_default();
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    vec![
        e.id.to_string(),
        e.external_ids
            .iter()
            .map(|x| x.0.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        e.date_start.to_string(),
        e.date_end.to_string(),
        e.event_type.label().to_string(),
        e.sub_event_type.label().to_string(),
        l.country.clone(),
        adm(&l.admin1),
        adm(&l.admin2),
        adm(&l.admin3),
        l.place_name.clone().unwrap_or_default(),
        num(l.latitude),
        num(l.longitude),
        l.geo_precision.label().to_string(),
        e.killed_best().to_string(),
        e.casualties
            .killed
            .best_of(VictimCategory::Civilians)
            .to_string(),
        actors(ActorRole::Perpetrator),
        actors(ActorRole::Target),
        e.sources
            .iter()
            .map(|s| s.publisher.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        e.verification.label().to_string(),
        e.notes.clone(),
        e.tags.join("; "),
    ]
}

/// Writes HXL-tagged CSV.
pub struct HxlWriter<'a> {
    w: csv::Writer<&'a mut dyn Write>,
}

impl<'a> HxlWriter<'a> {
    /// Writes the header row and the HXL tag row.
    pub fn new(out: &'a mut dyn Write) -> Result<Self, IngestError> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(HXL_COLUMNS.iter().map(|(h, _)| *h))
            .and_then(|_| w.write_record(HXL_COLUMNS.iter().map(|(_, t)| *t)))
            .map_err(|e| IngestError::Csv(e.to_string()))?;
        Ok(HxlWriter { w })
    }

    /// Writes one event.
    pub fn write(&mut self, e: &Event) -> Result<(), IngestError> {
        self.w
            .write_record(event_to_hxl_record(e))
            .map_err(|e| IngestError::Csv(e.to_string()))
    }

    /// Flushes the output.
    pub fn finish(mut self) -> Result<(), IngestError> {
        self.w.flush().map_err(|e| IngestError::io("output", e))
    }
}
