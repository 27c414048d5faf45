//! # veille-store
//!
//! The [`Store`] trait and its two implementations: [`sqlite::SqliteStore`] (the embedded
//! default, one file, WAL) and [`postgres::PgStore`] (multi-user deployments). Both run
//! the same migrations for their dialect (`migrations/sqlite`, `migrations/postgres`) and
//! must give identical answers to the same calls: the shared story test proves it.
//!
//! "Nothing is lost": every create, update and retraction writes a [`Revision`] with a
//! field-level diff. A bulk import writes one [`ImportBatch`] that its events point to,
//! instead of one revision per row; re-importing an external id that already exists
//! updates that event with a revision, or skips it when nothing changed.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;
use uuid::Uuid;
use veille_model::{Event, EventType, ImportBatch, Revision};

pub mod auth;
mod common;
mod engine;
pub mod postgres;
pub mod rollup;
pub mod sqlite;

pub use postgres::{PgImportSession, PgStore};
pub use sqlite::{SqliteImportSession, SqliteStore};

/// Opens a store from a URL or a path: `postgres://…` or `postgresql://…` connects to
/// PostgreSQL; `sqlite://PATH` or a plain path opens (creating if needed) a SQLite file.
/// Any other `scheme://` is [`StoreError::UnsupportedUrl`] (with any password hidden).
/// Migrations run in both cases.
pub async fn open(url_or_path: &str) -> Result<Arc<dyn Store>> {
    Ok(open_with_auth(url_or_path).await?.0)
}

pub use auth::{ApiToken, AuthError, AuthStore, Session, User};
pub use rollup::{CellKey, CellTally, RebuildStats, RollupContributor, RollupQuery, RollupStatus};

