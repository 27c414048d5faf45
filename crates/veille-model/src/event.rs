//! The incident record.
//!
//! An [`Event`] is one incident: what happened, when, where, who did it to whom, how many
//! were harmed, who says so, and how sure we are. It reads like a codebook entry: every
//! field says what it means.

use crate::taxonomy::*;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// An identifier of the same incident in another dataset, written `scheme:id`, e.g.
/// `ged:12989` or `acled:MLI4111`. Re-importing a row with a known external id updates
/// the event it points to instead of creating a duplicate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExternalId(pub String);

impl ExternalId {
    /// Builds `scheme:id`.
    pub fn new(scheme: &str, id: &str) -> Self {
        ExternalId(format!("{scheme}:{}", id.trim()))
    }

    /// The scheme before the colon (`ged`, `acled`, ...).
    pub fn scheme(&self) -> &str {
        self.0.split_once(':').map(|(s, _)| s).unwrap_or("")
    }

    /// The identifier after the colon.
    pub fn local_id(&self) -> &str {
        self.0.split_once(':').map(|(_, id)| id).unwrap_or(&self.0)
    }
}

impl std::fmt::Display for ExternalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An administrative unit as the event records it: a name and, where known, a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AdminUnit {
    /// The unit's name as written in the source or gazetteer, e.g. "Mopti".
    pub name: String,
    /// The unit's code in the vintage named by [`Location::admin_vintage`], e.g. the
    /// GeoNames admin1 code "04" or an ISO 3166-2 code "ML-5"; `None` if unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl AdminUnit {
    /// A unit known only by name.
    pub fn named(name: impl Into<String>) -> Self {
        AdminUnit {
            name: name.into(),
            code: None,
        }
    }
}

/// Where an event happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Location {
    /// The place named by the source, e.g. "Ogossagou" (GED `where_coordinates`, ACLED
    /// `location`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_name: Option<String>,
    /// Free-text description of where, e.g. "Fina forest near Soribougou" (GED
    /// `where_description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub where_description: Option<String>,
    /// First-level administrative unit (region), e.g. Mopti.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin1: Option<AdminUnit>,
    /// Second-level administrative unit (cercle), e.g. Bankass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin2: Option<AdminUnit>,
    /// Third-level administrative unit (commune).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin3: Option<AdminUnit>,
    /// Which boundary vintage the admin codes come from, e.g. "naturalearth-pre2016" or
    /// "source" when copied verbatim from the imported dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_vintage: Option<String>,
    /// True when an admin unit was assigned approximately (from the nearest gazetteer
    /// place rather than a polygon).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub admin_approximate: bool,
    /// Latitude in decimal degrees (WGS84), −90..90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude in decimal degrees (WGS84), −180..180.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// How precisely the coordinates locate the event.
    pub geo_precision: GeoPrecision,
    /// ISO 3166-1 alpha-3 country code, e.g. "MLI".
    pub country: String,
    /// PRIO-GRID cell id (0.5° grid), when coordinates are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priogrid_gid: Option<u32>,
}

/// One actor's part in an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorParticipation {
    /// The actor registry id this participation resolves to, e.g. "jnim"; `None` when the
    /// name has not been resolved yet (it is then kept as text in `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// The actor's name exactly as the source wrote it, e.g. "JNIM: Group for Support of
    /// Islam and Muslims". Never rewritten.
    pub name: String,
    /// The role played: perpetrator, target or associated.
    pub role: ActorRole,
    /// The side of the event (A initiates), when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    /// How sure we are of this actor's involvement.
    pub attribution: Attribution,
    /// The ACLED actor type (inter code), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inter_code: Option<InterCode>,
    /// The actor's id in the source dataset, e.g. UCDP `side_a_new_id` "6716".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_actor_id: Option<String>,
}

/// A number with its uncertainty: `low ≤ best ≤ high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Count {
    /// The lowest credible figure.
    pub low: u32,
    /// The best estimate (ACLED uses the lowest reported number when sources conflict).
    pub best: u32,
    /// The highest credible figure.
    pub high: u32,
}

impl Count {
    /// A count known exactly: low = best = high = `n`.
    pub fn exact(n: u32) -> Self {
        Count {
            low: n,
            best: n,
            high: n,
        }
    }
}

/// One kind of harm (e.g. killed): a total and its breakdown by victim category.
///
/// `total` is `None` when no figure was reported at all, which is different from a
/// reported zero. Breakdown counts are in `by_category`; where a dataset gives only the
/// best estimate per category (UCDP GED), that category's low and high equal its best.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CasualtyFigure {
    /// The total over all victims, with its low and high estimates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Count>,
    /// The breakdown by victim category; categories not listed were not reported.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_category: BTreeMap<VictimCategory, Count>,
}

impl CasualtyFigure {
    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.total.is_none() && self.by_category.is_empty()
    }

    /// The best estimate of the total: `total.best`, or the sum of the categories when
    /// no total was given, or 0 when nothing was reported.
    pub fn best(&self) -> u32 {
        match self.total {
            Some(t) => t.best,
            None => self.by_category.values().map(|c| c.best).sum(),
        }
    }

    /// The best estimate for one victim category (0 if not reported).
    pub fn best_of(&self, cat: VictimCategory) -> u32 {
        self.by_category.get(&cat).map(|c| c.best).unwrap_or(0)
    }
}

/// Harm done to people in an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Casualties {
    /// People killed (fatalities).
    #[serde(default, skip_serializing_if = "CasualtyFigure::is_empty")]
    pub killed: CasualtyFigure,
    /// People injured or wounded.
    #[serde(default, skip_serializing_if = "CasualtyFigure::is_empty")]
    pub injured: CasualtyFigure,
    /// People kidnapped or abducted (hostages released are not casualties).
    #[serde(default, skip_serializing_if = "CasualtyFigure::is_empty")]
    pub abducted: CasualtyFigure,
    /// People missing.
    #[serde(default, skip_serializing_if = "CasualtyFigure::is_empty")]
    pub missing: CasualtyFigure,
}

