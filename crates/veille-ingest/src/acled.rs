//! ACLED CSV reader, header-driven: current exports (`disorder_type`,
//! `civilian_targeting`, `tags`, `timestamp`), older ones (`event_id_no_cnty`,
//! `data_id`, dates as `dd-mm-yyyy` or `31 July 2020`, numeric inter codes) and HDX
//! exports (an HXL tag row as line 2, text inter codes).
//!
//! **Where a column becomes a field:** [`map_acled_row`]. Rules worth knowing:
//! - actor1 → perpetrator, side A (inter1); assoc_actor_1 (`;`-separated) → associated,
//!   side A; actor2 → target, side B (inter2); assoc_actor_2 → associated, side B.
//!   Attribution is `stated`, except actors named "Unidentified …" → `unattributed`.
//! - fatalities → killed total, exact (ACLED gives one number, the lowest reported).
//!   **Civilian rule:** when the sub-type belongs to Violence against civilians and the
//!   row says civilians were targeted (`civilian_targeting` non-empty, or, in older
//!   exports without that column, inter2 = Civilians), the same number is also recorded
//!   as the `civilians` category. Otherwise there is no breakdown.
//! - violence_type is derived: Battles with a State-forces side → state-based, other
//!   Battles → non-state, Violence against civilians → one-sided; else none.
//! - `iso` (ISO 3166-1 numeric) gives the country; without it, the `country` name.
//! - sources: `source` split on `;`, graded F6. Verification `verified` (ACLED reviews
//!   its data). Sensitivity `restricted`: ACLED's terms forbid redistribution.

use crate::common::{parse_date, split_list, EventReader, MapContext, ParsedRow};
use crate::countries;
use crate::csvread::{CsvRows, Row};
use crate::error::{IngestError, RowError};
use std::io::Read;
use veille_model::*;

/// Columns every ACLED file must have.
pub const ACLED_REQUIRED: [&str; 5] = [
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
];

/// True when a header looks like ACLED.
pub fn is_acled_header(headers: &[String]) -> bool {
    ["event_id_cnty", "event_type", "sub_event_type"]
        .iter()
        .all(|c| headers.iter().any(|h| h.eq_ignore_ascii_case(c)))
}

/// Streams events from an ACLED CSV file.
pub struct AcledReader<R: Read> {
    rows: CsvRows<R>,
    ctx: MapContext,
}

impl<R: Read> AcledReader<R> {
    /// Reads and checks the header (and skips an HXL tag row).
    pub fn new(file: &str, input: R, ctx: MapContext) -> Result<Self, IngestError> {
        let rows = CsvRows::new(file, input)?;
        rows.require(&ACLED_REQUIRED)?;
        if rows.col("iso").is_none() && rows.col("country").is_none() {
            return Err(IngestError::Header(RowError::new(
                file,
                1,
                "header",
                "missing column 'iso' (or 'country')",
            )));
        }
        Ok(AcledReader { rows, ctx })
    }

    /// True when the file had an HXL tag row.
    pub fn has_hxl_row(&self) -> bool {
        self.rows.hxl
    }
}

impl<R: Read> Iterator for AcledReader<R> {
    type Item = Result<ParsedRow, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.rows.next_row()?;
        Some(next.map(|raw| self.rows.parse(raw, |row| map_acled_row(row, &self.ctx))))
    }
}

impl<R: Read> EventReader for AcledReader<R> {
    fn format(&self) -> &str {
        "acled"
    }
    fn headers(&self) -> Vec<String> {
        self.rows.headers().to_vec()
    }
    fn bytes_read(&self) -> u64 {
        self.rows.bytes_read()
    }
    fn column_for(&self, field: &str, _reason: &str) -> String {
        let col = match field {
            "date_start" | "date_end" => "event_date",
            "sub_event_type" => "sub_event_type",
            "event_type" => "event_type",
            "location.latitude" | "location" => "latitude",
            "location.longitude" => "longitude",
            "location.country" => "iso",
            f if f.starts_with("casualties") => "fatalities",
            f if f.starts_with("sources") => "source",
            f if f.starts_with("actors") => "actor1",
            f => f,
        };
        col.to_string()
    }
}

fn inter(row: &Row, col: &str) -> Result<Option<InterCode>, RowError> {
    let s = row.get(col);
    if s.is_empty() {
        return Ok(None);
    }
    InterCode::parse_any(s)
        .map(Some)
        .map_err(|e| row.err(col, e.to_string()))
}

fn attribution(name: &str) -> Attribution {
    if name.trim().to_lowercase().starts_with("unidentified") {
        Attribution::Unattributed
    } else {
        Attribution::Stated
    }
}