/// Opens a store (see [`open`]) together with its user and session side, for the server.
pub async fn open_with_auth(url_or_path: &str) -> Result<(Arc<dyn Store>, Arc<dyn AuthStore>)> {
    if url_or_path.starts_with("postgres://") || url_or_path.starts_with("postgresql://") {
        let s = Arc::new(PgStore::connect(url_or_path).await?);
        return Ok((s.clone(), s));
    }
    let path = match url_or_path.strip_prefix("sqlite://") {
        Some(p) => p,
        None if url_or_path.contains("://") => {
            return Err(StoreError::UnsupportedUrl(common::redact_url(url_or_path)))
        }
        None => url_or_path,
    };
    let s = Arc::new(SqliteStore::open(Path::new(path)).await?);
    Ok((s.clone(), s))
}

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No event has this id.
    #[error("no event with id {0}")]
    NotFound(Uuid),
    /// The event breaks a model rule.
    #[error("invalid event {id}: {errors}")]
    Invalid {
        /// The event's id.
        id: Uuid,
        /// What is wrong.
        errors: veille_model::ValidationErrors,
    },
    /// An external id is already attached to a different event.
    #[error("external id {external_id} already belongs to event {existing}")]
    DuplicateExternalId {
        /// The external id.
        external_id: String,
        /// The event that already has it.
        existing: Uuid,
    },
    /// An event with this id already exists (on create).
    #[error("an event with id {0} already exists")]
    AlreadyExists(Uuid),
    /// The event was already retracted.
    #[error("event {0} is already retracted")]
    AlreadyRetracted(Uuid),
    /// A retraction needs a reason.
    #[error("a retraction needs a reason")]
    ReasonRequired,
    /// The database URL is not one this program understands.
    #[error("unsupported database URL '{0}': use a file path, sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// A stored document could not be decoded (corruption or a newer schema).
    #[error("stored record {id} could not be decoded: {reason}")]
    Corrupt {
        /// The record id.
        id: String,
        /// The decoder's message.
        reason: String,
    },
    /// No draft has this id.
    #[error("no draft with id {0}")]
    DraftNotFound(Uuid),
    /// The draft was already accepted or rejected.
    #[error("draft {id} is already {status}")]
    DraftDecided {
        /// The draft.
        id: Uuid,
        /// What was decided: `accepted` or `rejected`.
        status: DraftStatus,
    },
    /// A rejection needs a reason.
    #[error("a rejection needs a reason")]
    RejectReasonRequired,
    /// An event cannot be merged with itself.
    #[error("cannot merge event {0} with itself")]
    MergeWithItself(Uuid),
    /// A retracted event cannot take part in a merge.
    #[error("cannot merge event {0}: it is retracted")]
    MergeRetracted(Uuid),
    /// The event was already merged into another one.
    #[error("event {id} is already merged into {into}")]
    AlreadyMerged {
        /// The merged event.
        id: Uuid,
        /// Its survivor.
        into: Uuid,
    },
    /// Unmerge of an event that is not merged into another.
    #[error("event {0} was never merged into another event")]
    NotMerged(Uuid),
    /// Unmerge of an event whose survivor was itself merged since.
    #[error("event {id} was merged into {survivor}, which is now merged into {into}: unmerge {survivor} first")]
    SurvivorMerged {
        /// The event to unmerge.
        id: Uuid,
        /// Its survivor.
        survivor: Uuid,
        /// Where the survivor went.
        into: Uuid,
    },
    /// The persisted rollups do not reflect every write.
    #[error("rollups are out of date ({0}): run `veille rollup rebuild`")]
    RollupsStale(String),
    /// A rollup rebuild needs a contributor (the POC rules).
    #[error("no rollup contributor is attached to this store: open it through veille (the POC rules) to rebuild rollups")]
    NoRollupContributor,
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Result alias for the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Which events to list. Every field is optional; all given fields must match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventFilter {
    /// Events whose `date_end` is on or after this day.
    pub date_from: Option<NaiveDate>,
    /// Events whose `date_start` is on or before this day.
    pub date_to: Option<NaiveDate>,
    /// ISO3 country code, exact.
    pub country: Option<String>,
    /// Admin1 name, case-insensitive exact match.
    pub admin1: Option<String>,
    /// ACLED event type.
    pub event_type: Option<EventType>,
    /// Substring of any actor name, case-insensitive.
    pub actor_text: Option<String>,
    /// Substring of notes, place name, where-description, actor names or source
    /// headlines, case-insensitive.
    pub text: Option<String>,
    /// Include retracted events (default: no).
    pub include_retracted: bool,
    /// Only events at or below this sensitivity (the caller's clearance). `None`: all.
    #[serde(default)]
    pub max_sensitivity: Option<veille_model::Sensitivity>,
    /// Include events merged into another event (default: no; see [`Store::merge_events`]).
    #[serde(default)]
    pub include_merged: bool,
    /// At most this many events (default: all).
    pub limit: Option<u64>,
    /// Skip this many events first (ordering: date_start, then id).
    pub offset: Option<u64>,
    /// Newest first (date_start, then id, descending): the map's default, so that a capped
    /// answer holds the latest events, not the oldest.
    #[serde(default)]
    pub newest_first: bool,
}

/// One event as the map shows it: what [`Store::map_points`] reads from the `events`
/// columns, enough to draw, colour, label and (for victim-related records) blur a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPoint {
    /// Event id.
    pub id: Uuid,
    /// First day.
    pub date_start: NaiveDate,
    /// ACLED event type.
    pub event_type: EventType,
    /// ACLED sub-event type.
    pub sub_event_type: veille_model::SubEventType,
    /// Best estimate of people killed.
    pub killed: u32,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// How precise the point is.
    pub geo_precision: veille_model::GeoPrecision,
    /// Admin1 name.
    pub admin1: Option<String>,
    /// Admin2 name.
    pub admin2: Option<String>,
    /// Admin1 code (GeoNames), for blurring.
    pub admin1_code: Option<String>,
    /// Admin2 code (GeoNames), for blurring.
    pub admin2_code: Option<String>,
    /// Verification status.
    pub verification: veille_model::VerificationStatus,
    /// [`Event::is_victim_related`](veille_model::Event::is_victim_related).
    pub victim_related: bool,
}

