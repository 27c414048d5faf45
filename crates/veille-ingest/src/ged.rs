//! UCDP GED reader: the annual release (`active_year` 1/0) and the monthly candidate
//! files (`active_year` true/false), all 49 columns, streamed row by row.
//!
//! **Where a column becomes a field:** [`map_ged_row`]. Rules worth knowing:
//! - `adm_1`/`adm_2` lose their unit word ("Mopti region" → "Mopti"); the raw text stays
//!   in the provenance, and `admin_vintage` is `"source"`.
//! - side A is the perpetrator (side A), side B the target (side B), attribution
//!   `stated`. A "Government of …" side is State forces when its Gleditsch–Ward code
//!   (`gwnoa`/`gwnob`, first code) is the event country's, else External/Other forces.
//! - killed total = `low`/`best`/`high`. The breakdown puts `deaths_a`/`deaths_b` under
//!   the side's kind (own government → state forces, foreign government → international
//!   forces, UN mission → peacekeepers, civilians → civilians, else non-state armed),
//!   `deaths_civilians` under civilians and `deaths_unknown` under unknown. GED gives only
//!   a best figure per category, so each category has low = high = best.
//! - sources come from the parallel `;`-separated `source_office`/`source_date`/
//!   `source_headline` lists, graded F6 (cannot be judged): GED does not grade sources.
//! - verification: release rows `verified`; candidate `Clear` → `partially_verified`,
//!   any other candidate `code_status` → `unverified`. Sensitivity `public`.
//! - notes = `source_headline` (the model's rule when no notes exist).
//! - Columns with no model field of their own are kept only in `provenance.original`
//!   (the whole row is always kept): relid, year, conflict_*, dyad_*, side_*_dset_id,
//!   number_of_sources (checked: −1 or more; −1 means pre-1997), source_original,
//!   geom_wkt, country (name), region, event_clarity. `active_year` decides the
//!   provenance format (`ged` for 1/0, `ged-candidate` for true/false); `gwnoa`/`gwnob`
//!   decide the inter codes; `source_article` is read when the lists have no office.
//! - UCDP defines `best` as the sum of the four deaths columns. In 13 rows of the GED
//!   23.1 global sample `low` or `high` misses that `best` by exactly one (a rounding
//!   quirk in UCDP's own data). When `best` equals the sum and the miss is exactly one,
//!   the interval is widened to include `best`, the event is tagged
//!   [`LOW_HIGH_ADJUSTED_TAG`], and the original figures stay in the provenance. Any
//!   other break of `low ≤ best ≤ high` rejects the row.

use crate::common::{parse_date, EventReader, MapContext, ParsedRow};
use crate::countries;
use crate::csvread::{CsvRows, Row};
use crate::error::{IngestError, RowError};
use std::io::Read;
use veille_model::*;

/// Tag on events whose UCDP `low`/`high` were widened by one to include `best`.
pub const LOW_HIGH_ADJUSTED_TAG: &str = "ucdp-low-high-adjusted";

/// UCDP's off-by-one quirk: when `best` is the sum of the deaths columns and `low` or
/// `high` misses it by exactly one, widen the interval to include it. Returns the
/// (possibly) adjusted low and high, and whether anything changed.
pub fn widen_off_by_one(low: u32, best: u32, high: u32, deaths_sum: u32) -> (u32, u32, bool) {
    if best != deaths_sum {
        return (low, high, false);
    }
    let new_low = if low == best + 1 { best } else { low };
    let new_high = if best > 0 && high == best - 1 {
        best
    } else {
        high
    };
    (new_low, new_high, new_low != low || new_high != high)
}

/// The 49 GED columns, in file order (defined once, in the model's codebook).
pub use veille_model::codebook::GED_COLUMNS;

/// True when a header looks like GED (has `relid`, `type_of_violence` and `side_a`).
pub fn is_ged_header(headers: &[String]) -> bool {
    ["relid", "type_of_violence", "side_a", "where_prec"]
        .iter()
        .all(|c| headers.iter().any(|h| h.eq_ignore_ascii_case(c)))
}