/// Maps one ACLED row to an event. **Every ACLED column veille uses is read here**;
/// the whole row is kept in the provenance.
pub fn map_acled_row(row: &Row, ctx: &MapContext) -> Result<Event, RowError> {
    let id = row.get("event_id_cnty");
    if id.is_empty() {
        return Err(row.err("event_id_cnty", "is empty"));
    }
    let ds = row.get("event_date");
    let date = parse_date(ds).ok_or_else(|| {
        row.err(
            "event_date",
            format!("'{ds}' is not a date (expected YYYY-MM-DD, dd-mm-yyyy or 31 July 2020)"),
        )
    })?;
    let event_type: EventType = row
        .get("event_type")
        .parse()
        .map_err(|e: UnknownValue| row.err("event_type", e.to_string()))?;
    let sub: SubEventType = row
        .get("sub_event_type")
        .parse()
        .map_err(|e: UnknownValue| row.err("sub_event_type", e.to_string()))?;
    let date_precision = match row.get("time_precision") {
        "" => DatePrecision::Day,
        s => s
            .parse::<u8>()
            .ok()
            .and_then(DatePrecision::from_acled)
            .ok_or_else(|| row.err("time_precision", format!("'{s}' is not 1, 2 or 3")))?,
    };
    let geo_precision = match row.get("geo_precision") {
        "" => GeoPrecision::Country,
        s => s
            .parse::<u8>()
            .ok()
            .and_then(GeoPrecision::from_acled)
            .ok_or_else(|| row.err("geo_precision", format!("'{s}' is not 1, 2 or 3")))?,
    };
    let country = match row.get("iso") {
        "" => {
            let name = row.get("country");
            countries::iso3_from_name(name)
                .ok_or_else(|| row.err("country", format!("unknown country '{name}'")))?
        }
        s => s
            .parse::<u16>()
            .ok()
            .and_then(countries::iso3_from_numeric)
            .ok_or_else(|| row.err("iso", format!("unknown ISO 3166-1 numeric code '{s}'")))?,
    };
    let latitude = row.latitude("latitude")?;
    let longitude = row.longitude("longitude")?;
    let fs = row.get("fatalities");
    let fatalities = if fs.is_empty() {
        None
    } else {
        Some(fs.parse::<u32>().map_err(|_| {
            row.err(
                "fatalities",
                format!("'{fs}' is not a non-negative whole number"),
            )
        })?)
    };
    let inter1 = inter(row, "inter1")?;
    let inter2 = inter(row, "inter2")?;

    let mut actors = Vec::new();
    let mut main = |name: &str, role, side, code| {
        if !name.is_empty() {
            actors.push(ActorParticipation {
                actor_id: None,
                name: name.to_string(),
                role,
                side: Some(side),
                attribution: attribution(name),
                inter_code: code,
                source_actor_id: None,
            });
        }
    };
    main(row.get("actor1"), ActorRole::Perpetrator, Side::A, inter1);
    for a in split_list(row.get("assoc_actor_1")) {
        main(&a, ActorRole::Associated, Side::A, None);
    }
    main(row.get("actor2"), ActorRole::Target, Side::B, inter2);
    for a in split_list(row.get("assoc_actor_2")) {
        main(&a, ActorRole::Associated, Side::B, None);
    }

    let violence_type = match sub.event_type() {
        EventType::Battles => Some(
            if inter1 == Some(InterCode::StateForces) || inter2 == Some(InterCode::StateForces) {
                ViolenceType::StateBased
            } else {
                ViolenceType::NonState
            },
        ),
        EventType::ViolenceAgainstCivilians => Some(ViolenceType::OneSided),
        _ => None,
    };
    let mut killed = CasualtyFigure::default();
    if let Some(n) = fatalities {
        killed.total = Some(Count::exact(n));
        let civilians_targeted = if row.index.contains_key("civilian_targeting") {
            !row.get("civilian_targeting").is_empty()
        } else {
            inter2 == Some(InterCode::Civilians)
        };
        if sub.event_type() == EventType::ViolenceAgainstCivilians && civilians_targeted {
            killed
                .by_category
                .insert(VictimCategory::Civilians, Count::exact(n));
        }
    }

    let admins: Vec<Option<AdminUnit>> = ["admin1", "admin2", "admin3"]
        .iter()
        .map(|c| row.opt(c).map(AdminUnit::named))
        .collect();
    let any_admin = admins.iter().any(|a| a.is_some());
    let mut ev = Event::new(date, sub, country, &ctx.by, ctx.now);
    ev.event_type = event_type;
    ev.external_ids = vec![ExternalId::new("acled", id)];
    ev.date_precision = date_precision;
    ev.location = Location {
        place_name: row.opt("location"),
        where_description: None,
        admin1: admins[0].clone(),
        admin2: admins[1].clone(),
        admin3: admins[2].clone(),
        admin_vintage: any_admin.then(|| "source".to_string()),
        admin_approximate: false,
        latitude,
        longitude,
        geo_precision,
        country: country.to_string(),
        priogrid_gid: None,
    };
    ev.violence_type = violence_type;
    ev.actors = actors;
    ev.casualties.killed = killed;
    ev.sources = split_list(row.get("source"))
        .into_iter()
        .map(|p| Source {
            publisher: p,
            ..Source::default()
        })
        .collect();
    ev.verification = VerificationStatus::Verified;
    ev.sensitivity = Sensitivity::Restricted;
    ev.notes = row.get("notes").to_string();
    ev.tags = split_list(row.get("tags"));
    ev.provenance = Some(Provenance {
        format: "acled".to_string(),
        batch_id: ctx.batch_id,
        original: row.original(),
    });
    Ok(ev)
}