/// One analyst edit to reference data (an actor registry edit today; user places, aliases
/// and boundaries later), as persisted by [`Store::append_reference_edit`]. Edits are
/// append-only: replaying every edit of a kind in `seq` order onto the shipped reference
/// data reproduces the edited data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceEdit {
    /// Unique id (UUIDv7).
    pub id: Uuid,
    /// Position within its kind: 1, 2, 3…
    pub seq: u64,
    /// What is edited, e.g. `"actor"`.
    pub kind: String,
    /// The record the edit is about within its kind, e.g. the actor id `"jnim"`.
    pub key: String,
    /// The edit itself (for `"actor"`: a `veille_actors::RegistryEdit` as JSON).
    pub payload: serde_json::Value,
    /// Who made it.
    pub by: String,
    /// When it was stored.
    pub at: DateTime<Utc>,
    /// Why, if given.
    pub reason: Option<String>,
}

/// One actor over a span of days, for the family queries: events whose `date_start` is
/// within `[from, to]` (inclusive; `None` is open) and that involve `actor_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorSpan {
    /// Actor registry id, e.g. `"jnim"`.
    pub actor_id: String,
    /// First day (inclusive), or open.
    pub from: Option<NaiveDate>,
    /// Last day (inclusive), or open.
    pub to: Option<NaiveDate>,
}

/// One version of a protection record (an early warning, a response action, an
/// analyst's override), as stored by [`Store::put_protection_record`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProtectionRecord {
    /// What it is, e.g. `"warning"`.
    pub kind: String,
    /// Its stable key within the kind.
    pub key: String,
    /// 1, 2, 3… per record.
    pub version: u64,
    /// The record itself, as JSON.
    pub doc: serde_json::Value,
    /// Who wrote this version.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, if given.
    pub reason: Option<String>,
}

/// Where a draft is in the review queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftStatus {
    /// Waiting for an analyst.
    Draft,
    /// Accepted: an event was created from it.
    Accepted,
    /// Rejected, with a reason.
    Rejected,
}

impl DraftStatus {
    /// The stored lower-case name.
    pub fn code(self) -> &'static str {
        match self {
            DraftStatus::Draft => "draft",
            DraftStatus::Accepted => "accepted",
            DraftStatus::Rejected => "rejected",
        }
    }

    /// Parses the stored name.
    pub fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "draft" => DraftStatus::Draft,
            "accepted" => DraftStatus::Accepted,
            "rejected" => DraftStatus::Rejected,
            _ => return None,
        })
    }
}

impl std::fmt::Display for DraftStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A draft to put in the review queue: what an extractor (or an analyst with a JSON
/// file) proposes, with the report it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDraft {
    /// The proposed event.
    pub event: Event,
    /// Per-field evidence (confidence, character spans), as the extractor wrote it.
    #[serde(default)]
    pub evidence: serde_json::Value,
    /// The original report text.
    pub report_text: String,
    /// The report's source, graded on the Admiralty scale.
    pub source: veille_model::Source,
}

/// A stored draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The draft's id (UUIDv7).
    pub id: Uuid,
    /// Where it is in the queue.
    pub status: DraftStatus,
    /// The proposed event (as proposed; the accepted version is the event `event_id`).
    pub event: Event,
    /// Per-field evidence.
    pub evidence: serde_json::Value,
    /// The original report text.
    pub report_text: String,
    /// The report's graded source.
    pub source: veille_model::Source,
    /// Who queued it.
    pub created_by: String,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// The event created by accepting it.
    pub event_id: Option<Uuid>,
}