/// Streams events from a GED CSV file.
pub struct GedReader<R: Read> {
    rows: CsvRows<R>,
    ctx: MapContext,
    format: &'static str,
    first: Option<Result<crate::csvread::RawRow, IngestError>>,
}

impl<R: Read> GedReader<R> {
    /// Reads and checks the header: every one of the 49 columns must be present.
    pub fn new(file: &str, input: R, ctx: MapContext) -> Result<Self, IngestError> {
        let rows = CsvRows::new(file, input)?;
        rows.require(&GED_COLUMNS)?;
        let mut rows = rows;
        // Peek at the first row: `active_year` true/false marks a candidate file.
        let first = rows.next_row();
        let mut format = "ged";
        if let (Some(Ok(raw)), Some(i)) = (&first, rows.col("active_year")) {
            let v = raw.fields.get(i).map(|s| s.trim().to_ascii_lowercase());
            if matches!(v.as_deref(), Some("true") | Some("false")) {
                format = "ged-candidate";
            }
        }
        Ok(GedReader {
            rows,
            ctx,
            format,
            first,
        })
    }
}

impl<R: Read> Iterator for GedReader<R> {
    type Item = Result<ParsedRow, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = match self.first.take() {
            Some(first) => first,
            None => self.rows.next_row()?,
        };
        Some(next.map(|raw| self.rows.parse(raw, |row| map_ged_row(row, &self.ctx))))
    }
}

impl<R: Read> EventReader for GedReader<R> {
    fn format(&self) -> &str {
        self.format
    }
    fn headers(&self) -> Vec<String> {
        self.rows.headers().to_vec()
    }
    fn bytes_read(&self) -> u64 {
        self.rows.bytes_read()
    }
    fn column_for(&self, field: &str, reason: &str) -> String {
        ged_column_for(field, reason)
    }
}

/// The GED column behind a model field path, for validation messages.
pub fn ged_column_for(field: &str, reason: &str) -> String {
    let col = match field {
        "date_start" => "date_start",
        "date_end" => "date_end",
        "sub_event_type" | "event_type" => "type_of_violence",
        "location.latitude" | "location" => "latitude",
        "location.longitude" => "longitude",
        "location.country" => "country_id",
        "casualties.killed.total" if reason.starts_with("low") => "low",
        "casualties.killed.total" => "high",
        "casualties.killed.civilians" => "deaths_civilians",
        "casualties.killed.unknown" => "deaths_unknown",
        f if f.starts_with("casualties.killed") => "deaths_a",
        f if f.starts_with("sources") => "source_office",
        f if f.starts_with("actors[0]") => "side_a",
        f if f.starts_with("actors[1]") => "side_b",
        f => f,
    };
    col.to_string()
}

/// Unit words GED appends to admin names ("Mopti region", "Bankass cercle").
const ADMIN_SUFFIXES: &[&str] = &[
    "region",
    "cercle",
    "province",
    "governorate",
    "state",
    "department",
    "département",
    "oblast",
    "zone",
    "republic",
    "district",
    "sub-district",
    "prefecture",
    "territory",
    "municipality",
    "county",
    "krai",
    "commune",
    "lga",
    "agency",
    "raion",
    "rayon",
    "regency",
    "constituency",
    "locality",
    "council",
];

/// Strips GED's trailing unit word: "Tombouctou region" → "Tombouctou".
pub fn strip_admin_suffix(name: &str) -> String {
    let t = name.trim();
    if let Some((head, last)) = t.rsplit_once(' ') {
        if ADMIN_SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(last)) && !head.trim().is_empty() {
            return head.trim().to_string();
        }
    }
    t.to_string()
}

/// What kind of party a GED side is, relative to the event's country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideKind {
    /// The government of the country where the event happened.
    OwnGovernment,
    /// Another country's government.
    ForeignGovernment,
    /// A UN mission.
    UnMission,
    /// Civilians (one-sided violence).
    Civilians,
    /// Any other organised group.
    NonState,
}

