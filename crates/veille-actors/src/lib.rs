//! # veille-actors
//!
//! The actor registry of veille: who the armed actors of the Mali/Sahel conflict are,
//! under which names (English, French, transliterated Arabic, ACLED and UCDP labels), how
//! they merged, split, renamed and allied over time, which dated designations apply to
//! them, and how a mention in a report or dataset resolves to them.
//!
//! - [`Registry::shipped`]: the seed registry embedded in the binary
//!   (`data/actors/registry.toml` + the UCDP Actor Dataset 22.1 + `ucdp_supplement.toml`),
//!   built once per process.
//! - [`Registry::resolve`] (text + optional date → scored candidates),
//!   [`Registry::resolve_exact_name`] and [`Registry::resolve_ucdp`] (fast paths for dataset
//!   names), [`UnresolvedLog`] (names to map).
//! - [`Registry::who_was`], [`Registry::genealogy`], [`Registry::family`],
//!   [`Registry::family_ids`] (rows a store turns into one SQL query).
//! - Validated in-memory edits: [`Registry::add_actor`], [`Registry::add_alias`],
//!   [`Registry::add_relation`], [`Registry::add_designation`]; each is recorded as a
//!   [`RegistryEdit`] for the store to persist as a revision.
//!
//! Do-no-harm: an actor's `community` (identity militias only) is used only to classify
//! inter-communal violence; it never infers a perpetrator and is never attached to places
//! or people.

pub mod bench;
pub mod dataset;
pub mod error;
pub mod model;
pub mod normalize;
pub mod query;
pub mod registry;
pub mod resolve;
pub mod ucdp;
pub mod unresolved;

pub use error::RegistryError;
pub use model::{
    Actor, ActorId, ActorKind, Alias, AliasKind, Designation, DesignationList, Lang, Origin,
    RegistryEdit, Relation, RelationKind,
};
pub use query::{FamilyMember, FamilyRow, Genealogy, GenealogyNode, Span, TimelineEntry, WhoWas};
pub use registry::Registry;
pub use resolve::{Candidate, Resolution, UNIDENTIFIED};
pub use unresolved::{UnresolvedLog, UnresolvedName};