/// One step in a draft's life: `create`, `accept` or `reject`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftRevision {
    /// The revision's id (UUIDv7).
    pub id: Uuid,
    /// The draft.
    pub draft_id: Uuid,
    /// 1, 2, …
    pub seq: u32,
    /// `create`, `accept` or `reject`.
    pub action: String,
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why (mandatory for a rejection).
    pub reason: Option<String>,
    /// For an accept: the analyst's edits to the proposed event (empty when accepted as
    /// proposed).
    pub changes: Vec<veille_model::FieldChange>,
}

/// A merge of one event into another, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeRecord {
    /// The merge's id (UUIDv7).
    pub id: Uuid,
    /// The event that stays visible and received the union.
    pub survivor: Uuid,
    /// The event marked merged-into-survivor.
    pub absorbed: Uuid,
    /// Who merged.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, if given.
    pub reason: Option<String>,
    /// When it was undone, if it was.
    pub undone_at: Option<DateTime<Utc>>,
}

/// One actor of a [`DedupRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DedupActor {
    /// Registry id, when resolved.
    pub actor_id: Option<String>,
    /// The name as written.
    pub name: String,
    /// Its role.
    pub role: veille_model::ActorRole,
}

impl DedupActor {
    /// `actors` in a canonical order (role, id, name), so that both backends and
    /// [`DedupRecord::from_event`] agree.
    pub fn sorted(mut actors: Vec<DedupActor>) -> Vec<DedupActor> {
        actors.sort_by(|a, b| (a.role, &a.actor_id, &a.name).cmp(&(b.role, &b.actor_id, &b.name)));
        actors
    }
}

/// The slim projection of an event that deduplication needs: no provenance, sources or
/// notes. [`DedupRecord::from_event`] is the one derivation from an event; the store's
/// [`Store::dedup_records`] reads the same fields from its scalar columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DedupRecord {
    /// The event id.
    pub id: Uuid,
    /// First possible day.
    pub date_start: NaiveDate,
    /// Last possible day.
    pub date_end: NaiveDate,
    /// Date precision.
    pub date_precision: veille_model::DatePrecision,
    /// Latitude, if known.
    pub latitude: Option<f64>,
    /// Longitude, if known.
    pub longitude: Option<f64>,
    /// Admin1 name.
    pub admin1: Option<String>,
    /// Admin2 name.
    pub admin2: Option<String>,
    /// The place name as the source wrote it (compared folded when a side has no
    /// coordinates).
    #[serde(default)]
    pub place_name: Option<String>,
    /// Event type.
    pub event_type: EventType,
    /// Sub-event type.
    pub sub_event_type: veille_model::SubEventType,
    /// Best estimate of people killed (0 when none reported).
    pub killed_best: u32,
    /// The actors.
    pub actors: Vec<DedupActor>,
    /// The datasets the event's external ids come from (their schemes, e.g. `ged`,
    /// `acled`), sorted and distinct. A dataset does not list one incident twice.
    pub datasets: Vec<String>,
}

impl DedupRecord {
    /// The projection of `e`.
    pub fn from_event(e: &Event) -> Self {
        DedupRecord {
            id: e.id,
            date_start: e.date_start,
            date_end: e.date_end,
            date_precision: e.date_precision,
            latitude: e.location.latitude,
            longitude: e.location.longitude,
            admin1: e.location.admin1.as_ref().map(|a| a.name.clone()),
            admin2: e.location.admin2.as_ref().map(|a| a.name.clone()),
            place_name: e.location.place_name.clone(),
            event_type: e.event_type,
            sub_event_type: e.sub_event_type,
            killed_best: e.killed_best(),
            actors: DedupActor::sorted(
                e.actors
                    .iter()
                    .map(|a| DedupActor {
                        actor_id: a.actor_id.clone(),
                        name: a.name.clone(),
                        role: a.role,
                    })
                    .collect(),
            ),
            datasets: DedupRecord::datasets_of(&e.external_ids),
        }
    }