impl SideKind {
    /// Classifies a side from its name and Gleditsch–Ward code list (`gwnoa`/`gwnob`).
    pub fn of(name: &str, gwno: &str, country_gw: u16, country_name: &str) -> SideKind {
        let n = name.trim();
        if n.eq_ignore_ascii_case("civilians") {
            return SideKind::Civilians;
        }
        let lower = n.to_lowercase();
        if lower.starts_with("united nations") || lower.contains("minusma") || lower == "un" {
            return SideKind::UnMission;
        }
        if lower.starts_with("government of") {
            let first = gwno
                .split(',')
                .next()
                .and_then(|g| g.trim().parse::<u16>().ok());
            let own = match first {
                Some(g) => g == country_gw,
                None => {
                    !country_name.is_empty()
                        && lower
                            .starts_with(&format!("government of {}", country_name.to_lowercase()))
                }
            };
            return if own {
                SideKind::OwnGovernment
            } else {
                SideKind::ForeignGovernment
            };
        }
        SideKind::NonState
    }

    /// The ACLED actor type, where derivable.
    pub fn inter_code(self) -> Option<InterCode> {
        match self {
            SideKind::OwnGovernment => Some(InterCode::StateForces),
            SideKind::ForeignGovernment | SideKind::UnMission => {
                Some(InterCode::ExternalOtherForces)
            }
            SideKind::Civilians => Some(InterCode::Civilians),
            SideKind::NonState => None,
        }
    }

    /// The victim category its deaths count under.
    pub fn victim_category(self) -> VictimCategory {
        match self {
            SideKind::OwnGovernment => VictimCategory::StateForces,
            SideKind::ForeignGovernment => VictimCategory::InternationalForces,
            SideKind::UnMission => VictimCategory::Peacekeepers,
            SideKind::Civilians => VictimCategory::Civilians,
            SideKind::NonState => VictimCategory::NonStateArmed,
        }
    }
}

fn date(row: &Row, col: &str) -> Result<chrono::NaiveDate, RowError> {
    let s = row.get(col);
    parse_date(s).ok_or_else(|| row.err(col, format!("'{s}' is not a date (expected YYYY-MM-DD)")))
}

/// Sources from GED's parallel `;`-separated lists (falling back to the nested CSV in
/// `source_article` for headlines that themselves contain `;`).
fn ged_sources(row: &Row) -> Vec<Source> {
    let offices: Vec<&str> = row.get("source_office").split(';').collect();
    let dates: Vec<&str> = row.get("source_date").split(';').collect();
    let heads_raw = row.get("source_headline");
    let mut heads: Vec<String> = heads_raw.split(';').map(|s| s.trim().to_string()).collect();
    if row.get("source_office").is_empty() {
        // Old rows: only a bibliographic reference in source_article.
        let art = row.get("source_article");
        if art.is_empty() {
            return Vec::new();
        }
        return vec![Source {
            publisher: art.to_string(),
            ..Source::default()
        }];
    }
    if heads.len() != offices.len() {
        let from_article = article_headlines(row.get("source_article"));
        heads = if from_article.len() == offices.len() {
            from_article
        } else {
            vec![heads_raw.to_string()]
        };
    }
    offices
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.trim().is_empty())
        .map(|(i, o)| Source {
            publisher: o.trim().to_string(),
            url: None,
            date: dates.get(i).and_then(|d| parse_date(d)),
            headline: heads
                .get(i)
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty()),
            reliability: Reliability::F,
            credibility: Credibility::CannotBeJudged,
        })
        .collect()
}

/// Headlines from `source_article`'s nested CSV: `"Office,date,headline";"…"`.
fn article_headlines(article: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(b';')
        .flexible(true)
        .from_reader(article.as_bytes());
    for rec in rdr.records().flatten() {
        for item in rec.iter() {
            let parts: Vec<&str> = item.splitn(3, ',').collect();
            out.push(parts.get(2).unwrap_or(&"").trim().to_string());
        }
    }
    out
}