impl Casualties {
    /// The four figures with their field names, for validation and display.
    pub fn figures(&self) -> [(&'static str, &CasualtyFigure); 4] {
        [
            ("killed", &self.killed),
            ("injured", &self.injured),
            ("abducted", &self.abducted),
            ("missing", &self.missing),
        ]
    }
}

/// A source that reports the event, graded on the Admiralty scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Source {
    /// Who published it, e.g. "Reuters", "MINUSMA", "community focal point".
    pub publisher: String,
    /// Where it can be read, if public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Its headline or title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Source reliability, A (completely reliable) to F (cannot be judged).
    #[serde(default)]
    pub reliability: Reliability,
    /// Information credibility, 1 (confirmed) to 6 (cannot be judged).
    #[serde(default)]
    pub credibility: Credibility,
}

impl Source {
    /// The combined Admiralty grade, e.g. "B2".
    pub fn grade(&self) -> String {
        format!("{}{}", self.reliability.label(), self.credibility.label())
    }
}

/// Who created and last changed a record, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audit {
    /// The user or process that created the record, e.g. "analyst@ngo" or "import".
    pub created_by: String,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// Who changed it last.
    pub updated_by: String,
    /// When it was last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl Audit {
    /// A record created now by `who`.
    pub fn new(who: &str, at: DateTime<Utc>) -> Self {
        Audit {
            created_by: who.to_string(),
            created_at: at,
            updated_by: who.to_string(),
            updated_at: at,
        }
    }
}

/// Where an imported event came from, kept verbatim so nothing of the original is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The format it was imported from: "ged", "ged-candidate", "acled", "veille".
    pub format: String,
    /// The import batch that brought it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<Uuid>,
    /// The original row, column name → raw text, exactly as read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub original: BTreeMap<String, String>,
}

/// One incident ("event").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// veille's own id, a UUIDv7 (time-ordered).
    pub id: Uuid,
    /// Ids of the same incident in other datasets, e.g. `ged:12989`, `acled:MLI4111`.
    #[serde(default)]
    pub external_ids: Vec<ExternalId>,
    /// First day the event may have happened.
    pub date_start: NaiveDate,
    /// Last day the event may have happened (equal to `date_start` for a known day).
    pub date_end: NaiveDate,
    /// How precisely the date is known.
    pub date_precision: DatePrecision,
    /// Where it happened.
    pub location: Location,
    /// ACLED event type.
    pub event_type: EventType,
    /// ACLED sub-event type, or one of veille's indirect-threat sub-types; must belong to
    /// `event_type`.
    pub sub_event_type: SubEventType,
    /// UCDP type of violence, where it applies or can be derived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violence_type: Option<ViolenceType>,
    /// The actors involved, each with role, side and attribution.
    #[serde(default)]
    pub actors: Vec<ActorParticipation>,
    /// Killed, injured, abducted and missing, with uncertainty and victim breakdown.
    #[serde(default)]
    pub casualties: Casualties,
    /// The sources that report it, graded.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// How far it has been verified; `retracted` is veille's delete.
    #[serde(default)]
    pub verification: VerificationStatus,
    /// Who may see it.
    #[serde(default)]
    pub sensitivity: Sensitivity,
    /// Free-text notes (ACLED `notes`; GED `source_headline` when no notes exist).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Free tags, e.g. "convoy", "market day".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The original imported row, if it came from a dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Who created and last changed it, and when.
    pub audit: Audit,
}

impl Event {
    /// A new, empty-handed event with a fresh UUIDv7, created by `who` now. Callers fill
    /// in the remaining fields; [`Event::validate`](crate::validate) checks them.
    pub fn new(
        date: NaiveDate,
        sub_event_type: SubEventType,
        country: &str,
        who: &str,
        now: DateTime<Utc>,
    ) -> Self {
        Event {
            id: Uuid::now_v7(),
            external_ids: Vec::new(),
            date_start: date,
            date_end: date,
            date_precision: DatePrecision::Day,
            location: Location {
                country: country.to_string(),
                geo_precision: GeoPrecision::Country,
                ..Location::default()
            },
            event_type: sub_event_type.event_type(),
            sub_event_type,
            violence_type: None,
            actors: Vec::new(),
            casualties: Casualties::default(),
            sources: Vec::new(),
            verification: VerificationStatus::Unverified,
            sensitivity: Sensitivity::default(),
            notes: String::new(),
            tags: Vec::new(),
            provenance: None,
            audit: Audit::new(who, now),
        }
    }

    /// True when the event has been retracted (veille's delete).
    pub fn is_retracted(&self) -> bool {
        self.verification == VerificationStatus::Retracted
    }

    /// Best estimate of people killed.
    pub fn killed_best(&self) -> u32 {
        self.casualties.killed.best()
    }

    /// True for records about victims: violence against civilians, or any casualty figure
    /// given. Their exact location is shown only to roles allowed to see it (DOMAIN.md §8).
    pub fn is_victim_related(&self) -> bool {
        self.event_type == EventType::ViolenceAgainstCivilians
            || self.casualties.figures().iter().any(|(_, f)| !f.is_empty())
    }

    /// The perpetrators (role = perpetrator).
    pub fn perpetrators(&self) -> impl Iterator<Item = &ActorParticipation> {
        self.actors
            .iter()
            .filter(|a| a.role == ActorRole::Perpetrator)
    }

    /// All actor names, joined, for text search.
    pub fn actor_text(&self) -> String {
        self.actors
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}