    /// The sorted, distinct schemes of `ids`.
    pub fn datasets_of(ids: &[veille_model::ExternalId]) -> Vec<String> {
        let mut v: Vec<String> = ids.iter().map(|x| x.scheme().to_string()).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Which events [`Store::dedup_records`] returns: live (not retracted, not merged)
/// events with `id > after`, ordered by id, at most `limit`, optionally only those whose
/// dates overlap `[date_from, date_to]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DedupQuery {
    /// Keyset cursor: only ids greater than this.
    pub after: Option<Uuid>,
    /// Page size (default 10,000).
    pub limit: Option<u64>,
    /// Events whose `date_end` is on or after this day.
    pub date_from: Option<NaiveDate>,
    /// Events whose `date_start` is on or before this day.
    pub date_to: Option<NaiveDate>,
}

/// What happened to one event offered to an import session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpsertOutcome {
    /// A new event was created (pointing to the batch).
    Created(Uuid),
    /// An event with the same external id existed and was updated, with a revision.
    Updated(Uuid),
    /// An event with the same external id existed and had the same content: skipped.
    Unchanged(Uuid),
}

/// Counts for `veille stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Events not retracted.
    pub events: u64,
    /// Retracted events.
    pub retracted: u64,
    /// Sum of best killed estimates over non-retracted events.
    pub killed_best: u64,
    /// Earliest `date_start`.
    pub first_date: Option<NaiveDate>,
    /// Latest `date_end`.
    pub last_date: Option<NaiveDate>,
    /// Non-retracted events per event type label, sorted by label.
    pub by_type: Vec<(String, u64)>,
    /// Non-retracted events per admin1 name (empty name for unknown), sorted by name.
    pub by_admin1: Vec<(String, u64)>,
    /// Non-retracted events per year.
    pub by_year: Vec<(i32, u64)>,
    /// Number of import batches.
    pub import_batches: u64,
    /// Number of revisions.
    pub revisions: u64,
}

/// A bulk import in progress: one database transaction. Nothing is visible to others
/// until [`ImportSession::commit`]; dropping or [`ImportSession::rollback`] leaves the
/// database as it was.
#[async_trait]
pub trait ImportSession: Send {
    /// Offers a chunk of valid events. Each event must carry at least one external id;
    /// events whose external id is already stored update that event (keeping its id and
    /// creation audit) or are skipped when unchanged. Outcomes are in input order.
    async fn upsert_chunk(&mut self, events: Vec<Event>) -> Result<Vec<UpsertOutcome>>;

    /// Writes the final batch record (with its row counts) and commits everything.
    async fn commit(self: Box<Self>, batch: &ImportBatch) -> Result<()>;

    /// Abandons the import; nothing is written.
    async fn rollback(self: Box<Self>) -> Result<()>;
}

/// Where veille keeps its records. Implemented for SQLite and PostgreSQL.
#[async_trait]
pub trait Store: Send + Sync {
    /// Which engine this is.
    fn backend(&self) -> Backend;

    /// Creates an event by hand (revision action `create`). Fails if invalid or if one
    /// of its external ids already belongs to another event.
    async fn create_event(&self, event: &Event, by: &str, reason: Option<&str>)
        -> Result<Revision>;

    /// Replaces an event's content (revision action `update`, with the field-level diff).
    /// Returns `None` when nothing changed. The stored audit's created_* is kept; its
    /// updated_* becomes `by` and now.
    async fn update_event(
        &self,
        event: &Event,
        by: &str,
        reason: Option<&str>,
    ) -> Result<Option<Revision>>;

    /// Retracts an event (veille's delete): verification becomes `retracted`, the record
    /// stays, and the reason is kept in its revision. The reason must not be empty.
    async fn retract_event(&self, id: Uuid, by: &str, reason: &str) -> Result<Revision>;

    /// One event by id, retracted or not.
    async fn get_event(&self, id: Uuid) -> Result<Option<Event>>;