/// Maps one GED row to an event. **Every GED column is read here.**
pub fn map_ged_row(row: &Row, ctx: &MapContext) -> Result<Event, RowError> {
    let id = row.get("id");
    if id.is_empty() {
        return Err(row.err("id", "is empty"));
    }
    let candidate = match row.get("active_year").to_ascii_lowercase().as_str() {
        "1" | "0" => false,
        "true" | "false" => true,
        other => {
            return Err(row.err(
                "active_year",
                format!("'{other}' is not 1/0 (release) or true/false (candidate)"),
            ))
        }
    };
    let tov = row.get("type_of_violence");
    let violence = tov
        .parse::<u8>()
        .ok()
        .and_then(ViolenceType::from_ucdp_code)
        .ok_or_else(|| {
            row.err(
                "type_of_violence",
                format!("unknown type_of_violence '{tov}' (expected 1, 2 or 3)"),
            )
        })?;
    let sub = match violence {
        ViolenceType::StateBased | ViolenceType::NonState => SubEventType::ArmedClash,
        ViolenceType::OneSided => SubEventType::Attack,
    };
    let date_start = date(row, "date_start")?;
    let date_end = date(row, "date_end")?;
    let dp = row.u8("date_prec")?;
    let date_precision = DatePrecision::from_ged(dp)
        .ok_or_else(|| row.err("date_prec", format!("'{dp}' is not a GED date_prec (1-5)")))?;
    let wp = row.u8("where_prec")?;
    let geo_precision = GeoPrecision::from_ged(wp).ok_or_else(|| {
        row.err(
            "where_prec",
            format!("'{wp}' is not a GED where_prec (1-7)"),
        )
    })?;
    let cid = row.get("country_id");
    // country_id may list several codes for multi-country events; the first is the place.
    let gw: u16 = cid
        .split(',')
        .next()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| {
            row.err(
                "country_id",
                format!("'{cid}' is not a Gleditsch-Ward code"),
            )
        })?;
    let country = countries::iso3_from_gw(gw).ok_or_else(|| {
        row.err(
            "country_id",
            format!("unknown Gleditsch-Ward country code '{cid}'"),
        )
    })?;
    let latitude = row.latitude("latitude")?;
    let longitude = row.longitude("longitude")?;
    let priogrid_gid = row.opt_u32("priogrid_gid")?;

    let deaths_a = row.u32("deaths_a")?;
    let deaths_b = row.u32("deaths_b")?;
    let deaths_civ = row.u32("deaths_civilians")?;
    let deaths_unk = row.u32("deaths_unknown")?;
    let best = row.u32("best")?;
    let high = row.u32("high")?;
    let low = row.u32("low")?;
    let nsrc = row.get("number_of_sources");
    if !nsrc.is_empty() && nsrc.parse::<i64>().map(|n| n < -1).unwrap_or(true) {
        return Err(row.err(
            "number_of_sources",
            format!("'{nsrc}' is not a number of sources (-1 or more)"),
        ));
    }

    let country_name = row.get("country");
    let kind_a = SideKind::of(row.get("side_a"), row.get("gwnoa"), gw, country_name);
    let kind_b = SideKind::of(row.get("side_b"), row.get("gwnob"), gw, country_name);
    let actor = |col: &str, id_col: &str, kind: SideKind, role, side| ActorParticipation {
        actor_id: None,
        name: row.get(col).to_string(),
        role,
        side: Some(side),
        attribution: Attribution::Stated,
        inter_code: kind.inter_code(),
        source_actor_id: row.opt(id_col),
    };
    let actors = vec![
        actor(
            "side_a",
            "side_a_new_id",
            kind_a,
            ActorRole::Perpetrator,
            Side::A,
        ),
        actor(
            "side_b",
            "side_b_new_id",
            kind_b,
            ActorRole::Target,
            Side::B,
        ),
    ];

    let (low, high, adjusted) = widen_off_by_one(
        low,
        best,
        high,
        deaths_a + deaths_b + deaths_civ + deaths_unk,
    );
    let mut killed = CasualtyFigure {
        total: Some(Count { low, best, high }),
        ..CasualtyFigure::default()
    };
    for (cat, n) in [
        (kind_a.victim_category(), deaths_a),
        (kind_b.victim_category(), deaths_b),
        (VictimCategory::Civilians, deaths_civ),
        (VictimCategory::Unknown, deaths_unk),
    ] {
        let c = killed.by_category.entry(cat).or_default();
        *c = Count::exact(c.best + n);
    }

    let verification = if !candidate {
        VerificationStatus::Verified
    } else if row.get("code_status").eq_ignore_ascii_case("clear") {
        VerificationStatus::PartiallyVerified
    } else {
        VerificationStatus::Unverified
    };

    let admin = |col: &str| {
        row.opt(col).map(|s| AdminUnit {
            name: strip_admin_suffix(&s),
            code: None,
        })
    };
    let mut ev = Event::new(date_start, sub, country, &ctx.by, ctx.now);
    ev.external_ids = vec![ExternalId::new("ged", id)];
    ev.date_end = date_end;
    ev.date_precision = date_precision;
    ev.location = Location {
        place_name: row.opt("where_coordinates"),
        where_description: row.opt("where_description"),
        admin1: admin("adm_1"),
        admin2: admin("adm_2"),
        admin3: None,
        admin_vintage: Some("source".to_string()),
        admin_approximate: false,
        latitude,
        longitude,
        geo_precision,
        country: country.to_string(),
        priogrid_gid,
    };
    ev.violence_type = Some(violence);
    ev.actors = actors;
    ev.casualties.killed = killed;
    ev.sources = ged_sources(row);
    ev.verification = verification;
    ev.sensitivity = Sensitivity::Public;
    ev.notes = row.get("source_headline").to_string();
    if adjusted {
        ev.tags.push(LOW_HIGH_ADJUSTED_TAG.to_string());
    }
    ev.provenance = Some(Provenance {
        format: if candidate { "ged-candidate" } else { "ged" }.to_string(),
        batch_id: ctx.batch_id,
        original: row.original(),
    });
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_one_interval_is_widened_only_when_best_is_the_sum() {
        // GED 23.1 id 162326: low 3, best 2, high 2, deaths sum 2.
        assert_eq!(widen_off_by_one(3, 2, 2, 2), (2, 2, true));
        // id 193150: low 4, best 4, high 3.
        assert_eq!(widen_off_by_one(4, 4, 3, 4), (4, 4, true));
        // A miss of more than one is not a rounding quirk: left for validation to reject.
        assert_eq!(widen_off_by_one(9, 6, 9, 6), (9, 9, false));
        // best is not the sum of the deaths: left alone.
        assert_eq!(widen_off_by_one(3, 2, 2, 5), (3, 2, false));
        assert_eq!(widen_off_by_one(1, 2, 3, 2), (1, 3, false));
    }

    #[test]
    fn admin_suffixes_are_stripped() {
        assert_eq!(strip_admin_suffix("Tombouctou region"), "Tombouctou");
        assert_eq!(strip_admin_suffix("Niafunke cercle"), "Niafunke");
        assert_eq!(strip_admin_suffix("Gaza Strip"), "Gaza Strip");
        assert_eq!(strip_admin_suffix("region"), "region");
    }

    #[test]
    fn side_kinds() {
        assert_eq!(
            SideKind::of("Government of Mali", "432", 432, "Mali"),
            SideKind::OwnGovernment
        );
        assert_eq!(
            SideKind::of("Government of France", "220", 432, "Mali"),
            SideKind::ForeignGovernment
        );
        assert_eq!(
            SideKind::of(
                "Government of Mali, Government of Russia (Soviet Union)",
                "432, 365",
                432,
                "Mali"
            ),
            SideKind::OwnGovernment
        );
        assert_eq!(
            SideKind::of("Civilians", "", 432, "Mali"),
            SideKind::Civilians
        );
        assert_eq!(SideKind::of("JNIM", "", 432, "Mali"), SideKind::NonState);
    }
}
