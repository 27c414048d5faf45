//! ACLED-shaped CSV export (the current column set), for tools that expect ACLED.
//!
//! **Where a field becomes a column:** [`event_to_acled_record`]. Rules: `event_id_cnty`
//! is the event's `acled:` id when it has one, else its veille id; inter codes are
//! written as text (as newer ACLED exports do) and `interaction` as the two numbers,
//! low digit first; `disorder_type` is derived from the event type; `civilian_targeting`
//! is "Civilian targeting" when civilians were killed or an actor is coded Civilians.

use crate::countries;
use crate::error::IngestError;
use std::io::Write;
use veille_model::*;

/// ACLED's current column set.
pub const ACLED_COLUMNS: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

fn disorder_type(t: EventType) -> &'static str {
    match t {
        EventType::Battles
        | EventType::ExplosionsRemoteViolence
        | EventType::ViolenceAgainstCivilians => "Political violence",
        EventType::Protests | EventType::Riots => "Demonstrations",
        EventType::StrategicDevelopments => "Strategic developments",
    }
}

fn names(e: &Event, role: ActorRole, side: Side) -> Vec<&str> {
    e.actors
        .iter()
        .filter(|a| a.role == role && a.side == Some(side))
        .map(|a| a.name.as_str())
        .collect()
}

/// One event as an ACLED record (same order as [`ACLED_COLUMNS`]).
pub fn event_to_acled_record(e: &Event) -> Vec<String> {
    let l = &e.location;
    let main = |role, side| {
        e.actors
            .iter()
            .find(|a| a.role == role && a.side == Some(side))
    };
    let a1 = main(ActorRole::Perpetrator, Side::A);
    let a2 = main(ActorRole::Target, Side::B);
    let inter = |a: Option<&ActorParticipation>| a.and_then(|a| a.inter_code);
    let (i1, i2) = (inter(a1), inter(a2));
    let interaction = {
        let mut n: Vec<u8> = [i1, i2].iter().flatten().map(|c| c.number()).collect();
        n.sort();
        n.iter().map(|d| d.to_string()).collect::<String>()
    };
    let civ = e.casualties.killed.best_of(VictimCategory::Civilians) > 0
        || i2 == Some(InterCode::Civilians);
    let id = e
        .external_ids
        .iter()
        .find(|x| x.scheme() == "acled")
        .map(|x| x.local_id().to_string())
        .unwrap_or_else(|| e.id.to_string());
    let country = countries::by_iso3(&l.country);
    let adm = |a: &Option<AdminUnit>| a.as_ref().map(|u| u.name.clone()).unwrap_or_default();
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    vec![
        id,
        e.date_start.to_string(),
        chrono::Datelike::year(&e.date_start).to_string(),
        e.date_precision.to_acled().to_string(),
        disorder_type(e.event_type).to_string(),
        e.event_type.label().to_string(),
        e.sub_event_type.label().to_string(),
        a1.map(|a| a.name.clone()).unwrap_or_default(),
        names(e, ActorRole::Associated, Side::A).join("; "),
        i1.map(|c| c.label().to_string()).unwrap_or_default(),
        a2.map(|a| a.name.clone()).unwrap_or_default(),
        names(e, ActorRole::Associated, Side::B).join("; "),
        i2.map(|c| c.label().to_string()).unwrap_or_default(),
        interaction,
        if civ { "Civilian targeting" } else { "" }.to_string(),
        country.map(|c| c.numeric.to_string()).unwrap_or_default(),
        countries::acled_region(&l.country).to_string(),
        country
            .map(|c| c.name.to_string())
            .unwrap_or_else(|| l.country.clone()),
        adm(&l.admin1),
        adm(&l.admin2),
        adm(&l.admin3),
        l.place_name.clone().unwrap_or_default(),
        num(l.latitude),
        num(l.longitude),
        l.geo_precision.to_acled().to_string(),
        e.sources
            .iter()
            .map(|s| s.publisher.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        String::new(),
        e.notes.clone(),
        e.killed_best().to_string(),
        e.tags.join("; "),
        e.audit.updated_at.timestamp().to_string(),
    ]
}

/// Writes ACLED-shaped CSV.
pub struct AcledWriter<'a> {
    w: csv::Writer<&'a mut dyn Write>,
}

impl<'a> AcledWriter<'a> {
    /// Writes the header.
    pub fn new(out: &'a mut dyn Write) -> Result<Self, IngestError> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(ACLED_COLUMNS)
            .map_err(|e| IngestError::Csv(e.to_string()))?;
        Ok(AcledWriter { w })
    }

    /// Writes one event.
    pub fn write(&mut self, e: &Event) -> Result<(), IngestError> {
        self.w
            .write_record(event_to_acled_record(e))
            .map_err(|e| IngestError::Csv(e.to_string()))
    }

    /// Flushes the output.
    pub fn finish(mut self) -> Result<(), IngestError> {
        self.w.flush().map_err(|e| IngestError::io("output", e))
    }
}