    /// The event that carries this external id, e.g. `ged:12989`.
    async fn find_by_external_id(&self, external_id: &str) -> Result<Option<Uuid>>;

    /// Events matching the filter, ordered by date_start then id.
    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<Event>>;

    /// How many events match the filter (ignoring limit and offset).
    async fn count_events(&self, filter: &EventFilter) -> Result<u64>;

    /// How many events match the filter (ignoring limit and offset), counting no further
    /// than `cap`: a result equal to `cap` means "`cap` or more". Costs at most `cap`
    /// index entries, where an exact count over a million events reads them all.
    async fn count_events_upto(&self, filter: &EventFilter, cap: u64) -> Result<u64>;

    /// A number that changes whenever events, protection records, reference edits or the
    /// rollup state are written, by any process (database triggers keep it). Reads keyed
    /// by it can be cached: an unchanged version means those tables are unchanged. Read
    /// it before the data it guards.
    async fn data_version(&self) -> Result<u64>;

    /// The map's slim projection of the events matching the filter (only those with
    /// coordinates), ordered like [`Store::list_events`]: read from columns, never from
    /// the documents.
    async fn map_points(&self, filter: &EventFilter) -> Result<Vec<MapPoint>>;

    /// An event's revisions, oldest first. For an imported event the first entry is an
    /// `import` revision synthesised from its batch (file, sha256) rather than stored
    /// per row.
    async fn history(&self, id: Uuid) -> Result<Vec<Revision>>;

    /// Summary counts.
    async fn stats(&self) -> Result<Stats>;

    /// Starts a bulk import for `batch` (its counts are filled at commit).
    async fn begin_import(&self, batch: &ImportBatch) -> Result<Box<dyn ImportSession>>;

    /// All import batches, oldest first.
    async fn import_batches(&self) -> Result<Vec<ImportBatch>>;

    /// One import batch.
    async fn import_batch(&self, id: Uuid) -> Result<Option<ImportBatch>>;

    /// Appends an analyst edit to reference data of `kind` (e.g. `"actor"`) about the
    /// record `key`, numbered one past the last edit of that kind. Nothing is ever
    /// updated or deleted in place. The caller validates `payload` before.
    async fn append_reference_edit(
        &self,
        kind: &str,
        key: &str,
        payload: &serde_json::Value,
        by: &str,
        reason: Option<&str>,
    ) -> Result<ReferenceEdit>;

    /// Every edit of `kind`, oldest first (by `seq`).
    async fn reference_edits(&self, kind: &str) -> Result<Vec<ReferenceEdit>>;

    /// How many events match `filter` (ignoring limit and offset) and involve one of the
    /// `spans`' actors with the event's `date_start` inside that span. Each event counts
    /// once. One SQL query; no spans means 0.
    async fn count_events_for_actors(
        &self,
        spans: &[ActorSpan],
        filter: &EventFilter,
    ) -> Result<u64>;

    /// The events counted by [`Store::count_events_for_actors`], ordered by date_start
    /// then id, with the filter's limit and offset.
    async fn list_events_for_actors(
        &self,
        spans: &[ActorSpan],
        filter: &EventFilter,
    ) -> Result<Vec<Event>>;

    /// Actor names not resolved to the registry (`actor_id` unset) over non-retracted
    /// events, with the number of events naming each: most frequent first, then by name
    /// (byte order).
    async fn unresolved_actor_names(&self) -> Result<Vec<(String, u64)>>;

    /// Writes the current version of a protection record (`kind` e.g. `"warning"`,
    /// `key` its stable id): inserted as version 1, or replaced as version n + 1 when its
    /// document changed, the new version also appended to the record's history. Returns
    /// `None` (and writes nothing) when the document is unchanged.
    async fn put_protection_record(
        &self,
        kind: &str,
        key: &str,
        doc: &serde_json::Value,
        by: &str,
        reason: Option<&str>,
    ) -> Result<Option<ProtectionRecord>>;

