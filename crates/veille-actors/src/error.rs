//! Errors of the registry. Every message names the records involved.

use chrono::NaiveDate;

/// An error loading, editing or querying the registry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegistryError {
    /// A seed file could not be parsed.
    #[error("{file}: cannot parse: {message}")]
    Parse {
        /// The file.
        file: String,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A CSV file could not be read.
    #[error("{file} line {line}: {reason}")]
    Csv {
        /// The file.
        file: String,
        /// 1-based line (record) number.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// An actor id is taken.
    #[error("actor id '{id}' already exists: {existing}")]
    DuplicateActor {
        /// The id.
        id: String,
        /// The existing record.
        existing: String,
    },
    /// An actor id is unknown.
    #[error("{context}: unknown actor '{id}'")]
    UnknownActor {
        /// The id asked for.
        id: String,
        /// Which record refers to it.
        context: String,
    },
    /// An interval ends before it starts.
    #[error("{record}: the validity interval ends ({to}) before it starts ({from})")]
    BadInterval {
        /// The record(s) concerned, e.g. `relation "gspc" renamed_to "aqim"`.
        record: String,
        /// Start.
        from: NaiveDate,
        /// End.
        to: NaiveDate,
    },
    /// One alias would point to two actors at the same time.
    #[error(
        "alias \"{alias}\" of {actor} ({period}) conflicts with the same alias of {other} ({other_period}): one alias cannot point to two actors at the same time"
    )]
    DuplicateAlias {
        /// The alias text being added.
        alias: String,
        /// The actor it was to be added to.
        actor: String,
        /// Its validity.
        period: String,
        /// The actor that already holds it.
        other: String,
        /// That alias's validity.
        other_period: String,
    },
    /// The alias already exists on this actor.
    #[error("alias \"{alias}\" already belongs to {actor}")]
    AliasExists {
        /// The alias.
        alias: String,
        /// The actor.
        actor: String,
    },
    /// A genealogical relation would make an actor its own ancestor.
    #[error("relation {relation} would make {actor} its own ancestor; existing path: {path}")]
    Cycle {
        /// The refused relation.
        relation: String,
        /// The actor that would be its own ancestor.
        actor: String,
        /// The existing relations that close the loop.
        path: String,
    },
    /// A UCDP id is already mapped to another actor.
    #[error("UCDP ActorId {ucdp_id} of {actor} is already mapped to {other}")]
    DuplicateUcdpId {
        /// The UCDP id.
        ucdp_id: u32,
        /// The actor being added.
        actor: String,
        /// The actor that holds it.
        other: String,
    },
    /// Any other invalid record.
    #[error("{record}: {reason}")]
    Invalid {
        /// The record.
        record: String,
        /// Why.
        reason: String,
    },
}
