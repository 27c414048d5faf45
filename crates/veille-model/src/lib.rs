//! # veille-model
//!
//! The domain types of veille, written to read like a codebook. Everything here is pure
//! data plus validation: no I/O, no database, no network.
//!
//! - [`taxonomy`]: the controlled vocabularies (ACLED event types, UCDP violence types,
//!   precision scales, Admiralty source grades, sensitivity levels, victim categories).
//! - [`event`]: the incident record ([`Event`]) and its parts.
//! - [`validate`]: the rules an event must satisfy, with exact messages.
//! - [`revision`]: revisions, field-level diffs and import batches ("nothing is lost").

pub mod codebook;
pub mod event;
pub mod revision;
pub mod taxonomy;
pub mod validate;

pub use event::{
    ActorParticipation, AdminUnit, Audit, Casualties, CasualtyFigure, Count, Event, ExternalId,
    Location, Provenance, Source,
};
pub use revision::{diff_events, FieldChange, ImportBatch, Revision, RevisionAction};
pub use taxonomy::{
    ActorRole, Attribution, Credibility, DatePrecision, EventType, GeoPrecision, InterCode,
    Reliability, Sensitivity, Side, SubEventType, UnknownValue, VerificationStatus, VictimCategory,
    ViolenceType,
};
pub use validate::{ValidationError, ValidationErrors};

/// ISO 3166-1 alpha-3 code of Mali, veille's first country.
pub const MALI_ISO3: &str = "MLI";