    /// The current version of every record of `kind`, ordered by key.
    async fn protection_records(&self, kind: &str) -> Result<Vec<ProtectionRecord>>;

    /// Every version of one record, oldest first.
    async fn protection_history(&self, kind: &str, key: &str) -> Result<Vec<ProtectionRecord>>;
    /// Queues a draft (status `draft`, revision `create`). The proposed event is not
    /// validated here (drafts may be incomplete); accepting validates it.
    async fn create_draft(&self, draft: &NewDraft, by: &str) -> Result<Draft>;

    /// Drafts with this status (all when `None`), oldest first.
    async fn list_drafts(&self, status: Option<DraftStatus>) -> Result<Vec<Draft>>;

    /// One draft.
    async fn get_draft(&self, id: Uuid) -> Result<Option<Draft>>;

    /// Accepts a draft, as proposed or as `edited` (same event id as the draft's event):
    /// creates the event (its `create` revision says "accepted from draft …"), adds the
    /// report's source to it when missing, and records an `accept` draft revision with
    /// the analyst's edits. Fails with [`StoreError::DraftDecided`] when already decided.
    async fn accept_draft(&self, id: Uuid, edited: Option<&Event>, by: &str) -> Result<Event>;

    /// Rejects a draft with a mandatory reason ([`StoreError::RejectReasonRequired`]).
    async fn reject_draft(&self, id: Uuid, reason: &str, by: &str) -> Result<Draft>;

    /// A draft's revisions, oldest first.
    async fn draft_history(&self, id: Uuid) -> Result<Vec<DraftRevision>>;

    /// A page of the slim dedup projection (see [`DedupQuery`]).
    async fn dedup_records(&self, query: &DedupQuery) -> Result<Vec<DedupRecord>>;

    /// Merges `absorbed` into `survivor`: the survivor gets the union of external ids,
    /// sources and tags (revision `update`, reason "merged: absorbed …"); the absorbed
    /// event is kept unchanged but marked merged-into-survivor (hidden from lists and
    /// stats) with its own revision. Both documents before the merge are kept.
    async fn merge_events(
        &self,
        survivor: Uuid,
        absorbed: Uuid,
        by: &str,
        reason: Option<&str>,
    ) -> Result<MergeRecord>;

    /// Undoes the merge that absorbed `absorbed`: it becomes visible again, its external
    /// ids return to it, and what the merge added to the survivor is removed. With no
    /// edit in between, both events are field-identical to what they were before.
    async fn unmerge_event(
        &self,
        absorbed: Uuid,
        by: &str,
        reason: Option<&str>,
    ) -> Result<MergeRecord>;

    /// The survivor an event is merged into, if it is.
    async fn merged_into(&self, id: Uuid) -> Result<Option<Uuid>>;

    /// Every merge touching `id` (as survivor or absorbed), oldest first.
    async fn merges_of(&self, id: Uuid) -> Result<Vec<MergeRecord>>;

    /// Attaches the rollup contributor: from now on every event write maintains the
    /// persisted rollups in the same transaction (see [`rollup`]).
    fn attach_rollups(&self, contributor: Arc<dyn RollupContributor>);

    /// Rollup cells matching `query`, summed over the sensitivities the query allows;
    /// only non-empty cells. [`StoreError::RollupsStale`] when the cells cannot be
    /// trusted.
    async fn rollup_cells(&self, query: &RollupQuery) -> Result<Vec<(CellKey, CellTally)>>;

    /// Whether the rollups are current, and how big they are.
    async fn rollup_status(&self) -> Result<RollupStatus>;

    /// Recomputes every rollup cell from the stored events with the attached
    /// contributor, in one transaction. `progress` is called with the number of events
    /// read so far.
    async fn rebuild_rollups(&self, progress: &(dyn Fn(u64) + Send + Sync))
        -> Result<RebuildStats>;
}
